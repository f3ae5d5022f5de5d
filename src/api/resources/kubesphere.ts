// KubeSphere's own lists: workspaces, clusters and projects the current user may see.
// All are KubeSphere paged lists ({ items, totalItems }).
import { request, type RequestOptions } from '../client';
import type { ClusterContext } from '../cluster';
import type { Cluster, KsList, Namespace, WorkspaceTemplate } from '../models';
import { kapisPath, platformKapisPath, withQuery, type KsQuery } from '../paths';

type Opts = KsQuery & Pick<RequestOptions, 'signal' | 'timeout'>;

function split(opts: Opts): [KsQuery, Pick<RequestOptions, 'signal' | 'timeout'>] {
  const { signal, timeout, ...query } = opts;
  return [query, { signal, timeout }];
}

/** Workspaces the user belongs to (platform-wide, no cluster prefix). */
export function listWorkspaces(opts: Opts = {}): Promise<KsList<WorkspaceTemplate>> {
  const [q, o] = split(opts);
  return request('GET', withQuery(platformKapisPath('tenant.kubesphere.io', 'v1beta1', 'workspacetemplates'), q), o);
}

/** Clusters the user may access (tenant API; works for every user). */
export function listClusters(opts: Opts = {}): Promise<KsList<Cluster>> {
  const [q, o] = split(opts);
  return request('GET', withQuery(platformKapisPath('tenant.kubesphere.io', 'v1beta1', 'clusters'), q), o);
}

/** All clusters with details (platform admins only). */
export function listAllClusters(opts: Opts = {}): Promise<KsList<Cluster>> {
  const [q, o] = split(opts);
  return request('GET', withQuery(platformKapisPath('resources.kubesphere.io', 'v1alpha3', 'clusters'), q), o);
}

/**
 * Projects of a workspace on one cluster: `/clusters/{cluster}/kapis/tenant.kubesphere.io/v1beta1/workspaces/{ws}/namespaces`
 * (the cluster comes from the multi-cluster prefix; KubeSphere registers no `/workspaces/{ws}/clusters/{c}/namespaces`).
 */
export function listWorkspaceProjects(cluster: ClusterContext, workspace: string, opts: Opts = {}): Promise<KsList<Namespace>> {
  const [q, o] = split(opts);
  const path = kapisPath(cluster, 'tenant.kubesphere.io', 'v1beta1', 'workspaces', workspace, 'namespaces');
  return request('GET', withQuery(path, q), o);
}

/** Projects the user may access on a cluster, across workspaces. */
export function listMyProjects(cluster: ClusterContext, opts: Opts = {}): Promise<KsList<Namespace>> {
  const [q, o] = split(opts);
  return request('GET', withQuery(kapisPath(cluster, 'tenant.kubesphere.io', 'v1beta1', 'namespaces'), q), o);
}

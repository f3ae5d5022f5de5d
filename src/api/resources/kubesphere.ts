// KubeSphere's own lists: clusters and projects the current user may see. KubeSphere paged lists
// ({ items, totalItems }); the paths come from ../kubesphere-routes (with the KubeSphere source of each).
import { request, type RequestOptions } from '../client';
import type { ClusterContext } from '../cluster';
import { kubesphereRoutePath } from '../kubesphere-routes';
import type { Cluster, KsList, Namespace } from '../models';
import { withQuery, type KsQuery } from '../paths';

type Opts = KsQuery & Pick<RequestOptions, 'signal' | 'timeout'>;

function split(opts: Opts): [KsQuery, Pick<RequestOptions, 'signal' | 'timeout'>] {
  const { signal, timeout, ...query } = opts;
  return [query, { signal, timeout }];
}

/** Clusters the user may access (tenant API; works for every user; platform-wide, no cluster prefix). */
export function listClusters(opts: Opts = {}): Promise<KsList<Cluster>> {
  const [q, o] = split(opts);
  return request('GET', withQuery(kubesphereRoutePath('tenant.clusters'), q), o);
}

/**
 * Projects of a workspace on one cluster: `/clusters/{cluster}/kapis/tenant.kubesphere.io/v1beta1/workspaces/{ws}/namespaces`
 * (the cluster comes from the multi-cluster prefix; KubeSphere registers no `/workspaces/{ws}/clusters/{c}/namespaces`).
 */
export function listWorkspaceProjects(cluster: ClusterContext, workspace: string, opts: Opts = {}): Promise<KsList<Namespace>> {
  const [q, o] = split(opts);
  return request('GET', withQuery(kubesphereRoutePath('tenant.workspaceNamespaces', { workspace }, cluster), q), o);
}

/** Projects the user may access on a cluster, across workspaces. */
export function listMyProjects(cluster: ClusterContext, opts: Opts = {}): Promise<KsList<Namespace>> {
  const [q, o] = split(opts);
  return request('GET', withQuery(kubesphereRoutePath('tenant.namespaces', {}, cluster), q), o);
}

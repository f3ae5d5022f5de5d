// One builder for every Kubernetes path the extension requests:
//   core         /api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
//   group        /apis/{group}/{version}[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
// each with the /clusters/{cluster} prefix when the platform is multi-cluster (see ./cluster). KubeSphere's own
// paths (/kapis/…, /proxy/…) come from ./kubesphere-routes, the one list of them.
import { clusterPrefix, type ClusterContext } from './cluster';
import { kubesphereRoutePath, REVERSE_PROXY_PREFIX } from './kubesphere-routes';

/** Where a kind lives. group '' is the core group. */
export interface ResourceType {
  group: string;
  version: string;
  /** Plural, lower case: 'secrets', 'serviceaccounts'. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

export interface PathOptions {
  cluster?: ClusterContext;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const seg = (s: string) => encodeURIComponent(s);

/** The group/version root: '/api/v1' for core, '/apis/{g}/{v}' otherwise. */
export function groupVersionRoot(group: string, version: string): string {
  return group === '' ? `/api/${seg(version)}` : `/apis/${seg(group)}/${seg(version)}`;
}

/** The apiVersion string of a group/version ('v1' for core). */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Splits an apiVersion ('v1', 'apps/v1') into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/**
 * The path of a Kubernetes resource, collection or subresource.
 * A namespace on a cluster-scoped type is an error (it would address a different URL silently).
 * A namespaced type without a namespace addresses the all-namespaces collection (list/watch only).
 */
export function resourcePath(type: ResourceType, opts: PathOptions = {}): string {
  if (opts.namespace && !type.namespaced) {
    throw new Error(`${type.kind} is cluster-scoped: no namespace allowed`);
  }
  if (opts.subresource && !opts.name) throw new Error('a subresource needs a name');
  let p = clusterPrefix(opts.cluster) + groupVersionRoot(type.group, type.version);
  if (opts.namespace) p += `/namespaces/${seg(opts.namespace)}`;
  p += `/${seg(type.resource)}`;
  if (opts.name) p += `/${seg(opts.name)}`;
  if (opts.subresource) p += `/${seg(opts.subresource)}`;
  return p;
}

/** Kubernetes list/watch/write query parameters. */
export interface KubeQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  watch?: boolean;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
  /** 'All' runs admission and validation without persisting. */
  dryRun?: 'All';
  fieldManager?: string;
}

/** KubeSphere's paged list parameters (resources.kubesphere.io/v1alpha3 and tenant APIs). */
export interface KsQuery {
  labelSelector?: string;
  fieldSelector?: string;
  /** 1-based page. */
  page?: number;
  limit?: number;
  sortBy?: string;
  ascending?: boolean;
  /** KubeSphere's fuzzy name filter. */
  name?: string;
}

export type QueryValue = string | number | boolean | undefined | null;

/** Encodes a query string: undefined/null/'' values are left out; keys are kept in the given order. */
export function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Path plus encoded query. */
export function withQuery(path: string, query?: Record<string, QueryValue> | KubeQuery | KsQuery): string {
  return path + encodeQuery(query as Record<string, QueryValue> | undefined);
}

/**
 * A label or field selector from a map: { app: 'x', tier: 'web' } -> 'app=x,tier=web'.
 * A null value means "key exists" ('app'); keys are sorted so equal maps give equal strings (stable query keys).
 */
export function selector(match: Record<string, string | null> | undefined): string | undefined {
  if (!match) return undefined;
  const keys = Object.keys(match).sort();
  if (!keys.length) return undefined;
  return keys.map((k) => (match[k] === null ? k : `${k}=${match[k]}`)).join(',');
}

/**
 * A ks-apiserver `/proxy/…` path (a KubeSphere ReverseProxy) as the browser reaches it: through the console's
 * `/proxy-api/` pass-through, which checks (and refreshes) the session token before forwarding it
 * (@ks-console/server routes.js), with the multi-cluster prefix. `proxyPath` starts with /proxy/.
 */
export function reverseProxyPath(cluster: ClusterContext | undefined, proxyPath: string): string {
  if (!proxyPath.startsWith(REVERSE_PROXY_PREFIX)) throw new Error(`not a ReverseProxy path: ${proxyPath}`);
  return `/proxy-api${kubesphereRoutePath('proxy', { path: proxyPath.slice(REVERSE_PROXY_PREFIX.length) }, cluster)}`;
}

// Every KubeSphere API path Harbor Connect calls, each with the KubeSphere v4.1.3 source that serves it
// (github.com/kubesphere/kubesphere at tag v4.1.3). This is the only place such a path is written: the functions in
// ./resources/kubesphere.ts, the verify check and the probe build their paths from here, and
// src/api/kubesphere-routes.test.ts fails when a KubeSphere path is written anywhere else or a request matches no
// entry. Kubernetes' own /api and /apis paths (which ks-apiserver proxies to kube-apiserver with its own
// credentials, after its own authorization) are built by ./paths.ts; the one KubeSphere CRD the product writes,
// ReverseProxy, is listed here too.
//
// `cluster`: whether the console sends the path with the multi-cluster prefix /clusters/{cluster}
// (pkg/apiserver/filters/multicluster.go strips it for the host cluster and forwards it to a member cluster's
// ks-apiserver otherwise). KubeSphere 4.1 runs in multi-cluster mode even with one cluster (see ./cluster.ts).
import { clusterPrefix, type ClusterContext } from './cluster';

export type KubeSphereRouteId =
  | 'tenant.clusters'
  | 'tenant.namespaces'
  | 'tenant.workspaceNamespaces'
  | 'resources.verifyRegistrySecret'
  | 'reverseproxies'
  | 'reverseproxy'
  | 'proxy';

export interface KubeSphereRoute {
  methods: ReadonlyArray<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>;
  /** The path as the product sends it (without /clusters/{cluster}); {name} is one segment, {path*} the rest. */
  path: string;
  cluster: 'prefixed' | 'platform';
  /** The file of kubesphere/kubesphere v4.1.3 that registers (or defines) it. */
  source: string;
  /** What that file registers, as written there. */
  registers: string;
  /** What the product uses it for. */
  use: string;
}

export const KUBESPHERE_ROUTES: Readonly<Record<KubeSphereRouteId, KubeSphereRoute>> = {
  'tenant.clusters': {
    methods: ['GET'],
    path: '/kapis/tenant.kubesphere.io/v1beta1/clusters',
    cluster: 'platform',
    source: 'pkg/kapis/tenant/v1beta1/register.go',
    registers: 'ws.GET("/clusters") To(h.ListClusters)',
    use: 'the workspace page: clusters the user may access',
  },
  'tenant.namespaces': {
    methods: ['GET'],
    path: '/kapis/tenant.kubesphere.io/v1beta1/namespaces',
    cluster: 'prefixed',
    source: 'pkg/kapis/tenant/v1beta1/register.go',
    registers: 'ws.GET("/namespaces") To(h.ListNamespaces)',
    use: 'the wizard: projects the user may see on the cluster',
  },
  'tenant.workspaceNamespaces': {
    methods: ['GET'],
    path: '/kapis/tenant.kubesphere.io/v1beta1/workspaces/{workspace}/namespaces',
    cluster: 'prefixed',
    source: 'pkg/kapis/tenant/v1beta1/register.go',
    registers: 'ws.GET("/workspaces/{workspace}/namespaces") To(h.ListNamespaces)',
    use: 'the workspace page: projects of the workspace on the chosen cluster',
  },
  'resources.verifyRegistrySecret': {
    methods: ['POST'],
    path: '/kapis/resources.kubesphere.io/v1alpha3/namespaces/{namespace}/registrysecrets/{secret}/verify',
    cluster: 'prefixed',
    source: 'pkg/kapis/resources/v1alpha3/register.go',
    registers: 'ws.POST("/namespaces/{namespace}/registrysecrets/{secret}/verify") To(h.VerifyImageRepositorySecret), marked Deprecate()',
    use: 'the wizard: KubeSphere logs in to the registry with the credential in the request body (never stored)',
  },
  reverseproxies: {
    methods: ['GET', 'POST'],
    path: '/apis/extensions.kubesphere.io/v1alpha1/reverseproxies',
    cluster: 'prefixed',
    source: 'config/ks-core/charts/ks-crds/crds/extensions.kubesphere.io_reverseproxies.yaml',
    registers: 'CustomResourceDefinition reverseproxies.extensions.kubesphere.io (scope Cluster, no status subresource)',
    use: 'probe objects: create, and list ours by label (leftovers, credential check)',
  },
  reverseproxy: {
    methods: ['GET', 'DELETE'],
    path: '/apis/extensions.kubesphere.io/v1alpha1/reverseproxies/{name}',
    cluster: 'prefixed',
    source: 'config/ks-core/charts/ks-crds/crds/extensions.kubesphere.io_reverseproxies.yaml',
    registers: 'CustomResourceDefinition reverseproxies.extensions.kubesphere.io (scope Cluster, no status subresource)',
    use: 'probe objects: delete (uid precondition), also on pagehide',
  },
  proxy: {
    methods: ['GET'],
    path: '/proxy/{path*}',
    cluster: 'prefixed',
    source: 'pkg/apiserver/filters/reverseproxy.go',
    registers: 'WithReverseProxy: requestInfo.Path with prefix extensionsv1alpha1.ProxyPrefix ("/proxy", staging/src/kubesphere.io/api/extensions/v1alpha1/constants.go)',
    use: 'the probe: GET through the console\'s /proxy-api pass-through (console server/routes.js), which checks the session',
  },
};

const enc = encodeURIComponent;

/** ks-apiserver's ReverseProxy prefix (extensionsv1alpha1.ProxyPrefix), with its trailing slash. */
export const REVERSE_PROXY_PREFIX = '/proxy/';

/**
 * The path of a route with its parameters filled in (each segment encoded; {path*} keeps its slashes), with the
 * multi-cluster prefix for cluster routes. Throws on a missing parameter: a path is never built half-filled.
 */
export function kubesphereRoutePath(id: KubeSphereRouteId, params: Record<string, string> = {}, cluster?: ClusterContext): string {
  const route = KUBESPHERE_ROUTES[id];
  const filled = route.path.replace(/\{(\w+)(\*?)\}/g, (_m, name: string, rest: string) => {
    const v = params[name];
    if (v === undefined || v === '') throw new Error(`${id}: parameter ${name} is required`);
    return rest ? v.replace(/^\/+/, '').split('/').map(enc).join('/') : enc(v);
  });
  return route.cluster === 'prefixed' ? clusterPrefix(cluster) + filled : filled;
}

function templateRegExp(path: string): RegExp {
  const body = path
    .split(/(\{\w+\*?\})/)
    .map((part) => (/^\{\w+\*\}$/.test(part) ? '.+' : /^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/**
 * Which route a request is (as the browser sends it: with /proxy-api and /clusters/{c} prefixes and a query),
 * or undefined for a path that is not a KubeSphere path of this list.
 */
export function matchKubeSphereRoute(method: string, url: string): KubeSphereRouteId | undefined {
  const path = url.split('?')[0]!.replace(/^\/proxy-api(?=\/)/, '').replace(/^\/clusters\/[^/]+(?=\/)/, '');
  for (const [id, route] of Object.entries(KUBESPHERE_ROUTES) as Array<[KubeSphereRouteId, KubeSphereRoute]>) {
    if (route.methods.includes(method.toUpperCase() as never) && templateRegExp(route.path).test(path)) return id;
  }
  return undefined;
}

// Which cluster a request goes to, and whether it needs the /clusters/{name} prefix.
//
// KubeSphere's console prefixes every cluster-scoped request with /clusters/{cluster} whenever the
// platform runs in multi-cluster mode (the host cluster included) and never in single-cluster mode
// (shared/utils getClusterUrl + checker.isMultiCluster: `ksConfig.multicluster.clusterRole !== 'none'`).
// ks-apiserver's multicluster filter answers the prefixed path for the host cluster locally, so
// "prefix iff multi-cluster" is correct for host and member clusters alike. The cluster name comes
// from the route (:cluster); multi-cluster mode from globals.ksConfig, read once per context.

export interface ClusterContext {
  /** The cluster's name as in the route (`/clusters/:cluster`). */
  name: string;
  /** True when the platform is multi-cluster: every request then carries /clusters/{name}. */
  multiCluster: boolean;
}

/** The console's own test for multi-cluster mode; false outside the console (no globals). */
export function isMultiCluster(): boolean {
  if (typeof globals === 'undefined' || !globals?.ksConfig) return false;
  return globals.ksConfig.multicluster?.clusterRole !== 'none';
}

/** The context for a cluster named in the route. */
export function clusterContext(name: string, multiCluster: boolean = isMultiCluster()): ClusterContext {
  return { name, multiCluster };
}

/** The URL prefix for this cluster: '' in single-cluster mode, '/clusters/{name}' otherwise. */
export function clusterPrefix(cluster: ClusterContext | undefined): string {
  if (!cluster || !cluster.multiCluster) return '';
  return `/clusters/${encodeURIComponent(cluster.name)}`;
}

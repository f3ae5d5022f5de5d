// Which cluster a request goes to, and whether it needs the /clusters/{name} prefix.
//
// KubeSphere's console prefixes every cluster-scoped request with /clusters/{cluster} whenever the
// platform runs in multi-cluster mode (the host cluster included) and never in single-cluster mode
// (console v4.1.3 packages/shared/src/utils/checker.ts:
// `isMultiCluster = () => globals.ksConfig?.multicluster?.clusterRole !== 'none'`).
// KubeSphere 4.1 is multi-cluster even with one cluster: ks-core's kubesphere-config renders
// `multicluster.clusterRole: host` and `hostClusterName: host` by default, so every request carries
// /clusters/host. ks-apiserver's multicluster filter strips the prefix for the host cluster and serves the
// request locally, so "prefix iff multi-cluster" is correct for host and member clusters alike. The cluster
// name comes from the route (:cluster); multi-cluster mode from globals.ksConfig, read once per context.

export interface ClusterContext {
  /** The cluster's name as in the route (`/clusters/:cluster`). */
  name: string;
  /** True when the platform is multi-cluster: every request then carries /clusters/{name}. */
  multiCluster: boolean;
}

/**
 * The console's own test for multi-cluster mode: anything but `clusterRole: 'none'` (a missing ksConfig
 * included) is multi-cluster. False only outside the console (no globals at all: tests, Node).
 */
export function isMultiCluster(): boolean {
  if (typeof globals === 'undefined' || !globals) return false;
  return globals.ksConfig?.multicluster?.clusterRole !== 'none';
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

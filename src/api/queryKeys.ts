// Query keys: ['harbor-connect', <cluster>, <resource>, <namespace slot>, <op>, ...].
// The cluster is in every key (element 1), so two clusters never share a cache entry and one cluster's
// data can be dropped at once. Namespace slot: a namespace, ALL_NAMESPACES for a namespaced kind listed
// across namespaces, CLUSTER_SCOPED for cluster-scoped kinds. Platform-wide lists (clusters, workspaces)
// use the PLATFORM cluster slot.

export const ROOT = 'harbor-connect' as const;
export const ALL_NAMESPACES = '*' as const;
export const CLUSTER_SCOPED = '-' as const;
export const PLATFORM = '@platform' as const;

export interface ListParams {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  /** true when the query fetched every page (listAll). */
  all?: boolean;
  /** true when the query read metadata only (listMetadata): a different shape from a full list. */
  metadataOnly?: boolean;
}

export interface KsListParams {
  labelSelector?: string;
  fieldSelector?: string;
  page?: number;
  limit?: number;
  sortBy?: string;
  ascending?: boolean;
  name?: string;
}

export interface AccessParams {
  verb: string;
  group?: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** Drops undefined values so that {a: undefined} and {} are the same key. */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function nsSlot(namespaced: boolean, namespace: string | undefined): string {
  if (!namespaced) return CLUSTER_SCOPED;
  return namespace || ALL_NAMESPACES;
}

export const queryKeys = {
  /** Everything cached for a cluster. */
  cluster: (cluster: string) => [ROOT, cluster] as const,
  /** Everything cached for one resource type on a cluster. */
  resource: (cluster: string, resource: string) => [ROOT, cluster, resource] as const,
  /** Everything for a resource in one namespace slot (lists and objects). */
  scope: (cluster: string, resource: string, ns: string) => [ROOT, cluster, resource, ns] as const,
  /** Kubernetes lists (all params variants) in a namespace slot. */
  lists: (cluster: string, resource: string, ns: string) => [ROOT, cluster, resource, ns, 'list'] as const,
  list: (cluster: string, resource: string, ns: string, params: ListParams = {}) =>
    [ROOT, cluster, resource, ns, 'list', clean(params)] as const,
  /** KubeSphere paged lists in a namespace slot. */
  ksLists: (cluster: string, resource: string, ns: string) => [ROOT, cluster, resource, ns, 'kslist'] as const,
  ksList: (cluster: string, resource: string, ns: string, params: KsListParams = {}) =>
    [ROOT, cluster, resource, ns, 'kslist', clean(params)] as const,
  object: (cluster: string, resource: string, ns: string, name: string) =>
    [ROOT, cluster, resource, ns, 'object', name] as const,
  access: (cluster: string, params: AccessParams) =>
    [ROOT, cluster, 'access', params.namespace || CLUSTER_SCOPED, 'access', clean({ ...params, group: params.group ?? '' })] as const,
  /** Platform-wide: clusters the user may access. */
  clusters: () => [ROOT, PLATFORM, 'clusters', CLUSTER_SCOPED, 'kslist'] as const,
  workspaces: () => [ROOT, PLATFORM, 'workspacetemplates', CLUSTER_SCOPED, 'kslist'] as const,
  /** Projects of a workspace on a cluster (cluster in slot 1 like every other key). */
  workspaceProjects: (cluster: string, workspace: string) =>
    [ROOT, cluster, 'namespaces', ALL_NAMESPACES, 'workspace', workspace] as const,
  /**
   * Composite reads (several requests behind one key), named by what they are for. Most sit under a resource they
   * read (slot 2), so a write's invalidation of that resource covers them; those holding Secrets are under 'secrets'
   * (isSecretKey and an apply's invalidation of Secrets cover them).
   */
  composite: {
    /** What the wizard's plan is built from (src/features/wizard/load.ts). */
    wizardCurrent: (cluster: string, registryId: string, params: { projects: readonly string[]; secretName: string; bindDefaultServiceAccount: boolean }) =>
      [ROOT, cluster, 'secrets', ALL_NAMESPACES, 'wizard-current', registryId, clean({ ...params, projects: [...params.projects] })] as const,
    /** A registry's record and every Secret made from it (src/features/wizard/load.ts fetchRegistryCopies). */
    registryCopies: (cluster: string, registryId: string) => [ROOT, cluster, 'secrets', ALL_NAMESPACES, 'registry-copies', registryId] as const,
    /** What removing a registry touches, planned (src/features/wizard/RegistryMaintenance.tsx). */
    registryRemoval: (cluster: string, registryId: string) => [ROOT, cluster, 'secrets', ALL_NAMESPACES, 'registry-removal', registryId] as const,
    /** Our ReverseProxies of a registry after the visit's clean-up of leftovers (src/features/health/sources.ts). */
    probeObjects: (cluster: string, registryId: string) =>
      [ROOT, cluster, 'reverseproxies', CLUSTER_SCOPED, 'list', { composite: 'probe-objects', registry: registryId }] as const,
    /** The projects the user may use on a cluster (listMyProjects; the wizard's pickers). */
    myProjects: (cluster: string) => [ROOT, cluster, 'namespaces', CLUSTER_SCOPED, 'list', { composite: 'my-projects' }] as const,
    /** The health panel's own probe of a registry: `what` it asked, `version` of the record it probed with. */
    healthProbe: (cluster: string, registryId: string, what: string, version: string) => [ROOT, cluster, 'probe', registryId, what, version] as const,
    /**
     * The registries list (records, managed Secrets' metadata, installers, nodes: src/features/registries/data.ts).
     * Under the Secrets lists of all namespaces, so a Secret written anywhere refreshes it (invalidateChanged).
     */
    registryList: (cluster: string) => [ROOT, cluster, 'secrets', ALL_NAMESPACES, 'list', { composite: 'registry-list' }] as const,
    /**
     * Pods named by failure events, with their ReplicaSets and workloads (src/features/health/sources.ts): under the
     * pods lists of their namespace slot, so a pod written or deleted refreshes it.
     */
    failingPods: (cluster: string, namespace: string | undefined, pods: readonly string[]) =>
      [ROOT, cluster, 'pods', namespace || ALL_NAMESPACES, 'list', { composite: 'failing-pods', pods: [...pods] }] as const,
    /**
     * The cert-manager issuers a registry's Certificate may name: the ClusterIssuers and the Issuers of `namespace`
     * (src/features/health/sources.ts fetchIssuerChoices). Under the Issuers lists of that namespace.
     */
    issuerChoices: (cluster: string, namespace: string) =>
      [ROOT, cluster, 'issuers', namespace, 'list', { composite: 'issuer-choices' }] as const,
  },
};

/** True for any key this extension made for Secrets (any cluster). */
export function isSecretKey(key: readonly unknown[]): boolean {
  return key[0] === ROOT && key[2] === 'secrets';
}

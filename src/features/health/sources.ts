// What the health panel reads, as plain async functions (the panel's hooks and bench/health-requests.ts call
// the same ones). Every list is cluster-wide and label-selected (or one namespace when the panel is scoped to a
// project), so a registry bound in 500 projects costs the same number of requests as one bound in 1. Lists are
// not paged (no limit): one response each, so the count does not grow with the size of the cluster either.
import type { Event, Node, Pod, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { DaemonSet, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import {
  ApiError,
  certificates,
  clusterIssuers,
  daemonSets,
  events,
  isForbidden,
  isNotFound,
  issuers,
  networkPolicies,
  nodes,
  pods,
  queryKeys,
  removeProbeLeftovers,
  replicaSets,
  deployments,
  statefulSets,
  reverseProxies,
  runRegistryProbe,
  secrets,
  serviceAccounts,
  type Certificate,
  type ClusterContext,
  type LeftoverCleanup,
  type ReverseProxy,
} from '../../api';
import { normalizeRegistryAddress } from '../../domain/registry';
import { mapLimit } from '../../domain/async';
import type { Workload } from '../../domain/binding';
import { carriesCredential, type ProbePathTag } from '../../domain/registry/probe';
import { managedSelector, MANAGED_BY_LABEL, MANAGED_BY_VALUE, REGISTRY_LABEL } from '../../domain/plan/labels';
import {
  COMPONENT_LABEL,
  DEFAULT_EXTENSION_NAMESPACE,
  parseRegistryRecord,
  RECORD_COMPONENT,
  recordSecretName,
  type RegistryRecord,
} from '../../domain/record';
import { TRUST_COMPONENT } from '../../domain/trust';
import {
  issuerChoices,
  type CertManagerState,
  type HealthProbe,
  type IssuerChoice,
  type ProbeObjects,
  type Readable,
} from '../../domain/health';

export type { HealthProbe, Readable };

export const EXT_NS = DEFAULT_EXTENSION_NAMESPACE;
/** Default freshness of a check; the certificate changes rarely. */
export const STALE_MS = 60_000;
export const CERT_STALE_MS = 10 * 60_000;

type Opts = { signal?: AbortSignal };


async function readable<T>(p: Promise<T>): Promise<Readable<T>> {
  try {
    return { ok: true, items: await p };
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'canceled') throw error;
    return { ok: false, forbidden: isForbidden(error), error };
  }
}

export interface RegistrySecrets {
  record?: RegistryRecord;
  recordError?: string;
  /** This registry's pull secrets (managed, no component label), with data. */
  pullSecrets: Secret[];
}

const isPullSecret = (s: Secret) => {
  const l = s.metadata?.labels ?? {};
  return l[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && !l[COMPONENT_LABEL];
};

/**
 * Cluster mode: ONE cluster-wide request returns the record (in the extension namespace) and every pull secret.
 * Project mode: the project's pull secrets, plus a get of the record (a project admin usually may not read it).
 */
export async function fetchRegistrySecrets(cluster: ClusterContext, registryId: string, namespace?: string, o: Opts = {}): Promise<RegistrySecrets> {
  const labelSelector = managedSelector(registryId);
  if (!namespace) {
    const list = await secrets.list(cluster, { labelSelector, signal: o.signal });
    const items = list.items as Secret[];
    const rec = items.find((s) => s.metadata?.namespace === EXT_NS && s.metadata?.labels?.[COMPONENT_LABEL] === RECORD_COMPONENT);
    const parsed = rec ? parseRegistryRecord(rec) : undefined;
    return {
      record: parsed?.ok ? parsed.record : undefined,
      recordError: parsed && !parsed.ok ? parsed.reason : rec ? undefined : 'missing',
      pullSecrets: items.filter((s) => s.metadata?.namespace !== EXT_NS && isPullSecret(s)),
    };
  }
  const [list, rec] = await Promise.all([
    secrets.list(cluster, { namespace, labelSelector, signal: o.signal }),
    readable(secrets.get(cluster, recordSecretName(registryId), { namespace: EXT_NS, signal: o.signal })),
  ]);
  const parsed = rec.ok ? parseRegistryRecord(rec.items) : undefined;
  return {
    record: parsed?.ok ? parsed.record : undefined,
    recordError: parsed && !parsed.ok ? parsed.reason : rec.ok ? undefined : rec.forbidden ? 'forbidden' : 'missing',
    pullSecrets: (list.items as Secret[]).filter(isPullSecret),
  };
}

/** Installer pods and pull-test pods of the registry: both carry the managed + registry labels. */
export async function fetchRegistryPods(cluster: ClusterContext, registryId: string, namespace?: string, o: Opts = {}): Promise<Readable<Pod[]>> {
  if (namespace) {
    // A project admin cannot see the installer's pods; the pull-test pods are in the project.
    return readable(pods.list(cluster, { namespace, labelSelector: managedSelector(registryId), signal: o.signal }).then((l) => l.items as Pod[]));
  }
  return readable(pods.list(cluster, { labelSelector: managedSelector(registryId), signal: o.signal }).then((l) => l.items as Pod[]));
}

const installerSelector = (registryId: string) => `${managedSelector(registryId)},${COMPONENT_LABEL}=${TRUST_COMPONENT}`;

/**
 * The installer DaemonSet. Only asked for when no installer pod exists: when pods exist, everything the status
 * needs of the DaemonSet (its uid, its tolerations) is on them, which saves a request on every healthy load.
 */
export async function fetchInstaller(cluster: ClusterContext, registryId: string, o: Opts = {}): Promise<Readable<DaemonSet | undefined>> {
  return readable(
    daemonSets
      .list(cluster, { namespace: EXT_NS, labelSelector: installerSelector(registryId), signal: o.signal })
      .then((l) => (l.items as DaemonSet[])[0]),
  );
}

export async function fetchNodes(cluster: ClusterContext, o: Opts = {}): Promise<Readable<Node[]>> {
  return readable(nodes.list(cluster, { signal: o.signal }).then((l) => l.items as Node[]));
}

export async function fetchServiceAccounts(cluster: ClusterContext, namespace?: string, o: Opts = {}): Promise<Readable<ServiceAccount[]>> {
  return readable(serviceAccounts.list(cluster, { namespace, signal: o.signal }).then((l) => l.items as ServiceAccount[]));
}

/** Pull failures: ONE request for reason=Failed events (cluster-wide or the project), filtered by host client-side. */
export async function fetchFailedEvents(cluster: ClusterContext, namespace?: string, o: Opts = {}): Promise<Readable<Event[]>> {
  return readable(events.list(cluster, { namespace, fieldSelector: 'reason=Failed', signal: o.signal }).then((l) => l.items as Event[]));
}

export interface FailingPodObjects {
  pods: Pod[];
  replicaSets: ReplicaSet[];
  /** Deployments, StatefulSets and DaemonSets owning them, with `kind` set. */
  workloads: Workload[];
}

/**
 * What tells whether pods refused by the registry were created before their pull secret was bound: each pod (one
 * GET each, at most REFUSED_PODS_MAX), its ReplicaSet, and the workload that owns it. A pod or owner gone since the
 * event is left out; any other error makes the whole read unreadable (the panel then keeps the generic causes).
 */
export async function fetchFailingPodObjects(cluster: ClusterContext, refs: ReadonlyArray<{ namespace: string; name: string }>, o: Opts = {}): Promise<Readable<FailingPodObjects>> {
  const getOr404 = async <T>(p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const controller = (m: { ownerReferences?: Array<{ controller?: boolean; kind: string; name: string }> } | undefined) => m?.ownerReferences?.find((r) => r.controller);
  const unique = <T>(list: Array<T | undefined>, key: (t: T) => string): T[] => [...new Map(list.filter((t): t is T => !!t).map((t) => [key(t), t])).values()];
  return readable(
    (async () => {
      const found = (await mapLimit(refs, 8, (r) => getOr404(pods.get(cluster, r.name, { namespace: r.namespace, signal: o.signal })))).filter((p): p is Pod => !!p);
      const rsRefs = unique(
        found.map((p) => {
          const c = controller(p.metadata);
          return c?.kind === 'ReplicaSet' ? { namespace: p.metadata?.namespace ?? '', name: c.name } : undefined;
        }),
        (r) => `${r.namespace}/${r.name}`,
      );
      const rss = (await mapLimit(rsRefs, 8, (r) => getOr404(replicaSets.get(cluster, r.name, { namespace: r.namespace, signal: o.signal })))).filter((r): r is ReplicaSet => !!r);
      const client = { Deployment: deployments, StatefulSet: statefulSets, DaemonSet: daemonSets } as const;
      type OwnerKind = keyof typeof client;
      const owned = [...found, ...rss].map((obj) => {
        const ref = controller(obj.metadata);
        return ref && ref.kind in client ? { namespace: obj.metadata?.namespace ?? '', kind: ref.kind as OwnerKind, name: ref.name } : undefined;
      });
      const owners = unique(owned, (r) => `${r.namespace}/${r.kind}/${r.name}`);
      const workloads = await mapLimit(owners, 8, async (w) => {
        const obj = await getOr404<unknown>(client[w.kind].get(cluster, w.name, { namespace: w.namespace, signal: o.signal }));
        return obj ? ({ ...(obj as object), kind: w.kind } as Workload) : undefined;
      });
      return { pods: found, replicaSets: rss, workloads: workloads.filter((w): w is Workload => !!w) };
    })(),
  );
}

export async function fetchNetworkPolicies(cluster: ClusterContext, namespace?: string, o: Opts = {}): Promise<Readable<NetworkPolicy[]>> {
  return readable(networkPolicies.list(cluster, { namespace, signal: o.signal }).then((l) => l.items as NetworkPolicy[]));
}


/** cert-manager: the registry's Certificates by label. A 404 on the list means the CRD is not installed. */
export async function fetchCertManager(cluster: ClusterContext, registryId: string, o: Opts = {}): Promise<CertManagerState<Certificate>> {
  try {
    const l = await certificates.list(cluster, { labelSelector: managedSelector(registryId), signal: o.signal });
    return { installed: true, certificates: l.items };
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'canceled') throw error;
    if (isNotFound(error)) return { installed: false };
    return { installed: 'unknown', error };
  }
}

/**
 * What a registry's Certificate may be issued by: the ClusterIssuers and the Issuers of the extension namespace.
 * Either list unreadable (no CRD, forbidden) counts as empty.
 */
export async function fetchIssuerChoices(cluster: ClusterContext, o: Opts = {}): Promise<IssuerChoice[]> {
  const [a, b] = await Promise.all([
    clusterIssuers.list(cluster, { signal: o.signal }).then((l) => l.items).catch(() => []),
    issuers.list(cluster, { namespace: EXT_NS, signal: o.signal }).then((l) => l.items).catch(() => []),
  ]);
  return issuerChoices(a, b);
}

/**
 * Our ReverseProxies of the registry: leftovers (and any probe carrying a credential) are removed first, then what
 * remains is checked for an Authorization header sent upstream. Cluster-scoped: cluster administrators only.
 */
export async function fetchProbeObjects(cluster: ClusterContext, registryId: string, o: Opts = {}): Promise<Readable<ProbeObjects<ReverseProxy, LeftoverCleanup>>> {
  return readable(
    (async () => {
      const cleanup = await removeProbeLeftovers(cluster, { registryId, signal: o.signal });
      const remaining = await reverseProxies.list(cluster, { labelSelector: managedSelector(registryId), signal: o.signal });
      return { cleanup, credentialProxies: remaining.items.filter(carriesCredential) };
    })(),
  );
}


/** The panel's own credential-free probe (src/api/probe.ts): /v2/ with the stored CA, and Harbor's health or version. */
export async function runHealthProbe(cluster: ClusterContext, record: RegistryRecord, paths: ProbePathTag[], o: Opts = {}): Promise<HealthProbe> {
  const addr = normalizeRegistryAddress(record.address || record.serverKey, { allowInsecure: record.insecure });
  if (!addr.ok) return { error: addr.error, cleanupFailures: [] };
  const run = await runRegistryProbe(cluster, { registryId: record.id, address: addr.value, caPem: record.caPem, paths }, { signal: o.signal });
  return {
    v2: run.answers.v2,
    harborHealth: run.answers.health,
    systeminfo: run.answers.systeminfo,
    ...(run.error ? { error: errorText(run.error) } : {}),
    cleanupFailures: run.cleanupFailures.map((f) => f.name),
  };
}

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e);
}

/** Query keys: Kubernetes lists use the API layer's keys, so writes through src/api invalidate them. */
export const healthKeys = {
  secrets: (c: string, id: string, ns?: string) => queryKeys.list(c, 'secrets', ns ?? '*', { labelSelector: managedSelector(id) }),
  pods: (c: string, id: string, ns?: string) => queryKeys.list(c, 'pods', ns ?? '*', { labelSelector: managedSelector(id) }),
  installer: (c: string, id: string) => queryKeys.list(c, 'daemonsets', EXT_NS, { labelSelector: installerSelector(id) }),
  nodes: (c: string) => queryKeys.list(c, 'nodes', '-', { all: true }),
  serviceAccounts: (c: string, ns?: string) => queryKeys.list(c, 'serviceaccounts', ns ?? '*', { all: true }),
  events: (c: string, ns?: string) => queryKeys.list(c, 'events', ns ?? '*', { fieldSelector: 'reason=Failed' }),
  netpols: (c: string, ns?: string) => queryKeys.list(c, 'networkpolicies', ns ?? '*', { all: true }),
  certs: (c: string, id: string) => queryKeys.list(c, 'certificates', '*', { labelSelector: managedSelector(id) }),
  issuers: (c: string) => queryKeys.composite.issuerChoices(c, EXT_NS),
  probeObjects: (c: string, id: string) => queryKeys.composite.probeObjects(c, id),
  probe: (c: string, id: string, what: string, key: string) => queryKeys.composite.healthProbe(c, id, what, key),
  failingPods: (c: string, ns: string | undefined, refs: ReadonlyArray<{ namespace: string; name: string }>) =>
    queryKeys.composite.failingPods(c, ns, refs.map((r) => `${r.namespace}/${r.name}`)),
};

export { REGISTRY_LABEL };

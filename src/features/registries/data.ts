// The registries list: every registry the extension manages, in a constant number of requests whatever the
// number of projects: records (extension namespace, by label), ONE cluster-wide list of managed Secrets (metadata
// only where the server allows it), the trust installers and their pods (by label), and the nodes.
import type { Node, Pod, Secret } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import { clusterContext, daemonSets, listClusters, nodes, pods, queryKeys, secrets, type ClusterContext } from '../../api';
import { managedSelector, MANAGED_BY_LABEL, MANAGED_BY_VALUE, REGISTRY_LABEL } from '../../domain/plan/labels';
import { COMPONENT_LABEL, DEFAULT_EXTENSION_NAMESPACE, RECORD_LABEL_SELECTOR } from '../../domain/record';
import { TRUST_COMPONENT } from '../../domain/trust';
import type { RegistryListSources } from '../../domain/health';

export type { RegistryListSources };

const EXT_NS = DEFAULT_EXTENSION_NAMESPACE;
const INSTALLER_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${COMPONENT_LABEL}=${TRUST_COMPONENT}`;

type Opts = { signal?: AbortSignal };

async function maybe<T>(name: string, p: Promise<T[]>, unreadable: string[]): Promise<T[]> {
  try {
    return await p;
  } catch (e) {
    if ((e as { kind?: string }).kind === 'canceled') throw e;
    unreadable.push(name);
    return [];
  }
}

/** Every managed Secret cluster-wide, metadata only: which projects hold which registry's credential. */
export async function listManagedSecretMetadata(cluster: ClusterContext, o: Opts = {}): Promise<Array<Pick<Secret, 'metadata'>>> {
  // Not paged: one response however many projects hold a credential (metadata only is small).
  const list = await secrets.listMetadata(cluster, { labelSelector: managedSelector(), signal: o.signal });
  return list.items.map((s) => ({ metadata: s.metadata }));
}

/**
 * Which other clusters hold a record of each registry: the tenant API's clusters (one request), then each other
 * cluster's records through KubeSphere's multi-cluster proxy (one request per cluster, metadata only). A cluster
 * that does not answer is listed as unreadable; it never fails the page.
 */
async function recordsElsewhere(cluster: ClusterContext, o: Opts): Promise<{ elsewhere: Record<string, string[]>; unreachable: string[] }> {
  const elsewhere: Record<string, string[]> = {};
  const unreachable: string[] = [];
  if (!cluster.multiCluster) return { elsewhere, unreachable };
  const others = ((await listClusters({ signal: o.signal }).catch(() => ({ items: [] }))).items ?? [])
    .map((c) => c.metadata?.name ?? '')
    .filter((name) => name && name !== cluster.name);
  await Promise.all(
    others.map(async (name) => {
      try {
        const list = await secrets.listMetadata(clusterContext(name, true), { namespace: EXT_NS, labelSelector: RECORD_LABEL_SELECTOR, signal: o.signal });
        elsewhere[name] = list.items.map((s) => s.metadata?.labels?.[REGISTRY_LABEL] ?? '').filter(Boolean);
      } catch (e) {
        if ((e as { kind?: string }).kind === 'canceled') throw e;
        unreachable.push(name);
      }
    }),
  );
  return { elsewhere, unreachable };
}

/** The list page's requests (the bench calls this): five in this cluster, plus one per other cluster. */
export async function loadRegistryList(cluster: ClusterContext, o: Opts = {}): Promise<RegistryListSources> {
  const unreadable: string[] = [];
  const [records, managed, ds, ip, ns, other] = await Promise.all([
    secrets.list(cluster, { namespace: EXT_NS, labelSelector: RECORD_LABEL_SELECTOR, signal: o.signal }).then((l) => l.items as Secret[]),
    listManagedSecretMetadata(cluster, o),
    maybe('daemonsets', daemonSets.list(cluster, { namespace: EXT_NS, labelSelector: INSTALLER_SELECTOR, signal: o.signal }).then((l) => l.items as DaemonSet[]), unreadable),
    maybe('pods', pods.list(cluster, { namespace: EXT_NS, labelSelector: INSTALLER_SELECTOR, signal: o.signal }).then((l) => l.items as Pod[]), unreadable),
    maybe('nodes', nodes.list(cluster, { signal: o.signal }).then((l) => l.items as Node[]), unreadable),
    recordsElsewhere(cluster, o),
  ]);
  for (const name of other.unreachable) unreadable.push(`cluster ${name}`);
  return { records, managed, daemonSets: ds, installerPods: ip, nodes: ns, unreadable, elsewhere: other.elsewhere };
}

/** The list's one query key (a composite read: see queryKeys.composite.registryList). */
export const registryListKey = (cluster: string) => queryKeys.composite.registryList(cluster);


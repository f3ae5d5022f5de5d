// The registries list: every registry the extension manages, in a constant number of requests whatever the
// number of projects: records (extension namespace, by label), ONE cluster-wide list of managed Secrets (metadata
// only where the server allows it), the trust installers and their pods (by label), and the nodes.
import type { Node, Pod, Secret } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import { clusterContext, daemonSets, listClusters, nodes, pods, secrets, type ClusterContext } from '../../api';
import { managedSelector, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../domain/plan/labels';
import { COMPONENT_LABEL, DEFAULT_EXTENSION_NAMESPACE, RECORD_LABEL_SELECTOR } from '../../domain/record';
import { TRUST_COMPONENT } from '../../domain/trust';
import type { ClusterHoldings, RegistryListSources } from '../../domain/health';

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
 * What each other cluster holds: the tenant API's clusters (one request), then in each other cluster, through
 * KubeSphere's multi-cluster proxy, the same three label-selected lists this cluster's row uses (records, managed
 * Secrets as metadata, trust installers): three requests per cluster, whatever its number of projects. A cluster
 * that does not answer is listed as unreadable; it never fails the page.
 */
async function holdingsElsewhere(cluster: ClusterContext, o: Opts): Promise<{ elsewhere: Record<string, ClusterHoldings>; unreachable: string[] }> {
  const elsewhere: Record<string, ClusterHoldings> = {};
  const unreachable: string[] = [];
  if (!cluster.multiCluster) return { elsewhere, unreachable };
  const others = ((await listClusters({ signal: o.signal }).catch(() => ({ items: [] }))).items ?? [])
    .map((c) => c.metadata?.name ?? '')
    .filter((name) => name && name !== cluster.name);
  await Promise.all(
    others.map(async (name) => {
      const there = clusterContext(name, true);
      try {
        const [records, managed, ds] = await Promise.all([
          secrets.listMetadata(there, { namespace: EXT_NS, labelSelector: RECORD_LABEL_SELECTOR, signal: o.signal }),
          listManagedSecretMetadata(there, o),
          daemonSets.list(there, { namespace: EXT_NS, labelSelector: INSTALLER_SELECTOR, signal: o.signal }).then((l) => l.items as DaemonSet[]),
        ]);
        elsewhere[name] = { records: records.items.map((s) => ({ metadata: s.metadata })), managed, daemonSets: ds };
      } catch (e) {
        if ((e as { kind?: string }).kind === 'canceled') throw e;
        unreachable.push(name);
      }
    }),
  );
  return { elsewhere, unreachable };
}

/** The list page's requests (the benches call this): five in this cluster; multi-cluster, one list of clusters and three per other cluster. */
export async function loadRegistryList(cluster: ClusterContext, o: Opts = {}): Promise<RegistryListSources> {
  const unreadable: string[] = [];
  const [records, managed, ds, ip, ns, other] = await Promise.all([
    secrets.list(cluster, { namespace: EXT_NS, labelSelector: RECORD_LABEL_SELECTOR, signal: o.signal }).then((l) => l.items as Secret[]),
    listManagedSecretMetadata(cluster, o),
    maybe('daemonsets', daemonSets.list(cluster, { namespace: EXT_NS, labelSelector: INSTALLER_SELECTOR, signal: o.signal }).then((l) => l.items as DaemonSet[]), unreadable),
    maybe('pods', pods.list(cluster, { namespace: EXT_NS, labelSelector: INSTALLER_SELECTOR, signal: o.signal }).then((l) => l.items as Pod[]), unreadable),
    maybe('nodes', nodes.list(cluster, { signal: o.signal }).then((l) => l.items as Node[]), unreadable),
    holdingsElsewhere(cluster, o),
  ]);
  for (const name of other.unreachable) unreadable.push(`cluster ${name}`);
  return { records, managed, daemonSets: ds, installerPods: ip, nodes: ns, unreadable, elsewhere: other.elsewhere };
}


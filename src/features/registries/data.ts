// The registries list: every registry the extension manages, in a constant number of requests whatever the
// number of projects: records (extension namespace, by label), ONE cluster-wide list of managed Secrets (metadata
// only where the server allows it), the trust installers and their pods (by label), and the nodes.
import type { Node, Pod, Secret } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import { daemonSets, nodes, pods, queryKeys, secrets, type ClusterContext } from '../../api';
import { managedSelector, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../domain/plan/labels';
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

/** The five requests the list page makes (the bench calls this). */
export async function loadRegistryList(cluster: ClusterContext, o: Opts = {}): Promise<RegistryListSources> {
  const unreadable: string[] = [];
  const [records, managed, ds, ip, ns] = await Promise.all([
    secrets.list(cluster, { namespace: EXT_NS, labelSelector: RECORD_LABEL_SELECTOR, signal: o.signal }).then((l) => l.items as Secret[]),
    listManagedSecretMetadata(cluster, o),
    maybe('daemonsets', daemonSets.list(cluster, { namespace: EXT_NS, labelSelector: INSTALLER_SELECTOR, signal: o.signal }).then((l) => l.items as DaemonSet[]), unreadable),
    maybe('pods', pods.list(cluster, { namespace: EXT_NS, labelSelector: INSTALLER_SELECTOR, signal: o.signal }).then((l) => l.items as Pod[]), unreadable),
    maybe('nodes', nodes.list(cluster, { signal: o.signal }).then((l) => l.items as Node[]), unreadable),
  ]);
  return { records, managed, daemonSets: ds, installerPods: ip, nodes: ns, unreadable };
}

/** The list's one query key (a composite read: see queryKeys.composite.registryList). */
export const registryListKey = (cluster: string) => queryKeys.composite.registryList(cluster);


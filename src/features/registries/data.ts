// The registries list: every registry the extension manages, in a constant number of requests whatever the
// number of projects: records (extension namespace, by label), ONE cluster-wide list of managed Secrets (metadata
// only where the server allows it), the trust installers and their pods (by label), and the nodes.
import type { Node, Pod, Secret } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import { daemonSets, nodes, pods, queryKeys, secrets, type ClusterContext } from '../../api';
import { managedSelector, MANAGED_BY_LABEL, MANAGED_BY_VALUE, REGISTRY_LABEL } from '../../domain/plan/labels';
import { COMPONENT_LABEL, DEFAULT_EXTENSION_NAMESPACE, parseRegistryRecord, RECORD_LABEL_SELECTOR, type RegistryRecord } from '../../domain/record';
import { TRUST_COMPONENT } from '../../domain/trust';
import { checkCertificate, checkTrust, worst, type CertSummary, type CheckState } from '../../domain/health';

const EXT_NS = DEFAULT_EXTENSION_NAMESPACE;
const INSTALLER_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${COMPONENT_LABEL}=${TRUST_COMPONENT}`;

type Opts = { signal?: AbortSignal };

export interface RegistryListSources {
  records: Secret[];
  managed: Array<Pick<Secret, 'metadata'>>;
  daemonSets: DaemonSet[];
  installerPods: Pod[];
  nodes: Node[];
  /** Lists the user may not read (e.g. nodes): their columns show "unknown". */
  unreadable: string[];
}

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

export const registryListKey = (cluster: string) => queryKeys.list(cluster, 'secrets', EXT_NS, { labelSelector: `${RECORD_LABEL_SELECTOR}+list` });

export interface RegistryRow {
  record: RegistryRecord;
  projects: string[];
  cert: CertSummary;
  trust: { text: string; state: CheckState };
  health: CheckState;
}

export function registryRows(src: RegistryListSources, now: Date): { rows: RegistryRow[]; broken: string[] } {
  const rows: RegistryRow[] = [];
  const broken: string[] = [];
  for (const s of src.records) {
    const parsed = parseRegistryRecord(s);
    if (!parsed.ok) {
      broken.push(`${s.metadata?.name}: ${parsed.reason}`);
      continue;
    }
    const record = parsed.record;
    const projects = [
      ...new Set(
        src.managed
          .filter((m) => m.metadata?.labels?.[REGISTRY_LABEL] === record.id && !m.metadata?.labels?.[COMPONENT_LABEL] && m.metadata?.namespace !== EXT_NS)
          .map((m) => m.metadata?.namespace ?? ''),
      ),
    ].sort();
    const cert = checkCertificate(record, now).cert;
    const ds = src.daemonSets.find((d) => d.metadata?.labels?.[REGISTRY_LABEL] === record.id);
    const trustCheck = checkTrust({
      record,
      nodes: src.unreadable.includes('nodes') ? undefined : src.nodes,
      installerPods: src.installerPods.filter((p) => p.metadata?.labels?.[REGISTRY_LABEL] === record.id),
      daemonSet: ds,
      unreadable: src.unreadable.includes('pods'),
    });
    // Manual (or system) trust: the extension cannot count trusted nodes, only a pull test can tell.
    const unknownOnly = trustCheck.nodes.length > 0 && trustCheck.nodes.every((n) => n.state === 'manual-unknown');
    const trust = { text: unknownOnly ? '—' : trustCheck.text, state: trustCheck.state };
    const credState: CheckState = projects.length ? 'ok' : 'warning';
    rows.push({ record, projects, cert, trust, health: worst([cert.state, trust.state === 'unknown' ? 'ok' : trust.state, credState]) });
  }
  rows.sort((a, b) => a.record.displayName.localeCompare(b.record.displayName));
  return { rows, broken };
}

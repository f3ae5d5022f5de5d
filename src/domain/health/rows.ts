// The registries list's rows: each registry's projects, certificate and node trust, from the list page's few
// cluster-wide reads (src/features/registries/data.ts loads them).
import type { Node, Pod, Secret } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import { REGISTRY_LABEL } from '../plan/labels';
import { COMPONENT_LABEL, DEFAULT_EXTENSION_NAMESPACE, parseRegistryRecord, type RegistryRecord } from '../record';
import { checkCertificate, checkPullTest, checkTrust, overall, type CertSummary, type CheckResult, type CheckState, type StoredPullTest, type Text } from './checks';

const EXT_NS = DEFAULT_EXTENSION_NAMESPACE;

export interface RegistryListSources {
  records: Secret[];
  managed: Array<Pick<Secret, 'metadata'>>;
  daemonSets: DaemonSet[];
  installerPods: Pod[];
  nodes: Node[];
  /** Lists the user may not read (e.g. nodes): their columns show "unknown". */
  unreadable: string[];
  /** Other clusters (multi-cluster): what each one holds, read there with the same few lists. */
  elsewhere?: Record<string, ClusterHoldings>;
}

/** One other cluster's records, managed Secrets (metadata) and trust installers: three reads, whatever its size. */
export interface ClusterHoldings {
  records: Array<Pick<Secret, 'metadata'>>;
  managed: Array<Pick<Secret, 'metadata'>>;
  daemonSets: DaemonSet[];
}

/** The same registry in another cluster: where its credentials are bound and how many nodes trust it there. */
export interface OtherClusterRow {
  name: string;
  /** Projects holding its pull secret in that cluster. */
  projects: number;
  /** The trust installer's ready/scheduled pods there; undefined without one (manual or public trust). */
  trust?: { ready: number; nodes: number };
}

export interface RegistryRow {
  record: RegistryRecord;
  projects: string[];
  cert: CertSummary;
  trust: { text: string; state: CheckState };
  /** The verdict, by the detail page's rule (overall) over the checks the list has, the last pull test included. */
  health: CheckState;
  /** Why, when not healthy: the summary of the check that decided it (shown next to the badge). */
  reason?: Text;
  /** The other clusters connected to the same registry (same id: same address), sorted by name. */
  otherClusters: OtherClusterRow[];
}

/** The projects holding a registry's pull secret (not its record or a component's Secret), sorted. */
function projectsHolding(managed: ReadonlyArray<Pick<Secret, 'metadata'>>, registryId: string): string[] {
  return [
    ...new Set(
      managed
        .filter((m) => m.metadata?.labels?.[REGISTRY_LABEL] === registryId && !m.metadata?.labels?.[COMPONENT_LABEL] && m.metadata?.namespace !== EXT_NS)
        .map((m) => m.metadata?.namespace ?? ''),
    ),
  ].sort();
}

/**
 * `lastPullTest`: the registry's last pull test in this tab (the detail page's too), so list and detail agree on
 * what a failed pull means.
 */
export function registryRows(
  src: RegistryListSources,
  now: Date,
  lastPullTest: (registryId: string) => StoredPullTest | undefined = () => undefined,
): { rows: RegistryRow[]; broken: string[] } {
  const rows: RegistryRow[] = [];
  const broken: string[] = [];
  for (const s of src.records) {
    const parsed = parseRegistryRecord(s);
    if (!parsed.ok) {
      broken.push(`${s.metadata?.name}: ${parsed.reason}`);
      continue;
    }
    const record = parsed.record;
    const projects = projectsHolding(src.managed, record.id);
    const certCheck = checkCertificate(record, now);
    const cert = certCheck.cert;
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
    const checks: CheckResult[] = [
      certCheck,
      // Unknown trust (manual, or nodes unreadable) is not a fault: only a pull test can tell.
      trustCheck.state === 'unknown' ? { ...trustCheck, state: 'ok' } : trustCheck,
      projects.length
        ? { id: 'credentials', state: 'ok', summary: { key: 'HARBOR_CONNECT_HEALTH_CRED_SUMMARY', params: { ok: projects.length, count: projects.length } }, items: [] }
        : { id: 'credentials', state: 'warning', summary: { key: 'HARBOR_CONNECT_HEALTH_CRED_NONE' }, items: [] },
      checkPullTest(lastPullTest(record.id)),
    ];
    const health = overall(checks);
    const reason = health === 'ok' ? undefined : checks.find((c) => c.state === health)?.summary;
    const otherClusters = Object.entries(src.elsewhere ?? {})
      .filter(([, held]) => held.records.some((r) => r.metadata?.labels?.[REGISTRY_LABEL] === record.id))
      .map(([name, held]): OtherClusterRow => {
        const installer = held.daemonSets.find((d) => d.metadata?.labels?.[REGISTRY_LABEL] === record.id);
        return {
          name,
          projects: projectsHolding(held.managed, record.id).length,
          ...(installer ? { trust: { ready: installer.status?.numberReady ?? 0, nodes: installer.status?.desiredNumberScheduled ?? 0 } } : {}),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    rows.push({ record, projects, cert, trust, health, otherClusters, ...(reason ? { reason } : {}) });
  }
  rows.sort((a, b) => a.record.displayName.localeCompare(b.record.displayName));
  return { rows, broken };
}

/**
 * The list's search, over the rows already loaded (no request): rows whose name, address or server key contain every
 * word of the query, ignoring case; every row for a blank query. Order is kept.
 */
export function filterRegistryRows<R extends { record: Pick<RegistryRecord, 'displayName' | 'address' | 'serverKey'> }>(rows: readonly R[], query: string): R[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...rows];
  return rows.filter((r) => {
    const text = `${r.record.displayName}\n${r.record.address}\n${r.record.serverKey}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

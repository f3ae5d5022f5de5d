// Each health check as a detector: a pure function from objects as read to data (CheckResult): the check's id, its
// verdict (ok / warning / error / unknown), the cause (summary and items) and what to do (fix). Texts are locale
// keys with params, so the panel translates them and tests read them. No React, no network: the panel's hooks
// (src/features/health/useHealth.ts) read the inputs and call these.
import type { Event, Node, Pod, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import { findingMessageKeys, inspectCertificate } from '../cert';
import { causeKeys, classifyPullError, groupFailures, isCredentialRefusal, type FailureGroup, type PullDiagnosis } from '../diagnosis';
import { parseDockerConfigJson } from '../dockerconfig';
import { effectivePolicyTypes, evaluateEgress, parseCidr, parseIp, type EgressResult } from '../netpol';
import type { RegistryRecord } from '../record';
import { PULL_TEST_PREFIX } from '../pulltest';
import { nodeTrustStatus, registryHost, type NodeTrustStatus } from '../trust';
import type { CertManagerState, CertificateLike, HealthProbe, ProbeObjects, Readable } from './types';
import { classifyV2, harborVersion } from '../registry/probe';
import type { CreatedBeforeBinding } from '../binding/restart';

export type CheckState = 'ok' | 'warning' | 'error' | 'unknown';
export type CheckId = 'certificate' | 'trust' | 'credentials' | 'reachability' | 'pulltest' | 'failures' | 'network' | 'certmanager';
export const CHECK_IDS: CheckId[] = ['certificate', 'trust', 'credentials', 'reachability', 'pulltest', 'failures', 'network', 'certmanager'];

export interface Text {
  key: string;
  params?: Record<string, string | number>;
}

export interface CheckItem {
  state: CheckState;
  /** What the row is about: a node, a project/secret, a component. */
  subject: string;
  text: Text;
  fix?: Text;
  /** Raw text (a kubelet message, an installer error). */
  detail?: string;
  /** When it was last seen (ISO 8601): the panel shows it as the console shows times. */
  at?: string;
}

export interface CheckResult {
  id: CheckId;
  state: CheckState;
  summary: Text;
  fix?: Text;
  items: CheckItem[];
}

const H = 'HARBOR_CONNECT_HEALTH_';
const DAY = 86_400_000;
const RANK: Record<CheckState, number> = { ok: 0, unknown: 1, warning: 2, error: 3 };
export const worst = (states: CheckState[]): CheckState => states.reduce<CheckState>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok');

export function hostOf(record: RegistryRecord): { hostDir: string; host: string; port: number } {
  try {
    const h = registryHost(record.serverKey);
    return { hostDir: h.hostDir, host: h.host, port: h.port ?? 443 };
  } catch {
    return { hostDir: record.serverKey, host: record.serverKey, port: 443 };
  }
}

// ---------- certificate ----------

export interface CertSummary {
  state: CheckState;
  notAfter?: string;
  daysLeft?: number;
}

/**
 * Inspections of stored CAs, by CA, host and day: the list and the health panel re-render often, and an
 * inspection checks signatures. An entry is reused only while no certificate of it has started or expired since
 * it was made (a CA issued this morning is valid now, whatever the day's first inspection said). A few entries are
 * plenty (one per registry shown).
 */
const inspections = new Map<string, { at: number; result: ReturnType<typeof inspectCertificate> }>();
const INSPECTION_CACHE = 64;

function validityChangedBetween(result: ReturnType<typeof inspectCertificate>, from: number, to: number): boolean {
  return result.certificates.some((c) =>
    [Date.parse(c.notBefore), Date.parse(c.notAfter)].some((t) => (t > from && t <= to) || (t > to && t <= from)),
  );
}

export function inspectStoredCa(caPem: string, host: string, now: Date): ReturnType<typeof inspectCertificate> {
  const day = Math.floor(now.getTime() / DAY);
  const key = `${host}\u0000${day}\u0000${caPem}`;
  const hit = inspections.get(key);
  if (hit && !validityChangedBetween(hit.result, hit.at, now.getTime())) return hit.result;
  const result = inspectCertificate(caPem, { host, now });
  if (!hit && inspections.size >= INSPECTION_CACHE) inspections.delete(inspections.keys().next().value as string);
  inspections.set(key, { at: now.getTime(), result });
  return result;
}

export function checkCertificate(record: RegistryRecord | undefined, now: Date): CheckResult & { cert: CertSummary } {
  if (!record) return { id: 'certificate', state: 'unknown', summary: { key: `${H}RECORD_UNREADABLE` }, items: [], cert: { state: 'unknown' } };
  if (!record.caPem) {
    return { id: 'certificate', state: 'ok', summary: { key: `${H}CERT_PUBLIC` }, items: [], cert: { state: 'ok' } };
  }
  const r = inspectStoredCa(record.caPem, record.serverKey, now);
  const ends = r.certificates.map((c) => c.notAfter).filter(Boolean).sort();
  const notAfter = ends[0];
  const daysLeft = notAfter ? Math.floor((Date.parse(notAfter) - now.getTime()) / DAY) : undefined;
  const items: CheckItem[] = r.findings
    .filter((f) => f.severity !== 'info' || f.code !== 'ca-only-host-unchecked')
    .map((f) => {
      const k = findingMessageKeys(f.code);
      const subject = f.certificateIndex !== undefined ? r.certificates[f.certificateIndex]?.subject.dn ?? '' : '';
      return {
        state: f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'ok',
        subject,
        text: { key: k.title, params: { host: record.serverKey, ...(f.params ?? {}) } },
        fix: { key: k.fix, params: { host: record.serverKey, ...(f.params ?? {}) } },
      } as CheckItem;
    });
  const state = worst(items.map((i) => i.state));
  const summary: Text =
    daysLeft === undefined
      ? { key: `${H}CERT_UNREADABLE` }
      : daysLeft < 0
        ? { key: `${H}CERT_EXPIRED_AGO`, params: { days: -daysLeft, date: notAfter! } }
        : { key: `${H}CERT_EXPIRES_IN`, params: { days: daysLeft, date: notAfter! } };
  const first = items.find((i) => i.state === state && state !== 'ok');
  return { id: 'certificate', state, summary, fix: first?.fix, items, cert: { state, notAfter, daysLeft } };
}

// ---------- node trust ----------

export function checkTrust(input: {
  record?: RegistryRecord;
  nodes?: Node[];
  installerPods?: Pod[];
  daemonSet?: DaemonSet;
  unreadable?: boolean;
}): CheckResult & { nodes: NodeTrustStatus[]; text: string } {
  if (!input.record || !input.nodes || input.unreadable) {
    return { id: 'trust', state: 'unknown', summary: { key: `${H}TRUST_UNREADABLE` }, fix: { key: `${H}TRUST_UNREADABLE_FIX` }, items: [], nodes: [], text: '?' };
  }
  const s = nodeTrustStatus({
    nodes: input.nodes,
    daemonSet: input.daemonSet,
    pods: input.installerPods ?? [],
    caPem: input.record.caPem,
    trustMode: input.record.trustMode,
  });
  const stateOf = (n: NodeTrustStatus): CheckState =>
    n.state === 'trusted' ? 'ok' : n.state === 'pending' ? 'warning' : n.state === 'manual-unknown' ? 'unknown' : 'error';
  const items: CheckItem[] = s.nodes.map((n) => ({
    state: stateOf(n),
    subject: n.node,
    text: { key: n.reasonKey, params: { node: n.node, detail: n.detail ?? '', runtime: n.runtime } },
    fix: n.state === 'trusted' ? undefined : { key: `${H}TRUST_FIX_${n.state.toUpperCase().replace(/-/g, '_')}`, params: { node: n.node, host: hostOf(input.record!).hostDir } },
    detail: n.detail,
  }));
  const state = input.record.caPem ? worst(items.map((i) => i.state)) : 'ok';
  const manual = s.summary.counts['manual-unknown'] === s.summary.total && s.summary.total > 0;
  const summary: Text = manual
    ? { key: input.record.trustMode === 'none' ? `${H}TRUST_SYSTEM` : `${H}TRUST_MANUAL`, params: { total: s.summary.total } }
    : { key: `${H}TRUST_SUMMARY`, params: { trusted: s.summary.trusted, total: s.summary.total } };
  // Manual trust on every node: the summary already says what to do (run a pull test).
  const fix = manual ? undefined : items.find((i) => i.state === state)?.fix;
  return { id: 'trust', state, summary, fix, items, nodes: s.nodes, text: s.summary.text };
}

// ---------- credentials ----------

function flatParams(o: Record<string, unknown>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v.join(', ');
  }
  return out;
}

export interface Binding {
  namespace: string;
  secret: string;
  serviceAccounts: string[];
}

export function bindings(pullSecrets: Secret[], serviceAccounts: ServiceAccount[] | undefined): Binding[] {
  return pullSecrets.map((s) => {
    const ns = s.metadata?.namespace ?? '';
    const name = s.metadata?.name ?? '';
    const sas = (serviceAccounts ?? [])
      .filter((sa) => sa.metadata?.namespace === ns && (sa.imagePullSecrets ?? []).some((r) => r.name === name))
      .map((sa) => sa.metadata?.name ?? '');
    return { namespace: ns, secret: name, serviceAccounts: sas };
  });
}

export function checkCredentials(record: RegistryRecord | undefined, pullSecrets: Secret[], serviceAccounts: ServiceAccount[] | undefined): CheckResult {
  if (pullSecrets.length === 0) {
    return { id: 'credentials', state: 'warning', summary: { key: `${H}CRED_NONE` }, fix: { key: `${H}CRED_NONE_FIX` }, items: [] };
  }
  const host = record?.serverKey;
  const bound = bindings(pullSecrets, serviceAccounts);
  const items: CheckItem[] = pullSecrets.map((s, i): CheckItem => {
    const subject = `${s.metadata?.namespace}/${s.metadata?.name}`;
    const parsed = parseDockerConfigJson(s, host);
    if (!parsed.ok) {
      const code = parsed.error.toUpperCase().replace(/-/g, '_');
      return {
        state: 'error',
        subject,
        text: { key: `HARBOR_CONNECT_REGISTRY_SECRET_ERROR_${code}`, params: flatParams({ ...(parsed as unknown as Record<string, unknown>), host: host ?? '' }) },
        fix: { key: `${H}CRED_FIX_MALFORMED`, params: { name: subject } },
      };
    }
    const user = parsed.matches?.[0]?.username ?? parsed.entries[0]?.username ?? '';
    const sas = bound[i].serviceAccounts;
    if (serviceAccounts && sas.length === 0) {
      return { state: 'warning', subject, text: { key: `${H}CRED_NOT_BOUND`, params: { user } }, fix: { key: `${H}CRED_NOT_BOUND_FIX`, params: { name: s.metadata?.name ?? '' } } };
    }
    return {
      state: 'ok',
      subject,
      text: serviceAccounts ? { key: `${H}CRED_OK`, params: { user, serviceAccounts: sas.join(', ') } } : { key: `${H}CRED_OK_SA_UNKNOWN`, params: { user } },
    };
  });
  const state = worst(items.map((i) => i.state));
  return {
    id: 'credentials',
    state,
    summary: { key: `${H}CRED_SUMMARY`, params: { count: pullSecrets.length, ok: items.filter((i) => i.state === 'ok').length } },
    fix: items.find((i) => i.state === state)?.fix,
    items,
  };
}

// ---------- reachability ----------

export interface ReachabilityInput {
  /** The project page: probes and ReverseProxies are cluster-scoped, for cluster administrators only. */
  projectScope?: boolean;
  /** The panel's own credential-free probe, once it ran. */
  probe?: HealthProbe;
  /** Our ReverseProxies of this registry, after the visit's clean-up. */
  objects?: Readable<ProbeObjects>;
}

export function checkReachability(record: RegistryRecord | undefined, r: ReachabilityInput): CheckResult & { version?: string } {
  const host = record ? hostOf(record).hostDir : '';
  if (r.projectScope) return { id: 'reachability', state: 'unknown', summary: { key: `${H}REACH_UNREADABLE` }, items: [] };
  const items: CheckItem[] = [];
  // A credential outside a Secret: any ReverseProxy of ours sending Authorization upstream (older versions' probes).
  const leaks = r.objects?.ok ? r.objects.items.credentialProxies : [];
  for (const p of leaks) {
    items.push({ state: 'error', subject: p.metadata?.name ?? '', text: { key: `${H}REACH_LEAK`, params: { name: p.metadata?.name ?? '' } }, fix: { key: `${H}REACH_LEAK_FIX` } });
  }
  const removedLeaks = r.objects?.ok ? r.objects.items.cleanup.withCredentials.filter((n) => r.objects?.ok && r.objects.items.cleanup.removed.includes(n)) : [];
  for (const name of removedLeaks) {
    items.push({ state: 'warning', subject: name, text: { key: `${H}REACH_LEAK_REMOVED`, params: { name } }, fix: { key: `${H}REACH_LEAK_REMOVED_FIX` } });
  }
  const withLeaks = (res: CheckResult & { version?: string }): CheckResult & { version?: string } => {
    if (!items.length) return res;
    const all = [...items, ...res.items];
    const state = worst([res.state === 'unknown' ? 'ok' : res.state, ...items.map((i) => i.state)]);
    return { ...res, state, items: all, fix: leaks.length ? { key: `${H}REACH_LEAK_FIX` } : res.fix };
  };
  const p = r.probe;
  if (!p) return withLeaks({ id: 'reachability', state: 'unknown', summary: { key: `${H}REACH_CHECKING` }, items: [] });
  if (p.error) return withLeaks({ id: 'reachability', state: 'unknown', summary: { key: `${H}REACH_PROBE_FAILED`, params: { message: p.error } }, items: [] });
  if (!p.v2) return withLeaks({ id: 'reachability', state: 'unknown', summary: { key: `${H}REACH_CHECKING` }, items: [] });
  const v2 = classifyV2(p.v2);
  let state: CheckState;
  let summary: Text;
  let fix: Text | undefined;
  if (v2.state === 'ok') {
    state = 'ok';
    summary = { key: v2.wantsAuth ? `${H}REACH_OK_AUTH` : `${H}REACH_OK`, params: { host } };
  } else if (v2.state === 'x509' || v2.state === 'unreachable') {
    const c = classifyPullError(v2.detail ?? '');
    const k = causeKeys(c.cause);
    state = 'error';
    summary = { key: k.titleKey, params: { ...c.detail, host } };
    fix = { key: k.fixKey, params: { ...c.detail, host } };
  } else if (v2.state === 'not-routed') {
    state = 'unknown';
    summary = { key: `${H}REACH_NOT_ROUTED` };
  } else {
    state = 'warning';
    summary = { key: `${H}REACH_HTTP`, params: { status: p.v2.status, host } };
  }
  const own: CheckItem[] = [{ state, subject: '/v2/', text: summary, fix, detail: v2.state === 'ok' ? undefined : `${p.v2.status} ${p.v2.body}`.trim() }];
  if (p.cleanupFailures.length) {
    own.push({ state: 'warning', subject: p.cleanupFailures.join(', '), text: { key: `${H}REACH_CLEANUP_FAILED`, params: { names: p.cleanupFailures.join(', ') } } });
  }
  let version: string | undefined;
  if (record?.kind === 'harbor' && state === 'ok') {
    const h = p.harborHealth;
    if (h) {
      let body: { components?: Array<{ name: string; status: string; error?: string }> } = {};
      try {
        body = JSON.parse(h.body) as typeof body;
      } catch {
        body = {};
      }
      if (h.status !== 200) own.push({ state: 'warning', subject: '/api/v2.0/health', text: { key: `${H}REACH_HTTP`, params: { status: h.status, host } } });
      for (const c of body.components ?? []) {
        own.push({
          state: c.status === 'healthy' ? 'ok' : 'warning',
          subject: c.name,
          text: { key: c.status === 'healthy' ? `${H}HARBOR_COMPONENT_OK` : `${H}HARBOR_COMPONENT_BAD`, params: { name: c.name, status: c.status } },
          detail: c.error,
        });
      }
    }
    version = harborVersion(p.systeminfo);
    state = worst(own.map((i) => i.state));
  }
  return withLeaks({ id: 'reachability', state, summary, fix, items: own, version });
}

// ---------- pull failures ----------

/**
 * Failed events whose message mentions the registry host, in the given namespaces (all when undefined).
 * Pull-test pods are left out: the pull-test check reports them, and they are deleted once read.
 */
export function registryFailures(events: Event[], record: RegistryRecord, namespaces?: string[]): Event[] {
  const { hostDir } = hostOf(record);
  const ns = namespaces ? new Set(namespaces) : undefined;
  return events.filter((e) => {
    if ((e.involvedObject?.name ?? '').startsWith(PULL_TEST_PREFIX)) return false;
    const m = e.message ?? '';
    if (!m.includes(hostDir) && !m.includes(record.serverKey)) return false;
    return !ns || ns.has(e.involvedObject?.namespace ?? e.metadata?.namespace ?? '');
  });
}

/** At most this many pods are read to look for pods created before their pull secret was bound. */
export const REFUSED_PODS_MAX = 50;

/**
 * The pods whose pulls from this registry were refused as a credential problem since `since` (401, denied), most
 * recent first, at most REFUSED_PODS_MAX: the only ones that can have been created before their pull secret was
 * bound, so the only ones the panel reads to tell.
 */
export function refusedPods(record: RegistryRecord, events: Event[], namespaces: string[] | undefined, since: Date): Array<{ namespace: string; name: string }> {
  const out = new Map<string, { namespace: string; name: string }>();
  for (const g of groupFailures(registryFailures(events, record, namespaces), { since })) {
    if (!isCredentialRefusal(g.cause)) continue;
    for (const p of g.pods) {
      const [namespace, name] = p.includes('/') ? [p.slice(0, p.indexOf('/')), p.slice(p.indexOf('/') + 1)] : ['', p];
      if (namespace && out.size < REFUSED_PODS_MAX) out.set(p, { namespace, name });
    }
  }
  return [...out.values()].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/**
 * Recent pull failures of the registry, grouped by cause. Pods found created before their pull secret was bound
 * (`stale`, src/domain/binding/restart.ts) get that cause and "restart them" instead of the generic causes their
 * 401 would otherwise be grouped under: one item for the workloads to restart, one for bare pods.
 */
export function checkFailures(
  record: RegistryRecord | undefined,
  events: Event[] | undefined,
  namespaces: string[] | undefined,
  since: Date,
  stale?: Pick<CreatedBeforeBinding, 'pods' | 'workloads'>,
): CheckResult & { groups: FailureGroup[] } {
  if (!record || !events) return { id: 'failures', state: 'unknown', summary: { key: `${H}FAIL_UNREADABLE` }, items: [], groups: [] };
  const stalePods = new Set((stale?.pods ?? []).map((p) => `${p.namespace}/${p.name}`));
  const podOf = (e: Event) => `${e.involvedObject?.namespace ?? e.metadata?.namespace ?? ''}/${e.involvedObject?.name ?? ''}`;
  const mine = registryFailures(events, record, namespaces);
  const groups = groupFailures(mine.filter((e) => !stalePods.has(podOf(e))), { since });
  const staleGroups = groupFailures(mine.filter((e) => stalePods.has(podOf(e))), { since });
  const items: CheckItem[] = [];
  const staleCount = staleGroups.reduce((a, g) => a + g.count, 0);
  if (stale && staleGroups.length) {
    const seen = new Set(staleGroups.flatMap((g) => g.pods));
    const workloads = stale.workloads.filter((w) => w.pods.some((p) => seen.has(`${p.namespace}/${p.name}`)));
    const latest = staleGroups.reduce((a, g) => (Date.parse(g.lastSeen) > Date.parse(a.lastSeen) ? g : a));
    const params = {
      host: latest.hosts[0] ?? hostOf(record).hostDir,
      serviceAccounts: [...new Set(workloads.map((w) => w.serviceAccount))].join(', '),
      secrets: [...new Set(workloads.flatMap((w) => w.secrets))].join(', '),
    };
    const subject = (pods: string[]) => pods.slice(0, 3).join(', ') + (pods.length > 3 ? ` +${pods.length - 3}` : '');
    const detail = `×${staleCount} · ${latest.sample}`;
    const at = latest.lastSeen || undefined;
    const owned = workloads.filter((w) => w.method !== 'delete-bare');
    const bare = workloads.filter((w) => w.method === 'delete-bare');
    const podsOf = (ws: typeof workloads) => ws.flatMap((w) => w.pods.map((p) => `${p.namespace}/${p.name}`)).filter((p) => seen.has(p));
    const title = { key: 'HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_TITLE', params };
    if (owned.length) {
      const list = owned.map((w) => `${w.kind} ${w.namespace}/${w.name}`).join(', ');
      items.push({ state: 'error', subject: subject(podsOf(owned)), text: title, fix: { key: 'HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_FIX', params: { ...params, workloads: list } }, detail, at });
    }
    if (bare.length) {
      items.push({ state: 'error', subject: subject(podsOf(bare)), text: title, fix: { key: 'HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_FIX_BARE', params: { ...params, pods: podsOf(bare).join(', ') } }, detail, at });
    }
  }
  for (const g of groups) {
    items.push({
      state: 'error',
      subject: g.pods.slice(0, 3).join(', ') + (g.pods.length > 3 ? ` +${g.pods.length - 3}` : ''),
      text: { key: g.titleKey, params: { ...g.detail, host: g.hosts[0] ?? hostOf(record).hostDir } },
      fix: { key: g.fixKey, params: { ...g.detail, host: g.hosts[0] ?? hostOf(record).hostDir } },
      detail: `×${g.count} · ${g.sample}`,
      ...(g.lastSeen ? { at: g.lastSeen } : {}),
    });
  }
  const causes = groups.length + (staleCount ? 1 : 0);
  return {
    id: 'failures',
    state: items.length ? 'error' : 'ok',
    summary: items.length ? { key: `${H}FAIL_SOME`, params: { count: groups.reduce((a, g) => a + g.count, 0) + staleCount, causes } } : { key: `${H}FAIL_NONE` },
    fix: items[0]?.fix,
    items,
    groups,
  };
}

// ---------- last pull test ----------

export interface StoredPullTest {
  at: string;
  namespace: string;
  image: string;
  results: Array<{ node?: string; pod: string; state: 'pulled' | 'failed' | 'pending'; diagnosis?: Pick<PullDiagnosis, 'cause' | 'titleKey' | 'fixKey' | 'detail' | 'message'> }>;
}

export function checkPullTest(last: StoredPullTest | undefined): CheckResult {
  if (!last) return { id: 'pulltest', state: 'unknown', summary: { key: `${H}PULLTEST_NONE` }, fix: { key: `${H}PULLTEST_NONE_FIX` }, items: [] };
  const items: CheckItem[] = last.results.map((r) => ({
    state: r.state === 'pulled' ? 'ok' : r.state === 'failed' ? 'error' : 'warning',
    subject: r.node ?? r.pod,
    text: r.diagnosis ? { key: r.diagnosis.titleKey, params: r.diagnosis.detail } : { key: `HARBOR_CONNECT_PULLTEST_STATE_${r.state.toUpperCase()}` },
    fix: r.state === 'failed' && r.diagnosis ? { key: r.diagnosis.fixKey, params: r.diagnosis.detail } : undefined,
    detail: r.state === 'failed' ? r.diagnosis?.message : undefined,
  }));
  const state = worst(items.map((i) => i.state));
  const pulled = last.results.filter((r) => r.state === 'pulled').length;
  return {
    id: 'pulltest',
    state,
    summary: { key: `${H}PULLTEST_LAST`, params: { pulled, total: last.results.length, image: last.image, namespace: last.namespace } },
    fix: items.find((i) => i.state === state)?.fix,
    items,
  };
}

// ---------- network policy ----------

export type Destination = { ip: string; port: number; cidr?: string } | { needsAddress: true; host: string; port: number };

/** The registry as an IP destination; a host name needs the user's IP/CIDR (the browser resolves nothing). */
export function destinationOf(record: RegistryRecord, override?: string): Destination {
  const { host, port } = hostOf(record);
  if (parseIp(host)) return { ip: host, port };
  const o = override?.trim();
  if (o) {
    if (parseIp(o)) return { ip: o.replace(/^\[|\]$/g, ''), port };
    const c = parseCidr(o);
    if (c) return { ip: o.split('/')[0], port, cidr: o };
  }
  return { needsAddress: true, host, port };
}

export function checkNetwork(
  record: RegistryRecord | undefined,
  policies: NetworkPolicy[] | undefined,
  namespaces: string[],
  dest: Destination | undefined,
): CheckResult & { results: Array<{ namespace: string; result: EgressResult }> } {
  if (!record || !policies || !dest) return { id: 'network', state: 'unknown', summary: { key: `${H}NET_UNREADABLE` }, items: [], results: [] };
  // A registry by name (the usual case) needs its address only where a policy restricts egress: with none, nothing
  // in these projects can block it, whatever the name resolves to.
  const egressPolicies = (ns: string) => policies.some((p) => p.metadata?.namespace === ns && effectivePolicyTypes(p).includes('Egress'));
  if ('needsAddress' in dest && namespaces.some(egressPolicies)) {
    return { id: 'network', state: 'unknown', summary: { key: `${H}NET_NEEDS_ADDRESS`, params: { host: dest.host } }, fix: { key: `${H}NET_NEEDS_ADDRESS_FIX`, params: { host: dest.host } }, items: [], results: [] };
  }
  if ('needsAddress' in dest) {
    const target = dest.host;
    const items: CheckItem[] = namespaces.map((namespace) => ({ state: 'ok', subject: namespace, text: { key: `${H}NET_NO_POLICY`, params: { target, policies: '' } } }));
    return {
      id: 'network',
      state: 'ok',
      summary: { key: `${H}NET_SUMMARY_OK`, params: { total: namespaces.length, target } },
      items,
      results: namespaces.map((namespace) => ({ namespace, result: { allowed: true, selectedBy: [], notes: [] } })),
    };
  }
  const results = namespaces.map((ns) => ({
    namespace: ns,
    result: evaluateEgress({ policies: policies.filter((p) => p.metadata?.namespace === ns), podLabels: {}, namespace: ns, destination: { ip: dest.ip, port: dest.port } }),
  }));
  const target = `${dest.ip}:${dest.port}`;
  const items: CheckItem[] = results.map(({ namespace, result }) =>
    result.allowed
      ? { state: 'ok', subject: namespace, text: { key: result.allowedBy?.length ? `${H}NET_ALLOWED_BY` : `${H}NET_NO_POLICY`, params: { target, policies: (result.allowedBy ?? []).join(', ') } } }
      : {
          state: 'error',
          subject: namespace,
          text: { key: `${H}NET_BLOCKED`, params: { target, policies: (result.blockedBy ?? []).join(', ') } },
          fix: { key: `${H}NET_BLOCKED_FIX`, params: { target, namespace } },
        },
  );
  const state = worst(items.map((i) => i.state));
  const blocked = items.filter((i) => i.state === 'error').length;
  return {
    id: 'network',
    state,
    summary: blocked ? { key: `${H}NET_SUMMARY_BLOCKED`, params: { blocked, total: namespaces.length, target } } : { key: `${H}NET_SUMMARY_OK`, params: { total: namespaces.length, target } },
    fix: items.find((i) => i.state === 'error')?.fix,
    items,
    results,
  };
}

// ---------- cert-manager ----------

export function checkCertManager(state: CertManagerState | undefined, now: Date): CheckResult {
  if (!state) return { id: 'certmanager', state: 'unknown', summary: { key: `${H}CM_CHECKING` }, items: [] };
  if (state.installed === 'unknown') return { id: 'certmanager', state: 'unknown', summary: { key: `${H}CM_UNREADABLE` }, items: [] };
  if (!state.installed) return { id: 'certmanager', state: 'ok', summary: { key: `${H}CM_NOT_INSTALLED` }, items: [] };
  if (state.certificates.length === 0) return { id: 'certmanager', state: 'ok', summary: { key: `${H}CM_NONE` }, fix: { key: `${H}CM_NONE_FIX` }, items: [] };
  const items: CheckItem[] = state.certificates.map((c: CertificateLike): CheckItem => {
    const ready = c.status?.conditions?.find((x) => x.type === 'Ready');
    const renewal = c.status?.renewalTime;
    const subject = `${c.metadata?.namespace}/${c.metadata?.name}`;
    if (ready?.status === 'True') {
      const days = renewal ? Math.floor((Date.parse(renewal) - now.getTime()) / DAY) : undefined;
      return { state: 'ok', subject, text: { key: renewal ? `${H}CM_READY_RENEW` : `${H}CM_READY`, params: { date: renewal ?? '', days: days ?? '' } } };
    }
    return {
      state: ready ? 'error' : 'warning',
      subject,
      text: { key: ready ? `${H}CM_NOT_READY` : `${H}CM_PENDING`, params: { reason: ready?.reason ?? '' } },
      fix: { key: `${H}CM_NOT_READY_FIX`, params: { name: c.metadata?.name ?? '' } },
      detail: ready?.message,
    };
  });
  const st = worst(items.map((i) => i.state));
  return { id: 'certmanager', state: st, summary: { key: `${H}CM_SUMMARY`, params: { count: items.length } }, fix: items.find((i) => i.state === st)?.fix, items };
}

/** The overall state: errors and warnings count; an unknown pull test or an absent cert-manager does not. */
export function overall(results: CheckResult[]): CheckState {
  return worst(results.filter((r) => !(r.state === 'unknown' && (r.id === 'pulltest' || r.id === 'certmanager'))).map((r) => r.state));
}

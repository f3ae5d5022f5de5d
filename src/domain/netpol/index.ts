// Can a pod reach the registry? Kubernetes NetworkPolicy egress semantics, evaluated for one destination.
// Note: image pulls are made by the node's container runtime, not by pods; NetworkPolicy does not apply to them.
// This matters for pods that talk to the registry themselves (CI builds, the pull-test's reachability probe, tools).

import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyEgressRule } from 'kubernetes-types/networking/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { Write } from '../plan/write';
import { managedLabels } from '../plan/labels';
import { parseIPv4, parseIPv6, formatIPv6 } from '../registry';
import { shortHash } from '../names';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/**
 * Notes; each has a locale key HARBOR_CONNECT_NETPOL_NOTE_<CODE>.
 * - image-pulls-not-affected: always present: the node pulls images; NetworkPolicy governs pod traffic only.
 * - no-egress-policy: no policy selects the pod for Egress: all egress allowed.
 * - selector-peer-not-evaluated: a rule's peer selects pods/namespaces; an IP outside the cluster never matches it
 *   (if the registry runs in the cluster, check its pods' labels).
 * - named-port-ignored: a named port refers to a destination pod's container port; it never matches an external IP.
 * - invalid-cidr: a policy's cidr/except could not be parsed (treated as matching nothing).
 * - invalid-destination: the destination IP could not be parsed.
 * - other-namespace-policy-ignored: a policy from another namespace was passed and ignored.
 * - unknown-selector-operator: a matchExpressions operator this evaluator does not know; treated as not matching.
 * - other-policy-kinds: only networking.k8s.io NetworkPolicy is evaluated (not Calico/Cilium/AdminNetworkPolicy).
 */
export type NetpolNoteCode =
  | 'image-pulls-not-affected'
  | 'no-egress-policy'
  | 'selector-peer-not-evaluated'
  | 'named-port-ignored'
  | 'invalid-cidr'
  | 'invalid-destination'
  | 'other-namespace-policy-ignored'
  | 'unknown-selector-operator'
  | 'other-policy-kinds';

export interface NetpolNote {
  code: NetpolNoteCode;
  policy?: string;
  params?: Record<string, string | number>;
}

export interface EgressInput {
  policies: readonly NetworkPolicy[];
  podLabels: Record<string, string>;
  /** The pod's namespace; policies from other namespaces are ignored. Defaults to the first policy's namespace. */
  namespace?: string;
  /** Accepted for completeness; policies select pods of their own namespace, so egress to an IP does not need them. */
  namespaceLabels?: Record<string, string>;
  destination: { ip: string; port: number; protocol?: Protocol };
}

export interface EgressResult {
  allowed: boolean;
  /** When not allowed: the policies that select the pod for Egress (none of them has a rule allowing it). */
  blockedBy?: string[];
  /** The policies with a rule allowing it. */
  allowedBy?: string[];
  /** Every policy that selects the pod for Egress. */
  selectedBy: string[];
  notes: NetpolNote[];
}

// ---------- addresses ----------

interface Addr {
  family: 4 | 6;
  value: bigint;
}

export function parseIp(ip: string): Addr | null {
  const s = ip.trim().replace(/^\[|\]$/g, '');
  const v4 = parseIPv4(s);
  if (v4) return { family: 4, value: v4.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
  const v6 = parseIPv6(s);
  if (v6) return { family: 6, value: v6.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n) };
  return null;
}

export interface Cidr {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

export function parseCidr(cidr: string): Cidr | null {
  const m = /^(.+)\/([0-9]{1,3})$/.exec(cidr.trim());
  if (!m) return null;
  const addr = parseIp(m[1]);
  if (!addr) return null;
  const prefix = Number(m[2]);
  const bits = addr.family === 4 ? 32 : 128;
  if (prefix > bits) return null;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { family: addr.family, network: addr.value & mask, prefix };
}

export function cidrContains(cidr: Cidr, addr: Addr): boolean {
  if (cidr.family !== addr.family) return false;
  const bits = cidr.family === 4 ? 32 : 128;
  const shift = BigInt(bits - cidr.prefix);
  return addr.value >> shift === cidr.network >> shift;
}

export function formatCidr(c: Cidr): string {
  if (c.family === 4) {
    const o = [24n, 16n, 8n, 0n].map((s) => Number((c.network >> s) & 255n));
    return `${o.join('.')}/${c.prefix}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((c.network >> BigInt((7 - i) * 16)) & 0xffffn));
  return `${formatIPv6(groups)}/${c.prefix}`;
}

/** Whether `ip` is in `cidr` (IPv4 or IPv6); false when either cannot be parsed. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const a = parseIp(ip);
  const c = parseCidr(cidr);
  return !!a && !!c && cidrContains(c, a);
}

// ---------- selectors ----------

/** Label-selector semantics: matchLabels AND matchExpressions (In, NotIn, Exists, DoesNotExist); empty selects all. */
export function matchesSelector(selector: LabelSelector | undefined | null, labels: Record<string, string>, onUnknown?: (op: string) => void): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        onUnknown?.(e.operator);
        return false;
    }
  }
  return true;
}

/** policyTypes as the API server defaults them: Ingress always, Egress when the policy has egress rules. */
export function effectivePolicyTypes(p: NetworkPolicy): string[] {
  const types = p.spec?.policyTypes;
  if (types && types.length > 0) return [...types];
  return (p.spec?.egress?.length ?? 0) > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

// ---------- evaluation ----------

function portMatches(ports: readonly NetworkPolicyPort[] | undefined, dest: { port: number; protocol: Protocol }, note: (c: NetpolNoteCode) => void): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== dest.protocol) return false;
    if (p.port === undefined || p.port === null) return true;
    if (typeof p.port === 'string') {
      if (/^[0-9]+$/.test(p.port)) return Number(p.port) === dest.port;
      note('named-port-ignored');
      return false;
    }
    if (p.endPort !== undefined && p.endPort !== null) return dest.port >= p.port && dest.port <= p.endPort;
    return dest.port === p.port;
  });
}

function peerMatches(peer: NetworkPolicyPeer, addr: Addr | null, note: (c: NetpolNoteCode, params?: Record<string, string>) => void): boolean {
  if (peer.ipBlock) {
    const c = parseCidr(peer.ipBlock.cidr);
    if (!c) {
      note('invalid-cidr', { cidr: peer.ipBlock.cidr });
      return false;
    }
    if (!addr || !cidrContains(c, addr)) return false;
    for (const ex of peer.ipBlock.except ?? []) {
      const e = parseCidr(ex);
      if (!e) {
        note('invalid-cidr', { cidr: ex });
        continue;
      }
      if (cidrContains(e, addr)) return false;
    }
    return true;
  }
  if (peer.namespaceSelector || peer.podSelector) note('selector-peer-not-evaluated');
  return false;
}

function ruleAllows(rule: NetworkPolicyEgressRule, addr: Addr | null, dest: { port: number; protocol: Protocol }, note: (c: NetpolNoteCode, params?: Record<string, string>) => void): boolean {
  if (!portMatches(rule.ports, dest, note)) return false;
  if (!rule.to || rule.to.length === 0) return true;
  // Evaluate every peer so that notes about selector peers are always reported.
  let ok = false;
  for (const peer of rule.to) if (peerMatches(peer, addr, note)) ok = true;
  return ok;
}

/** Whether a pod with `podLabels` may open a connection to `destination`, per the namespace's NetworkPolicies. */
export function evaluateEgress(input: EgressInput): EgressResult {
  const notes: NetpolNote[] = [{ code: 'image-pulls-not-affected' }, { code: 'other-policy-kinds' }];
  const seen = new Set<string>();
  const addNote = (n: NetpolNote) => {
    const key = `${n.code}|${n.policy ?? ''}|${JSON.stringify(n.params ?? {})}`;
    if (!seen.has(key)) {
      seen.add(key);
      notes.push(n);
    }
  };
  const dest = { ip: input.destination.ip, port: input.destination.port, protocol: input.destination.protocol ?? 'TCP' };
  const addr = parseIp(dest.ip);
  if (!addr) addNote({ code: 'invalid-destination', params: { ip: dest.ip } });
  const namespace = input.namespace ?? input.policies.find((p) => p.metadata?.namespace)?.metadata?.namespace;

  const selectedBy: string[] = [];
  const allowedBy: string[] = [];
  for (const p of input.policies) {
    const name = p.metadata?.name ?? '';
    if (namespace && p.metadata?.namespace && p.metadata.namespace !== namespace) {
      addNote({ code: 'other-namespace-policy-ignored', policy: name });
      continue;
    }
    if (!effectivePolicyTypes(p).includes('Egress')) continue;
    const selects = matchesSelector(p.spec?.podSelector, input.podLabels, (op) => addNote({ code: 'unknown-selector-operator', policy: name, params: { operator: op } }));
    if (!selects) continue;
    selectedBy.push(name);
    const note = (code: NetpolNoteCode, params?: Record<string, string>) => addNote({ code, policy: name, ...(params ? { params } : {}) });
    const allows = (p.spec?.egress ?? []).some((r) => ruleAllows(r, addr, dest, note));
    if (allows) allowedBy.push(name);
  }
  if (selectedBy.length === 0) {
    addNote({ code: 'no-egress-policy' });
    return { allowed: true, selectedBy, notes };
  }
  const allowed = allowedBy.length > 0;
  return { allowed, selectedBy, notes, ...(allowed ? { allowedBy } : { blockedBy: selectedBy.slice() }) };
}

// ---------- planning ----------

export type DnsEgress = 'auto' | 'any' | 'kube-dns' | 'none';

export interface AllowEgressInput {
  namespace: string;
  /** The registry's address: an IP (made /32 or /128) or a CIDR. One of the two is required. */
  ip?: string;
  cidr?: string;
  port: number;
  protocol?: Protocol;
  /** Value of the registry label (see names.registryLabelValue). */
  registryId: string;
  name?: string;
  /**
   * DNS egress. A pod selected by its first Egress policy can reach nothing else, DNS included, so it could no
   * longer resolve the registry's name.
   * - auto (default): `any` when this policy would be the namespace's first egress restriction, else `none`.
   * - any: UDP and TCP 53 to any destination (works with CoreDNS and with node-local DNS caches such as KubeSphere's
   *   nodelocaldns on 169.254.25.10, which pod selectors cannot match).
   * - kube-dns: UDP and TCP 53 to pods `k8s-app: kube-dns` in namespace kube-system only.
   * - none: no DNS rule.
   */
  dns?: DnsEgress;
  /** The namespace's policies as read, to tell whether this policy adds to existing restrictions or creates the first. */
  existingPolicies?: readonly NetworkPolicy[];
}

export class NetpolPlanError extends Error {
  constructor(readonly code: 'invalid-address' | 'invalid-port') {
    super(`cannot plan egress policy: ${code}`);
    this.name = 'NetpolPlanError';
  }
}

/** True when some existing policy already restricts egress of every pod in the namespace (podSelector {}). */
export function namespaceEgressRestricted(policies: readonly NetworkPolicy[] | undefined, namespace: string): boolean {
  return !!policies?.some(
    (p) =>
      (!p.metadata?.namespace || p.metadata.namespace === namespace) &&
      effectivePolicyTypes(p).includes('Egress') &&
      Object.keys(p.spec?.podSelector?.matchLabels ?? {}).length === 0 &&
      (p.spec?.podSelector?.matchExpressions?.length ?? 0) === 0,
  );
}

/**
 * A NetworkPolicy letting every pod of `namespace` reach the registry (the guide's `allow-harbor`: podSelector {},
 * Egress to ipBlock cidr on the port). NetworkPolicies only add allowances once a pod is selected, but the first
 * Egress policy selecting a pod cuts it off from everything else: that write carries the effect `isolates-egress`.
 */
export function planAllowEgress(input: AllowEgressInput): Write {
  const raw = input.cidr ?? (input.ip ? `${input.ip.replace(/^\[|\]$/g, '')}/${parseIp(input.ip)?.family === 6 ? 128 : 32}` : '');
  const c = parseCidr(raw);
  if (!c) throw new NetpolPlanError('invalid-address');
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) throw new NetpolPlanError('invalid-port');
  const cidr = formatCidr(c);
  const isolates = !namespaceEgressRestricted(input.existingPolicies, input.namespace);
  const dns: DnsEgress = input.dns === undefined || input.dns === 'auto' ? (isolates ? 'any' : 'none') : input.dns;

  const egress: Record<string, unknown>[] = [
    { to: [{ ipBlock: { cidr } }], ports: [{ protocol: input.protocol ?? 'TCP', port: input.port }] },
  ];
  const dnsPorts = [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ];
  if (dns === 'any') egress.push({ ports: dnsPorts });
  if (dns === 'kube-dns') {
    egress.push({
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: dnsPorts,
    });
  }
  const slug = input.registryId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'registry';
  let name = input.name ?? `allow-registry-${slug}`;
  if (name.length > 253) name = `${name.slice(0, 246)}-${shortHash(name)}`;
  return {
    action: 'create',
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    namespace: input.namespace,
    name,
    body: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: input.namespace, labels: managedLabels(input.registryId) },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress },
    },
    reason: {
      key: dns === 'none' ? 'HARBOR_CONNECT_NETPOL_REASON_ALLOW_EGRESS' : 'HARBOR_CONNECT_NETPOL_REASON_ALLOW_EGRESS_DNS',
      params: { cidr, port: input.port, namespace: input.namespace },
    },
    ...(isolates ? { effects: ['isolates-egress' as const] } : {}),
  };
}

// Per-node trust state, read from the installer DaemonSet's pods: a Ready pod means the script finished a
// pass (it touches its ready file only then), and the pod's CA annotation says which CA it installed.
import type { Event as CoreV1Event, Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import { CA_SHA256_ANNOTATION, caFileSha256, type TrustMode } from '../record';
import { installerModeOf, isPodReady } from './installer';
import { isAutomaticRuntime, nodeRuntime, type NodeRuntimeName } from './runtime';

export type NodeTrustState = 'trusted' | 'pending' | 'failed' | 'not-covered' | 'manual-unknown';

export type NodeTrustReason =
  // trusted
  | 'installed'
  // pending
  | 'starting'
  | 'old-ca'
  | 'terminating'
  | 'removing'
  // failed
  | 'installer-image'
  | 'foreign-file'
  | 'no-ca'
  | 'write-failed'
  | 'pin-mismatch'
  | 'installer-error'
  | 'pod-failed'
  // not-covered
  | 'os'
  | 'taint'
  | 'node-not-ready'
  | 'unschedulable'
  | 'no-pod'
  | 'no-installer'
  | 'removed'
  // manual-unknown
  | 'manual-mode'
  | 'system-trust'
  | 'runtime-manual';

export interface NodeTrustStatus {
  node: string;
  runtime: NodeRuntimeName;
  state: NodeTrustState;
  reason: NodeTrustReason;
  /** Locale key for the reason: HARBOR_CONNECT_TRUST_REASON_<REASON>. */
  reasonKey: string;
  /** Raw text for the curious: a taint, a kubelet message, the installer's HC_ERROR line. */
  detail?: string;
  pod?: string;
}

export interface TrustStatusSummary {
  trusted: number;
  total: number;
  /** `n/m` as shown in lists. */
  text: string;
  counts: Record<NodeTrustState, number>;
}

export interface NodeTrustStatusInput {
  nodes: Node[];
  daemonSet?: DaemonSet;
  /** The installer's pods (list them with the DaemonSet's selector). */
  pods: Pod[];
  events?: CoreV1Event[];
  /** The record's CA, to tell pods that installed it from pods still on an older one. */
  caPem?: string;
  trustMode?: TrustMode;
}

export const reasonKey = (reason: NodeTrustReason): string => `HARBOR_CONNECT_TRUST_REASON_${reason.toUpperCase().replace(/-/g, '_')}`;

const IMAGE_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable', 'ImageInspectError']);
const HC_ERROR = /HC_ERROR ([A-Z_]+): ([^\n]*)/;

function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

// DaemonSet pods get these tolerations from the controller whatever the template says.
const DAEMONSET_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

function taintText(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

function nodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function podsOfDaemonSet(ds: DaemonSet | undefined, pods: Pod[]): Pod[] {
  const uid = ds?.metadata?.uid;
  if (!uid) return pods;
  return pods.filter((p) => p.metadata?.ownerReferences?.some((o) => o.uid === uid) ?? false);
}

/** The pod that speaks for a node: a live one before a terminating one, then the newest. */
function podForNode(pods: Pod[]): Pod | undefined {
  return [...pods].sort((a, b) => {
    const ta = a.metadata?.deletionTimestamp ? 1 : 0;
    const tb = b.metadata?.deletionTimestamp ? 1 : 0;
    if (ta !== tb) return ta - tb;
    return (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? '');
  })[0];
}

function latestWarning(events: CoreV1Event[] | undefined, pod: Pod): string | undefined {
  const name = pod.metadata?.name;
  const mine = (events ?? []).filter((e) => e.involvedObject?.name === name && e.type === 'Warning');
  mine.sort((a, b) => (b.lastTimestamp ?? b.eventTime ?? '').localeCompare(a.lastTimestamp ?? a.eventTime ?? ''));
  return mine[0]?.message;
}

function fromHcError(message: string | undefined): { reason: NodeTrustReason; detail: string } | undefined {
  const m = message ? HC_ERROR.exec(message) : null;
  if (!m) return undefined;
  const reason: NodeTrustReason = m[1] === 'FOREIGN_FILE' ? 'foreign-file' : m[1] === 'NO_CA' ? 'no-ca' : m[1] === 'WRITE_FAILED' ? 'write-failed' : m[1] === 'PIN_MISMATCH' ? 'pin-mismatch' : 'installer-error';
  return { reason, detail: m[0] };
}

function podState(pod: Pod, currentCa: string | undefined, events: CoreV1Event[] | undefined): Pick<NodeTrustStatus, 'state' | 'reason' | 'detail'> {
  const cs = pod.status?.containerStatuses?.[0];
  const waiting = cs?.state?.waiting;
  const terminated = cs?.state?.terminated ?? cs?.lastState?.terminated;
  const mode = installerModeOf(pod);
  if (waiting?.reason && IMAGE_REASONS.has(waiting.reason)) {
    return { state: 'failed', reason: 'installer-image', detail: [waiting.reason, waiting.message ?? latestWarning(events, pod)].filter(Boolean).join(': ') };
  }
  const hc = fromHcError(terminated?.message);
  if (hc && !isPodReady(pod)) return { state: 'failed', ...hc };
  if (pod.status?.phase === 'Failed') return { state: 'failed', reason: 'pod-failed', detail: pod.status.message ?? pod.status.reason };
  if (waiting?.reason === 'CrashLoopBackOff' || waiting?.reason === 'CreateContainerConfigError' || waiting?.reason === 'CreateContainerError' || waiting?.reason === 'RunContainerError') {
    return { state: 'failed', reason: 'installer-error', detail: [waiting.reason, terminated?.message ?? waiting.message].filter(Boolean).join(': ') };
  }
  if (pod.metadata?.deletionTimestamp) return { state: 'pending', reason: 'terminating' };
  if (!isPodReady(pod)) {
    const detail = waiting?.reason ? [waiting.reason, waiting.message].filter(Boolean).join(': ') : latestWarning(events, pod);
    return { state: 'pending', reason: mode === 'remove' ? 'removing' : 'starting', ...(detail ? { detail } : {}) };
  }
  if (mode === 'remove') return { state: 'not-covered', reason: 'removed' };
  const podCa = pod.metadata?.annotations?.[CA_SHA256_ANNOTATION];
  if (currentCa && podCa !== currentCa) return { state: 'pending', reason: 'old-ca', detail: `${(podCa ?? '').slice(0, 12)} → ${currentCa.slice(0, 12)}` };
  return { state: 'trusted', reason: 'installed' };
}

function uncovered(node: Node, ds: DaemonSet): Pick<NodeTrustStatus, 'state' | 'reason' | 'detail'> {
  const labels = node.metadata?.labels ?? {};
  const os = labels['kubernetes.io/os'];
  if (os && os !== 'linux') return { state: 'not-covered', reason: 'os', detail: os };
  const tolerations = [...(ds.spec?.template.spec?.tolerations ?? []), ...DAEMONSET_TOLERATIONS];
  const blocking = (node.spec?.taints ?? []).filter((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(tolerations, t));
  if (blocking.length) return { state: 'not-covered', reason: 'taint', detail: blocking.map(taintText).join(', ') };
  if (!nodeReady(node)) return { state: 'not-covered', reason: 'node-not-ready' };
  if (node.spec?.unschedulable) return { state: 'not-covered', reason: 'unschedulable' };
  return { state: 'not-covered', reason: 'no-pod' };
}

export function nodeTrustStatus(input: NodeTrustStatusInput): { nodes: NodeTrustStatus[]; summary: TrustStatusSummary } {
  const currentCa = input.caPem ? caFileSha256(input.caPem) : undefined;
  const pods = podsOfDaemonSet(input.daemonSet, input.pods);
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (!n) continue;
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const out: NodeTrustStatus[] = input.nodes.map((node) => {
    const name = node.metadata?.name ?? '';
    const runtime = nodeRuntime(node).runtime;
    let s: Pick<NodeTrustStatus, 'state' | 'reason' | 'detail'>;
    const pod = podForNode(byNode.get(name) ?? []);
    if (input.trustMode === 'manual') {
      s = { state: 'manual-unknown', reason: 'manual-mode' };
    } else if (input.trustMode === 'none') {
      s = { state: 'manual-unknown', reason: 'system-trust' };
    } else if (!isAutomaticRuntime(runtime) && !pod) {
      // k3s/RKE2 (and unknown runtimes): the installer does not run there; only the pull test can tell.
      s = { state: 'manual-unknown', reason: 'runtime-manual', detail: runtime };
    } else if (!input.daemonSet) {
      s = { state: 'not-covered', reason: 'no-installer' };
    } else if (pod) {
      s = podState(pod, currentCa, input.events);
    } else {
      s = uncovered(node, input.daemonSet);
    }
    return { node: name, runtime, ...s, reasonKey: reasonKey(s.reason), ...(pod?.metadata?.name ? { pod: pod.metadata.name } : {}) };
  });
  const counts: Record<NodeTrustState, number> = { trusted: 0, pending: 0, failed: 0, 'not-covered': 0, 'manual-unknown': 0 };
  for (const n of out) counts[n.state]++;
  return { nodes: out, summary: { trusted: counts.trusted, total: out.length, text: `${counts.trusted}/${out.length}`, counts } };
}

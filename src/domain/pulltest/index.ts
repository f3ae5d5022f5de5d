// The pull test: short-lived pods that make each chosen node pull an image from the registry, with the pull
// secret, the way a workload would. It is the only check that sees what the nodes see (their CA trust,
// their network, kubelet's credential matching); the pod's own exit status does not matter.
import type { Event as CoreV1Event, Pod } from 'kubernetes-types/core/v1';
import { managedLabels, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../plan/labels';
import type { Write } from '../plan/write';
import { ANNOTATION_PREFIX, COMPONENT_LABEL, PULL_TEST_LABEL, sha256Hex } from '../record';
import { registryHost } from '../trust/host';
import { buildPullSecret } from '../dockerconfig';
import type { RegistryAddress } from '../registry';
import { classifyPullError, diagnosePull, isCredentialRefusal, isInformativeFailure, pullSecretUnavailable, SECRET_UNAVAILABLE_REASON, sortEvents, writtenAfter, type PullDiagnosis } from '../diagnosis';

export const PULL_TEST_PREFIX = 'hc-pulltest-';
export const PULL_TEST_COMPONENT = 'pull-test';
export const PULL_TEST_NODE_ANNOTATION = `${ANNOTATION_PREFIX}node`;
export const DEFAULT_DEADLINE_SECONDS = 120;
/** Nobody's uid: set explicitly, so runAsNonRoot holds whatever USER the image declares. */
export const PULL_TEST_UID = 65534;

const RUN_ID = /^[a-z0-9]{1,12}$/;

/** A run id from the clock and a random source (both passed in, so tests are deterministic): ≤ 12 of [a-z0-9]. */
export function newPullTestRunId(nowMs: number, random: () => number = Math.random): string {
  const time = Math.floor(nowMs / 1000).toString(36).slice(-7);
  const rand = Math.floor(random() * 36 ** 4).toString(36).padStart(4, '0');
  return `${time}${rand}`.slice(0, 12);
}

/** `hc-pulltest-<runId>[-<node>]`, a DNS-1123 label: dots and other characters folded, hashed when folded or cut. */
export function pullTestPodName(runId: string, node?: string): string {
  const base = `${PULL_TEST_PREFIX}${runId}`;
  if (node === undefined) return base;
  const room = 63 - base.length - 1;
  const folded = node.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (folded === node && folded.length <= room) return `${base}-${folded}`;
  const hash = sha256Hex(node).slice(0, 6);
  const cut = folded.slice(0, room - hash.length - 1).replace(/-+$/, '');
  return cut ? `${base}-${cut}-${hash}` : `${base}-${hash}`;
}

export interface PullTestInput {
  /** Where the pods run: the project whose pull secret (and ServiceAccount) is under test. */
  namespace: string;
  image: string;
  /** The pull secret in that namespace; absent to test what the ServiceAccount alone provides. */
  secretName?: string;
  /** ServiceAccount whose imagePullSecrets apply (admission copies them into the pod); default 'default'. */
  serviceAccountName?: string;
  /** One pod per node (spec.nodeName set), or one pod wherever the scheduler puts it. */
  nodes: string[] | 'any';
  runId: string;
  /** activeDeadlineSeconds: the pod stops by itself even if the page that started it is closed. */
  deadlineSeconds?: number;
  /** Adds the registry label, so removing a registry finds its pull tests too. */
  registryId?: string;
  /** null leaves runAsUser/runAsNonRoot unset (e.g. OpenShift's SCC assigns the uid). */
  runAsUser?: number | null;
}

export function planPullTest(input: PullTestInput): Write[] {
  if (!RUN_ID.test(input.runId)) throw new Error(`pull-test run id must match ${RUN_ID}: ${JSON.stringify(input.runId)}`);
  const deadline = Math.max(10, Math.round(input.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS));
  const targets: Array<string | undefined> = input.nodes === 'any' ? [undefined] : [...new Set(input.nodes)];
  return targets.map((node) => {
    const name = pullTestPodName(input.runId, node);
    const body = buildPullTestPod({ ...input, deadlineSeconds: deadline }, name, node);
    return {
      action: 'create' as const,
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: input.namespace,
      name,
      body: body as Record<string, unknown>,
      reason: {
        key: node ? 'HARBOR_CONNECT_PULLTEST_WHY_POD_NODE' : 'HARBOR_CONNECT_PULLTEST_WHY_POD_ANY',
        params: { image: input.image, node: node ?? '', seconds: deadline },
      },
    };
  });
}

/** The temporary pull secret of a run that tests credentials (kept out of every project's own pull secrets). */
export function pullTestSecretName(runId: string): string {
  return `${PULL_TEST_PREFIX}${runId}`;
}

/**
 * The one pod of a credential check (the wizard's, the project page's), shown before it runs: it pulls `image`
 * with the run's temporary Secret, or with `secretName`, a pull secret the project already has.
 */
export function planCredentialPullTest(input: { namespace: string; image: string; registryId: string; runId: string; secretName?: string }): Write {
  const secretName = input.secretName ?? pullTestSecretName(input.runId);
  return planPullTest({ namespace: input.namespace, image: input.image, secretName, nodes: 'any', runId: input.runId, registryId: input.registryId, deadlineSeconds: 90 })[0]!;
}

function buildPullTestPod(input: PullTestInput & { deadlineSeconds: number }, name: string, node: string | undefined): Pod {
  const uid = input.runAsUser === undefined ? PULL_TEST_UID : input.runAsUser;
  const labels: Record<string, string> = {
    ...(input.registryId ? managedLabels(input.registryId) : { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE }),
    [COMPONENT_LABEL]: PULL_TEST_COMPONENT,
    [PULL_TEST_LABEL]: input.runId,
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: input.namespace,
      labels,
      // Node names can be 253 characters: too long for a label value, fine for an annotation.
      ...(node ? { annotations: { [PULL_TEST_NODE_ANNOTATION]: node } } : {}),
    },
    spec: {
      ...(node ? { nodeName: node } : {}),
      restartPolicy: 'Never',
      activeDeadlineSeconds: input.deadlineSeconds,
      terminationGracePeriodSeconds: 1,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      ...(input.serviceAccountName ? { serviceAccountName: input.serviceAccountName } : {}),
      ...(input.secretName ? { imagePullSecrets: [{ name: input.secretName }] } : {}),
      // Reach every node the user picked, tainted or not.
      tolerations: [{ operator: 'Exists' }],
      securityContext: {
        seccompProfile: { type: 'RuntimeDefault' },
        ...(uid === null ? {} : { runAsUser: uid, runAsGroup: uid, runAsNonRoot: uid !== 0 }),
      },
      containers: [
        {
          name: 'pull',
          image: input.image,
          // A real pull every time: a cached image would prove nothing about trust or credentials.
          imagePullPolicy: 'Always',
          // Never run the image's own entrypoint (it might start a server or a job). `true` exits at once where
          // it exists; where it does not (distroless) the start fails after the pull, which still counts.
          command: ['true'],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    },
  };
}

export type PullTestState = 'pulled' | 'failed' | 'pending';

export interface PullTestResult {
  pod: string;
  node?: string;
  state: PullTestState;
  /** kubelet's reason (ErrImagePull, ImagePullBackOff, Pulled, DeadlineExceeded, Unschedulable, …). */
  reason: string;
  /** kubelet's or containerd's message, verbatim, for the pull-failure diagnosis. */
  message?: string;
}

const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable', 'ImageInspectError']);
// kubelet pulls before it builds the container's config or creates it, so these mean the pull worked.
const AFTER_PULL = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'StartError', 'ContainerCannotRun']);

function eventsFor(pod: Pod, events: CoreV1Event[] | undefined): CoreV1Event[] {
  const name = pod.metadata?.name;
  const uid = pod.metadata?.uid;
  // Newest first, by time and then by the order the API server wrote them (one second holds a whole attempt).
  return sortEvents((events ?? []).filter((e) => e.involvedObject?.name === name && (!uid || !e.involvedObject?.uid || e.involvedObject.uid === uid)));
}

/** What one pull-test pod says: pulled (success, whatever the exit), failed (with kubelet's message) or pending. */
export function pullTestResult(pod: Pod, events?: CoreV1Event[]): PullTestResult {
  const base = { pod: pod.metadata?.name ?? '', ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}) };
  const evs = eventsFor(pod, events);
  const cs = pod.status?.containerStatuses?.[0];
  const waiting = cs?.state?.waiting;
  const pulled = evs.find((e) => e.reason === 'Pulled');
  if (pulled) return { ...base, state: 'pulled', reason: 'Pulled', message: pulled.message };
  if (cs?.state?.running || cs?.state?.terminated || cs?.lastState?.terminated || cs?.imageID) {
    const t = cs?.state?.terminated;
    return { ...base, state: 'pulled', reason: t?.reason ?? 'Started', ...(t?.message ? { message: t.message } : {}) };
  }
  if (waiting?.reason && AFTER_PULL.has(waiting.reason)) return { ...base, state: 'pulled', reason: waiting.reason, message: waiting.message };
  // kubelet retries a failed pull after its back-off, and aggregates the retry's "Pulling" into the first one. While
  // that is newer than every failure, the failures (and the status) are the previous attempt's: wait for this one.
  const latestPulling = evs.find((e) => e.reason === 'Pulling');
  const latestFailed = evs.find((e) => e.reason === 'Failed');
  if (latestPulling && latestFailed && writtenAfter(latestPulling, latestFailed)) {
    return { ...base, state: 'pending', reason: 'Pulling', ...(waiting?.message ? { message: waiting.message } : {}) };
  }
  // The Failed event has the registry's own words ("x509: …", "401 Unauthorized"); the waiting message may only say back-off.
  // (kubelet also writes "Error: ErrImagePull" as a Failed event, in the same second: the informative one is meant.)
  const failedEvent = evs.find((e) => e.reason === 'Failed' && /pull/i.test(e.message ?? '') && isInformativeFailure(e.message ?? ''));
  // An "unauthorized" from an attempt the kubelet made without the pull secret (not yet in its cache) proves
  // nothing about the credential: wait for kubelet's retry. Still so at the deadline, the diagnosis names it.
  // (kubelet reports both "Failed to pull image …: 401 Unauthorized" and "Error: ErrImagePull" as Failed events.)
  const credentialShaped = (m: string | undefined) => isCredentialRefusal(classifyPullError(m ?? '').cause);
  const refusedByEvent = evs.some((e) => e.reason === 'Failed' && credentialShaped(e.message));
  const refused = refusedByEvent || credentialShaped(waiting?.message);
  if ((failedEvent || (waiting?.reason && PULL_FAILURES.has(waiting.reason))) && refused) {
    // kubelet's status and its events travel apart: the status can say 401 before the events of that attempt
    // (the missing-secret warning among them) are written. Decide once the attempt's Failed event is there.
    if (!refusedByEvent) return { ...base, state: 'pending', reason: waiting?.reason ?? 'ErrImagePull', ...(waiting?.message ? { message: waiting.message } : {}) };
    const secret = pullSecretUnavailable(evs);
    if (secret) return { ...base, state: 'pending', reason: SECRET_UNAVAILABLE_REASON, message: secret.message };
  }
  if (waiting?.reason && PULL_FAILURES.has(waiting.reason)) {
    return { ...base, state: 'failed', reason: waiting.reason, message: failedEvent?.message ?? waiting.message };
  }
  if (failedEvent) return { ...base, state: 'failed', reason: 'ErrImagePull', message: failedEvent.message };
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (pod.status?.phase === 'Failed') {
    if (scheduled?.status === 'False') return { ...base, state: 'failed', reason: scheduled.reason ?? 'Unschedulable', message: scheduled.message };
    return { ...base, state: 'failed', reason: pod.status.reason ?? 'Failed', message: pod.status.message };
  }
  if (pod.status?.phase === 'Succeeded') return { ...base, state: 'pulled', reason: 'Completed' };
  if (scheduled?.status === 'False') return { ...base, state: 'pending', reason: scheduled.reason ?? 'Unschedulable', message: scheduled.message };
  const pulling = evs.find((e) => e.reason === 'Pulling');
  return { ...base, state: 'pending', reason: waiting?.reason ?? (pulling ? 'Pulling' : 'Pending'), ...(waiting?.message ? { message: waiting.message } : {}) };
}

function isPullTestPod(pod: Pod): boolean {
  const l = pod.metadata?.labels ?? {};
  return l[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && !!l[PULL_TEST_LABEL];
}

/**
 * Pull-test pods to delete: finished ones, and ones past their deadline (plus a grace period) that the kubelet
 * never got to stop, e.g. on a NotReady node. Pods already being deleted and pods of `keepRunIds` (a run whose
 * results are still being read) are left alone.
 */
export function pullTestLeftovers(pods: Pod[], now: Date | number, options: { graceSeconds?: number; keepRunIds?: string[] } = {}): Write[] {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const grace = options.graceSeconds ?? 30;
  const keep = new Set(options.keepRunIds ?? []);
  return pods
    .filter((p) => {
      if (!isPullTestPod(p) || p.metadata?.deletionTimestamp) return false;
      if (keep.has(p.metadata?.labels?.[PULL_TEST_LABEL] ?? '')) return false;
      const phase = p.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') return true;
      const created = Date.parse(p.metadata?.creationTimestamp ?? '');
      if (Number.isNaN(created)) return false;
      const deadline = p.spec?.activeDeadlineSeconds ?? DEFAULT_DEADLINE_SECONDS;
      return nowMs - created > (deadline + grace) * 1000;
    })
    .map((p) => ({
      action: 'delete' as const,
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: p.metadata?.namespace,
      name: p.metadata?.name ?? '',
      ...(p.metadata?.uid ? { preconditions: { uid: p.metadata.uid } } : {}),
      reason: { key: 'HARBOR_CONNECT_PULLTEST_WHY_CLEANUP', params: { name: p.metadata?.name ?? '' } },
    }));
}

/** How long a pull-test Secret may live: the pod's deadline and a margin; older ones are leftovers of a closed tab. */
export const PULL_TEST_SECRET_TTL_SECONDS = DEFAULT_DEADLINE_SECONDS + 60;

/** The labels of a pull test's temporary Secret: found and cleaned up by label like its pods. */
export function pullTestSecretLabels(registryId: string, runId: string): Record<string, string> {
  return { ...managedLabels(registryId), [COMPONENT_LABEL]: PULL_TEST_COMPONENT, [PULL_TEST_LABEL]: runId };
}

/**
 * The temporary pull secret of a run that tests credentials (the pod of planCredentialPullTest names it), labelled
 * like the run's pods: a closed tab's is found and deleted by label (pullTestSecretLeftovers).
 */
export function planPullTestSecret(input: { namespace: string; registryId: string; runId: string; server: RegistryAddress; username: string; password: string }): Write {
  const name = pullTestSecretName(input.runId);
  const body = buildPullSecret({ server: input.server, username: input.username, password: input.password, name, namespace: input.namespace, registryId: input.registryId });
  (body.metadata as { labels: Record<string, string> }).labels = pullTestSecretLabels(input.registryId, input.runId);
  return { action: 'create', apiVersion: 'v1', kind: 'Secret', namespace: input.namespace, name, body };
}

/**
 * Pull-test Secrets (read as metadata only) left behind by a closed tab or a failed delete: older than
 * PULL_TEST_SECRET_TTL_SECONDS, not being deleted, not of a run still in progress. Deletes carry the uid read.
 */
export function pullTestSecretLeftovers(
  secrets: Array<{ metadata?: { name?: string; namespace?: string; uid?: string; creationTimestamp?: string; deletionTimestamp?: string; labels?: Record<string, string> } }>,
  now: Date | number,
  options: { keepRunIds?: string[] } = {},
): Write[] {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const keep = new Set(options.keepRunIds ?? []);
  return secrets
    .filter((s) => {
      const l = s.metadata?.labels ?? {};
      if (l[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE || !l[PULL_TEST_LABEL] || s.metadata?.deletionTimestamp || !s.metadata?.name) return false;
      if (keep.has(l[PULL_TEST_LABEL]!)) return false;
      const created = Date.parse(s.metadata?.creationTimestamp ?? '');
      return Number.isNaN(created) || nowMs - created > PULL_TEST_SECRET_TTL_SECONDS * 1000;
    })
    .map((s) => ({
      action: 'delete' as const,
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: s.metadata?.namespace,
      name: s.metadata?.name ?? '',
      ...(s.metadata?.uid ? { preconditions: { uid: s.metadata.uid } } : {}),
      reason: { key: 'HARBOR_CONNECT_PULLTEST_WHY_CLEANUP', params: { name: s.metadata?.name ?? '' } },
    }));
}

/** Deletes for every pod of one run (after its results were read). */
export function planPullTestCleanup(pods: Pod[], runId: string): Write[] {
  return pods
    .filter((p) => isPullTestPod(p) && p.metadata?.labels?.[PULL_TEST_LABEL] === runId && !p.metadata?.deletionTimestamp)
    .map((p) => ({
      action: 'delete' as const,
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: p.metadata?.namespace,
      name: p.metadata?.name ?? '',
      ...(p.metadata?.uid ? { preconditions: { uid: p.metadata.uid } } : {}),
      reason: { key: 'HARBOR_CONNECT_PULLTEST_WHY_CLEANUP', params: { name: p.metadata?.name ?? '' } },
    }));
}

/** Label selector for one run's pods (or every pull-test pod). */
export function pullTestSelector(runId?: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${PULL_TEST_LABEL}${runId ? `=${runId}` : ''}`;
}

/**
 * The image to test with: the first repository the registry lists (Harbor: `project/repo`), else
 * `library/busybox:latest`. The host is written as nodes look it up (no `:443`, see trust/host).
 */
export function defaultTestImage(serverKey: string, repositories?: string[]): string {
  const host = serverKey === 'https://index.docker.io/v1/' ? 'docker.io' : registryHost(serverKey).hostDir;
  const first = (repositories ?? []).map((r) => r.trim()).find((r) => r.length > 0);
  if (!first) return `${host}/library/busybox:latest`;
  const repo = first.startsWith(`${host}/`) ? first.slice(host.length + 1) : first.replace(/^\/+/, '');
  const last = repo.slice(repo.lastIndexOf('/') + 1);
  return `${host}/${repo}${last.includes(':') || last.includes('@') ? '' : ':latest'}`;
}

export interface PullTestPodOutcome {
  result: PullTestResult;
  /** Once the pod settled (or the run ended): why the pull failed, or what it proved. */
  diagnosis?: PullDiagnosis;
}

/**
 * Each pull-test pod's result with its diagnosis once settled. `final`: the run is over (deadline), so a pod still
 * pending counts as failed (its diagnosis says why, e.g. never scheduled).
 */
export function pullTestOutcomes(podList: readonly Pod[], events: readonly CoreV1Event[], final: boolean): PullTestPodOutcome[] {
  return podList.map((pod) => {
    const mine = events.filter((e) => e.involvedObject?.name === pod.metadata?.name);
    const result = pullTestResult(pod, mine);
    const settled = result.state !== 'pending' || final;
    const diagnosis = settled ? diagnosePull({ containerStatuses: pod.status?.containerStatuses, events: mine, nodeName: pod.spec?.nodeName }) : undefined;
    return { result: final && result.state === 'pending' ? { ...result, state: 'failed' } : result, diagnosis };
  });
}

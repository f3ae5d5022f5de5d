// The one pull-test engine: runs a pull test to its verdict for every runner (the wizard's and the project page's
// one-pod credential check, runPullTest in src/features/wizard/verify.ts; the per-node test of the health panel and
// of the wizard's proof, ./usePullTest.ts). It creates the run's objects (the temporary pull secret first when the
// test is of credentials, then the pods), follows the pods and their events, says what each pod's pull proved
// (pullTestOutcomes, src/domain/pulltest, with the diagnosis), then deletes everything it created, whatever the
// ending, and reports what it could not delete. Every object carries the pull-test labels and is registered for a
// keepalive DELETE on pagehide until it is deleted; what still survives is a leftover for removePullTestLeftovers.
import type { Event, Pod } from 'kubernetes-types/core/v1';
import { deleteOnPageHide, events, executeWrite, isCanceled, isClusterUnreachable, pods, secrets, type ClusterContext } from '../../api';
import { isTransient } from '../../api/retry';
import { sleep } from '../../domain/async';
import { SECRET_UNAVAILABLE_REASON } from '../../domain/diagnosis';
import type { Write } from '../../domain/plan/write';
import { planPullTestSecret, pullTestOutcomes, pullTestSelector, PULL_TEST_PREFIX, type PullTestPodOutcome } from '../../domain/pulltest';
import type { RegistryAddress } from '../../domain/registry';
import { activePullTestRuns, deleteWithRetry, type DeleteFailure } from './engine';

export interface PullTestRunSpec {
  namespace: string;
  registryId: string;
  /** newPullTestRunId: the pods' and the temporary Secret's label and name. */
  runId: string;
  /** The run's pods (planPullTest, planCredentialPullTest), created together. */
  pods: readonly Write[];
  /** Credentials to pull with: put in the run's temporary pull secret (planPullTestSecret), created before the pods. */
  credentials?: { server: RegistryAddress; username: string; password: string };
  /** How long the pods are followed, from the start of the run; a pod still pending then has not pulled. */
  timeLimitMs: number;
  /** Time between two reads of the pods and their events (the first read is right after the pods are created). */
  pollMs: number;
}

export interface PullTestProgress {
  /** running: the objects exist and are followed; cleaning: the verdict is in, they are being deleted. */
  phase: 'running' | 'cleaning';
  pods: Pod[];
  events: Event[];
  /** Each pod's outcome so far (at the time limit: final, a pending pod counted as failed). */
  outcomes: PullTestPodOutcome[];
}

export interface PullTestRun {
  /**
   * settled: every pod pulled or failed; timeout: the time limit passed with a pod pending (or never seen); error: an
   * object could not be created, or the pods could not be read (a read the cluster did not answer is tried again at
   * the next poll); aborted: the signal fired. What was created is deleted in every case.
   */
  end: 'settled' | 'timeout' | 'error' | 'aborted';
  /** The pods and the events about them, as last read. */
  pods: Pod[];
  events: Event[];
  /** Each pod's outcome at the end, a pod still pending counted as failed (pullTestOutcomes, final). */
  outcomes: PullTestPodOutcome[];
  /**
   * By pod name: the pod's verdict when it was last seen waiting for kubelet's retry because kubelet could not read
   * its pull secret (SECRET_UNAVAILABLE_REASON, e.g. the first attempt, before the Secret reached kubelet's cache):
   * the verdict if it never can, for a run that times out.
   */
  secretUnavailable: Record<string, PullTestPodOutcome>;
  error?: unknown;
  /** What could not be deleted after retries; it stays registered for the pagehide DELETE. */
  cleanupFailures: DeleteFailure[];
}

export interface PullTestRunOptions {
  /** Stops the run (creates and reads in flight are cancelled); what was created is still deleted. */
  signal?: AbortSignal;
  onProgress?: (progress: PullTestProgress) => void;
}

interface Created {
  remove: Write;
  /** Unregisters the pagehide DELETE. */
  untrack: () => void;
}

function deleteOf(w: Write, uid?: string): Write {
  return { action: 'delete', apiVersion: 'v1', kind: w.kind, namespace: w.namespace, name: w.name, ...(uid ? { preconditions: { uid } } : {}) };
}

/** Runs one pull test to its verdict. Resolves (never rejects) once everything it created is deleted or reported. */
export async function runPullTestPods(cluster: ClusterContext, spec: PullTestRunSpec, options: PullTestRunOptions = {}): Promise<PullTestRun> {
  const { signal } = options;
  const { namespace, runId } = spec;
  const startedAt = Date.now();
  const report = (progress: PullTestProgress) => {
    try {
      options.onProgress?.(progress);
    } catch {
      // A failing progress callback must not stop the run or its clean-up.
    }
  };
  activePullTestRuns.add(runId);

  const created: Created[] = [];
  // Creates that got no answer (dropped, timed out, cancelled): they may have landed all the same.
  const unanswered: Write[] = [];
  const create = async (w: Write) => {
    try {
      const res = await executeWrite(w, cluster, { signal });
      const uid = (res as { metadata?: { uid?: string } } | undefined)?.metadata?.uid;
      const client = w.kind === 'Pod' ? pods : secrets;
      const untrack = deleteOnPageHide(
        client.path(cluster, { namespace: w.namespace, name: w.name }),
        uid ? { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } } : undefined,
      );
      created.push({ remove: deleteOf(w, uid), untrack });
    } catch (e) {
      if (isClusterUnreachable(e) || isCanceled(e)) unanswered.push(deleteOf(w));
      throw e;
    }
  };

  let podList: Pod[] = [];
  let evs: Event[] = [];
  const secretUnavailable: Record<string, PullTestPodOutcome> = {};
  let end: PullTestRun['end'] = 'timeout';
  let error: unknown;
  let running = false;
  try {
    if (spec.credentials) await create(planPullTestSecret({ namespace, registryId: spec.registryId, runId, ...spec.credentials }));
    const creates = await Promise.allSettled(spec.pods.map(create));
    const failed = creates.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    running = true;
    report({ phase: 'running', pods: [], events: [], outcomes: [] });
    for (;;) {
      if (signal?.aborted) {
        end = 'aborted';
        break;
      }
      const read = await readRun(cluster, spec, signal);
      if (signal?.aborted) {
        end = 'aborted';
        break;
      }
      if (read.pods) podList = read.pods;
      if (read.events) evs = read.events;
      const timedOut = Date.now() - startedAt >= spec.timeLimitMs;
      const current = pullTestOutcomes(podList, evs, false);
      current.forEach((o, i) => {
        // kubelet could not read the pull secret and backs off before retrying: the verdict if it never can.
        if (o.result.state === 'pending' && o.result.reason === SECRET_UNAVAILABLE_REASON) secretUnavailable[o.result.pod] = pullTestOutcomes([podList[i]!], evs, true)[0]!;
      });
      const settled = podList.length >= spec.pods.length && current.every((o) => o.result.state !== 'pending');
      report({ phase: 'running', pods: podList, events: evs, outcomes: timedOut ? pullTestOutcomes(podList, evs, true) : current });
      if (settled) {
        end = 'settled';
        break;
      }
      if (timedOut) break;
      await sleep(spec.pollMs, signal);
    }
  } catch (e) {
    end = signal?.aborted ? 'aborted' : 'error';
    error = signal?.aborted ? (signal.reason ?? e) : e;
  }

  const outcomes = pullTestOutcomes(podList, evs, true);
  if (running) report({ phase: 'cleaning', pods: podList, events: evs, outcomes });
  // The pods first (they use the Secret), then the Secret.
  const isPod = (w: Write) => w.kind === 'Pod';
  const removes = [...created.map((c) => c.remove), ...unanswered];
  const cleanupFailures = [
    ...(await deleteWithRetry(cluster, removes.filter(isPod), 8)),
    ...(await deleteWithRetry(cluster, removes.filter((w) => !isPod(w)))),
  ];
  // The pod and the Secret of a credential check share the run's name: tell them apart by kind.
  const failedDeletes = new Set(cleanupFailures.map((f) => `${f.kind}/${f.name}`));
  for (const c of created) if (!failedDeletes.has(`${c.remove.kind}/${c.remove.name}`)) c.untrack();
  activePullTestRuns.delete(runId);
  return { end, pods: podList, events: evs, outcomes, secretUnavailable, ...(error === undefined ? {} : { error }), cleanupFailures };
}

/**
 * One read of the run: its pods by label, and the events about them (by field selector for a single pod, else the
 * namespace's, kept to the run's names). A pod read the cluster did not answer (or cancelled) is no news: the
 * last one stands; any other failure ends the run. A failed events read keeps the last events.
 */
async function readRun(cluster: ClusterContext, spec: PullTestRunSpec, signal?: AbortSignal): Promise<{ pods?: Pod[]; events?: Event[] }> {
  const { namespace, runId } = spec;
  const only = spec.pods.length === 1 ? spec.pods[0]!.name : undefined;
  const [podRead, eventRead] = await Promise.allSettled([
    pods.list(cluster, { namespace, labelSelector: pullTestSelector(runId), signal }),
    events.list(cluster, { namespace, ...(only ? { fieldSelector: `involvedObject.name=${only}` } : {}), signal }),
  ]);
  if (podRead.status === 'rejected' && !isTransient(podRead.reason) && !isCanceled(podRead.reason)) throw podRead.reason;
  const prefix = `${PULL_TEST_PREFIX}${runId}`;
  return {
    ...(podRead.status === 'fulfilled' ? { pods: podRead.value.items as Pod[] } : {}),
    ...(eventRead.status === 'fulfilled' ? { events: (eventRead.value.items as Event[]).filter((e) => (e.involvedObject?.name ?? '').startsWith(prefix)) } : {}),
  };
}

// Runs a pull test: creates the planned pods, follows them and their events every second, diagnoses each pod's
// pull, deletes the pods, and remembers the result. Pods also stop by themselves (activeDeadlineSeconds) and are
// cleaned up by label on the next visit (cleanupLeftovers) when the page is closed mid-run.
import React from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import { events, executeWrite, pods, queryKeys, type ClusterContext } from '../../api';
import {
  DEFAULT_DEADLINE_SECONDS,
  newPullTestRunId,
  planPullTest,
  planPullTestCleanup,
  pullTestOutcomes,
  pullTestSelector,
  PULL_TEST_PREFIX,
  type PullTestPodOutcome,
} from '../../domain/pulltest';
import type { StoredPullTest } from '../../domain/health';
import { writeLastPullTest } from './storage';
import { activePullTestRuns, deleteWithRetry } from './engine';
import { sleep } from '../../domain/async';

export interface PullTestRequest {
  cluster: ClusterContext;
  registryId: string;
  namespace: string;
  image: string;
  secretName?: string;
  nodes: string[] | 'any';
  deadlineSeconds?: number;
}

export type PullTestPhase = 'idle' | 'starting' | 'running' | 'cleaning' | 'done' | 'error';


export interface PullTestRunState {
  phase: PullTestPhase;
  runId?: string;
  namespace?: string;
  image?: string;
  startedAt?: number;
  pods: Pod[];
  events: Event[];
  outcomes: PullTestPodOutcome[];
  error?: unknown;
}

const POLL_MS = 1000;

export function usePullTest() {
  const qc = useQueryClient();
  const [state, setState] = React.useState<PullTestRunState>({ phase: 'idle', pods: [], events: [], outcomes: [] });
  const abortRef = React.useRef<AbortController>();
  const liveRef = React.useRef<{ cluster: ClusterContext; namespace: string; runId: string } | undefined>();

  // Leaving the page mid-run: stop following and delete what this run created (best effort; the deadline and
  // the next visit's clean-up cover a failure here).
  React.useEffect(
    () => () => {
      abortRef.current?.abort();
      const live = liveRef.current;
      if (live) {
        activePullTestRuns.delete(live.runId);
        void pods
          .list(live.cluster, { namespace: live.namespace, labelSelector: pullTestSelector(live.runId) })
          .then((l) => deleteWithRetry(live.cluster, planPullTestCleanup(l.items as Pod[], live.runId), 8))
          .catch(() => undefined);
      }
    },
    [],
  );

  const run = React.useCallback(
    async (req: PullTestRequest) => {
      abortRef.current?.abort();
      // A run this one replaces is no longer followed: its pods are leftovers (their deadline ends them).
      if (liveRef.current) activePullTestRuns.delete(liveRef.current.runId);
      const ac = new AbortController();
      abortRef.current = ac;
      const runId = newPullTestRunId(Date.now());
      const deadline = req.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS;
      const startedAt = Date.now();
      setState({ phase: 'starting', runId, namespace: req.namespace, image: req.image, startedAt, pods: [], events: [], outcomes: [] });
      const { cluster, namespace } = req;
      liveRef.current = { cluster, namespace, runId };
      activePullTestRuns.add(runId);
      const writes = planPullTest({
        namespace,
        image: req.image,
        secretName: req.secretName,
        nodes: req.nodes,
        runId,
        registryId: req.registryId,
        deadlineSeconds: deadline,
      });
      try {
        await Promise.all(writes.map((w) => executeWrite(w, cluster, { signal: ac.signal })));
      } catch (error) {
        await deleteWithRetry(cluster, writes.map((w) => ({ ...w, action: 'delete' as const, body: undefined })), 8);
        activePullTestRuns.delete(runId);
        liveRef.current = undefined;
        setState((s) => ({ ...s, phase: 'error', error }));
        return;
      }
      setState((s) => ({ ...s, phase: 'running' }));
      let podList: Pod[] = [];
      let evs: Event[] = [];
      const prefix = `${PULL_TEST_PREFIX}${runId}`;
      while (!ac.signal.aborted) {
        try {
          const [pl, el] = await Promise.all([
            pods.list(cluster, { namespace, labelSelector: pullTestSelector(runId), signal: ac.signal }),
            events.list(cluster, { namespace, signal: ac.signal }),
          ]);
          podList = pl.items as Pod[];
          evs = (el.items as Event[]).filter((e) => (e.involvedObject?.name ?? '').startsWith(prefix));
        } catch {
          if (ac.signal.aborted) return;
        }
        const timedOut = Date.now() - startedAt > (deadline + 10) * 1000;
        const outcomes = pullTestOutcomes(podList, evs, timedOut);
        const settled = podList.length >= writes.length && outcomes.every((o) => o.result.state !== 'pending');
        const final = settled || timedOut;
        setState((s) => ({ ...s, pods: podList, events: evs, outcomes }));
        if (final) break;
        await sleep(POLL_MS, ac.signal);
      }
      if (ac.signal.aborted) return;
      const outcomes = pullTestOutcomes(podList, evs, true);
      setState((s) => ({ ...s, phase: 'cleaning', outcomes }));
      await deleteWithRetry(cluster, planPullTestCleanup(podList, runId), 8);
      activePullTestRuns.delete(runId);
      liveRef.current = undefined;
      const stored: StoredPullTest = {
        at: new Date().toISOString(),
        namespace,
        image: req.image,
        results: outcomes.map((o) => ({
          pod: o.result.pod,
          node: o.result.node ?? o.diagnosis?.node,
          state: o.result.state,
          diagnosis: o.diagnosis
            ? { cause: o.diagnosis.cause, titleKey: o.diagnosis.titleKey, fixKey: o.diagnosis.fixKey, detail: o.diagnosis.detail, message: o.diagnosis.message }
            : undefined,
        })),
      };
      writeLastPullTest(cluster.name, req.registryId, stored);
      setState((s) => ({ ...s, phase: 'done', outcomes }));
      // The panel's failure list and pod list change with this run.
      void qc.invalidateQueries({ queryKey: queryKeys.resource(cluster.name, 'events') });
      void qc.invalidateQueries({ queryKey: queryKeys.resource(cluster.name, 'pods') });
    },
    [qc],
  );

  const busy = state.phase === 'starting' || state.phase === 'running' || state.phase === 'cleaning';
  return { state, run, busy };
}

// The per-node pull test of the health panel and of the wizard's proof: planPullTest's pods (one per node, or one
// anywhere) run by the one pull-test engine (runPullTestPods, ./run.ts), which follows them and their events every
// second, diagnoses each pod's pull and deletes the pods; the result is remembered for the registry. Pods also stop
// by themselves (activeDeadlineSeconds) and are cleaned up by label on the next visit (cleanupLeftovers) when the
// page is closed mid-run.
import React from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import { queryKeys, type ClusterContext } from '../../api';
import { DEFAULT_DEADLINE_SECONDS, newPullTestRunId, planPullTest, type PullTestPodOutcome } from '../../domain/pulltest';
import type { StoredPullTest } from '../../domain/health';
import { writeLastPullTest } from './storage';
import { runPullTestPods } from './run';

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

type StateUpdate = (update: (s: PullTestRunState) => PullTestRunState) => void;

/**
 * One run: its pods planned and run by the engine, each state passed to `onState`, the result kept for the registry
 * (writeLastPullTest). Resolves with how it ended: done, error (nothing kept), or aborted (no state after the start).
 */
export async function runPullTestOnNodes(req: PullTestRequest, options: { signal?: AbortSignal; onState: StateUpdate }): Promise<'done' | 'error' | 'aborted'> {
  const { signal, onState } = options;
  const { cluster, namespace } = req;
  const runId = newPullTestRunId(Date.now());
  const deadline = req.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS;
  onState(() => ({ phase: 'starting', runId, namespace, image: req.image, startedAt: Date.now(), pods: [], events: [], outcomes: [] }));
  const writes = planPullTest({ namespace, image: req.image, secretName: req.secretName, nodes: req.nodes, runId, registryId: req.registryId, deadlineSeconds: deadline });
  const run = await runPullTestPods(
    cluster,
    { namespace, registryId: req.registryId, runId, pods: writes, timeLimitMs: (deadline + 10) * 1000, pollMs: POLL_MS },
    { signal, onProgress: (p) => onState((s) => ({ ...s, ...p })) },
  );
  if (run.end === 'aborted') return 'aborted';
  if (run.end === 'error') {
    onState((s) => ({ ...s, phase: 'error', error: run.error }));
    return 'error';
  }
  const stored: StoredPullTest = {
    at: new Date().toISOString(),
    namespace,
    image: req.image,
    results: run.outcomes.map((o) => ({
      pod: o.result.pod,
      node: o.result.node ?? o.diagnosis?.node,
      state: o.result.state,
      diagnosis: o.diagnosis
        ? { cause: o.diagnosis.cause, titleKey: o.diagnosis.titleKey, fixKey: o.diagnosis.fixKey, detail: o.diagnosis.detail, message: o.diagnosis.message }
        : undefined,
    })),
  };
  writeLastPullTest(cluster.name, req.registryId, stored);
  onState((s) => ({ ...s, phase: 'done', outcomes: run.outcomes }));
  return 'done';
}

export function usePullTest() {
  const qc = useQueryClient();
  const [state, setState] = React.useState<PullTestRunState>({ phase: 'idle', pods: [], events: [], outcomes: [] });
  const abortRef = React.useRef<AbortController>();

  // Leaving the page mid-run stops following; the engine still deletes what the run created (the pods' deadline
  // and the next visit's clean-up cover a failure there).
  React.useEffect(() => () => abortRef.current?.abort(), []);

  const run = React.useCallback(
    async (req: PullTestRequest) => {
      // A run this one replaces stops the same way: its pods are deleted, its states no longer shown.
      abortRef.current?.abort();
      const ac = new AbortController();
      abortRef.current = ac;
      const end = await runPullTestOnNodes(req, {
        signal: ac.signal,
        onState: (update) => {
          if (!ac.signal.aborted) setState(update);
        },
      });
      if (end !== 'done') return;
      // The panel's failure list and pod list change with this run.
      void qc.invalidateQueries({ queryKey: queryKeys.resource(req.cluster.name, 'events') });
      void qc.invalidateQueries({ queryKey: queryKeys.resource(req.cluster.name, 'pods') });
    },
    [qc],
  );

  const busy = state.phase === 'starting' || state.phase === 'running' || state.phase === 'cleaning';
  return { state, run, busy };
}

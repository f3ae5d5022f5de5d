import React, { useEffect, useRef, useState } from 'react';
import { Alert, Button, Tag } from '@kubed/components';
import type { Write, WriteOutcome } from '../../domain/plan/write';
import { applyStaged, SkippedWriteError, summarizeOutcomes, type WriteExecutor } from '../../domain/plan';
import { errorMessage, isConflict, isNetworkError, isTimeout } from '../../api/errors';
import { tr } from '../../i18n/t';
import { colors } from '../theme';

export interface ApplyProgressProps {
  writes: readonly Write[];
  execute: WriteExecutor;
  /** Writes of a lower stage finish before a higher stage starts (e.g. a namespace before what goes in it). */
  stage?: (w: Write) => number;
  concurrency?: number;
  /** Called after every run (first apply and each retry). */
  onFinished?: (outcomes: WriteOutcome[]) => void;
  testId?: string;
  /** Cancels writes not started yet (they fail as cancelled) and those in flight. */
  signal?: AbortSignal;
  /**
   * A failed write stops the later stages: their writes are not sent and fail as skipped (a binding must not
   * run after the Secret it names failed). "Retry failed" sends them once the earlier stage succeeds.
   */
  stopOnFailure?: boolean;
}

type Slot = WriteOutcome | { status: 'pending' | 'running'; write: Write };

const STATUS_COLOR: Record<string, string> = { done: 'success', unchanged: 'default', failed: 'error', pending: 'default', running: 'warning' };

function target(w: Write): string {
  return w.namespace ? `${w.namespace}/${w.name}` : w.name;
}

/** Applies a plan with bounded concurrency, one line per write with its result; "Retry failed" re-runs only the failed ones. */
export function ApplyProgress({ writes, execute, stage = () => 0, concurrency = 4, onFinished, testId = 'hc-apply', signal, stopOnFailure }: ApplyProgressProps) {
  const [slots, setSlots] = useState<Slot[]>(() => writes.map((write) => ({ status: 'pending', write })));
  const [running, setRunning] = useState(false);
  const outcomesRef = useRef<WriteOutcome[] | undefined>(undefined);
  const started = useRef(false);
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);

  const run = async (retry: boolean) => {
    setRunning(true);
    const prev = retry ? outcomesRef.current : undefined;
    setSlots((cur) => cur.map((s) => (!retry || s.status === 'failed' ? { status: 'running', write: s.write } : s)));
    const outcomes = await applyStaged(writes, execute, {
      stage,
      concurrency,
      onOutcome: (i, o) => {
        if (mounted.current) setSlots((cur) => cur.map((s, j) => (j === i ? o : s)));
      },
      previous: prev,
      signal,
      stopOnFailure,
    });
    outcomesRef.current = outcomes;
    if (!mounted.current) return;
    setSlots(outcomes);
    setRunning(false);
    onFinished?.(outcomes);
  };

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void run(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const finished = slots.filter((s): s is WriteOutcome => s.status === 'done' || s.status === 'unchanged' || s.status === 'failed');
  const sum = summarizeOutcomes(finished);
  const failed = finished.filter((o) => o.status === 'failed') as Array<Extract<WriteOutcome, { status: 'failed' }>>;
  const networkDrop = failed.some((o) => isNetworkError(o.error) || isTimeout(o.error));

  return (
    <div data-testid={testId} data-state={running ? 'running' : failed.length ? 'failed' : 'done'}>
      <div style={{ marginBottom: 12, fontWeight: 600 }} data-testid="hc-apply-summary">
        {tr('HARBOR_CONNECT_WIZARD_APPLY_SUMMARY', { done: sum.done, unchanged: sum.unchanged, failed: sum.failed, total: writes.length })}
      </div>
      <div style={{ border: `1px solid ${colors.border}`, borderRadius: 4 }}>
        {slots.map((s, i) => (
          <div
            key={i}
            style={{ padding: '8px 12px', borderTop: i ? `1px solid ${colors.border}` : undefined }}
            data-testid="hc-apply-row"
            data-status={s.status}
          >
            <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
              <Tag color={STATUS_COLOR[s.status]}>{tr(`HARBOR_CONNECT_WIZARD_APPLY_${s.status.toUpperCase()}`)}</Tag>
              <span>{tr(`HARBOR_CONNECT_WIZARD_ACTION_${s.write.action.toUpperCase()}`)}</span>
              <span style={{ fontWeight: 600 }}>{s.write.kind}</span>
              <span style={{ fontFamily: 'Monaco, Menlo, monospace', fontSize: 12 }}>{target(s.write)}</span>
            </div>
            {s.status === 'failed' ? (
              <div style={{ color: colors.error, fontSize: 12, marginTop: 4 }} data-testid="hc-apply-error">
                {s.error instanceof SkippedWriteError ? tr('HARBOR_CONNECT_WIZARD_APPLY_SKIPPED') : errorMessage(s.error, tr)}
                {isConflict(s.error) ? ` ${tr('HARBOR_CONNECT_WIZARD_APPLY_CONFLICT_HINT')}` : ''}
              </div>
            ) : null}
          </div>
        ))}
      </div>
      {!running && failed.length && !signal?.aborted ? (
        <div style={{ marginTop: 12 }}>
          {networkDrop ? (
            <Alert type="warning" title={tr('HARBOR_CONNECT_WIZARD_APPLY_PARTIAL_TITLE')} style={{ marginBottom: 8 }}>
              {tr('HARBOR_CONNECT_WIZARD_APPLY_PARTIAL', { written: sum.done + sum.unchanged, failed: sum.failed })}
            </Alert>
          ) : null}
          <Button color="secondary" onClick={() => void run(true)} data-testid="hc-apply-retry">
            {tr('HARBOR_CONNECT_WIZARD_APPLY_RETRY', { count: failed.length })}
          </Button>
        </div>
      ) : null}
    </div>
  );
}

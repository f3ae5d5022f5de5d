// Removing a registry as a state machine: phase by phase; a failed write stops it, phase 1 waits for the
// installer's remove-mode rollout, and Cancel cancels.
import { describe, expect, it } from 'vitest';
import type { Write, WriteOutcome } from '../plan/write';
import { removalReducer, type RemovalEvent, type RemovalShape, type RemovalState } from './removal';

const w = (name: string, kind = 'Secret'): Write => ({ action: 'delete', apiVersion: 'v1', kind, namespace: 'demo', name });
const ok = (x: Write): WriteOutcome => ({ status: 'done', write: x });
const failed = (x: Write): WriteOutcome => ({ status: 'failed', write: x, error: new Error('boom') });

function play(shape: RemovalShape, events: RemovalEvent[]): RemovalState {
  return events.reduce<RemovalState>((s, e) => removalReducer(shape, s, e), { kind: 'review' });
}
const shape: RemovalShape = { phases: 2, waitForInstaller: true };

describe('removalReducer', () => {
  it('runs phase 0, waits for the remove-mode rollout, then phase 1, then is done', () => {
    expect(play(shape, [{ type: 'start' }])).toEqual({ kind: 'phase', phase: 0 });
    const after0 = play(shape, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [ok(w('sa', 'ServiceAccount'))] }]);
    expect(after0).toEqual({ kind: 'waiting' });
    // Phase 1 (deleting the DaemonSet and the Secrets) never starts before the rollout.
    expect(removalReducer(shape, after0, { type: 'phase-finished', phase: 1, outcomes: [] })).toEqual({ kind: 'waiting' });
    const after1 = removalReducer(shape, after0, { type: 'rolled-out' });
    expect(after1).toEqual({ kind: 'phase', phase: 1 });
    expect(removalReducer(shape, after1, { type: 'phase-finished', phase: 1, outcomes: [ok(w('s'))] })).toEqual({ kind: 'removed' });
  });

  it('stops on a failed write: nothing of the next phase runs until a retry succeeds', () => {
    const stopped = play(shape, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [ok(w('a')), failed(w('b'))] }]);
    expect(stopped).toEqual({ kind: 'phase', phase: 0, stopped: true });
    expect(removalReducer(shape, stopped, { type: 'rolled-out' })).toEqual(stopped);
    // "Retry failed" in the same phase finishes it: then it goes on.
    expect(removalReducer(shape, stopped, { type: 'phase-finished', phase: 0, outcomes: [ok(w('a')), ok(w('b'))] })).toEqual({ kind: 'waiting' });
  });

  it('Cancel cancels: before the start, while waiting, during a phase; nothing advances afterwards', () => {
    expect(play(shape, [{ type: 'cancel' }, { type: 'start' }])).toEqual({ kind: 'cancelled', at: 'review' });
    const waitingCancelled = play(shape, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [] }, { type: 'cancel' }, { type: 'rolled-out' }]);
    expect(waitingCancelled).toEqual({ kind: 'cancelled', at: 'waiting' });
    const midPhase = play(shape, [{ type: 'start' }, { type: 'cancel' }, { type: 'phase-finished', phase: 0, outcomes: [ok(w('a'))] }]);
    expect(midPhase).toEqual({ kind: 'cancelled', at: 'phase' });
  });

  it('a rollout that does not finish in time asks: going on is the user\'s choice', () => {
    const t = play(shape, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [] }, { type: 'rollout-timeout' }]);
    expect(t).toEqual({ kind: 'wait-timeout' });
    expect(removalReducer(shape, t, { type: 'continue-anyway' })).toEqual({ kind: 'phase', phase: 1 });
    expect(removalReducer(shape, t, { type: 'cancel' })).toEqual({ kind: 'cancelled', at: 'wait-timeout' });
  });

  it('without an installer there is no wait; a single phase ends removed', () => {
    expect(play({ phases: 2, waitForInstaller: false }, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [] }])).toEqual({ kind: 'phase', phase: 1 });
    expect(play({ phases: 1, waitForInstaller: false }, [{ type: 'start' }, { type: 'phase-finished', phase: 0, outcomes: [] }])).toEqual({ kind: 'removed' });
  });
});

// Removing a registry as a state machine: the phases planRegistryRemoval gives run one after the other; a failed
// write stops it (nothing of a later phase runs until the failed writes succeed on retry); after phase 0 it waits
// for the trust installer's remove-mode rollout (src/features/wizard/removal.ts waitForRemoveMode), and asks
// before going on when that does not finish in time; Cancel stops it for good.
import type { WriteOutcome } from '../plan/write';

export type RemovalState =
  | { kind: 'review' }
  /** Phase `phase` is being applied (or was, with failures: `stopped`). */
  | { kind: 'phase'; phase: number; stopped?: boolean }
  | { kind: 'waiting' }
  /** The remove-mode rollout did not finish in time (NotReady nodes never report): the user decides. */
  | { kind: 'wait-timeout' }
  | { kind: 'cancelled'; at: Exclude<RemovalState['kind'], 'cancelled' | 'removed'> }
  | { kind: 'removed' };

export type RemovalEvent =
  | { type: 'start' }
  | { type: 'phase-finished'; phase: number; outcomes: WriteOutcome[] }
  | { type: 'rolled-out' }
  | { type: 'rollout-timeout' }
  | { type: 'continue-anyway' }
  | { type: 'cancel' };

export interface RemovalShape {
  phases: number;
  /** Phase 0 switches the installer to remove mode: wait for its rollout before the next phase. */
  waitForInstaller: boolean;
}

export function removalReducer(shape: RemovalShape, state: RemovalState, event: RemovalEvent): RemovalState {
  if (state.kind === 'cancelled' || state.kind === 'removed') return state;
  if (event.type === 'cancel') return { kind: 'cancelled', at: state.kind };
  switch (state.kind) {
    case 'review':
      return event.type === 'start' ? (shape.phases ? { kind: 'phase', phase: 0 } : { kind: 'removed' }) : state;
    case 'phase': {
      if (event.type !== 'phase-finished' || event.phase !== state.phase) return state;
      if (event.outcomes.some((o) => o.status === 'failed')) return { kind: 'phase', phase: state.phase, stopped: true };
      const next = state.phase + 1;
      if (next >= shape.phases) return { kind: 'removed' };
      if (state.phase === 0 && shape.waitForInstaller) return { kind: 'waiting' };
      return { kind: 'phase', phase: next };
    }
    case 'waiting':
      if (event.type === 'rolled-out') return { kind: 'phase', phase: 1 };
      if (event.type === 'rollout-timeout') return { kind: 'wait-timeout' };
      return state;
    case 'wait-timeout':
      if (event.type === 'continue-anyway' || event.type === 'rolled-out') return { kind: 'phase', phase: 1 };
      return state;
    default:
      return state;
  }
}


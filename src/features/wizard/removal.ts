// Removing a registry: the phases planRegistryRemoval gives (0: unbind ServiceAccounts, switch the trust installer
// to remove mode; 1: delete the installer, the pull Secrets, the probes, the record), run one after the other, as
// a small state machine the component drives. It stops on a failed write (nothing of a later phase runs until the
// failed writes succeed on retry), waits for the installer's remove-mode rollout before phase 1 (else the
// DaemonSet would go while the CA and hosts.toml stay on every node, and a Secret while ServiceAccounts name it),
// asks before going on when the rollout does not finish in time, and Cancel stops it for good.
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { daemonSets, isCanceled, pods, unlessNotFound, type ClusterContext } from '../../api';
import { managedSelector } from '../../domain/plan/labels';
import type { WriteOutcome } from '../../domain/plan/write';
import { installerRolledOut, trustInstallerName } from '../../domain/trust';
import { sleep as defaultSleep } from '../../domain/async';

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

export const ROLLOUT_TIMEOUT_MS = 300_000;
const POLL_MS = 3_000;

/**
 * Waits until the trust installer runs remove mode on every node it should (installerRolledOut), or is gone.
 * 'timeout' after `timeoutMs`; 'cancelled' when `signal` aborts. A failed read is asked again at the next poll.
 */
export async function waitForRemoveMode(
  cluster: ClusterContext,
  input: { registryId: string; namespace: string },
  opts: { signal?: AbortSignal; timeoutMs?: number; pollMs?: number; now?: () => number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {},
): Promise<'rolled-out' | 'timeout' | 'cancelled'> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const deadline = now() + (opts.timeoutMs ?? ROLLOUT_TIMEOUT_MS);
  const name = trustInstallerName(input.registryId);
  for (;;) {
    if (opts.signal?.aborted) return 'cancelled';
    try {
      const ds = (await unlessNotFound(daemonSets.get(cluster, name, { namespace: input.namespace, signal: opts.signal }))) as DaemonSet | undefined;
      if (!ds) return 'rolled-out';
      const list = (await pods.list(cluster, { namespace: input.namespace, labelSelector: managedSelector(input.registryId), signal: opts.signal })).items as Pod[];
      if (installerRolledOut({ daemonSet: ds, pods: list, mode: 'remove' })) return 'rolled-out';
    } catch (e) {
      if (isCanceled(e) || opts.signal?.aborted) return 'cancelled';
    }
    if (now() >= deadline) return 'timeout';
    await sleep(Math.min(opts.pollMs ?? POLL_MS, Math.max(0, deadline - now())), opts.signal);
  }
}


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
import { installerRolledOut, trustInstallerName, type InstallerMode } from '../../domain/trust';
import { sleep as defaultSleep } from '../../domain/async';

export const ROLLOUT_TIMEOUT_MS = 300_000;
const POLL_MS = 3_000;

type WaitOptions = { signal?: AbortSignal; timeoutMs?: number; pollMs?: number; now?: () => number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> };

/**
 * Waits until the trust installer runs remove mode on every node it should (installerRolledOut), or is gone.
 * 'timeout' after `timeoutMs`; 'cancelled' when `signal` aborts. A failed read is asked again at the next poll.
 */
export function waitForRemoveMode(cluster: ClusterContext, input: { registryId: string; namespace: string }, opts: WaitOptions = {}) {
  return waitForInstallerMode(cluster, { ...input, mode: 'remove' }, opts);
}

/**
 * Waits until the trust installer runs `mode` on every node it should: 'install' after the wizard applied (the nodes
 * then trust the CA), 'remove' before a removal deletes it. A missing installer counts as rolled out.
 */
export async function waitForInstallerMode(
  cluster: ClusterContext,
  input: { registryId: string; namespace: string; mode: InstallerMode },
  opts: WaitOptions = {},
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
      if (installerRolledOut({ daemonSet: ds, pods: list, mode: input.mode })) return 'rolled-out';
    } catch (e) {
      if (isCanceled(e) || opts.signal?.aborted) return 'cancelled';
    }
    if (now() >= deadline) return 'timeout';
    await sleep(Math.min(opts.pollMs ?? POLL_MS, Math.max(0, deadline - now())), opts.signal);
  }
}


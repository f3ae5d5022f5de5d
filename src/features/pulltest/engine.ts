// What the one pull-test engine (./run.ts runPullTestPods, behind the wizard's credential check and usePullTest)
// shares with the pages' leftover clean-up: the runs in progress in this page (never taken for leftovers), deletes
// with retries whose failures are reported, and the clean-up of leftovers of closed tabs, cluster-wide by label.
// What a pod's pull says is domain/pulltest (pullTestOutcomes).
import type { Pod } from 'kubernetes-types/core/v1';
import { ApiError, deleteWrites, pods, secrets, type ClusterContext } from '../../api';
import type { Write } from '../../domain/plan/write';
import { pullTestLeftovers, pullTestSecretLeftovers, pullTestSelector } from '../../domain/pulltest';

/** Pull-test runs in progress in this page: never taken for leftovers. */
export const activePullTestRuns = new Set<string>();

export interface DeleteFailure {
  kind: string;
  name: string;
  message: string;
}

/**
 * Deletes each write's object, retried (src/api deleteWrites: gone already counts as deleted), `concurrency` at a
 * time in the given order (1: one after the other, e.g. a pod before the Secret it uses). Returns what could not be
 * deleted.
 */
export async function deleteWithRetry(cluster: ClusterContext, writes: readonly Write[], concurrency = 1): Promise<DeleteFailure[]> {
  const failures = await deleteWrites(cluster, writes, { concurrency });
  return failures.map((f) => ({ kind: f.write.kind, name: f.write.name, message: ApiError.from(f.error).message }));
}

/**
 * Pull-test objects of closed tabs (or failed deletes), cluster-wide by label: finished or overdue pods, and
 * Secrets older than their TTL (read as metadata only). Returns what could not be deleted.
 */
export async function removePullTestLeftovers(cluster: ClusterContext, signal?: AbortSignal): Promise<{ removed: number; failures: Array<{ name: string; message: string }> }> {
  const keepRunIds = [...activePullTestRuns];
  const [podList, secretList] = await Promise.all([
    pods.list(cluster, { labelSelector: pullTestSelector(), signal }),
    secrets.listMetadata(cluster, { labelSelector: pullTestSelector(), signal }),
  ]);
  const writes = [...pullTestLeftovers(podList.items as Pod[], Date.now(), { keepRunIds }), ...pullTestSecretLeftovers(secretList.items, Date.now(), { keepRunIds })];
  const failures = await deleteWithRetry(cluster, writes);
  return { removed: writes.length - failures.length, failures: failures.map(({ name, message }) => ({ name, message })) };
}

/** Deletes the pull-test pods among `podList` that finished or outlived their deadline (a closed page's). Returns how many. */
export async function cleanupLeftovers(cluster: ClusterContext, podList: Pod[], keepRunIds: string[] = []): Promise<number> {
  const writes = pullTestLeftovers(podList, Date.now(), { keepRunIds: [...keepRunIds, ...activePullTestRuns] });
  await deleteWithRetry(cluster, writes, 8);
  return writes.length;
}

// The one retry policy for writes, used by the one write executor (planExecutor, ./write.ts): bounded tries,
// jittered backoff, and which failures are worth another try. Deletes of the extension's temporary objects
// (./write.ts deleteWrites) have their own, shorter policy below.
//   - transient: the network dropped, the request timed out, 502/503/504, 429: send again (the re-read or the
//     server's answer tells whether the first one landed: AlreadyExists, 409, 404 are then "unchanged").
//   - a guard that failed (409, a JSON patch `test` op, or a 422 with no field cause on a guarded patch): the object
//     moved since it was read: re-read and re-plan, never re-send the stale write.
import type { Write } from '../domain/plan/write';
import { ApiError, isClusterUnreachable, isConflict, isTestOpFailure } from './errors';

/** Tries of one write, the first included. */
export const WRITE_ATTEMPTS = 8;

/**
 * Of those tries, how many may end without any answer in the client's timeout (30 s each): a cluster that hangs
 * is reported after about a minute, not after eight timeouts; a refused or dropped connection answers at once and
 * keeps the full count.
 */
export const TIMEOUT_ATTEMPTS = 2;

/** Jittered exponential backoff before try `attempt + 1` (attempt ≥ 1): 12-25 ms after the first, at most 400-800 ms. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(800, 25 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** A failure that says nothing about the write itself: the same write may succeed when sent again. */
export function isTransient(err: unknown): boolean {
  // The cluster did not answer (network, timeout, 502/503/504), or asked to be called again later (429).
  return isClusterUnreachable(err) || (err instanceof ApiError && err.code === 429);
}

/**
 * 422s answered to a test-guarded JSON patch with no field-level cause: kube-apiserver reports a failed `test` op
 * as a generic 422 (the json-patch text is in details.causes, which some servers leave out). Re-reading and
 * re-planning is safe (a real validation error repeats and ends after the last try).
 */
export function isGuardFailure(write: Write, err: unknown): boolean {
  if (!(err instanceof ApiError) || err.code !== 422) return false;
  if (isTestOpFailure(err)) return true;
  const guarded = write.patchType === 'json' && Array.isArray(write.patch) && write.patch.some((op) => op.op === 'test');
  return guarded && !(err.details?.causes ?? []).some((c) => c.field);
}

/** After this failure of `write`, a fresh read and plan is safe and may succeed. */
export function isRetryableWrite(write: Write, err: unknown): boolean {
  return isConflict(err) || isTestOpFailure(err) || isGuardFailure(write, err) || isTransient(err);
}

/**
 * Deletes of temporary objects (a probe's ReverseProxies, a pull test's pods and Secrets: ./write.ts deleteWrites):
 * tries of one delete, the first included. Any failure but a 404 (gone already: done) is tried again; what still
 * fails is reported to the caller and found again as a leftover later.
 */
export const DELETE_ATTEMPTS = 3;

/** The wait before delete try `attempt + 1` (attempt ≥ 1): 200 ms after the first, 400 ms after the second. */
export function deleteRetryDelayMs(attempt: number): number {
  return 200 * attempt;
}

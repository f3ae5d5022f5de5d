// Bind / unbind one target with a fresh read each attempt: the planner (domain/binding) writes test-guarded JSON
// patches, so a concurrent change fails the write (422/409) and we re-read and re-plan. A dropped connection is
// retried the same way: the re-read tells whether the write landed (then the plan is empty), so nothing is lost
// and nothing is duplicated. The pages apply bindings through the one executor (planExecutor, src/api/write.ts),
// which re-plans a guarded write the same way under the same retry policy (src/api/retry.ts); this loop is the
// read-first variant lab/binding-reliability.test.ts drives against the real API under contention.
import {
  bindWithRetry,
  type RetryResult,
} from '../../domain/binding';
import { API_VERSION_OF, planForTarget, type BindTarget } from '../../domain/binding/target';
import { sleep } from '../../domain/async';
import type { Write } from '../../domain/plan/write';
import { isConflict, isTestOpFailure } from '../../api/errors';
import { isGuardFailure, isTransient, retryDelayMs, WRITE_ATTEMPTS } from '../../api/retry';


/** The network part, so the same logic runs in the browser (src/api) and in Node tests. */
export interface BindIo {
  read(apiVersion: string, kind: string, namespace: string, name: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
  write(write: Write, signal?: AbortSignal): Promise<unknown>;
}

// Guard failures seen on a write: kept so the next read-plan-write round treats them as retryable.
const guardFailures = new WeakSet<object>();

/** Errors after which a fresh read + plan is safe and may succeed (the one write retry policy, src/api/retry.ts). */
function isRetryable(err: unknown): boolean {
  if (typeof err === 'object' && err !== null && guardFailures.has(err)) return true;
  return isConflict(err) || isTestOpFailure(err) || isTransient(err);
}

export interface BindOptions {
  maxAttempts?: number;
  signal?: AbortSignal;
  /** Called before each read after the first (tests, progress). */
  onRetry?: (attempt: number, error: unknown) => void;
}

/** Read → plan → write, again on a retryable failure. Resolves with the domain's RetryResult (never rejects). */
export async function bindTarget(
  io: BindIo,
  namespace: string,
  target: BindTarget,
  secretName: string,
  mode: 'bind' | 'unbind',
  options: BindOptions = {},
): Promise<RetryResult> {
  const apiVersion = API_VERSION_OF[target.kind];
  const maxAttempts = options.maxAttempts ?? WRITE_ATTEMPTS;
  let attempt = 0;
  let retries = 0;
  const read = async (signal?: AbortSignal) => {
    // A read that fails on the network is retried here too (bindWithRetry returns on a failed read).
    for (let i = 0; ; i++) {
      try {
        if (attempt++ > 0) options.onRetry?.(attempt, undefined);
        return await io.read(apiVersion, target.kind, namespace, target.name, signal);
      } catch (e) {
        if (i >= 4 || !isTransient(e) || signal?.aborted) throw e;
        await sleep(retryDelayMs(i + 1), signal);
      }
    }
  };
  return bindWithRetry(
    read,
    (current) => planForTarget(current, target, secretName, mode),
    async (write, signal) => {
      try {
        return await io.write(write, signal);
      } catch (e) {
        if (typeof e === 'object' && e !== null && isGuardFailure(write, e)) guardFailures.add(e);
        if (isRetryable(e)) await sleep(retryDelayMs(++retries), signal);
        throw e;
      }
    },
    { maxAttempts, isConflict: isRetryable, signal: options.signal },
  );
}

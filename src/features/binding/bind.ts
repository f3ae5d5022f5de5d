// Bind / unbind one target with a fresh read each attempt: the planner (domain/binding) writes test-guarded JSON
// patches, so a concurrent change fails the write (422/409) and we re-read and re-plan. A dropped connection is
// retried the same way: the re-read tells whether the write landed (then the plan is empty), so nothing is lost
// and nothing is duplicated.
import {
  bindWithRetry,
  type RetryResult,
} from '../../domain/binding';
import { API_VERSION_OF, planForTarget, type BindTarget, type TargetKind } from '../../domain/binding/target';
import { sleep } from '../../domain/async';
import type { Write } from '../../domain/plan/write';
import { isNoop } from '../../domain/plan/apply';
import { isConflict, isNetworkError, isTestOpFailure, isTimeout, ApiError, NameTakenError } from '../../api/errors';


/** The network part, so the same logic runs in the browser (src/api) and in Node tests. */
export interface BindIo {
  read(apiVersion: string, kind: string, namespace: string, name: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
  write(write: Write, signal?: AbortSignal): Promise<unknown>;
}

// 422s answered to a test-guarded JSON patch with no field-level cause: kube-apiserver reports a failed `test` op
// as a generic 422 (the json-patch text is in details.causes, which some servers leave out). Re-reading and
// re-planning is safe (a real validation error repeats and ends after maxAttempts).
const guardFailures = new WeakSet<object>();

export function isGuardFailure(write: Write, err: unknown): boolean {
  if (!(err instanceof ApiError) || err.code !== 422) return false;
  if (isTestOpFailure(err)) return true;
  const guarded = write.patchType === 'json' && Array.isArray(write.patch) && write.patch.some((op) => op.op === 'test');
  return guarded && !(err.details?.causes ?? []).some((c) => c.field);
}

/** Errors after which a fresh read + plan is safe and may succeed. */
export function isRetryable(err: unknown): boolean {
  if (typeof err === 'object' && err !== null && guardFailures.has(err)) return true;
  if (isConflict(err) || isTestOpFailure(err) || isNetworkError(err) || isTimeout(err)) return true;
  return err instanceof ApiError && (err.code === 502 || err.code === 503 || err.code === 504 || err.code === 429);
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
  const maxAttempts = options.maxAttempts ?? 8;
  let attempt = 0;
  const read = async (signal?: AbortSignal) => {
    // A read that fails on the network is retried here too (bindWithRetry returns on a failed read).
    for (let i = 0; ; i++) {
      try {
        if (attempt++ > 0) options.onRetry?.(attempt, undefined);
        return await io.read(apiVersion, target.kind, namespace, target.name, signal);
      } catch (e) {
        if (i >= 4 || !(isNetworkError(e) || isTimeout(e)) || signal?.aborted) throw e;
        await sleep(50 * (i + 1));
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
        if (isRetryable(e)) await sleep(20 + Math.random() * 80);
        throw e;
      }
    },
    { maxAttempts, isConflict: isRetryable, signal: options.signal },
  );
}

/** Thrown when a binding gave up after its attempts (the object kept changing). */
export class BindingRetryExhausted extends Error {
  constructor(readonly attempts: number, readonly last: unknown) {
    super(`gave up after ${attempts} attempts`);
    this.name = 'BindingRetryExhausted';
  }
}

/**
 * A WriteExecutor (for ApplyProgress / applyPlan) that turns each previewed binding write into bindTarget: the
 * write names the target; the actual patch is re-planned from a fresh read, so a retry never applies a stale
 * patch. Other writes (a Secret create) go straight to io.write; AlreadyExists counts as unchanged only when the
 * object found holds what the create would have written (a retry after a lost answer), else NameTakenError.
 */
export function bindingExecutor(io: BindIo, secretName: string, mode: 'bind' | 'unbind', unchanged: unknown) {
  return async (write: Write, signal?: AbortSignal): Promise<unknown> => {
    if (write.kind in API_VERSION_OF && write.namespace) {
      const r = await bindTarget(io, write.namespace, { kind: write.kind as TargetKind, name: write.name }, secretName, mode, { signal });
      if (r.status === 'unchanged') return unchanged;
      if (r.status === 'failed') throw r.exhausted ? new BindingRetryExhausted(r.attempts, r.error) : r.error;
      return r.outcomes[r.outcomes.length - 1]?.status === 'done' ? (r.outcomes[r.outcomes.length - 1] as { result?: unknown }).result : undefined;
    }
    try {
      return await io.write(write, signal);
    } catch (e) {
      if (write.action === 'create' && e instanceof ApiError && e.reason === 'AlreadyExists') {
        const current = await io.read(write.apiVersion, write.kind, write.namespace ?? '', write.name, signal).catch(() => undefined);
        if (current && isNoop(write, current)) return unchanged;
        throw new NameTakenError(write.kind, write.namespace, write.name);
      }
      throw e;
    }
  };
}

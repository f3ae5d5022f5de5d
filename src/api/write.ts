// Applies one planned Write (src/domain/plan/write.ts). The plan applier (src/domain/plan/apply.ts)
// calls this with bounded concurrency and decides what a failure means (e.g. a delete answered 404).
import { isNoop, UNCHANGED, type WriteExecutor } from '../domain/plan/apply';
import type { Write } from '../domain/plan/write';
import { isAlreadyExists, isConflict, isInvalid, isNotFound, isTimeout, NameTakenError } from './errors';
import type { ClusterContext } from './cluster';
import type { KObject } from './models';
import { clientFor } from './resources';
import type { CallOptions } from './resource';
import { replanBindingWrite } from '../domain/binding';
import { withoutLastApplied } from '../domain/plan/secrets';
import { mapLimit, sleep } from '../domain/async';
import { DELETE_ATTEMPTS, deleteRetryDelayMs, isRetryableWrite, isTransient, retryDelayMs, TIMEOUT_ATTEMPTS, WRITE_ATTEMPTS } from './retry';

export interface ExecuteOptions extends CallOptions {
  /** Server-side dry run: validation and admission without persisting (for the review step). */
  dryRun?: boolean;
}

/**
 * Sends the write to the cluster and returns the server's answer (the object written, or the
 * delete's Status/object). Throws ApiError from the server, or Error for a malformed write
 * (unknown kind, replace without resourceVersion, patch without patch) before any request.
 */
export async function executeWrite(write: Write, cluster: ClusterContext, opts: ExecuteOptions = {}): Promise<unknown> {
  const client = clientFor(write.apiVersion, write.kind);
  if (!client) throw new Error(`no API client for ${write.apiVersion} ${write.kind}`);
  const namespace = client.type.namespaced ? write.namespace : undefined;
  if (client.type.namespaced && !namespace) throw new Error(`${write.kind} ${write.name}: namespace is required`);

  const withIdentity = (): KObject => {
    if (!write.body) throw new Error(`${write.action} ${write.kind} ${write.name}: body is required`);
    const body = write.body as KObject;
    // The write's name/namespace are what the review showed: the body must agree.
    let metadata = { ...(body.metadata ?? {}), name: write.name, ...(namespace ? { namespace } : {}) };
    // No Secret we write ever carries kubectl's clear-text copy of a previous version (old credentials).
    if (write.kind === 'Secret' && write.apiVersion === 'v1') metadata = withoutLastApplied(metadata);
    return { ...body, apiVersion: write.apiVersion, kind: write.kind, metadata };
  };

  switch (write.action) {
    case 'create':
      return client.create(cluster, withIdentity(), { ...opts, namespace });
    case 'replace':
      return client.replace(cluster, withIdentity(), { ...opts, namespace });
    case 'patch': {
      if (write.patch === undefined) throw new Error(`patch ${write.kind} ${write.name}: patch is required`);
      const patchType = write.patchType ?? (Array.isArray(write.patch) ? 'json' : 'merge');
      return client.patch(cluster, write.name, write.patch, patchType, { ...opts, namespace });
    }
    case 'delete':
      return client.delete(cluster, write.name, {
        ...opts,
        namespace,
        uid: write.preconditions?.uid,
        resourceVersion: write.preconditions?.resourceVersion,
      });
    default: {
      const never: never = write.action;
      throw new Error(`unknown write action ${String(never)}`);
    }
  }
}

/** A delete deleteWrites gave up on, with the last failure. */
export interface FailedDelete {
  write: Write;
  error: unknown;
}

/**
 * Deletes each write's object (the extension's temporary objects: probe ReverseProxies, pull-test pods and
 * Secrets), DELETE_ATTEMPTS tries each (./retry.ts; gone already counts as deleted), `concurrency` at a time in the
 * given order (1: one after the other, e.g. a pod before the Secret it uses). Never rejects: returns what could not
 * be deleted. `wait`: the clock's sleep (tests).
 */
export async function deleteWrites(
  cluster: ClusterContext,
  writes: readonly Write[],
  opts: { concurrency?: number; wait?: (ms: number) => Promise<void> } = {},
): Promise<FailedDelete[]> {
  const wait = opts.wait ?? sleep;
  const results = await mapLimit(writes, opts.concurrency ?? 1, async (write): Promise<FailedDelete | undefined> => {
    let last: unknown;
    for (let attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
      if (attempt) await wait(deleteRetryDelayMs(attempt));
      try {
        await executeWrite(write, cluster);
        return undefined;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        last = e;
      }
    }
    return { write, error: last };
  });
  return results.filter((f): f is FailedDelete => !!f);
}

/**
 * The executor src/domain/plan/apply.ts runs plans with, under the one retry policy (./retry.ts). Idempotent where
 * the server lets us tell: a create that finds the object already as planned, a delete that finds nothing, and a
 * replace or patch refused (409/422) because the object is already as planned, report UNCHANGED instead of failing.
 * A transient failure (network, timeout, 502/503/504, 429) sends the write again after a jittered backoff, bounded
 * (WRITE_ATTEMPTS tries, of which TIMEOUT_ATTEMPTS may time out);
 * the next answer tells whether the first one landed. Anything else fails with the server's ApiError.
 */
export function planExecutor(cluster: ClusterContext, opts: Omit<ExecuteOptions, 'signal'> = {}): WriteExecutor {
  return async (write, signal) => {
    let timeouts = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await executeOnce(write, cluster, opts, signal);
      } catch (err) {
        if (isTimeout(err)) timeouts++;
        if (opts.dryRun || attempt >= WRITE_ATTEMPTS || timeouts >= TIMEOUT_ATTEMPTS || signal?.aborted || !isTransient(err)) throw err;
        await sleep(retryDelayMs(attempt), signal);
      }
    }
  };
}

async function executeOnce(write: Write, cluster: ClusterContext, opts: Omit<ExecuteOptions, 'signal'>, signal?: AbortSignal): Promise<unknown> {
  try {
    return await executeWrite(write, cluster, { ...opts, signal });
  } catch (err) {
    if (write.action === 'delete' && isNotFound(err)) return UNCHANGED;
    const mayBeDone =
      (write.action === 'create' && isAlreadyExists(err)) ||
      ((write.action === 'replace' || write.action === 'patch') && (isConflict(err) || isInvalid(err)));
    if (mayBeDone && !opts.dryRun) {
      const current = await readCurrent(write, cluster, signal);
      if (current && isNoop(write, current)) return UNCHANGED;
      // Someone else's object under the planned name: never counted as done, never written over.
      if (write.action === 'create' && current) throw new NameTakenError(write.kind, write.namespace, write.name);
      // A guarded binding whose guard failed because the list changed since it was planned: plan it again
      // from a fresh read (bounded), so "retry failed" finishes the job and never drops other entries.
      if (current && write.intent) return replanAndWrite(write, current, cluster, { ...opts, signal });
    }
    throw err;
  }
}

/**
 * The object as it is now; undefined when it is absent or cannot be read. A read the cluster did not answer is sent
 * again (the write policy's tries and backoff): it decides whether a write that failed had in fact landed, so a
 * lost read must not turn a write that landed into a reported failure.
 */
async function readCurrent(write: Write, cluster: ClusterContext, signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
  const client = clientFor(write.apiVersion, write.kind);
  if (!client) return undefined;
  let timeouts = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await client.get(cluster, write.name, { namespace: client.type.namespaced ? write.namespace : undefined, signal })) as Record<string, unknown>;
    } catch (err) {
      if (isTimeout(err)) timeouts++;
      if (!isTransient(err) || attempt >= WRITE_ATTEMPTS || timeouts >= TIMEOUT_ATTEMPTS || signal?.aborted) return undefined;
      await sleep(retryDelayMs(attempt), signal);
    }
  }
}

async function replanAndWrite(
  write: Write,
  first: Record<string, unknown>,
  cluster: ClusterContext,
  opts: ExecuteOptions,
): Promise<unknown> {
  let current: Record<string, unknown> | undefined = first;
  let lastError: unknown;
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS && current; attempt++) {
    const next = replanBindingWrite(write, current);
    if (!next) return UNCHANGED;
    try {
      return await executeWrite(next, cluster, opts);
    } catch (err) {
      if (!(isRetryableWrite(next, err) || isInvalid(err)) || opts.signal?.aborted) throw err;
      lastError = err;
      await sleep(retryDelayMs(attempt), opts.signal);
      current = await readCurrent(write, cluster, opts.signal);
    }
  }
  throw lastError ?? new Error(`${write.kind} ${write.name}: not found while re-planning`);
}

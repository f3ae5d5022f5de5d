// Running a plan: bounded concurrency, results in the plan's order, failures reported per write and
// retryable alone, cancellation between writes. The executor (src/api) does the network part.

import type { Write, WriteIntent, WriteOutcome } from './write';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, deepEqual } from './jsonpatch';
import { base64ToUtf8 } from '../dockerconfig/base64';
import { mapLimit } from '../async';

/** An executor returns this when it found the object already as the write wants it (outcome `unchanged`). */
export const UNCHANGED: unique symbol = Symbol('harbor-connect.unchanged');

export type WriteExecutor = (write: Write, signal?: AbortSignal) => Promise<unknown>;

export interface ApplyProgressEvent {
  /** Writes finished so far (any outcome). */
  completed: number;
  total: number;
  /** Index in the plan of the write that just finished. */
  index: number;
  outcome: WriteOutcome;
}

export interface ApplyOptions {
  /** Writes in flight at once (default 8). */
  concurrency?: number;
  /** Abort: writes not yet started fail with the abort reason; writes in flight get the signal too. */
  signal?: AbortSignal;
  onProgress?: (progress: ApplyProgressEvent) => void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The plan was cancelled', 'AbortError');
}

/** True for the error a cancelled write fails with. */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: string }).name === 'AbortError';
}

/** Applies writes with bounded concurrency. Resolves (never rejects) with one outcome per write, in plan order. */
export async function applyPlan(writes: readonly Write[], execute: WriteExecutor, options: ApplyOptions = {}): Promise<WriteOutcome[]> {
  const total = writes.length;
  const outcomes: WriteOutcome[] = new Array(total);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const { signal, onProgress } = options;
  let completed = 0;

  const finish = (index: number, outcome: WriteOutcome) => {
    outcomes[index] = outcome;
    completed++;
    try {
      onProgress?.({ completed, total, index, outcome });
    } catch {
      // A failing progress callback must not break the plan.
    }
  };

  await mapLimit(writes, concurrency, async (write, index) => {
    if (signal?.aborted) {
      finish(index, { status: 'failed', write, error: abortReason(signal) });
      return;
    }
    try {
      const result = await execute(write, signal);
      finish(index, result === UNCHANGED ? { status: 'unchanged', write } : { status: 'done', write, result });
    } catch (error) {
      finish(index, { status: 'failed', write, error });
    }
  });
  return outcomes;
}

/** Re-applies only the failed writes; other outcomes are kept. Same order and options as applyPlan. */
export async function retryFailed(outcomes: readonly WriteOutcome[], execute: WriteExecutor, options: ApplyOptions = {}): Promise<WriteOutcome[]> {
  const failedIdx = outcomes.map((o, i) => (o.status === 'failed' ? i : -1)).filter((i) => i >= 0);
  const { onProgress } = options;
  const again = await applyPlan(
    failedIdx.map((i) => outcomes[i].write),
    execute,
    { ...options, onProgress: onProgress && ((p) => onProgress({ ...p, index: failedIdx[p.index] })) },
  );
  const out = outcomes.slice();
  failedIdx.forEach((i, j) => {
    out[i] = again[j];
  });
  return out;
}

/** The error of a write that was not sent because a write of an earlier stage failed. */
export class SkippedWriteError extends Error {
  constructor() {
    super('not sent: an earlier write failed');
    this.name = 'SkippedWriteError';
  }
}

export interface StagedApplyOptions {
  /** Writes of a lower stage finish before a higher stage starts (e.g. a namespace before what goes in it). */
  stage?: (w: Write) => number;
  /** Writes in flight at once within a stage (applyPlan's default when undefined). */
  concurrency?: number;
  /** Called as each write finishes, with its index in the plan. */
  onOutcome?: (index: number, outcome: WriteOutcome) => void;
  /** The outcomes of an earlier run: only its failed writes are sent again (stage by stage). */
  previous?: readonly WriteOutcome[];
  /** Cancels writes not started yet (they fail as cancelled) and those in flight. */
  signal?: AbortSignal;
  /**
   * A failed write stops the later stages: their writes are not sent and fail as skipped (a binding must not
   * run after the Secret it names failed). A retry (`previous`) sends them once the earlier stage succeeds.
   */
  stopOnFailure?: boolean;
}

/**
 * Applies a plan stage by stage (lower stages first), each stage with applyPlan's bounded concurrency; with
 * `previous`, re-sends only what failed. Resolves (never rejects) with one outcome per write, in plan order.
 */
export async function applyStaged(writes: readonly Write[], execute: WriteExecutor, options: StagedApplyOptions = {}): Promise<WriteOutcome[]> {
  const { stage = () => 0, concurrency, onOutcome, previous, signal, stopOnFailure } = options;
  const out: WriteOutcome[] = previous ? previous.slice() : new Array(writes.length);
  const stages = [...new Set(writes.map(stage))].sort((a, b) => a - b);
  const runOptions = (idx: number[]): ApplyOptions => ({
    ...(concurrency === undefined ? {} : { concurrency }),
    signal,
    onProgress: onOutcome && ((p) => onOutcome(idx[p.index], p.outcome)),
  });
  let blocked = false;
  for (const s of stages) {
    const idx = writes.map((w, i) => (stage(w) === s ? i : -1)).filter((i) => i >= 0);
    if (blocked) {
      for (const i of idx) {
        const o: WriteOutcome = { status: 'failed', write: writes[i], error: new SkippedWriteError() };
        out[i] = o;
        onOutcome?.(i, o);
      }
      continue;
    }
    if (previous) {
      const sub = idx.map((i) => previous[i]);
      if (sub.some((o) => o.status === 'failed')) {
        const res = await retryFailed(sub, execute, runOptions(idx));
        idx.forEach((i, j) => (out[i] = res[j]));
      }
    } else {
      const res = await applyPlan(
        idx.map((i) => writes[i]),
        execute,
        runOptions(idx),
      );
      idx.forEach((i, j) => (out[i] = res[j]));
    }
    if (stopOnFailure && idx.some((i) => out[i]?.status === 'failed')) blocked = true;
  }
  return out;
}

export function summarizeOutcomes(outcomes: readonly WriteOutcome[]): { done: number; unchanged: number; failed: number } {
  const s = { done: 0, unchanged: 0, failed: 0 };
  for (const o of outcomes) s[o.status]++;
  return s;
}

// ---------- idempotence ----------

const SERVER_METADATA = new Set(['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink']);

/** Every field of `expected` is in `actual` with the same value (arrays: same length, items compared the same way). */
export function containsSubset(expected: unknown, actual: unknown, atMetadata = false): boolean {
  if (expected === undefined) return true;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((x, i) => containsSubset(x, actual[i]));
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected as Record<string, unknown>).every(
      ([k, v]) =>
        (atMetadata && SERVER_METADATA.has(k)) || containsSubset(v, (actual as Record<string, unknown>)[k], k === 'metadata'),
    );
  }
  return deepEqual(expected, actual);
}

// stringData is write-only: compare it with the stored (base64) data.
function secretStringDataMatches(body: Record<string, unknown>, current: Record<string, unknown>): boolean {
  const sd = body.stringData as Record<string, string> | undefined;
  if (!sd) return true;
  const data = (current.data ?? {}) as Record<string, string>;
  return Object.entries(sd).every(([k, v]) => typeof data[k] === 'string' && base64ToUtf8(data[k]) === v);
}

/**
 * Whether applying `write` to `current` (the object as read; null/undefined when absent) would change nothing.
 * Used to report `unchanged` and to show "already done" in the review step. Strategic merge is approximated by
 * merging lists of named objects by name (see applyStrategicMergePatch).
 */
export function isNoop(write: Write, current: Record<string, unknown> | null | undefined): boolean {
  if (current === null || current === undefined) return write.action === 'delete';
  // A guarded write's guard reflects the object as first read; once the write (or someone else) has done
  // the job, the guard fails although nothing is left to do. The intent says what "done" means.
  if (write.intent && (write.action === 'patch' || write.action === 'replace')) return intentSatisfied(write.intent, current);
  switch (write.action) {
    case 'delete':
      return false;
    case 'create':
    case 'replace': {
      const body = write.body ?? {};
      const { stringData, ...rest } = body;
      void stringData;
      return containsSubset(rest, current) && (write.kind !== 'Secret' || secretStringDataMatches(body, current));
    }
    case 'patch': {
      try {
        let next: unknown;
        if (write.patchType === 'json') next = applyJsonPatch(current, (write.patch ?? []) as never);
        else if (write.patchType === 'merge') next = applyMergePatch(current, write.patch ?? {});
        else next = applyStrategicMergePatch(current, write.patch ?? {});
        return deepEqual(next, current);
      } catch {
        return false;
      }
    }
  }
}

/** Whether `current` already is in the state `intent` describes. */
export function intentSatisfied(intent: WriteIntent, current: Record<string, unknown>): boolean {
  let node: unknown = current;
  for (const raw of intent.path.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  const list = Array.isArray(node) ? (node as Array<{ name?: unknown } | null>) : [];
  const present = list.some((entry) => entry?.name === intent.name);
  return intent.type === 'list-contains' ? present : !present;
}

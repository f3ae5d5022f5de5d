// How the apply benches (bench/apply-plan.ts, bench/multicluster-apply.ts) describe plans and failed writes.
import { ApiError } from '../../src/api/errors';
import type { Write, WriteOutcome } from '../../src/domain/plan/write';

export function describeError(e: unknown): string {
  if (e instanceof ApiError) return `${e.code} ${e.reason}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** One line per failed write: what, where, why. */
export function failures(outcomes: readonly WriteOutcome[]): string[] {
  return outcomes
    .filter((o): o is Extract<WriteOutcome, { status: 'failed' }> => o.status === 'failed')
    .map((o) => `${o.write.action} ${o.write.kind} ${o.write.namespace ? `${o.write.namespace}/` : ''}${o.write.name}: ${describeError(o.error)}`);
}

/** `2 create Secret, 1 patch ServiceAccount`: a plan's writes counted by action and kind. */
export function writeMix(writes: readonly Write[]): string {
  const m = new Map<string, number>();
  for (const w of writes) m.set(`${w.action} ${w.kind}`, (m.get(`${w.action} ${w.kind}`) ?? 0) + 1);
  return [...m.entries()].map(([k, n]) => `${n} ${k}`).join(', ');
}

// The arithmetic the apply benches share (bench/apply-plan.ts, bench/multicluster-apply.ts, bench/browser-apply.ts):
// the round-trip bound of a staged apply, quantiles of measured times, and how a time is printed. Pure, unit-tested
// in tests/browser-apply.test.ts.

/** Writes per stage (writeStage), in stage order: [[stage, writes], ...]. */
export type StageCounts = Array<[number, number]>;

/** [[stage, writes], ...] sorted by stage, from each write's stage number. */
export function stageCounts(stages: readonly number[]): StageCounts {
  const m = new Map<number, number>();
  for (const s of stages) m.set(s, (m.get(s) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => a[0] - b[0]);
}

/** Round trips of a staged apply: a stage ends before the next starts, so sum over stages of ceil(writes / concurrency). */
export function rounds(stages: StageCounts, concurrency: number): number {
  if (!(concurrency >= 1)) throw new Error(`concurrency must be at least 1 (got ${concurrency})`);
  return stages.reduce((a, [, n]) => a + Math.ceil(n / concurrency), 0);
}

/** The round-trip bound: rounds x (latency + server time per write; 0: latency only). */
export function roundTripBoundMs(stages: StageCounts, concurrency: number, latencyMs: number, serverMs = 0): number {
  return rounds(stages, concurrency) * (latencyMs + serverMs);
}

/** The q-quantile (nearest rank below) of xs; 0 for none. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

/** A wall time as the benches print it: ms below 10 s, seconds with one decimal above. */
export const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

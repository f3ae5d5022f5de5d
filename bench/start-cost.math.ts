// The arithmetic of bench/start-cost.ts, pure so that it is unit-tested (tests/start-cost.test.ts).

/** An extension that registers nothing, in the console's module format: the baseline without ours. */
export const EMPTY_BUNDLE = 'System.register([],function(e){return{execute:function(){e("default",{routes:[],menus:[],locales:{}})}}});';

/** One page load's CDP Performance metrics. */
export interface StartSample {
  /** ScriptDuration, in ms. */
  scriptMs: number;
  /** JSHeapUsedSize after a forced GC, in bytes. */
  heapBytes: number;
}

export interface StartCostGoals {
  /** At most this many percent more script time than with the empty bundle (issue 15: 2). */
  scriptPercent: number;
  /** At most this much more JS heap than with the empty bundle (issue 15: 1.5 MB). */
  heapBytes: number;
}

export const ISSUE_15_GOALS: StartCostGoals = { scriptPercent: 2, heapBytes: 1.5 * 1024 * 1024 };

export interface StartCostReport {
  rounds: number;
  withExtension: StartSample;
  emptyBundle: StartSample;
  /** median(with) / median(empty) */
  scriptRatio: number;
  heapRatio: number;
  /** Median over rounds of the per-round difference (with - empty); rounds alternate, so drift cancels. */
  scriptDeltaMs: number;
  heapDeltaBytes: number;
  /** (scriptRatio - 1) * 100 */
  scriptPercent: number;
  meets: { script: boolean; heap: boolean };
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Pairs round i of each variant (the bench alternates them) and compares medians. */
export function startCostReport(withExtension: StartSample[], emptyBundle: StartSample[], goals: StartCostGoals = ISSUE_15_GOALS): StartCostReport {
  if (!withExtension.length || withExtension.length !== emptyBundle.length) {
    throw new Error(`need the same number of samples for both variants (${withExtension.length} vs ${emptyBundle.length})`);
  }
  const w = { scriptMs: median(withExtension.map((s) => s.scriptMs)), heapBytes: median(withExtension.map((s) => s.heapBytes)) };
  const e = { scriptMs: median(emptyBundle.map((s) => s.scriptMs)), heapBytes: median(emptyBundle.map((s) => s.heapBytes)) };
  const scriptRatio = w.scriptMs / e.scriptMs;
  const heapRatio = w.heapBytes / e.heapBytes;
  const scriptPercent = (scriptRatio - 1) * 100;
  const heapDeltaBytes = median(withExtension.map((s, i) => s.heapBytes - emptyBundle[i]!.heapBytes));
  return {
    rounds: withExtension.length,
    withExtension: w,
    emptyBundle: e,
    scriptRatio,
    heapRatio,
    scriptDeltaMs: median(withExtension.map((s, i) => s.scriptMs - emptyBundle[i]!.scriptMs)),
    heapDeltaBytes,
    scriptPercent,
    meets: { script: scriptPercent <= goals.scriptPercent, heap: heapDeltaBytes <= goals.heapBytes },
  };
}

/** Which variant loads first in round i: alternating, so neither always gets the warmer machine. */
export function roundOrder(i: number): Array<'with' | 'empty'> {
  return i % 2 ? ['empty', 'with'] : ['with', 'empty'];
}

export function formatReport(r: StartCostReport, goals: StartCostGoals = ISSUE_15_GOALS): string {
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(2)} MB`;
  return [
    `rounds: ${r.rounds} (alternating)`,
    `script time   with ${r.withExtension.scriptMs.toFixed(0)} ms   empty ${r.emptyBundle.scriptMs.toFixed(0)} ms   ratio ${r.scriptRatio.toFixed(3)} (+${r.scriptPercent.toFixed(1)} %, per-round delta ${r.scriptDeltaMs.toFixed(0)} ms)   goal <= +${goals.scriptPercent} %: ${r.meets.script ? 'met' : 'MISSED'}`,
    `JS heap       with ${mb(r.withExtension.heapBytes)}   empty ${mb(r.emptyBundle.heapBytes)}   ratio ${r.heapRatio.toFixed(3)} (per-round delta ${mb(r.heapDeltaBytes)})   goal <= +${mb(goals.heapBytes)}: ${r.meets.heap ? 'met' : 'MISSED'}`,
  ].join('\n');
}

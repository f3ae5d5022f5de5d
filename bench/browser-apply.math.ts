// The arithmetic of bench/browser-apply.ts, pure so that it is unit-tested (tests/browser-apply.test.ts): the
// round-trip bound of a staged apply at the concurrency the browser really gets, and the printed summary.

import { fmtMs, roundTripBoundMs, type StageCounts } from './apply-bound.math';

/** Issue 15: the wizard's apply in the browser within 1.5x of its round-trip bound. */
export const MAX_BOUND_RATIO = 1.5;

export interface ApplyRun {
  /** Wall time of the apply in the page (performance.now around applyStaged). */
  applyMs: number;
  /** Writes per stage of this run's plan. */
  stages: StageCounts;
  /** The concurrency given to applyStaged. */
  concurrency: number;
  /** Highest number of requests in flight at once at the proxy during the apply. */
  maxInFlight: number;
  /** Median time of the console (and what is behind it) per request, measured at the proxy. */
  serverMedianMs: number;
  failed: number;
}

export interface BrowserApplyReport {
  latencyMs: number;
  sequential: ApplyRun;
  bounded: ApplyRun;
  /** sequential.applyMs / bounded.applyMs */
  speedUp: number;
  /** What the browser really allowed: min(concurrency asked, max in flight at the proxy). */
  effective: number;
  boundMs: number;
  ratio: number;
  boundWithServerMs: number;
  ratioWithServer: number;
  /** The same for the sequential apply (1 in flight): how much of a round is not latency. */
  sequentialBoundMs: number;
  sequentialBoundWithServerMs: number;
  meets: { bound: boolean; failed: boolean };
}

export function browserApplyReport(latencyMs: number, sequential: ApplyRun, bounded: ApplyRun, maxRatio = MAX_BOUND_RATIO): BrowserApplyReport {
  const effective = Math.max(1, Math.min(bounded.concurrency, bounded.maxInFlight));
  const boundMs = roundTripBoundMs(bounded.stages, effective, latencyMs);
  const boundWithServerMs = roundTripBoundMs(bounded.stages, effective, latencyMs, bounded.serverMedianMs);
  const ratio = bounded.applyMs / boundMs;
  return {
    latencyMs,
    sequential,
    bounded,
    speedUp: sequential.applyMs / bounded.applyMs,
    effective,
    boundMs,
    ratio,
    boundWithServerMs,
    ratioWithServer: bounded.applyMs / boundWithServerMs,
    sequentialBoundMs: roundTripBoundMs(sequential.stages, 1, latencyMs),
    sequentialBoundWithServerMs: roundTripBoundMs(sequential.stages, 1, latencyMs, sequential.serverMedianMs),
    meets: { bound: ratio <= maxRatio, failed: sequential.failed + bounded.failed === 0 },
  };
}

const stagesText = (s: StageCounts) => s.map(([st, n]) => `${st}:${n}`).join(' ');

/** The summary lines, in the style of bench/multicluster-apply.ts. */
export function formatReport(r: BrowserApplyReport, maxRatio = MAX_BOUND_RATIO): string[] {
  const row = (name: string, value: string, target: string, verdict: string) => `  ${name.padEnd(26)}${value.padEnd(78)}${target.padEnd(12)}${verdict}`.trimEnd();
  const { sequential: s, bounded: b } = r;
  return [
    `summary: +${r.latencyMs} ms per request; compare ratios within this run, absolute times here are noisy`,
    row('apply wall time', `sequential ${fmtMs(s.applyMs)} (stages ${stagesText(s.stages)}), bounded ${fmtMs(b.applyMs)} (stages ${stagesText(b.stages)})`, '', ''),
    row('speed-up', `sequential / bounded = ${r.speedUp.toFixed(2)}x (concurrency 1 vs ${b.concurrency})`, '(info)', ''),
    row('effective concurrency', `${b.maxInFlight} in flight at most at the proxy (asked ${b.concurrency}): ${r.effective}`, '(info)', ''),
    row(
      'apply vs bound',
      `${fmtMs(b.applyMs)} / ${fmtMs(r.boundMs)} = ${r.ratio.toFixed(2)}x (rounds of ${r.effective} per stage x ${r.latencyMs} ms)`,
      `<= ${maxRatio}x`,
      r.meets.bound ? 'ok' : 'MISSED',
    ),
    row(
      '    with server time',
      `${fmtMs(b.applyMs)} / ${fmtMs(r.boundWithServerMs)} = ${r.ratioWithServer.toFixed(2)}x (rounds x (latency + median console time ${b.serverMedianMs.toFixed(0)} ms))`,
      '(info)',
      '',
    ),
    row(
      'sequential vs its bound',
      `${fmtMs(s.applyMs)} / ${fmtMs(r.sequentialBoundMs)} = ${(s.applyMs / r.sequentialBoundMs).toFixed(2)}x; with server time ${fmtMs(r.sequentialBoundWithServerMs)} = ${(s.applyMs / r.sequentialBoundWithServerMs).toFixed(2)}x (median ${s.serverMedianMs.toFixed(0)} ms)`,
      '(info)',
      '',
    ),
    row('failed writes', `sequential ${s.failed}, bounded ${b.failed}`, '0', r.meets.failed ? 'ok' : 'MISSED'),
  ];
}

/** Why the run failed, one phrase per missed goal; empty when all were met. */
export function missed(r: BrowserApplyReport, maxRatio = MAX_BOUND_RATIO): string[] {
  const out: string[] = [];
  if (!r.meets.bound) out.push(`apply ${r.ratio.toFixed(2)}x its round-trip bound at ${r.effective} in flight > ${maxRatio}x`);
  if (!r.meets.failed) out.push(`${r.sequential.failed + r.bounded.failed} failed writes`);
  return out;
}

import { describe, expect, it } from 'vitest';
import { quantile, rounds, roundTripBoundMs, stageCounts } from '../bench/apply-bound.math';
import { browserApplyReport, formatReport, missed, type ApplyRun } from '../bench/browser-apply.math';

const run = (over: Partial<ApplyRun>): ApplyRun => ({
  applyMs: 1000,
  stages: [
    [1, 101],
    [2, 100],
  ],
  concurrency: 16,
  maxInFlight: 6,
  serverMedianMs: 20,
  failed: 0,
  ...over,
});

describe('browser-apply bench arithmetic', () => {
  it('counts writes per stage, in stage order', () => {
    expect(stageCounts([2, 1, 1, 2, 0, 1])).toEqual([
      [0, 1],
      [1, 3],
      [2, 2],
    ]);
    expect(stageCounts([])).toEqual([]);
  });

  it('rounds: each stage on its own, ceil(writes / concurrency)', () => {
    const stages = stageCounts([...Array(101).fill(1), ...Array(100).fill(2)]);
    expect(rounds(stages, 6)).toBe(17 + 17);
    expect(rounds(stages, 16)).toBe(7 + 7);
    expect(rounds(stages, 1)).toBe(201);
    expect(roundTripBoundMs(stages, 6, 100)).toBe(3400);
    expect(roundTripBoundMs(stages, 6, 100, 25)).toBe(34 * 125);
    expect(() => rounds(stages, 0)).toThrow(/at least 1/);
  });

  it('quantiles', () => {
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(10);
    expect(quantile([], 0.5)).toBe(0);
  });

  it('bounds at the concurrency the browser got, not the one asked', () => {
    const r = browserApplyReport(100, run({ applyMs: 25_000, concurrency: 1, maxInFlight: 1 }), run({ applyMs: 4000 }));
    expect(r.effective).toBe(6);
    expect(r.boundMs).toBe(3400);
    expect(r.ratio).toBeCloseTo(4000 / 3400, 9);
    expect(r.boundWithServerMs).toBe(34 * 120);
    expect(r.speedUp).toBeCloseTo(6.25, 9);
    expect(r.sequentialBoundMs).toBe(20_100);
    expect(r.meets).toEqual({ bound: true, failed: true });
    expect(missed(r)).toEqual([]);
    // An HTTP/2 console: the browser sends all 16; more in flight than asked is capped at what was asked.
    expect(browserApplyReport(100, run({ concurrency: 1 }), run({ maxInFlight: 19 })).effective).toBe(16);
  });

  it('misses the goal above 1.5x, and on a failed write', () => {
    const r = browserApplyReport(100, run({ applyMs: 25_000, concurrency: 1, maxInFlight: 1, failed: 1 }), run({ applyMs: 5200 }));
    expect(r.ratio).toBeCloseTo(5200 / 3400, 9);
    expect(r.meets).toEqual({ bound: false, failed: false });
    expect(missed(r)).toEqual(['apply 1.53x its round-trip bound at 6 in flight > 1.5x', '1 failed writes']);
    const lines = formatReport(r);
    expect(lines[0]).toMatch(/^summary: \+100 ms per request/);
    expect(lines.find((l) => l.includes('apply vs bound'))).toMatch(/5200 ms \/ 3400 ms = 1\.53x \(rounds of 6 per stage x 100 ms\).*<= 1\.5x\s+MISSED$/);
    expect(lines.find((l) => l.includes('effective concurrency'))).toContain('6 in flight at most at the proxy (asked 16): 6');
  });
});

import { describe, expect, it } from 'vitest';
import { EMPTY_BUNDLE, median, roundOrder, startCostReport } from '../bench/start-cost.math';

describe('start-cost bench arithmetic', () => {
  it('medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('ratios of medians, per-round deltas, and the issue 15 goals', () => {
    const empty = [1000, 1010, 990, 1000].map((ms, i) => ({ scriptMs: ms, heapBytes: 50e6 + i }));
    const withExt = [1015, 1020, 1000, 1010].map((ms, i) => ({ scriptMs: ms, heapBytes: 51e6 + i }));
    const r = startCostReport(withExt, empty);
    expect(r.scriptRatio).toBeCloseTo(1012.5 / 1000, 6);
    expect(r.scriptPercent).toBeCloseTo(1.25, 6);
    expect(r.scriptDeltaMs).toBe(10); // deltas 15, 10, 10, 10
    expect(r.heapDeltaBytes).toBe(1e6);
    expect(r.meets).toEqual({ script: true, heap: true });
    const heavy = startCostReport(
      withExt.map((s) => ({ scriptMs: s.scriptMs * 1.05, heapBytes: s.heapBytes + 2e6 })),
      empty,
    );
    expect(heavy.meets).toEqual({ script: false, heap: false });
  });

  it('refuses unpaired samples and alternates the order', () => {
    expect(() => startCostReport([{ scriptMs: 1, heapBytes: 1 }], [])).toThrow(/same number/);
    expect([0, 1, 2].map(roundOrder)).toEqual([['with', 'empty'], ['empty', 'with'], ['with', 'empty']]);
  });

  it('the empty bundle is a System.register module exporting an extension with nothing in it', () => {
    let exported: Record<string, unknown> = {};
    const System = {
      register(deps: string[], declare: (e: (k: string, v: unknown) => void) => { execute: () => void }) {
        expect(deps).toEqual([]);
        declare((k, v) => (exported = { ...exported, [k]: v })).execute();
      },
    };
    new Function('System', EMPTY_BUNDLE)(System);
    expect(exported).toEqual({ default: { routes: [], menus: [], locales: {} } });
  });
});

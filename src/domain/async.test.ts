import { describe, expect, it } from 'vitest';
import { mapLimit, sleep } from './async';

describe('mapLimit', () => {
  it('keeps at most `limit` in flight and returns results in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([30, 10, 20, 5, 1], 2, async (ms, i) => {
      most = Math.max(most, ++inFlight);
      await sleep(ms);
      inFlight--;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('starts nothing more after a failure and rejects with it', async () => {
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });

  it('an empty list resolves at once', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});

describe('sleep', () => {
  it('resolves early on abort', async () => {
    const ctl = new AbortController();
    const t = Date.now();
    const p = sleep(5_000, ctl.signal);
    ctl.abort();
    await p;
    expect(Date.now() - t).toBeLessThan(1_000);
  });
});

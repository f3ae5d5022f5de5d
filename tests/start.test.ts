// What the console's start executes of dist/index.js, measured with V8's precise coverage while a real SystemJS
// loader registers the bundle as the console does: only the start path (routes, menus, menu titles) runs; the
// pages' code (components, page strings, TanStack Query, certificate inspection, key generation) runs when a page
// of ours first renders.
import { existsSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundlePath, bundleUrl as url, importBundle, renderRoute, type Extension } from './system-host';

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface ScriptCoverage {
  url: string;
  functions: Array<{ functionName: string; ranges: Range[] }>;
}

/**
 * Bytes of the script whose innermost enclosing function (or block) ran at least once. A function that never ran
 * counts none of its bytes, however large, even when the function around it ran.
 */
export function executedBytes(length: number, functions: ScriptCoverage['functions']): number {
  const ranges = functions.flatMap((f) => f.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  const count = new Int32Array(length).fill(-1);
  // Outer ranges first, inner ones overwrite: the innermost range decides.
  for (const r of ranges) count.fill(r.count > 0 ? 1 : 0, r.startOffset, Math.min(r.endOffset, length));
  let n = 0;
  for (let i = 0; i < length; i++) if (count[i] === 1) n++;
  return n;
}

const session = new Session();
let source = '';
let ext: Extension;
let atStart = 0;

async function covered(): Promise<number> {
  const { result } = (await session.post('Profiler.takePreciseCoverage')) as { result: ScriptCoverage[] };
  const script = result.find((s) => s.url === url);
  if (!script) throw new Error(`no coverage for ${url}`);
  return executedBytes(source.length, script.functions);
}

beforeAll(async () => {
  if (!existsSync(bundlePath)) throw new Error('dist/index.js is missing: run `npm run build` first (npm test does)');
  source = readFileSync(bundlePath, 'utf8');
  vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new Error('no requests'))));
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  ext = await importBundle();
  atStart = await covered();
});

afterAll(async () => {
  await session.post('Profiler.stopPreciseCoverage');
  session.disconnect();
  vi.unstubAllGlobals();
});

describe('console start', () => {
  it('executes only the start path of dist/index.js', () => {
    console.log(`dist/index.js: ${source.length} bytes, ${atStart} bytes in code that ran at start (${((100 * atStart) / source.length).toFixed(1)} %)`);
    // Routes, menus, menu titles, the page stand-ins and the System.register wrapper: a few KB.
    expect(atStart).toBeLessThan(8 * 1024);
  });

  it('runs the pages only when a page of ours first renders', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      renderRoute(ext, '/clusters/host/image-registries');
    } finally {
      quiet.mockRestore();
    }
    const afterPage = await covered();
    console.log(`after the first page: ${afterPage} bytes in code that ran`);
    // The page module's top level (module initialisers, styled components, page strings) is most of the bundle.
    expect(afterPage).toBeGreaterThan(atStart + 100 * 1024);
  });
});

describe('executedBytes', () => {
  it('counts the innermost range', () => {
    const fns = [
      { functionName: '', ranges: [{ startOffset: 0, endOffset: 100, count: 1 }] },
      { functionName: 'lazy', ranges: [{ startOffset: 10, endOffset: 90, count: 0 }] },
      { functionName: 'used', ranges: [{ startOffset: 20, endOffset: 30, count: 2 }] },
    ];
    expect(executedBytes(100, fns)).toBe(20 + 10);
  });
});

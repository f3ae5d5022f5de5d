// The extension's registration cost in Chromium without a console: a page with SystemJS, the console's import map
// (react from React's UMD build; the other shared modules as empty stand-ins: registration reads none of them) and
// System.import of dist/index.js, alternating with the empty bundle bench/start-cost.ts swaps in. Prints the median
// per-round deltas of CDP ScriptDuration, JSHeapUsedSize (after a forced GC) and the in-page time from System.import
// to the default export: what our bundle adds to a console start. The ratios are not meaningful here (the page is nearly empty); on the real console
// use bench/start-cost.ts.
//   npm run build && npx tsx bench/start-local.ts [--rounds=20] [--bundle=path/to/other/index.js]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { HOST_MODULES } from '../vite.config';
import { EMPTY_BUNDLE, median, roundOrder, startCostReport, type StartSample } from './start-cost.math';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 20);
const files: Record<string, string> = {
  '/system.js': readFileSync(join(root, 'node_modules/systemjs/dist/system.min.js'), 'utf8'),
  '/react.js': readFileSync(join(root, 'node_modules/react/umd/react.production.min.js'), 'utf8'),
  '/with/index.js': readFileSync(process.argv.find((a) => a.startsWith('--bundle='))?.split('=')[1] ?? join(root, 'dist/index.js'), 'utf8'),
  '/empty/index.js': EMPTY_BUNDLE,
};
const importMap = JSON.stringify({ imports: Object.fromEntries(HOST_MODULES.map((m) => [m, `core:${m}`])) });
const page = (variant: string) => `<!doctype html><meta charset="utf-8"><title>start-local</title>
<script src="/react.js"></script><script src="/system.js"></script>
<script type="systemjs-importmap">${importMap}</script>
<script>
  for (const m of ${JSON.stringify(HOST_MODULES)}) System.set('core:' + m, m === 'react' ? Object.assign({ default: React }, React) : {});
  const t0 = performance.now();
  System.import('/${variant}/index.js').then((mod) => { window.__ms = performance.now() - t0; window.__ext = mod.default; window.__done = true; }, (e) => { window.__error = String(e); });
</script>`;

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0]!;
  if (files[path] !== undefined) res.writeHead(200, { 'content-type': 'text/javascript' }).end(files[path]);
  else res.writeHead(200, { 'content-type': 'text/html' }).end(page(path.includes('empty') ? 'empty' : 'with'));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function load(variant: 'with' | 'empty'): Promise<StartSample & { importMs: number }> {
  const context = await browser.newContext();
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  await cdp.send('Performance.enable');
  await p.goto(`${base}/${variant === 'empty' ? 'empty' : 'with'}.html`);
  await p.waitForFunction(() => (window as unknown as { __done?: boolean; __error?: string }).__done || (window as unknown as { __error?: string }).__error);
  const error = await p.evaluate(() => (window as unknown as { __error?: string }).__error);
  if (error) throw new Error(`${variant}: ${error}`);
  if (variant === 'with') {
    const menus = await p.evaluate(() => (window as unknown as { __ext: { menus: unknown[] } }).__ext.menus.length);
    if (menus !== 3) throw new Error(`with: ${menus} menus registered`);
  }
  const importMs = await p.evaluate(() => (window as unknown as { __ms: number }).__ms);
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  await context.close();
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { scriptMs: metric('ScriptDuration') * 1000, heapBytes: metric('JSHeapUsedSize'), importMs };
}

try {
  await load('with');
  await load('empty');
  const samples = { with: [] as Array<StartSample & { importMs: number }>, empty: [] as Array<StartSample & { importMs: number }> };
  for (let i = 0; i < rounds; i++) for (const v of roundOrder(i)) samples[v].push(await load(v));
  const r = startCostReport(samples.with, samples.empty);
  console.log(`dist/index.js ${files['/with/index.js']!.length} bytes, ${rounds} rounds (alternating), Chromium, no console`);
  console.log(`registration adds: script ${r.scriptDeltaMs.toFixed(1)} ms (median per-round delta), JS heap ${(r.heapDeltaBytes / 1024).toFixed(0)} KB`);
  const importDelta = median(samples.with.map((s, i) => s.importMs - samples.empty[i]!.importMs));
  console.log(`System.import to default export (fetch from loopback, parse, evaluate): +${importDelta.toFixed(1)} ms (median per-round delta)`);
  console.log(`medians: script ${r.withExtension.scriptMs.toFixed(1)} vs ${r.emptyBundle.scriptMs.toFixed(1)} ms, heap ${(r.withExtension.heapBytes / 1024).toFixed(0)} vs ${(r.emptyBundle.heapBytes / 1024).toFixed(0)} KB`);
} finally {
  await browser.close();
  server.close();
}

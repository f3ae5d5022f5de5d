// RSA-2048 key generation in Chromium: WebCrypto vs node-forge's pure-JS generator (what
// generate.ts falls back to on an http:// console, where crypto.subtle is missing). Prints the
// ratio of medians in one run, not absolute times, since the machine is shared.
//   npx tsx bench/cert-keygen.ts [--rounds=5]
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 5);

// Bundle the page for the browser: node-forge's browser field drops its Node-only requires.
const script = execFileSync(join(root, 'node_modules/.bin/esbuild'), [
  join(here, 'cert-keygen.page.ts'),
  '--bundle',
  '--format=iife',
  '--platform=browser',
  '--target=es2020',
  '--log-level=warning',
]).toString('utf8');

const html = '<!doctype html><meta charset="utf-8"><title>cert-keygen bench</title><script src="/page.js"></script>';
// Served from 127.0.0.1, a secure context, so crypto.subtle exists as it does on an https console.
const server = createServer((req, res) => {
  if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
  else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  const result = await page.evaluate(
    (n) => (window as unknown as { runBench(n: number): Promise<{ webcrypto: number[]; forge: number[]; secure: boolean; nodeCrypto: boolean }> }).runBench(n),
    rounds,
  );
  if (!result.secure || result.nodeCrypto) throw new Error(`unexpected page context: ${JSON.stringify(result)}`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const w = median(result.webcrypto);
  const f = median(result.forge);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' ');
  console.log(`RSA-2048 key generation in Chromium, ${rounds} rounds each (ms): webcrypto [${fmt(result.webcrypto)}] forge [${fmt(result.forge)}]`);
  console.log(`forge/webcrypto = ${(f / w).toFixed(1)}x (medians)`);
} finally {
  await browser.close();
  server.close();
}

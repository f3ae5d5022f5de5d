// What the extension costs every console user at start: loads of the cluster overview in the lab's real console,
// alternating between our bundle and an empty bundle in its place, and the ratios of script time (CDP Performance
// ScriptDuration) and JS heap (JSHeapUsedSize after a forced GC). Issue 15's goal: at most +2 % script time and
// +1.5 MB heap. Prints ratios, not absolute times (the machine is shared); exit code 1 when a goal is missed.
//
//   HC_CONSOLE_URL=http://127.0.0.1:8000 npx tsx bench/start-cost.ts [--rounds=16] [--page=/clusters/host/overview]
//   (also HC_CONSOLE_USER, default admin; HC_CONSOLE_PASSWORD, default P@88w0rd; CHROMIUM_PATH, default /usr/bin/chromium)
//
// How the swap works: the console server lists the Available JSBundles and the browser runs
// System.import('/pstatic' + status.link + '?resourceVersion=...') for each (kubesphere/console
// packages/core/src/utils/extensions.remote.ts, server/services/extension.js); ours is
// /pstatic/dist/harbor-connect/index.js. Playwright intercepts that URL in both variants and answers from memory:
// the real bundle (fetched once from the console) or a System.register module exporting an empty extension.
// Each load gets a fresh browser context (cold caches, same login cookies).
import { chromium, type BrowserContext } from 'playwright-core';
import { EMPTY_BUNDLE, formatReport, roundOrder, startCostReport, type StartSample } from './start-cost.math';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const CONSOLE = (process.env.HC_CONSOLE_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '');
const USER = process.env.HC_CONSOLE_USER ?? 'admin';
const PASSWORD = process.env.HC_CONSOLE_PASSWORD ?? 'P@88w0rd';
const ROUNDS = Number(arg('rounds') ?? 16);
const PAGE = arg('page') ?? '/clusters/host/overview';
const BUNDLE_URL = /\/pstatic\/dist\/harbor-connect\/index\.js(\?|$)/;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function login(): Promise<Awaited<ReturnType<BrowserContext['storageState']>>> {
  const context = await browser.newContext({ baseURL: CONSOLE });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByPlaceholder('user@example.com').fill(USER);
  await page.getByPlaceholder('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log In' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 60_000 });
  const state = await context.storageState();
  await context.close();
  return state;
}

let realBundle: string | undefined;

async function load(variant: 'with' | 'empty', storageState: Awaited<ReturnType<typeof login>>): Promise<StartSample> {
  const context = await browser.newContext({ baseURL: CONSOLE, storageState });
  let served = 0;
  await context.route(BUNDLE_URL, async (route) => {
    if (realBundle === undefined) realBundle = await (await route.fetch()).text();
    served++;
    await route.fulfill({ status: 200, contentType: 'application/javascript', body: variant === 'with' ? realBundle : EMPTY_BUNDLE });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(PAGE, { waitUntil: 'networkidle', timeout: 120_000 });
  // Let late timers and idle callbacks run, then measure what stays.
  await page.waitForTimeout(1000);
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  await context.close();
  if (served !== 1) throw new Error(`${variant}: the console requested our bundle ${served} times (expected once): is the extension installed and Available?`);
  return { scriptMs: metric('ScriptDuration') * 1000, heapBytes: metric('JSHeapUsedSize') };
}

try {
  const state = await login();
  // One unmeasured load of each: the console server's own caches warm up.
  await load('with', state);
  await load('empty', state);
  const samples = { with: [] as StartSample[], empty: [] as StartSample[] };
  for (let i = 0; i < ROUNDS; i++) {
    for (const variant of roundOrder(i)) samples[variant].push(await load(variant, state));
    process.stdout.write(`round ${i + 1}/${ROUNDS}\r`);
  }
  const report = startCostReport(samples.with, samples.empty);
  console.log(`\n${CONSOLE}${PAGE}, bundle ${realBundle?.length ?? 0} bytes\n${formatReport(report)}`);
  process.exitCode = report.meets.script && report.meets.heap ? 0 : 1;
} finally {
  await browser.close();
}

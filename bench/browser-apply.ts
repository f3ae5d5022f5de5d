// The add-registry wizard's apply where it runs (issue 15): in Chromium, logged in to the lab's real console, every
// request the browser's own (HTTP/1.1 to one host, the console's session cookie, through the console server's proxy
// to KubeSphere and kube-apiserver), behind a loopback proxy that adds latency. Sequential vs the wizard's
// concurrency, and the apply against its round-trip bound at the concurrency the browser really gets (max in
// flight at the proxy: 6 on HTTP/1.1). Printed as ratios within one run; exit code 1 when the goal is missed.
//
//   npm run bench:browser-apply -- [--projects=100] [--latency-ms=100] [--verbose]
//   env: HC_CONSOLE_URL (http://127.0.0.1:8000), HC_CONSOLE_USER (admin), HC_CONSOLE_PASSWORD (P@88w0rd),
//        CHROMIUM_PATH (/usr/bin/chromium), HC_LAB_DIR (the running lab's .lab, for labApi's certificates)
//
// Needs the running lab with the extension installed; it starts nothing of the lab. It logs in as the console's
// admin, which ends any other admin session of that console (another bench's).
//
// Setup (not measured), as lab admin straight to kube-apiserver (e2e/harness/labApi): 2 x P fresh namespaces
// bench-ba-<run>-a-001... and -b-001..., each with its `default` ServiceAccount (kube-controller-manager makes it;
// the bench creates those still missing after a while). In the page (bench/browser-apply/page.ts, bundled with
// esbuild from the product's modules): loadCurrent, buildWizardPlan (registry bench-<run>-a / -b.bench.example:8443,
// trust mode 'none': a record, a pull Secret and a ServiceAccount patch per project, nothing on the nodes), then
// applyStaged + planExecutor by writeStage with stopOnFailure, as ClusterApply does: set A at concurrency 1, set B
// at APPLY_CONCURRENCY. Cleanup, also on failure or Ctrl-C: the namespaces and both registries' record Secrets.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { labApi } from '../e2e/harness/lab-api';
import { REGISTRY_LABEL } from '../src/domain/plan/labels';
import { DEFAULT_EXTENSION_NAMESPACE, recordSecretName } from '../src/domain/record';
import { normalizeRegistryAddress } from '../src/domain/registry';
import { APPLY_CONCURRENCY, registryIdOf } from '../src/domain/wizard/plan';
import { startLatencyProxy, type LatencyProxy } from './apply-plan/proxy';
import { fmtMs, quantile, stageCounts } from './apply-bound.math';
import { browserApplyReport, formatReport, missed, type ApplyRun } from './browser-apply.math';
import type { BenchApplyInput, BenchApplyResult } from './browser-apply/page';

const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=').slice(1).join('=') ?? d;
const PROJECTS = Number(arg('projects', '100'));
const LATENCY_MS = Number(arg('latency-ms', '100'));
const VERBOSE = process.argv.includes('--verbose');
for (const [k, v] of Object.entries({ projects: PROJECTS, 'latency-ms': LATENCY_MS })) {
  if (!Number.isInteger(v) || v < (k === 'latency-ms' ? 0 : 1)) throw new Error(`--${k}=${v}: a whole number, please`);
}
const CONSOLE = (process.env.HC_CONSOLE_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '');
const USER = process.env.HC_CONSOLE_USER ?? 'admin';
const PASSWORD = process.env.HC_CONSOLE_PASSWORD ?? 'P@88w0rd';
const SECRET_NAME = 'harbor-pull';
const RUN = randomBytes(3).toString('hex');
const RUN_LABEL = 'harbor-connect.kubesphere.io/bench-run';
const here = dirname(fileURLToPath(import.meta.url));

const names = (set: 'a' | 'b') => Array.from({ length: PROJECTS }, (_, i) => `bench-ba-${RUN}-${set}-${String(i + 1).padStart(3, '0')}`);
const SETS = { a: names('a'), b: names('b') };
const REGISTRIES = { a: `bench-${RUN}-a.bench.example:8443`, b: `bench-${RUN}-b.bench.example:8443` };
const idOf = (registry: string) => {
  const n = normalizeRegistryAddress(registry);
  if (!n.ok) throw new Error(`address ${registry}: ${n.error}`);
  return registryIdOf(n.value);
};

/** `fn` over `items`, at most `n` at once. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

// ---------- setup and cleanup (lab admin, straight to kube-apiserver; not measured) ----------

async function createNamespaces(all: string[]): Promise<void> {
  await pool(all, 16, async (name) => {
    const r = await labApi('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [RUN_LABEL]: RUN } } });
    if (r.status !== 201) throw new Error(`create namespace ${name}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
  });
  // kube-controller-manager's serviceaccount controller makes `default` in each; create those it has not after 30 s.
  const wanted = new Set(all);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await labApi<{ items: Array<{ metadata: { namespace: string } }> }>('GET', '/api/v1/serviceaccounts?fieldSelector=metadata.name%3Ddefault');
    const have = new Set(r.json.items.map((sa) => sa.metadata.namespace).filter((ns) => wanted.has(ns)));
    const missing = all.filter((ns) => !have.has(ns));
    if (!missing.length) return;
    if (Date.now() > deadline) {
      console.log(`  ${missing.length} default ServiceAccounts still missing after 30 s: creating them`);
      await pool(missing, 16, async (ns) => {
        const c = await labApi('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
        if (c.status !== 201 && c.status !== 409) throw new Error(`create ${ns}/default: HTTP ${c.status}`);
      });
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  const problems: string[] = [];
  await pool([...SETS.a, ...SETS.b], 16, async (name) => {
    const r = await labApi('DELETE', `/api/v1/namespaces/${name}`).catch((e: Error) => ({ status: 0, json: e.message }));
    if (r.status !== 200 && r.status !== 202 && r.status !== 404) problems.push(`namespace ${name}: HTTP ${r.status}`);
  });
  for (const registry of Object.values(REGISTRIES)) {
    const name = recordSecretName(idOf(registry));
    const r = await labApi('DELETE', `/api/v1/namespaces/${DEFAULT_EXTENSION_NAMESPACE}/secrets/${name}`).catch((e: Error) => ({ status: 0, json: e.message }));
    if (r.status !== 200 && r.status !== 404) problems.push(`record ${name}: HTTP ${r.status}`);
  }
  // Nothing else of ours may be left in the extension namespace for these registries.
  const left = await labApi<{ items: Array<{ metadata: { name: string } }> }>(
    'GET',
    `/api/v1/namespaces/${DEFAULT_EXTENSION_NAMESPACE}/secrets?labelSelector=${encodeURIComponent(`${REGISTRY_LABEL} in (${Object.values(REGISTRIES).map(idOf).join(',')})`)}`,
  ).catch(() => undefined);
  for (const s of left?.json.items ?? []) problems.push(`left in ${DEFAULT_EXTENSION_NAMESPACE}: secret ${s.metadata.name}`);
  console.log(problems.length ? `cleanup: ${problems.join('; ')}` : `cleanup: ${SETS.a.length + SETS.b.length} namespaces deleted (they finish terminating in the background), 2 records deleted`);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---------- the page ----------

/** The page entry, bundled from the product's modules (what the wizard page runs), for the browser. */
function pageScript(): string {
  return execFileSync(join(here, '..', 'node_modules/.bin/esbuild'), [
    join(here, 'browser-apply', 'page.ts'),
    '--bundle',
    '--format=iife',
    '--platform=browser',
    '--target=es2020',
    '--define:process.env.NODE_ENV="production"',
    '--log-level=warning',
  ]).toString('utf8');
}

interface Measured {
  result: BenchApplyResult;
  run: ApplyRun;
  requests: number;
  counts: Map<string, number>;
}

/** Requests at the proxy between the page's two phase marks (around applyStaged). */
let phase: { total: number; maxInFlight: number; upstreamMs: number[]; counts: Map<string, number> } | undefined;
const markedPhase = () => phase;

async function applyInPage(page: Page, proxy: LatencyProxy, set: 'a' | 'b', concurrency: number): Promise<Measured> {
  phase = undefined;
  const input: BenchApplyInput = { projects: SETS[set], concurrency, registry: REGISTRIES[set], secretName: SECRET_NAME };
  const result = await page.evaluate((i) => (window as unknown as { hcBenchApply(i: BenchApplyInput): Promise<BenchApplyResult> }).hcBenchApply(i), input);
  if (result.problems.length) throw new Error(`plan problems: ${result.problems.slice(0, 3).join('; ')}`);
  const p = markedPhase();
  if (!p) throw new Error('the page did not mark its apply phase');
  const run: ApplyRun = {
    applyMs: result.applyMs,
    stages: stageCounts(result.stages),
    concurrency,
    maxInFlight: p.maxInFlight,
    serverMedianMs: quantile(p.upstreamMs, 0.5),
    failed: result.summary.failed,
  };
  const mix = Object.entries(result.mix).map(([k, n]) => `${n} ${k}`).join(', ');
  console.log(`  set ${set.toUpperCase()}, concurrency ${concurrency}: ${result.stages.length} writes (${mix}); stages ${run.stages.map(([s, n]) => `${s}:${n}`).join(' ')}`);
  console.log(`    read + plan (loadCurrent, buildWizardPlan): ${fmtMs(result.readMs)}`);
  console.log(
    `    apply: ${fmtMs(result.applyMs)}; ${p.total} requests at the proxy, at most ${p.maxInFlight} in flight; console time per request median ${quantile(p.upstreamMs, 0.5).toFixed(1)} ms, p90 ${quantile(p.upstreamMs, 0.9).toFixed(1)} ms`,
  );
  console.log(`    outcomes: done ${result.summary.done}, unchanged ${result.summary.unchanged}, failed ${result.summary.failed}; plan again: ${result.replanWrites} writes`);
  for (const f of result.failures) console.log(`    FAILED ${f}`);
  if (VERBOSE) for (const [k, n] of [...p.counts].sort((a, b) => b[1] - a[1])) console.log(`      ${String(n).padStart(5)}  ${k}`);
  return { result, run, requests: p.total, counts: p.counts };
}

// ---------- main ----------

const started = performance.now();
const problems: string[] = [];
console.log(
  `browser-apply bench: the wizard's apply in Chromium through the lab's console (${CONSOLE}), ${PROJECTS} projects per set, ` +
    `+${LATENCY_MS} ms per request (loopback proxy), APPLY_CONCURRENCY ${APPLY_CONCURRENCY}, run ${RUN}, ${os.availableParallelism()} cores`,
);
let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
let proxy: LatencyProxy | undefined;
try {
  const script = pageScript();
  let t = performance.now();
  await createNamespaces([...SETS.a, ...SETS.b]);
  console.log(`  setup: ${2 * PROJECTS} namespaces with their default ServiceAccount in ${fmtMs(performance.now() - t)} (not measured)`);

  proxy = await startLatencyProxy(CONSOLE, LATENCY_MS);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ baseURL: proxy.url });
  const page = await context.newPage();
  const px = proxy;
  await page.exposeFunction('hcBenchPhase', (name: string) => {
    if (name === 'apply') px.reset();
    else if (name === 'applied') phase = { total: px.total(), maxInFlight: px.maxInFlight(), upstreamMs: [...px.upstreamMs.values()].flat(), counts: new Map(px.counts) };
  });
  t = performance.now();
  await page.goto('/login');
  await page.getByPlaceholder('user@example.com').fill(USER);
  await page.getByPlaceholder('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log In' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 120_000 });
  // Not 'networkidle': the console keeps a request open. Its globals (user, ksConfig) say the page is up.
  await page.waitForFunction(() => typeof globals !== 'undefined' && !!globals?.user && !!globals?.ksConfig, undefined, { timeout: 120_000 });
  await page.waitForLoadState('load', { timeout: 120_000 });
  await page.waitForTimeout(2000);
  const landed = new URL(page.url());
  if (landed.origin !== new URL(proxy.url).origin) throw new Error(`the console sent the browser to ${landed.origin}, not through the proxy`);
  console.log(`  logged in as ${USER} through the proxy, on ${landed.pathname} in ${fmtMs(performance.now() - t)} (${proxy.total()} requests; not measured)`);
  await page.addScriptTag({ content: script });

  const seq = await applyInPage(page, proxy, 'a', 1);
  const bounded = await applyInPage(page, proxy, 'b', APPLY_CONCURRENCY);
  for (const m of [seq, bounded]) {
    if (!m.result.multiCluster) problems.push('the page was not in multi-cluster mode (globals.ksConfig): requests went without /clusters/host');
    if (m.result.replanWrites !== 0) problems.push(`set ${m === seq ? 'A' : 'B'}: planning again after the apply wants ${m.result.replanWrites} writes`);
  }
  const ours = (m: Measured) => [...m.counts].filter(([k]) => /\/clusters\/\{cluster\}\/api\/v1\/namespaces\/\{ns\}\/(secrets|serviceaccounts)/.test(k)).reduce((a, [, n]) => a + n, 0);
  const others = (m: Measured) => m.requests - ours(m);

  const report = browserApplyReport(LATENCY_MS, seq.run, bounded.run);
  console.log('');
  for (const line of formatReport(report)) console.log(line);
  console.log(`  ${'requests (info)'.padEnd(26)}apply's own ${ours(seq)} / ${ours(bounded)}, other page requests meanwhile ${others(seq)} / ${others(bounded)} (sequential / bounded)`);
  problems.push(...missed(report));
} catch (e) {
  problems.push(`bench error: ${(e as Error).stack ?? String(e)}`);
} finally {
  await browser?.close().catch(() => undefined);
  await proxy?.close().catch(() => undefined);
  await cleanup().catch((e: Error) => problems.push(`cleanup: ${e.message}`));
}
console.log(`  total bench time ${fmtMs(performance.now() - started)}`);
if (problems.length) {
  console.log(`FAILED: ${problems.join('; ')}`);
  process.exitCode = 1;
} else console.log('goal met');

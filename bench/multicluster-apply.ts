// Connecting one registry to C clusters x P projects in one wizard run (issue 16): reads per cluster, the apply's
// wall time against its round-trip bound, C=1 vs C clusters, and idempotence. Printed as ratios within one run.
//   npm run bench:multicluster -- [--clusters=4] [--projects=100] [--small-projects=10] [--latency-ms=200]
//                                  [--browser-connections=N] [--verbose]
//
// Each cluster is its own API (child process bench/apply-plan/standin.ts: a real etcd + kube-apiserver from the lab's
// build, temp dir, free ports, seeded with P namespaces and their `default` ServiceAccount). One loopback proxy in
// this process (bench/apply-plan/proxy.ts, routed) stands for KubeSphere's host: it strips `/clusters/<name>` and
// forwards to that cluster's API, delaying every request by --latency-ms and counting it per cluster by method +
// kind. The extension's own HTTP client (src/api/client.ts) is pointed at the proxy, so every request is one src/api
// sends, with the prefix of multi-cluster mode (clusterContext(name, true)).
//
// What runs is the wizard's: the state a user leaves in the Projects step (wizardReducer), its per-cluster plan
// input (clusterChoicesOf), per cluster loadCurrent then buildWizardPlan (ReviewStep: each cluster's section reads at
// once), the review's dry runs (preflightWrites, informational), then every cluster's plan applied side by side,
// each with its own planExecutor, applyStaged by writeStage, APPLY_CONCURRENCY and stopOnFailure (ClusterApply).
// Runs: C clusters at --small-projects and at --projects (reads must not grow with P), and 1 cluster at --projects
// (the C clusters must not take C times as long). Each run on fresh APIs.
import fs from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { http } from '../src/api/client';
import { clusterContext } from '../src/api/cluster';
import { preflightWrites } from '../src/api/access';
import { planExecutor } from '../src/api/write';
import { applyStaged, summarizeOutcomes } from '../src/domain/plan/apply';
import type { WriteOutcome } from '../src/domain/plan/write';
import { generateRegistryCertificates } from '../src/domain/cert/generate';
import { APPLY_CONCURRENCY, buildWizardPlan, registryIdOf, writeStage, type WizardPlan } from '../src/domain/wizard/plan';
import { clusterChoicesOf } from '../src/domain/wizard/choices';
import { initialWizardState, wizardReducer, type WizardAction, type WizardState } from '../src/domain/wizard/state';
import { loadCurrent } from '../src/features/wizard/load';
import { startLatencyProxy, type LatencyProxy } from './apply-plan/proxy';
import { startStandinProcess, type Standin } from './apply-plan/standin-client';
import { failures, writeMix } from './apply-plan/report';
import { fmtMs, quantile, roundTripBoundMs, stageCounts, type StageCounts } from './apply-bound.math';

const arg = (k: string, d: string) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const CLUSTERS = arg('clusters', '4');
const PROJECTS = arg('projects', '100');
const SMALL = arg('small-projects', '10');
// 200 ms by default: the round-trip bound counts latency only, and on 2 shared cores four kube-apiservers answer a
// write in 10-40 ms (median) while 64 are in flight; at 20 ms the bound then measures the machine, not the client.
// A member reached through the host over a WAN is in this range too. --latency-ms=20 prints the server's share.
const LATENCY_MS = arg('latency-ms', '200');
/** 0: no limit (an HTTP/2 console, or Node's client). 6: a browser on an HTTP/1.1 console, all clusters sharing them. */
const CONNECTIONS = arg('browser-connections', '0');
const VERBOSE = process.argv.includes('--verbose');
for (const [k, v] of Object.entries({ clusters: CLUSTERS, projects: PROJECTS, 'small-projects': SMALL, 'latency-ms': LATENCY_MS, 'browser-connections': CONNECTIONS })) {
  if (!Number.isInteger(v) || v < (k === 'latency-ms' || k === 'browser-connections' ? 0 : 1)) throw new Error(`--${k}=${v}: a whole number, please`);
}
if (SMALL >= PROJECTS) throw new Error(`--small-projects (${SMALL}) must be below --projects (${PROJECTS})`);

// Targets.
/** Apply wall time / round-trip bound at APPLY_CONCURRENCY (issue 16). */
const MAX_BOUND_RATIO = 1.5;
/** C clusters / 1 cluster, same P: side by side is ~1, one after another would be ~C. */
const MAX_CLUSTER_RATIO = 1.5;

const CORES = os.availableParallelism();
const TOKEN = randomBytes(24).toString('hex');
const clusterNames = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 'host' : `member-${i}`));
const projectNames = (n: number) => Array.from({ length: n }, (_, i) => `bench-${String(i + 1).padStart(4, '0')}`);

// ---------- the clusters (setup, not measured) ----------

interface Fleet {
  names: string[];
  proxy: LatencyProxy;
  startMs: number;
  close(): Promise<void>;
}

/** One cluster's API in a child process (bench/apply-plan/standin.ts), without a proxy of its own. */
function startStandin(projects: string[]): Promise<Standin> {
  return startStandinProcess({ HC_BENCH_PROJECTS: projects.join(','), HC_BENCH_PROXY: '0', HC_BENCH_TOKEN: TOKEN });
}

/** C fresh cluster APIs seeded with `projects`, behind one routed latency proxy (KubeSphere's host, in this process). */
async function startFleet(names: string[], projects: string[]): Promise<Fleet> {
  const t = performance.now();
  const settled = await Promise.allSettled(names.map(() => startStandin(projects)));
  const standins = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(standins.map((s) => s.close()));
    throw failed.reason;
  }
  const clusters = Object.fromEntries(names.map((n, i) => [n, { url: standins[i].ready.serverUrl, ca: standins[i].ready.ca }]));
  const proxy = await startLatencyProxy({ clusters }, LATENCY_MS, { connections: CONNECTIONS || undefined });
  return {
    names,
    proxy,
    startMs: performance.now() - t,
    close: async () => {
      await proxy.close();
      await Promise.all(standins.map((s) => s.close()));
    },
  };
}

/** The extension's one HTTP client talks to this fleet's proxy, as the console's would to the host. */
function pointClientAt(fleet: Fleet) {
  const client = http();
  client.defaults.baseURL = fleet.proxy.url;
  client.defaults.headers.common.Authorization = `Bearer ${TOKEN}`;
}

/**
 * CPU seconds (user + system) used so far by this process and by its descendants (the stand-ins' etcd and
 * kube-apiserver), from /proc: where the time of a run went on a machine whose cores the clusters share.
 */
function cpuSeconds(): { bench: number; servers: number } {
  const tick = 100; // USER_HZ
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const raw = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(e), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / tick });
    } catch {
      // gone
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = stats.get(pid)?.ppid; p !== undefined && p > 1; p = stats.get(p)?.ppid) if (p === process.pid) return true;
    return false;
  };
  let servers = 0;
  for (const [pid, s] of stats) if (pid !== process.pid && inTree(pid)) servers += s.cpu;
  return { bench: stats.get(process.pid)?.cpu ?? 0, servers };
}

// ---------- the wizard's input ----------

const REGISTRY = 'harbor.bench.example:8443';
// The product's own generator (ECDSA through WebCrypto: fast), so the plan includes the trust installer.
const caPem = (await generateRegistryCertificates({ host: REGISTRY, keyAlgorithm: 'ECDSA-P256' })).caCertPem;

/** The wizard's state as the user leaves the Projects step: every cluster chosen, `projects` in each. */
function wizardState(clusters: string[], projects: string[]): WizardState {
  const actions: WizardAction[] = [
    { type: 'address', value: REGISTRY },
    { type: 'set', patch: { caChoice: 'custom', caText: caPem, trustMode: 'automatic', kind: 'harbor' } },
    { type: 'credentials', patch: { username: 'robot$bench+ci', password: 'RobotSecret123' } },
    ...clusters.slice(1).map((cluster): WizardAction => ({ type: 'toggleCluster', cluster, on: true })),
    ...clusters.map((cluster): WizardAction => ({ type: 'setProjects', cluster, names: projects, on: true })),
  ];
  return actions.reduce(wizardReducer, initialWizardState(clusters[0]));
}

// ---------- one run ----------

type Counts = Map<string, Map<string, number>>;
const snapshot = (proxy: LatencyProxy): Counts => new Map([...proxy.byCluster].map(([c, m]) => [c, new Map(m)]));
const sumOf = (m: Map<string, number> | undefined, pick: (kind: string) => boolean = () => true) =>
  [...(m ?? new Map<string, number>()).entries()].filter(([k]) => pick(k)).reduce((a, [, n]) => a + n, 0);
const isGet = (kind: string) => kind.startsWith('GET ');

interface ClusterRun {
  cluster: string;
  plan: WizardPlan;
  /** Per stage (writeStage): writes. */
  stages: StageCounts;
  /** Round trips at APPLY_CONCURRENCY x latency: sum over stages of ceil(writes / APPLY_CONCURRENCY) x latency. */
  boundMs: number;
  /** The same rounds x (latency + this cluster's median server time per write): what the servers here allow. */
  boundWithServerMs: number;
  applyMs: number;
  outcomes: WriteOutcome[];
  maxInFlight: number;
  replanWrites: number;
  allowed: number;
}

interface Run {
  label: string;
  projects: number;
  clusters: ClusterRun[];
  reads: Counts;
  readMs: number;
  preflight: Counts;
  preflightMs: number;
  apply: Counts;
  applyMs: number;
  /** CPU seconds used during the apply: this process (client + proxy), the clusters' servers. */
  applyCpu: { bench: number; servers: number };
  boundMs: number;
  replan: Counts;
}

/** `host 9, member-1 9, …` requests; with --verbose, each cluster's by method + kind on lines below. */
function countsLine(c: Counts): string {
  const line = [...c].map(([cluster, m]) => `${cluster} ${sumOf(m)}`).join(', ');
  if (!VERBOSE) return line;
  const kinds = [...c].flatMap(([cluster, m]) => [`      ${cluster}:`, ...[...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `        ${String(n).padStart(5)}  ${k}`)]);
  return [line, ...kinds].join('\n');
}

async function run(label: string, fleet: Fleet, projects: string[]): Promise<Run> {
  pointClientAt(fleet);
  const { proxy } = fleet;
  const perCluster = clusterChoicesOf(wizardState(fleet.names, projects), 'bench-admin');
  if (!perCluster || perCluster.length !== fleet.names.length) throw new Error('clusterChoicesOf: no plan input for every cluster');
  const registryId = registryIdOf(perCluster[0].choices.address);
  const plans = async () =>
    Promise.all(
      perCluster.map(async ({ cluster, choices }) => {
        // ReviewStep's section for this cluster: useWizardCurrent's input, then the plan.
        const current = await loadCurrent(clusterContext(cluster, true), {
          registryId,
          projects: choices.projects,
          secretName: choices.secretName,
          bindDefaultServiceAccount: choices.bindDefaultServiceAccount,
        });
        return { cluster, plan: buildWizardPlan(choices, current) };
      }),
    );

  // Review: every cluster read and planned at once.
  proxy.reset();
  let t = performance.now();
  const planned = await plans();
  const readMs = performance.now() - t;
  const reads = snapshot(proxy);
  for (const { cluster, plan } of planned) if (plan.problems.length) throw new Error(`${cluster}: plan problems ${JSON.stringify(plan.problems.slice(0, 3))}`);

  // The review's dry runs (usePreflight per cluster section), informational.
  proxy.reset();
  t = performance.now();
  const verdicts = await Promise.all(planned.map(({ cluster, plan }) => preflightWrites(clusterContext(cluster, true), plan.writes)));
  const preflightMs = performance.now() - t;
  const preflight = snapshot(proxy);

  // Apply. There is no exported "apply these clusters' plans side by side" in the product: WizardPage renders one
  // ClusterApply per cluster, each running ApplyProgress -> applyStaged on its own. This Promise.all mirrors that
  // (same executor, stage, concurrency and stopOnFailure as ClusterApply passes); it is not a mechanism of its own.
  proxy.reset();
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  const applied = await Promise.all(
    planned.map(async ({ cluster, plan }) => {
      const outcomes = await applyStaged(plan.writes, planExecutor(clusterContext(cluster, true)), {
        stage: writeStage,
        concurrency: APPLY_CONCURRENCY,
        stopOnFailure: true,
      });
      return { outcomes, ms: performance.now() - t0 };
    }),
  );
  const applyMs = performance.now() - t0;
  const cpu1 = cpuSeconds();
  const applyCpu = { bench: cpu1.bench - cpu0.bench, servers: cpu1.servers - cpu0.servers };
  const apply = snapshot(proxy);
  const serverMs = [...proxy.upstreamMs.values()].flat();
  const serverMedianOf = (cluster: string) => quantile(proxy.upstreamMs.get(cluster) ?? [], 0.5);
  const inFlight = fleet.names.map((n) => proxy.maxInFlightOf(n));

  // Idempotence: the wizard again, from what is there now.
  proxy.reset();
  const again = await plans();
  const replan = snapshot(proxy);

  const clusters: ClusterRun[] = planned.map(({ cluster, plan }, i) => {
    const stages = stageCounts(plan.writes.map(writeStage));
    return {
      cluster,
      plan,
      stages,
      boundMs: roundTripBoundMs(stages, APPLY_CONCURRENCY, LATENCY_MS),
      boundWithServerMs: roundTripBoundMs(stages, APPLY_CONCURRENCY, LATENCY_MS, serverMedianOf(cluster)),
      applyMs: applied[i].ms,
      outcomes: applied[i].outcomes,
      maxInFlight: inFlight[i],
      replanWrites: again[i].plan.writes.length,
      allowed: verdicts[i].filter((v) => v.verdict.allowed).length,
    };
  });
  const boundMs = Math.max(...clusters.map((c) => c.boundMs));
  const r: Run = { label, projects: projects.length, clusters, reads, readMs, preflight, preflightMs, apply, applyMs, applyCpu, boundMs, replan };

  const each = (f: (c: ClusterRun) => string) => clusters.map((c) => `${c.cluster} ${f(c)}`).join(', ');
  console.log(`  ${label} (APIs up in ${fmtMs(fleet.startMs)}, not measured)`);
  const shapes = new Set(clusters.map((c) => `${c.plan.writes.length} writes (${writeMix(c.plan.writes)}); stages ${c.stages.map(([st, n]) => `${st}:${n}`).join(' ')}`));
  if (shapes.size === 1) console.log(`    plan of each cluster: ${[...shapes][0]}`);
  else for (const c of clusters) console.log(`    plan of ${c.cluster}: ${c.plan.writes.length} writes (${writeMix(c.plan.writes)})`);
  console.log(`    review reads: ${fmtMs(readMs)}; requests ${countsLine(reads)}`);
  console.log(`    review dry runs (info): ${fmtMs(preflightMs)}; requests ${countsLine(preflight)}; allowed ${each((c) => `${c.allowed}/${c.plan.writes.length}`)}`);
  console.log(`    apply: ${fmtMs(applyMs)}, bound ${fmtMs(boundMs)}; per cluster ${each((c) => fmtMs(c.applyMs))}`);
  console.log(`      requests ${countsLine(apply)}; at most ${clusters.map((c) => c.maxInFlight).join('/')} in flight; failed ${each((c) => String(summarizeOutcomes(c.outcomes).failed))}`);
  for (const c of clusters) for (const line of failures(c.outcomes).slice(0, 3)) console.log(`      FAILED ${c.cluster}: ${line}`);
  console.log(
    `      CPU meanwhile: bench (client + proxy) ${applyCpu.bench.toFixed(2)} s, API servers ${applyCpu.servers.toFixed(2)} s, on ${CORES} cores; ` +
      `server time per write median ${quantile(serverMs, 0.5).toFixed(1)} ms, p90 ${quantile(serverMs, 0.9).toFixed(1)} ms`,
  );
  console.log(`    plan again: writes ${each((c) => String(c.replanWrites))}`);
  return r;
}

// ---------- main ----------

const started = performance.now();
const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) problems.push(what);
  return ok ? 'ok' : 'MISSED';
};
const names = clusterNames(CLUSTERS);
console.log(
  `multicluster-apply bench: ${CLUSTERS} clusters x ${PROJECTS} projects (and x ${SMALL}), +${LATENCY_MS} ms per request (loopback proxy), ` +
    `APPLY_CONCURRENCY ${APPLY_CONCURRENCY} per cluster, ${CONNECTIONS ? `${CONNECTIONS} browser connections shared by all clusters` : 'no connection limit'}, ${CORES} cores`,
);

let small: Run;
{
  const fleet = await startFleet(names, projectNames(SMALL));
  try {
    small = await run(`C=${CLUSTERS}, P=${SMALL}`, fleet, projectNames(SMALL));
  } finally {
    await fleet.close();
  }
}
// The single cluster and the C clusters run while both fleets are up, so each sees the same idle servers.
let single: Run;
let main: Run;
{
  const [one, many] = await Promise.all([startFleet(['host'], projectNames(PROJECTS)), startFleet(names, projectNames(PROJECTS))]);
  try {
    single = await run(`C=1, P=${PROJECTS}`, one, projectNames(PROJECTS));
    main = await run(`C=${CLUSTERS}, P=${PROJECTS}`, many, projectNames(PROJECTS));
  } finally {
    await Promise.all([one.close(), many.close()]);
  }
}

// ---------- summary ----------
const row = (name: string, value: string, target: string, verdict: string) => console.log(`  ${name.padEnd(28)}${value.padEnd(72)}${target.padEnd(12)}${verdict}`);
const getsOf = (r: Run, cluster: string) => [...(r.reads.get(cluster) ?? new Map<string, number>()).entries()].filter(([k]) => isGet(k)).sort();
const readsSame = names.every((n) => JSON.stringify(getsOf(small, n)) === JSON.stringify(getsOf(main, n)));
const readWrites = [small, main].reduce((a, r) => a + [...r.reads.values()].reduce((b, m) => b + sumOf(m, (k) => !isGet(k)), 0), 0);
const perClusterReads = (r: Run) => names.map((n) => sumOf(r.reads.get(n), isGet)).join('/');
const boundRatio = main.applyMs / main.boundMs;
const withServerMs = Math.max(...main.clusters.map((c) => c.boundWithServerMs));
const clusterRatio = main.applyMs / single.applyMs;
const allRuns = [small, single, main];
const failed = allRuns.reduce((a, r) => a + r.clusters.reduce((b, c) => b + failures(c.outcomes).length, 0), 0);
const replanWrites = allRuns.flatMap((r) => r.clusters.map((c) => c.replanWrites));
const maxInFlight = Math.max(...allRuns.flatMap((r) => r.clusters.map((c) => c.maxInFlight)));

console.log('');
console.log(`summary: ${CLUSTERS} clusters, +${LATENCY_MS} ms per request; compare ratios within this run, absolute times here are noisy`);
row(
  '(a) reads per cluster',
  `GET per cluster ${perClusterReads(small)} at P=${SMALL}, ${perClusterReads(main)} at P=${PROJECTS}${readWrites ? `, ${readWrites} non-GET` : ''}`,
  'equal',
  check(readsSame && readWrites === 0, `review reads differ between P=${SMALL} and P=${PROJECTS} (or wrote)`),
);
row(
  '(b) apply vs bound',
  `${fmtMs(main.applyMs)} / ${fmtMs(main.boundMs)} = ${boundRatio.toFixed(2)}x (rounds of ${APPLY_CONCURRENCY} per stage x ${LATENCY_MS} ms)`,
  `<= ${MAX_BOUND_RATIO}x`,
  check(boundRatio <= MAX_BOUND_RATIO, `apply ${boundRatio.toFixed(2)}x its round-trip bound > ${MAX_BOUND_RATIO}x`),
);
row(
  '    with server time',
  `${fmtMs(main.applyMs)} / ${fmtMs(withServerMs)} = ${(main.applyMs / withServerMs).toFixed(2)}x (rounds x (latency + median server))`,
  '(info)',
  '',
);
row(
  `(c) C=${CLUSTERS} vs C=1`,
  `${fmtMs(main.applyMs)} / ${fmtMs(single.applyMs)} = ${clusterRatio.toFixed(2)}x (one cluster after another: ~${CLUSTERS}x)`,
  `<= ${MAX_CLUSTER_RATIO}x`,
  check(clusterRatio <= MAX_CLUSTER_RATIO, `${CLUSTERS} clusters took ${clusterRatio.toFixed(2)}x one cluster > ${MAX_CLUSTER_RATIO}x`),
);
row(
  '(d) plan again after apply',
  `writes per cluster ${allRuns.map((r) => r.clusters.map((c) => c.replanWrites).join('/')).join(', ')} (P=${SMALL}; C=1; C=${CLUSTERS})`,
  '0',
  check(replanWrites.every((n) => n === 0), `planning again after the apply wants ${replanWrites.reduce((a, b) => a + b, 0)} writes`),
);
row('failed writes', `${failed} (all runs)`, '0', check(failed === 0, `${failed} failed writes`));
row(
  'in flight per cluster',
  `at most ${maxInFlight} (all runs)`,
  `<= ${APPLY_CONCURRENCY}`,
  check(maxInFlight <= APPLY_CONCURRENCY, `${maxInFlight} requests in flight in one cluster > APPLY_CONCURRENCY ${APPLY_CONCURRENCY}`),
);
row(
  'review (info)',
  `C=${CLUSTERS}: reads ${fmtMs(main.readMs)}, dry runs ${fmtMs(main.preflightMs)} (${[...main.preflight.values()].map((m) => sumOf(m)).join('/')} requests)`,
  '',
  '',
);
console.log(`  total bench time ${fmtMs(performance.now() - started)}`);
if (problems.length) {
  console.log(`FAILED: ${problems.join('; ')}`);
  process.exitCode = 1;
} else console.log('all targets met');

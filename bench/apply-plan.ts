// Applying the add-registry wizard's plan to 1,000 projects: sequential vs bounded concurrency, requests per
// project, idempotence, and the requests the registries list page then needs.
//   npx tsx bench/apply-plan.ts [--projects=1000] [--latency-ms=20] [--concurrency=N] [--strict] [--verbose]
//
// Each run gets a fresh cluster API (child process bench/apply-plan/standin.ts: a real etcd + kube-apiserver from
// the lab's build, temp dir, free ports) seeded with N namespaces (bench-0001...) and their `default`
// ServiceAccount, behind a loopback proxy (bench/apply-plan/proxy.ts) that delays every request by --latency-ms and
// counts it by method + path kind. The extension's own HTTP client (src/api/client.ts) is pointed at the proxy with
// the stand-in's token (a system:masters user), so every request is the one the extension sends.
// The plan is the wizard's (src/domain/wizard/plan.ts buildWizardPlan), read with a constant number of list
// requests, and applied the way the wizard applies it (src/domain/plan/apply.ts applyStaged, which ApplyProgress
// runs: stages by writeStage, applyPlan per stage, planExecutor). Timings are ratios within one run: machines here are noisy.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import type { ConfigMap, Namespace, Node, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import { http, type HttpError } from '../src/api/client';
import { clusterContext, type ClusterContext } from '../src/api/cluster';
import { unlessNotFound } from '../src/api/errors';
import { configMaps, daemonSets, namespaces, nodes, secrets, serviceAccounts } from '../src/api/resources';
import { planExecutor } from '../src/api/write';
import { applyStaged, summarizeOutcomes, type WriteExecutor } from '../src/domain/plan/apply';
import type { Write, WriteOutcome } from '../src/domain/plan/write';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, REGISTRY_LABEL } from '../src/domain/plan/labels';
import { deepEqual } from '../src/domain/plan/jsonpatch';
import { COMPONENT_LABEL, DEFAULT_EXTENSION_NAMESPACE, recordSecretName } from '../src/domain/record';
import { normalizeRegistryAddress, type RegistryAddress } from '../src/domain/registry';
import { nodeRuntime, trustInstallerName } from '../src/domain/trust';
import { APPLY_CONCURRENCY, buildWizardPlan, registryIdOf, writeStage, type CurrentObjects, type WizardChoices } from '../src/domain/wizard/plan';
import { loadCurrent } from '../src/features/wizard/load';
import { loadRegistryList } from '../src/features/registries/data';
import { registryRows } from '../src/domain/health';
import type { StandinCounts } from './apply-plan/standin';
import { startStandinProcess } from './apply-plan/standin-client';
import { failures, writeMix } from './apply-plan/report';
import { fmtMs } from './apply-bound.math';

const arg = (k: string, d?: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;
const PROJECTS = Number(arg('projects', '1000'));
const LATENCY_MS = Number(arg('latency-ms', '20'));
const VERBOSE = process.argv.includes('--verbose');
/** Also require every write of the re-applied plan to report `unchanged` (a retried write must not fail). */
const STRICT = process.argv.includes('--strict');
const SECRET_NAME = 'harbor-pull';
const EXT_NS = DEFAULT_EXTENSION_NAMESPACE;

// Targets.
const TARGET_RATIO = 8;
const TARGET_REQUESTS_PER_PROJECT = 3;
const TARGET_LIST_REQUESTS = 5;

/** The concurrency the wizard applies with (APPLY_CONCURRENCY, which WizardPage passes to ApplyProgress). */
function wizardConcurrency(): { value: number | undefined; source: string } {
  return { value: APPLY_CONCURRENCY, source: 'APPLY_CONCURRENCY (src/domain/wizard/plan.ts)' };
}
const override = arg('concurrency');
const wizard = wizardConcurrency();
const BOUNDED = override ? Number(override) : wizard.value;
const BOUNDED_SOURCE = override ? '--concurrency' : wizard.source;

// ---------- setup (not measured) ----------

/** A self-signed CA, so the plan includes the trust installer as the wizard's automatic mode would. */
function makeCaPem(): string {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: 'Harbor Connect bench CA' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }]);
  cert.sign(key, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** Requests seen by the proxy since the last reset. */
interface Counts {
  counts: Map<string, number>;
  total: number;
  maxInFlight: number;
  resourceVersion: string;
}

interface Lab {
  cluster: ClusterContext;
  seedMs: number;
  reset(): Promise<void>;
  counts(): Promise<Counts>;
  /** resourceVersion of each object (null: absent), read from kube-apiserver directly: not counted, not delayed. */
  versions(objects: readonly Write[]): Promise<Array<string | null>>;
  close(): Promise<void>;
}

const projectName = (i: number) => `bench-${String(i + 1).padStart(4, '0')}`;
const PROJECT_NAMES = Array.from({ length: PROJECTS }, (_, i) => projectName(i));

let interceptorInstalled = false;
/** A fresh cluster API + latency proxy in a child process (bench/apply-plan/standin.ts), seeded with PROJECT_NAMES. */
async function startLab(): Promise<Lab> {
  const standin = await startStandinProcess({ HC_BENCH_PROJECTS: PROJECT_NAMES.join(','), HC_BENCH_LATENCY_MS: String(LATENCY_MS) });
  const { call, ready: info } = standin;
  // The extension's one HTTP client: absolute base URL (the proxy) and the bearer token the console server
  // would add. Paths stay what src/api builds (same-origin, absolute-path).
  const client = http();
  client.defaults.baseURL = info.proxyUrl;
  client.defaults.headers.common.Authorization = `Bearer ${info.token}`;
  if (!interceptorInstalled && VERBOSE) {
    interceptorInstalled = true;
    client.interceptors.response.use(undefined, (error) => {
      const e = error as Partial<HttpError> | undefined;
      console.error(`  ! ${e?.config?.method?.toUpperCase()} ${e?.config?.url}: ${e?.response?.status}`);
      return Promise.reject(error);
    });
  }
  return {
    cluster: clusterContext('host', false),
    seedMs: info.seedMs,
    reset: async () => void (await call({ type: 'reset' })),
    counts: async () => {
      const r = (await call({ type: 'counts' })) as unknown as StandinCounts;
      const counts = new Map(r.counts);
      return { counts, total: [...counts.values()].reduce((a, b) => a + b, 0), maxInFlight: r.maxInFlight, resourceVersion: r.resourceVersion };
    },
    versions: async (writes) =>
      ((await call({ type: 'versions', objects: writes.map((w) => ({ apiVersion: w.apiVersion, kind: w.kind, namespace: w.namespace, name: w.name })) })) as { rvs: Array<string | null> }).rvs,
    close: () => standin.close(),
  };
}

// ---------- the plan ----------

const norm = normalizeRegistryAddress('harbor.bench.example:8443');
if (!norm.ok) throw new Error(`address: ${norm.error}`);
const address: RegistryAddress = norm.value;
const caPem = makeCaPem();

function choices(): WizardChoices {
  return {
    address,
    rawAddress: `https://${address.authority}`,
    displayName: 'Bench Harbor',
    caPem,
    trustMode: 'automatic',
    kind: 'harbor',
    username: 'robot$bench+ci',
    password: 'RobotSecret123',
    projects: PROJECT_NAMES,
    secretName: SECRET_NAME,
    bindDefaultServiceAccount: true,
    extensionNamespace: EXT_NS,
  };
}

/**
 * What buildWizardPlan needs, in a constant number of requests: the four named objects of the extension namespace,
 * every Secret named SECRET_NAME cluster-wide (ours and clashes, one field-selector list), every `default`
 * ServiceAccount cluster-wide (one field-selector list) and the nodes. Same CurrentObjects as
 * src/features/wizard/load.ts loadCurrent (checked below: same plan, same constant number of reads).
 */
async function readCurrent(cluster: ClusterContext, registryId: string, projects: readonly string[]): Promise<CurrentObjects> {
  const installer = trustInstallerName(registryId);
  const [extNs, record, configMap, daemonSet, named, sas, nodeList] = await Promise.all([
    unlessNotFound(namespaces.get(cluster, EXT_NS)) as Promise<Namespace | undefined>,
    unlessNotFound(secrets.get(cluster, recordSecretName(registryId), { namespace: EXT_NS })) as Promise<Secret | undefined>,
    unlessNotFound(configMaps.get(cluster, installer, { namespace: EXT_NS })) as Promise<ConfigMap | undefined>,
    unlessNotFound(daemonSets.get(cluster, installer, { namespace: EXT_NS })) as Promise<DaemonSet | undefined>,
    secrets.listAll(cluster, { fieldSelector: `metadata.name=${SECRET_NAME}` }),
    serviceAccounts.listAll(cluster, { fieldSelector: 'metadata.name=default' }),
    nodes.listAll(cluster).catch(() => ({ items: [] as Node[] })),
  ]);
  const wanted = new Set(projects);
  const inProjects = (named.items as Secret[]).filter((s) => wanted.has(s.metadata?.namespace ?? ''));
  const isOurs = (s: Secret) => {
    const l = s.metadata?.labels ?? {};
    return l[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && l[REGISTRY_LABEL] === registryId && !l[COMPONENT_LABEL];
  };
  const byNs: Record<string, ServiceAccount | undefined> = {};
  for (const p of projects) byNs[p] = undefined;
  for (const sa of sas.items as ServiceAccount[]) if (wanted.has(sa.metadata?.namespace ?? '')) byNs[sa.metadata!.namespace!] = sa;
  return {
    extensionNamespace: extNs,
    record,
    installer: configMap || daemonSet ? { configMap, daemonSet } : undefined,
    managedSecrets: inProjects.filter(isOurs),
    foreignSecrets: inProjects.filter((s) => !isOurs(s)),
    serviceAccounts: byNs,
    runtimes: (nodeList.items as Node[]).map(nodeRuntime),
  };
}

/** As the wizard applies (domain/plan/apply.ts applyStaged, which ApplyProgress runs): lower stages first. */
function applyWizardPlan(writes: readonly Write[], execute: WriteExecutor, concurrency: number | undefined): Promise<WriteOutcome[]> {
  return applyStaged(writes, execute, { stage: writeStage, concurrency });
}

// ---------- measuring ----------

function printCounts(c: Counts, indent = '    ') {
  for (const [k, n] of [...c.counts.entries()].sort((a, b) => b[1] - a[1])) console.log(`${indent}${String(n).padStart(5)}  ${k}`);
}

interface RunResult {
  writes: Write[];
  readRequests: number;
  readMs: number;
  applyMs: number;
  applyRequests: number;
  maxInFlight: number;
  outcomes: WriteOutcome[];
}

/** Read what the plan needs, build it, apply it (staged, as the wizard does) with `concurrency`; print what was sent. */
async function readPlanApply(lab: Lab, label: string, concurrency: number | undefined, beforeApply?: (writes: Write[]) => Promise<void>): Promise<RunResult> {
  const registryId = registryIdOf(address);
  await lab.reset();
  const t0 = performance.now();
  const current = await readCurrent(lab.cluster, registryId, PROJECT_NAMES);
  const plan = buildWizardPlan(choices(), current);
  const readMs = performance.now() - t0;
  const reads = await lab.counts();
  if (plan.problems.length) throw new Error(`plan problems: ${JSON.stringify(plan.problems.slice(0, 3))}`);
  await beforeApply?.(plan.writes);

  await lab.reset();
  const execute = planExecutor(lab.cluster);
  const t1 = performance.now();
  const outcomes = await applyWizardPlan(plan.writes, execute, concurrency);
  const applyMs = performance.now() - t1;
  const applied = await lab.counts();
  console.log(`  ${label}: ${plan.writes.length} writes (${writeMix(plan.writes)})`);
  console.log(`    reads: ${reads.total} requests, ${fmtMs(readMs)}`);
  printCounts(reads, '      ');
  console.log(`    apply: ${applied.total} requests, ${fmtMs(applyMs)}, at most ${applied.maxInFlight} in flight`);
  printCounts(applied, '      ');
  for (const line of failures(outcomes).slice(0, 5)) console.log(`    FAILED ${line}`);
  return { writes: plan.writes, readRequests: reads.total, readMs, applyMs, applyRequests: applied.total, maxInFlight: applied.maxInFlight, outcomes };
}

// ---------- main ----------

const started = performance.now();
const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) problems.push(what);
  return ok ? 'ok' : 'MISSED';
};

console.log(`apply-plan bench: ${PROJECTS} projects, +${LATENCY_MS} ms per request (loopback proxy), registry ${address.authority}`);
console.log(`bounded concurrency: ${BOUNDED ?? 'applyPlan default (8)'} (${BOUNDED_SOURCE})`);

// (a) sequential, on its own fresh stand-in.
let seq: RunResult;
{
  const lab = await startLab();
  try {
    seq = await readPlanApply(lab, 'sequential (concurrency 1)', 1);
  } finally {
    await lab.close();
  }
}

// (b) bounded, then idempotence and the list page, on another fresh stand-in.
let bounded: RunResult;
let loader = { requests: 0, ms: 0, samePlan: false };
let replan: { writes: number; requests: number; mix: string };
let reapply: { summary: ReturnType<typeof summarizeOutcomes>; changed: string[]; requests: number; ms: number; failed: string[] };
let list: { requests: number; projects: number };
{
  const lab = await startLab();
  try {
    const registryId = registryIdOf(address);
    bounded = await readPlanApply(lab, `bounded (concurrency ${BOUNDED ?? 'default'})`, BOUNDED, async (writes) => {
      // The wizard's own loader, for comparison (not part of the measured apply): same plan? how many requests?
      await lab.reset();
      const t = performance.now();
      const cur = await loadCurrent(lab.cluster, { registryId, projects: PROJECT_NAMES, secretName: SECRET_NAME, bindDefaultServiceAccount: true, extensionNamespace: EXT_NS });
      loader = { ms: performance.now() - t, requests: (await lab.counts()).total, samePlan: deepEqual(buildWizardPlan(choices(), cur).writes, writes) };
    });

    // Idempotence 1: plan again from what is there now: nothing to do.
    await lab.reset();
    const again = buildWizardPlan(choices(), await readCurrent(lab.cluster, registryId, PROJECT_NAMES));
    replan = { writes: again.writes.length, requests: (await lab.counts()).total, mix: writeMix(again.writes) };

    // Idempotence 2: apply the SAME plan a second time (a retry of the whole plan): must change nothing.
    const before = await lab.versions(bounded.writes);
    await lab.reset();
    const rv0 = (await lab.counts()).resourceVersion;
    const t = performance.now();
    const outcomes2 = await applyWizardPlan(bounded.writes, planExecutor(lab.cluster), BOUNDED);
    const ms = performance.now() - t;
    const c2 = await lab.counts();
    const after = await lab.versions(bounded.writes);
    const changed = bounded.writes.filter((_, i) => before[i] !== after[i]).map((w) => `${w.kind} ${w.namespace ?? ''}/${w.name}`);
    if (c2.resourceVersion !== rv0 && !changed.length) changed.push(`(objects outside the plan: resourceVersion ${rv0} -> ${c2.resourceVersion})`);
    reapply = { summary: summarizeOutcomes(outcomes2), changed, requests: c2.total, ms, failed: failures(outcomes2) };
    console.log(`  same plan again: ${c2.total} requests, ${fmtMs(ms)}`);
    printCounts(c2, '      ');

    // The registries list page for N projects holding the credential: its own loader, counted at the proxy.
    await lab.reset();
    const src = await loadRegistryList(lab.cluster);
    const c3 = await lab.counts();
    list = { requests: c3.total, projects: registryRows(src, new Date()).rows.find((row) => row.record.id === registryId)?.projects.length ?? 0 };
    console.log(`  registries list page (loadRegistryList): ${c3.total} requests`);
    printCounts(c3, '      ');
  } finally {
    await lab.close();
  }
}

// ---------- summary ----------
const ratio = seq.applyMs / bounded.applyMs;
const perProject = (bounded.readRequests + bounded.applyRequests) / PROJECTS;
const failed = failures(seq.outcomes).length + failures(bounded.outcomes).length;
const allUnchanged = reapply.summary.unchanged === bounded.writes.length;
const row = (name: string, value: string, target: string, verdict: string) => console.log(`  ${name.padEnd(25)}${value.padEnd(64)}${target.padEnd(14)}${verdict}`);

console.log('');
console.log(`summary: ${PROJECTS} projects, +${LATENCY_MS} ms per request; compare ratios within this run, absolute times here are noisy`);
row('apply wall time', `sequential ${fmtMs(seq.applyMs)}, bounded ${fmtMs(bounded.applyMs)} (concurrency ${BOUNDED ?? 8})`, '', '');
row('speed-up', `sequential / bounded = ${ratio.toFixed(1)}x`, `>= ${TARGET_RATIO}x`, check(ratio >= TARGET_RATIO, `speed-up ${ratio.toFixed(1)}x < ${TARGET_RATIO}x`));
row(
  'requests per project',
  `${perProject.toFixed(2)} (${bounded.readRequests} reads + ${bounded.applyRequests} writes, bounded apply)`,
  `<= ${TARGET_REQUESTS_PER_PROJECT}`,
  check(perProject <= TARGET_REQUESTS_PER_PROJECT, `requests per project ${perProject.toFixed(2)} > ${TARGET_REQUESTS_PER_PROJECT}`),
);
row('failed writes', `sequential ${failures(seq.outcomes).length}, bounded ${failures(bounded.outcomes).length}`, '0', check(failed === 0, `${failed} failed writes`));
row('re-plan after apply', `${replan.writes} writes${replan.writes ? ` (${replan.mix})` : ''}, ${replan.requests} read requests`, '0 writes', check(replan.writes === 0, `planning again after the apply wants ${replan.writes} writes`));
row(
  'same plan applied again',
  `${reapply.changed.length} objects changed (resourceVersion)`,
  '0 changed',
  check(reapply.changed.length === 0, `re-applying the plan changed ${reapply.changed.length} objects (${reapply.changed.slice(0, 3).join(', ')})`),
);
row(
  '  its outcomes',
  `unchanged ${reapply.summary.unchanged}, done ${reapply.summary.done}, failed ${reapply.summary.failed} (${reapply.requests} requests)`,
  STRICT ? 'all unchanged' : '(warning)',
  STRICT ? check(allUnchanged, `re-applied writes not all unchanged: ${reapply.summary.failed} failed, ${reapply.summary.done} done`) : allUnchanged ? 'ok' : 'WARN',
);
if (!allUnchanged) for (const line of reapply.failed.slice(0, 3)) console.log(`      e.g. ${line}`);
row(
  'list page requests',
  `${list.requests} (loadRegistryList; ${list.projects} projects shown)`,
  `<= ${TARGET_LIST_REQUESTS}`,
  check(list.requests <= TARGET_LIST_REQUESTS && list.projects === PROJECTS, `list page: ${list.requests} requests, ${list.projects}/${PROJECTS} projects`),
);
row(
  'wizard loader',
  `loadCurrent: ${loader.requests} requests (${(loader.requests / PROJECTS).toFixed(2)}/project), ${fmtMs(loader.ms)}`,
  '(info)',
  loader.samePlan ? 'same plan' : 'DIFFERENT PLAN',
);
if (!loader.samePlan) problems.push('the bench reads (readCurrent) and the wizard loader (loadCurrent) gave different plans');
console.log(`  total bench time ${fmtMs(performance.now() - started)}`);
if (problems.length) {
  console.log(`FAILED: ${problems.join('; ')}`);
  process.exitCode = 1;
} else console.log('all targets met');

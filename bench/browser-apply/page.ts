// Runs in Chromium, in a page of the lab's console (bundled by bench/browser-apply.ts with esbuild, injected with
// page.addScriptTag): the add-registry wizard's read, plan and apply, from the product's own modules, with the
// product's one HTTP client as the console page gives it (same-origin relative paths, the console's session
// cookie, no base URL), so every request is the browser's own, through the console server's proxy.
//
// What runs is what ReviewStep and ClusterApply run for one cluster: loadCurrent, buildWizardPlan, then applyStaged
// with planExecutor, writeStage and stopOnFailure, at the concurrency given (the wizard's is APPLY_CONCURRENCY).
// The wizard renders ApplyProgress around applyStaged; its React state updates are not part of this measurement.
import { clusterContext } from '../../src/api/cluster';
import { planExecutor } from '../../src/api/write';
import { applyStaged, summarizeOutcomes } from '../../src/domain/plan/apply';
import { normalizeRegistryAddress } from '../../src/domain/registry';
import { APPLY_CONCURRENCY, buildWizardPlan, registryIdOf, writeStage, type WizardChoices } from '../../src/domain/wizard/plan';
import { loadCurrent } from '../../src/features/wizard/load';

export interface BenchApplyInput {
  projects: string[];
  /** Writes in flight at once (1: sequential). */
  concurrency: number;
  /** host:port, unique to the run. */
  registry: string;
  secretName: string;
}

export interface BenchApplyResult {
  registryId: string;
  multiCluster: boolean;
  readMs: number;
  applyMs: number;
  /** writeStage of each write, in plan order. */
  stages: number[];
  mix: Record<string, number>;
  problems: string[];
  summary: { done: number; unchanged: number; failed: number };
  failures: string[];
  /** Writes the plan wants after the apply (0: all there). */
  replanWrites: number;
}

async function hcBenchApply(input: BenchApplyInput): Promise<BenchApplyResult> {
  const norm = normalizeRegistryAddress(input.registry);
  if (!norm.ok) throw new Error(`address ${input.registry}: ${norm.error}`);
  const address = norm.value;
  const registryId = registryIdOf(address);
  // The cluster as the wizard's route gives it: host, multi-cluster as the console's globals say.
  const cluster = clusterContext('host');
  const choices: WizardChoices = {
    address,
    rawAddress: `https://${address.authority}`,
    displayName: 'Browser apply bench',
    // No CA and trust mode 'none': nothing runs on the lab's nodes.
    trustMode: 'none',
    kind: 'harbor',
    username: 'robot$bench+browser',
    password: 'RobotSecret123',
    projects: input.projects,
    secretName: input.secretName,
    bindDefaultServiceAccount: true,
    createdBy: (typeof globals !== 'undefined' && globals?.user?.username) || undefined,
  };
  const load = () =>
    loadCurrent(cluster, { registryId, projects: choices.projects, secretName: choices.secretName, bindDefaultServiceAccount: true });

  const t0 = performance.now();
  const plan = buildWizardPlan(choices, await load());
  const readMs = performance.now() - t0;
  const mix: Record<string, number> = {};
  for (const w of plan.writes) mix[`${w.action} ${w.kind}`] = (mix[`${w.action} ${w.kind}`] ?? 0) + 1;
  const base = { registryId, multiCluster: cluster.multiCluster, readMs, stages: plan.writes.map(writeStage), mix, problems: plan.problems.map((p) => JSON.stringify(p)) };
  if (plan.problems.length) return { ...base, applyMs: 0, summary: { done: 0, unchanged: 0, failed: 0 }, failures: [], replanWrites: -1 };

  // The bench marks the apply at its proxy (exposed by bench/browser-apply.ts): counts and in-flight of the apply alone.
  const mark = (window as unknown as { hcBenchPhase?: (name: string) => Promise<void> }).hcBenchPhase;
  await mark?.('apply');
  const t1 = performance.now();
  const outcomes = await applyStaged(plan.writes, planExecutor(cluster), { stage: writeStage, concurrency: input.concurrency, stopOnFailure: true });
  const applyMs = performance.now() - t1;
  await mark?.('applied');
  const failures = outcomes.flatMap((o) =>
    o.status === 'failed' ? [`${o.write.action} ${o.write.kind} ${o.write.namespace ?? ''}/${o.write.name}: ${(o.error as Error)?.message ?? String(o.error)}`] : [],
  );
  const again = buildWizardPlan(choices, await load());
  return { ...base, applyMs, summary: summarizeOutcomes(outcomes), failures: failures.slice(0, 5), replanWrites: again.writes.length };
}

Object.assign(window, { hcBenchApply, hcApplyConcurrency: APPLY_CONCURRENCY });

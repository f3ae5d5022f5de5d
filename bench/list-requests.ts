// Requests the registries list page makes (not time): 1,000 projects holding a registry's credential.
//   npx tsx bench/list-requests.ts [--projects=1000] [--small-projects=10]
// Starts the benches' cluster stand-in with KubeSphere (bench/list-requests.seed.ts: real etcd + kube-apiserver,
// the lab's ks-core and KubeSphere gateway), seeds a registry and --small-projects projects holding its credential,
// runs the page's own query function (loadRegistryList, src/features/registries/data.ts) and counts the HTTP
// requests the extension's client sent; then seeds up to --projects and counts again. Both cluster modes of the
// console, each at both sizes:
//   single-cluster (no /clusters prefix): budget 5: records, managed Secrets, installers, their pods, nodes;
//   multi-cluster, the host alone (KubeSphere 4.1's default, every path under /clusters/host): budget 6: the same
//     five, plus the tenant API's list of clusters (to find the other clusters), plus 3 per other cluster (none
//     here; bench/multicluster-apply.ts has several clusters).
// Fails (exit code 1) when a count is over its budget, differs between the two sizes, or a project is missing.
import { loadRegistryList } from '../src/features/registries/data';
import { registryRows } from '../src/domain/health';
import { seedProjects, seedRegistry, startFakeRegistry, startLab } from './list-requests.seed';

const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;
const projects = Number(arg('projects', '1000'));
const small = Math.min(Number(arg('small-projects', '10')), projects);
const OTHER_CLUSTERS = 0;
const BUDGET = { single: 5, multi: 5 + 1 + 3 * OTHER_CLUSTERS };

const t0 = performance.now();
const lab = await startLab();
const registry = await startFakeRegistry();
const counts: Record<'single' | 'multi', number[]> = { single: [], multi: [] };
let failed = false;
try {
  console.log(`list-requests bench: registries list page, ${small} then ${projects} projects holding the credential (stand-in up in ${(lab.startMs / 1000).toFixed(1)} s)`);
  await seedRegistry(lab, registry, 'oci');
  for (const size of [small, projects]) {
    const ts = performance.now();
    await seedProjects(lab, registry, size, false);
    console.log(`  ${size} projects (seeded in ${((performance.now() - ts) / 1000).toFixed(1)} s, not measured)`);
    for (const mode of ['single', 'multi'] as const) {
      await lab.reset();
      const src = await loadRegistryList(lab.cluster(mode === 'multi'));
      const { rows } = registryRows(src, new Date());
      const n = lab.requests.length;
      const atProxy = await lab.proxyTotal();
      counts[mode].push(n);
      console.log(`    ${mode === 'single' ? 'single-cluster' : 'multi-cluster (host alone)'}:`);
      for (const r of lab.requests) console.log(`      ${r}`);
      const shown = rows[0]?.projects.length ?? 0;
      console.log(`      registries: ${rows.length}, projects holding the credential: ${shown}, node trust: ${rows[0]?.trust.text}${src.unreadable.length ? `, unreadable: ${src.unreadable.join(', ')}` : ''}`);
      console.log(`      requests: ${n} (at the proxy: ${atProxy}; budget ${BUDGET[mode]})`);
      if (src.unreadable.length || n > BUDGET[mode] || atProxy !== n || shown !== size || rows.length !== 1) failed = true;
    }
  }
  for (const mode of ['single', 'multi'] as const) {
    const [a, b] = counts[mode];
    const ok = a === b && b <= BUDGET[mode];
    if (a !== b) failed = true;
    console.log(`${mode === 'single' ? 'single-cluster ' : 'multi-cluster  '} requests ${a} at ${small} projects, ${b} at ${projects}: ${a === b ? 'constant' : 'NOT constant'}, budget ${BUDGET[mode]}: ${ok ? 'ok' : 'MISSED'}`);
  }
  console.log(`total bench time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(failed ? 'FAILED' : 'all targets met');
} finally {
  await lab.close();
  await registry.close();
}
process.exitCode = failed ? 1 : 0;

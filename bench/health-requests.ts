// Requests the health panel makes (not time) for a registry bound in 500 projects.
//   npx tsx bench/health-requests.ts [--projects=500] [--small-projects=10] [--kind=oci,harbor] [--single-cluster]
// Starts the benches' cluster stand-in with KubeSphere (bench/list-requests.seed.ts: real etcd + kube-apiserver,
// the lab's ks-core and KubeSphere gateway, which serves the probe's ReverseProxies), seeds a registry (record with
// its CA, trust installer and its pods Ready on 3 nodes) and a TLS stand-in registry for the probe, binds it in
// --small-projects projects (pull secret + `default` ServiceAccount listing it), runs the panel's own loader
// (loadHealth: the same query functions its hooks call, in the same dependency order) and counts the HTTP requests;
// then binds it in --projects projects and counts again. Budget: 16 (10 reads, and the panel's own credential-free
// probe: list and clean up leftover probes, then create, ask and delete one ReverseProxy per path: /v2/, plus
// Harbor's /api/v2.0/health). The console runs multi-cluster (paths under /clusters/host, KubeSphere 4.1's default)
// unless --single-cluster. One fresh stand-in per kind. Exit code 1 when a count is over budget or differs between
// the two sizes, a source was unreadable, or the probe did not reach the registry.
import { loadHealth } from '../src/features/health/useHealth';
import { seedProjects, seedRegistry, startFakeRegistry, startLab } from './list-requests.seed';

const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;
const projects = Number(arg('projects', '500'));
const small = Math.min(Number(arg('small-projects', '10')), projects);
const kinds = arg('kind', 'oci,harbor').split(',') as Array<'oci' | 'harbor'>;
const multiCluster = !process.argv.includes('--single-cluster');
const BUDGET = 16;

const t0 = performance.now();
console.log(`health-requests bench: health panel of a registry bound in ${small} then ${projects} projects, ${multiCluster ? 'multi-cluster (host alone)' : 'single-cluster'}`);
let failed = false;
const summary: string[] = [];
for (const kind of kinds) {
  const lab = await startLab();
  const registry = await startFakeRegistry();
  try {
    console.log(`[${kind}] stand-in up in ${(lab.startMs / 1000).toFixed(1)} s; registry ${registry.url} (TLS, lab CA)`);
    await seedRegistry(lab, registry, kind);
    const seen: number[] = [];
    for (const size of [small, projects]) {
      const ts = performance.now();
      await seedProjects(lab, registry, size, true);
      await lab.reset();
      const h = await loadHealth(lab.cluster(multiCluster), registry.id);
      const n = lab.requests.length;
      const atProxy = await lab.proxyTotal();
      seen.push(n);
      // A source the panel could not read costs fewer requests (and shows as unknown): never a pass.
      const unreadable = (['podList', 'nodeList', 'sas', 'evs', 'pols', 'objects'] as const).filter((k) => h[k] && !h[k].ok);
      if (h.cm.installed === 'unknown') unreadable.push('cm' as never);
      const probe = `/v2/ ${h.probe?.v2?.status ?? '-'}${h.probe?.harborHealth ? `, /api/v2.0/health ${h.probe.harborHealth.status}` : ''}${h.probe?.error ? `, error: ${h.probe.error}` : ''}`;
      console.log(`[${kind}] ${size} projects (seeded in ${((performance.now() - ts) / 1000).toFixed(1)} s, not measured): bound in ${h.sec.pullSecrets.length} projects; probe ${probe}; cert-manager ${h.cm.installed === true ? 'installed' : h.cm.installed === false ? 'not installed' : 'unknown'}${unreadable.length ? `; UNREADABLE: ${unreadable.join(', ')}` : ''}`);
      for (const r of lab.requests) console.log(`  ${r}`);
      console.log(`[${kind}] requests: ${n} (at the proxy: ${atProxy}; budget ${BUDGET})`);
      const reached = h.probe?.v2?.status === 401 && (kind !== 'harbor' || h.probe.harborHealth?.status === 200);
      if (unreadable.length || n > BUDGET || atProxy !== n || h.sec.pullSecrets.length !== size || !reached || (h.probe?.cleanupFailures.length ?? 0) > 0) failed = true;
    }
    const [a, b] = seen;
    if (a !== b) failed = true;
    summary.push(`[${kind}] requests ${a} at ${small} projects, ${b} at ${projects}: ${a === b ? 'constant' : 'NOT constant'}, budget ${BUDGET}: ${Math.max(a, b) <= BUDGET ? 'ok' : 'MISSED'}`);
  } finally {
    await lab.close();
    await registry.close();
  }
}
for (const line of summary) console.log(line);
console.log(`total bench time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(failed ? 'FAILED' : 'all targets met');
process.exitCode = failed ? 1 : 0;

// Requests the health panel makes (not time) for a registry bound in 500 projects.
//   npx tsx bench/health-requests.ts [--projects=500] [--kind=oci|harbor]
// Starts a temporary lab API stand-in, seeds it, runs the panel's own loader (loadHealth: the same query
// functions its hooks call, in the same dependency order) and counts the HTTP requests. Budget: 16 (10 reads, and
// the panel's own credential-free probe: list and clean up leftover probes, then create, ask and delete one
// ReverseProxy per path: /v2/, plus Harbor's /api/v2.0/health).
import { loadHealth } from '../src/features/health/useHealth';
import { startFakeRegistry, labCaPem, REGISTRY_ID, seedProjects, seedRegistry, startLab } from './list-requests.seed';

const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;
const projects = Number(arg('projects', '500'));
const kinds = arg('kind', 'oci,harbor').split(',') as Array<'oci' | 'harbor'>;
const BUDGET = 16;

let failed = false;
for (const kind of kinds) {
  const lab = await startLab();
  const registry = await startFakeRegistry();
  try {
    seedRegistry(lab.server.store, kind, labCaPem(), registry.url);
    seedProjects(lab.server.store, projects, true);
    lab.reset();
    const h = await loadHealth(lab.cluster, REGISTRY_ID);
    const n = lab.requests.length;
    console.log(`[${kind}] registry bound in ${h.sec.pullSecrets.length} projects; /v2/ probe: ${h.probe?.v2?.status}`);
    for (const r of lab.requests) console.log(`  ${r}`);
    console.log(`[${kind}] requests: ${n} (budget ${BUDGET})`);
    if (n > BUDGET || h.sec.pullSecrets.length !== projects) failed = true;
  } finally {
    await lab.close();
    await registry.close();
  }
}
process.exitCode = failed ? 1 : 0;

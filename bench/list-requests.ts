// Requests the registries list page makes (not time): 1,000 projects holding a registry's credential.
//   npx tsx bench/list-requests.ts [--projects=1000]
// Starts a temporary lab API stand-in, seeds it, runs the page's own query function (loadRegistryList) and
// counts the HTTP requests the extension's client sent. Budget: 5, whatever the number of projects.
import { loadRegistryList } from '../src/features/registries/data';
import { registryRows } from '../src/domain/health';
import { startFakeRegistry, labCaPem, seedProjects, seedRegistry, startLab } from './list-requests.seed';

const projects = Number(process.argv.find((a) => a.startsWith('--projects='))?.split('=')[1] ?? 1000);
const BUDGET = 5;

const lab = await startLab();
const registry = await startFakeRegistry();
try {
  seedRegistry(lab.server.store, 'oci', labCaPem(), registry.url);
  seedProjects(lab.server.store, projects, false);
  lab.reset();
  const src = await loadRegistryList(lab.cluster);
  const { rows } = registryRows(src, new Date());
  const n = lab.requests.length;
  for (const r of lab.requests) console.log(`  ${r}`);
  console.log(`registries: ${rows.length}, projects holding the credential: ${rows[0]?.projects.length ?? 0}, node trust ${rows[0]?.trust.text}`);
  console.log(`requests: ${n} (budget ${BUDGET})`);
  process.exitCode = n <= BUDGET && rows[0]?.projects.length === projects ? 0 : 1;
} finally {
  await lab.close();
  await registry.close();
}

// `npm run lab:extension`: rebuild the extension and install it again into the running lab, as `npm start` does
// (Helm upgrade of the package), so the next page load in the console runs the new bundle.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterBinaries } from './cluster/build';
import { clusterDir, INSTALLER_IMAGE_TAG } from './cluster/index';
import { buildExtension, installExtension, labDirFromEnv, labIsRunning, type ExtensionTarget } from './start';

/** A lab cluster's install target from its folder (the host's .lab/cluster, a member's .lab/member-N/cluster). */
function target(dir: string, name: string, role: 'host' | 'member'): ExtensionTarget {
  const digest = readFileSync(join(dir, 'images', '10-busybox.tar.digest'), 'utf8').trim();
  return { bins: clusterBinaries(), adminKubeconfig: join(dir, 'pki', 'admin.kubeconfig'), installerImage: `${INSTALLER_IMAGE_TAG}@${digest}`, name, role };
}

async function main(): Promise<void> {
  if (!(await labIsRunning(null))) throw new Error('no lab is running: start one with `npm start`');
  const labDir = labDirFromEnv();
  const members = readdirSync(labDir)
    .filter(name => /^member-\d+$/.test(name) && existsSync(join(labDir, name, 'cluster', 'pki', 'admin.kubeconfig')))
    .map(name => target(join(labDir, name, 'cluster'), name, 'member'));
  await buildExtension();
  installExtension(target(clusterDir(labDir), 'host', 'host'), members);
  console.log('[lab] reload the console page to load the new bundle');
}

main().catch(error => {
  console.error(`[lab] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

// `npm run lab:extension`: rebuild the extension and install it again into the running lab, as `npm start` does
// (Helm upgrade of the package), so the next page load in the console runs the new bundle.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterBinaries } from './cluster/build';
import { clusterDir, INSTALLER_IMAGE_TAG } from './cluster/index';
import { buildExtension, installExtension, labDirFromEnv, labIsRunning } from './start';

async function main(): Promise<void> {
  if (!(await labIsRunning(null))) throw new Error('no lab is running: start one with `npm start`');
  const dir = clusterDir(labDirFromEnv());
  const digest = readFileSync(join(dir, 'images', '10-busybox.tar.digest'), 'utf8').trim();
  await buildExtension();
  installExtension({ bins: clusterBinaries(), adminKubeconfig: join(dir, 'pki', 'admin.kubeconfig'), installerImage: `${INSTALLER_IMAGE_TAG}@${digest}` });
  console.log('[lab] reload the console page to load the new bundle');
}

main().catch(error => {
  console.error(`[lab] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

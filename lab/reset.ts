// `npm run lab:reset`: forget the lab's state (HC_LAB_DIR, default <repo>/.lab). The console build cache
// (~/.cache/harbor-connect) is kept: it does not depend on lab state.
import { existsSync, rmSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { labDirFromEnv, labIsRunning, REPO_ROOT } from './start';

async function main(): Promise<void> {
  const labDir = labDirFromEnv();
  // Never delete something that is obviously not a lab folder.
  if (labDir === resolve('/') || labDir === REPO_ROOT || REPO_ROOT.startsWith(labDir + sep)) {
    throw new Error(`refusing to delete ${labDir}: HC_LAB_DIR must point at a lab state folder`);
  }
  if (await labIsRunning()) throw new Error('a lab is running (console and API answer): stop it (Ctrl-C in `npm start`) first');
  if (!existsSync(labDir)) {
    console.log(`[lab] nothing to reset: ${labDir} does not exist`);
    return;
  }
  rmSync(labDir, { recursive: true, force: true });
  console.log(`[lab] deleted ${labDir} (the console build cache is kept)`);
}

main().catch(error => {
  console.error(`[lab] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

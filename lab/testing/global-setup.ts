// Vitest globalSetup of the "lab" project: a running lab (the one `npm start` or `npm test` started, found by
// its gateway), else one started here without the console and stopped after the run.
import { labIsRunning, startLab } from '../start';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (await labIsRunning(null)) {
    console.log('[lab tests] using the running lab');
    return undefined;
  }
  const started = Date.now();
  // The multi-cluster tests need the member cluster: tests start one unless HC_LAB_MEMBERS says otherwise.
  const lab = await startLab({ console: false, members: Number(process.env.HC_LAB_MEMBERS ?? 1), log: line => console.log(`[lab tests] ${line}`) });
  console.log(`[lab tests] lab up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return () => lab.close();
}

// Vitest globalSetup of the "lab" project: a running lab (the one `npm start` or `npm test` started, found by
// its gateway), else one started here without the console and stopped after the run.
import { labIsRunning, startLab } from '../start';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (await labIsRunning(null)) {
    console.log('[lab tests] using the running lab');
    return undefined;
  }
  const started = Date.now();
  const lab = await startLab({ console: false, log: line => console.log(`[lab tests] ${line}`) });
  console.log(`[lab tests] lab up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return () => lab.close();
}

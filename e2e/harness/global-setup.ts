// Starts the lab as `npm start` does (lab/start.ts's startLab), unless HC_E2E_REUSE_LAB=1 and a lab already
// answers; stops it after the run (Playwright calls the returned function as the global teardown).
import type { FullConfig } from '@playwright/test';
import { labIsRunning, startLab } from '../../lab/start';

export default async function globalSetup(_config: FullConfig): Promise<(() => Promise<void>) | undefined> {
  if (process.env.HC_E2E_REUSE_LAB === '1') {
    if (await labIsRunning()) {
      console.log('[e2e] HC_E2E_REUSE_LAB=1: using the lab that is already running');
      return undefined;
    }
    console.log('[e2e] HC_E2E_REUSE_LAB=1 but no lab answers: starting one');
  }
  const started = Date.now();
  const lab = await startLab({ log: line => console.log(`[e2e lab] ${line}`) });
  console.log(`[e2e] lab up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${lab.consoleUrl} (${JSON.stringify(lab.timings)})`);
  return async () => {
    await lab.close();
    console.log('[e2e] lab stopped');
  };
}

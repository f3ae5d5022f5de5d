// Playwright against the real KubeSphere console on the lab (`npm start`'s lab, started by e2e/harness).
// Debian's chromium: Playwright cannot download its own browser here.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, consoleBaseUrl } from './e2e/harness/env';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/harness/global-setup.ts',
  // HC_E2E_ARTIFACTS: another folder when two runs share a work tree (each run empties its outputDir).
  outputDir: `${process.env.HC_E2E_ARTIFACTS ?? 'e2e/artifacts'}/test-results`,
  // The console is heavy and the machine has 2 cores: one browser at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // No retries: a flaky test is a bug to fix.
  reporter: [['list'], ['html', { outputFolder: `${process.env.HC_E2E_ARTIFACTS ?? 'e2e/artifacts'}/report`, open: 'never' }]],
  use: {
    baseURL: consoleBaseUrl(),
    browserName: 'chromium',
    viewport: { width: 1400, height: 900 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
});

// The e2e fixtures: log in through the console's real login page, fail a test on any page error that is not
// the console's known noise, and keep named screenshots under e2e/artifacts/.
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LAB_PASSWORD = 'P@88w0rd';
export type LabLogin = 'admin' | 'ws-admin' | 'demo-admin' | 'demo-operator' | 'demo-viewer';
export const LAB_LOGINS: LabLogin[] = ['admin', 'ws-admin', 'demo-admin', 'demo-operator', 'demo-viewer'];

const ARTIFACTS = process.env.HC_E2E_ARTIFACTS
  ? resolve(process.env.HC_E2E_ARTIFACTS)
  : resolve(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

/**
 * The console's own page errors with no DLL build (shared/CONSOLE-HOST.md): the HTML page served where a
 * script was expected. The lab serves an empty DLL, so these normally do not occur; they are tolerated, and
 * nothing else is. (MobX "already declared as an observer" messages are console warnings, not page errors.)
 */
export function isKnownNoise(message: string): boolean {
  return message === "Unexpected token '<'" || message === "Failed to execute 'appendChild' on 'Node': Unexpected token '<'";
}

/** Logs in as `user` by typing into the real login form; resolves once the console has left /login. */
export async function loginAs(page: Page, user: LabLogin, password = LAB_PASSWORD): Promise<void> {
  await page.goto('/login');
  const username = page.getByPlaceholder('user@example.com');
  await expect(username).toBeVisible();
  await username.fill(user);
  await page.getByPlaceholder('Password').fill(password);
  await page.getByRole('button', { name: 'Log In' }).click();
  await page.waitForURL(url => !url.pathname.startsWith('/login'), { timeout: 30_000 });
  // The header shows who is logged in once the app has rendered.
  await expect(page.getByText(user, { exact: true }).first()).toBeVisible();
}

/** Saves a full-page screenshot as e2e/artifacts/screens/<test title>/<name>.png and attaches it to the report. */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const folder = join(ARTIFACTS, 'screens', testInfo.titlePath.slice(1).join(' - ').replace(/[^\w.-]+/g, '_'));
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  return path;
}

interface Fixtures {
  loginAs: (user: LabLogin) => Promise<void>;
  /** Page errors seen so far in this test (known noise included). */
  pageErrors: string[];
}

export const test = base.extend<Fixtures>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', error => errors.push(error.message));
      await use(errors);
      const unexpected = errors.filter(message => !isKnownNoise(message));
      expect(unexpected, 'page errors other than the known console noise').toEqual([]);
    },
    { auto: true },
  ],
  loginAs: async ({ page }, use) => {
    await use(user => loginAs(page, user));
  },
});

export { expect };

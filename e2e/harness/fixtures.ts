// The e2e fixtures: log in through the console's real login page, fail a test on any page error that is not
// the console's known noise, and keep named screenshots under e2e/artifacts/.
import { test as base, expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubeClient } from '../../lab/cluster/kube';

export const LAB_PASSWORD = 'P@88w0rd';
export type LabLogin = 'admin' | 'ws-admin' | 'demo-admin' | 'demo-operator' | 'demo-viewer';
export const LAB_LOGINS: LabLogin[] = ['admin', 'ws-admin', 'demo-admin', 'demo-operator', 'demo-viewer'];

const ARTIFACTS = process.env.HC_E2E_ARTIFACTS
  ? resolve(process.env.HC_E2E_ARTIFACTS)
  : resolve(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

/**
 * The console's own page errors with no DLL build (docs/kubesphere.md, "The console host in the lab"): the HTML page served where a
 * script was expected. The lab serves an empty DLL, so these normally do not occur; they are tolerated, and
 * nothing else is. (MobX "already declared as an observer" messages are console warnings, not page errors.)
 */
export function isKnownNoise(message: string): boolean {
  return (
    message === "Unexpected token '<'" ||
    message === "Failed to execute 'appendChild' on 'Node': Unexpected token '<'" ||
    // The console's micro-frontend sandbox (wujie, WUJIE_TIPS_STOP_APP) throws this on purpose to stop main-app
    // code running inside a sub-application's iframe; its text says it can be ignored (Tencent/wujie#54).
    message === '此报错可以忽略，iframe主动中断主应用代码在子应用运行'
  );
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

export type Lang = 'en' | 'zh';
const wantedLang = new WeakMap<Page, Lang>();

/**
 * The console's language is the user's own setting (User Settings → Language writes the User's spec.lang, which
 * the console server renders into the page and its `lang` cookie): the next loginAs on this page sets it for the
 * user, and the test's end sets it back to English.
 */
export function useLang(page: Page, lang: Lang): void {
  wantedLang.set(page, lang);
}

const labDir = resolve(process.env.HC_LAB_DIR ?? '.lab');
const kube = () => kubeClient(join(labDir, 'cluster', 'pki'), `https://127.0.0.1:${process.env.HC_KUBE_API_PORT || 6443}`);

export async function setUserLang(user: LabLogin, lang: Lang): Promise<void> {
  const res = await kube().request('PATCH', `/apis/iam.kubesphere.io/v1beta1/users/${user}`, { spec: { lang } }, 'application/merge-patch+json');
  expect(res.status, `set ${user}'s language`).toBe(200);
}

/**
 * Landing page → Cluster Management, once the landing page has loaded its cluster count (as a user sees the card's
 * number before clicking): a click while the dashboard still loads can leave the console's cluster list blank.
 */
export async function openClusterManagement(page: Page, language: 'en' | 'zh' = 'en'): Promise<void> {
  const entry = language === 'zh' ? '集群管理' : 'Cluster Management';
  // The landing page's cluster count (en) shows once the landing page has its data.
  if (language === 'en') await expect(page.getByText('Clusters', { exact: true })).toBeVisible();
  await expect(page.getByText(entry, { exact: true })).toBeVisible();
  await page.getByText(entry, { exact: true }).click();
  await expect(page).toHaveURL(/\/clusters$/);
  // The cluster list is KubeSphere's v3 sub-app (wujie frame /consolev3/clusters). About one click in six on the
  // 4.1 console here never starts that frame: no request, no error, a blank page until the user reloads, which
  // is what a user does and what this does (once; a second blank page fails the test).
  const host = page.getByText('host', { exact: true }).first();
  if (!(await host.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false))) {
    console.warn('[e2e] the console left the cluster list blank (its v3 sub-app did not start): reloading once');
    await page.reload();
  }
  await expect(host).toBeVisible({ timeout: 30_000 });
}

/**
 * Picks an option of a @kubed/components Select (rc-select 14; Playwright's selectOption works on a native <select>
 * only). The Select's data-testid and data-value are on its root div (.kubed-select): a click there opens its
 * dropdown, rendered under <body> as div.kubed-select-dropdown (kept in the DOM with the class
 * kubed-select-dropdown-hidden once closed); each option is a div.kubed-select-item-option whose title is its label.
 * Then the Select's data-value must be the option's value.
 */
export async function chooseOption(page: Page, select: Locator, label: string, value: string = label): Promise<void> {
  await select.click();
  await page.locator(`.kubed-select-dropdown:not(.kubed-select-dropdown-hidden) .kubed-select-item-option[title=${JSON.stringify(label)}]`).click();
  await expect(select).toHaveAttribute('data-value', value);
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
    const changed = new Set<LabLogin>();
    await use(async user => {
      const lang = wantedLang.get(page) ?? 'en';
      if (lang !== 'en') {
        await setUserLang(user, lang);
        changed.add(user);
      }
      await loginAs(page, user);
    });
    for (const user of changed) await setUserLang(user, 'en');
  },
});

export { expect };

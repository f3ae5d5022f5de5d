// The lab itself: every login works through the real login page, the console renders its own pages, and the
// extension's contract with the console holds (menus under cluster/project Configuration, routes, page roots).
import type { APIRequestContext, Page } from '@playwright/test';
import { PAGES_PATH } from '../src/start/pages-configmap';
import { expect, LAB_LOGINS, snap, test } from './harness/fixtures';
import { labApi } from './harness/lab-api';

const CLUSTER_PAGE = '/clusters/host/image-registries';
const PROJECT_PAGE = '/demo-ws/clusters/host/projects/demo/image-registries';

/** The extension is loaded when the console server can fetch its bundle (as the browser will). */
async function bundleServed(request: APIRequestContext): Promise<boolean> {
  const res = await request.get('/pstatic/dist/harbor-connect/index.js');
  return res.ok() && (await res.text()).includes('System.register');
}

/** Opens a left-nav group (e.g. "Configuration"); answers the nav link `name` that must then be visible. */
async function openNavEntry(page: Page, group: string, name: string) {
  await page.getByText(group, { exact: true }).first().click();
  const link = page.getByRole('link', { name, exact: true });
  await expect(link).toBeVisible();
  return link;
}

test.describe('logins', () => {
  for (const user of LAB_LOGINS) {
    test(`${user} logs in through the real login page`, async ({ page, loginAs }, testInfo) => {
      await loginAs(user);
      expect(new URL(page.url()).pathname).not.toMatch(/^\/login/);
      await snap(page, testInfo, 'after-login');
    });
  }

  test('a wrong password is refused on the login page', async ({ page }) => {
    await page.goto('/login');
    await page.getByPlaceholder('user@example.com').fill('admin');
    await page.getByPlaceholder('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log In' }).click();
    await expect(page.getByText(/incorrect/i)).toBeVisible();
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});

test.describe('the console renders its own pages (harness check)', () => {
  test('admin: cluster Configuration → Secrets', async ({ page, loginAs }, testInfo) => {
    await loginAs('admin');
    await page.goto('/clusters/host/overview');
    await (await openNavEntry(page, 'Configuration', 'Secrets')).click();
    await expect(page).toHaveURL(/\/clusters\/host\/secrets$/);
    await expect(page.getByText('A secret is an object that contains a small amount of sensitive data', { exact: false })).toBeVisible();
    await snap(page, testInfo, 'cluster-secrets');
  });

  test('demo-admin: project overview of demo', async ({ page, loginAs }, testInfo) => {
    await loginAs('demo-admin');
    await page.goto('/demo-ws/clusters/host/projects/demo/overview');
    await expect(page.getByText('demo-ws').first()).toBeVisible();
    await expect(page.getByText('Project', { exact: true }).first()).toBeVisible();
    await snap(page, testInfo, 'project-overview');
  });
});

test.describe('extension contract', () => {
  test.beforeEach(async ({ request }) => {
    test.skip(!(await bundleServed(request)), 'dist/index.js is not built yet (npm run build): the console has no extension to show');
  });

  test('admin: Cluster → Configuration shows "Image Registries" and its page renders', async ({ page, loginAs }, testInfo) => {
    await loginAs('admin');
    await page.goto('/clusters/host/overview');
    const entry = await openNavEntry(page, 'Configuration', 'Image Registries');
    await expect(entry).toHaveAttribute('href', CLUSTER_PAGE);
    await entry.click();
    await expect(page).toHaveURL(new RegExp(`${CLUSTER_PAGE}$`));
    await expect(page.locator('[data-testid="hc-registries"]')).toBeVisible();
    await expect(page.getByText('Image Registries', { exact: true }).last()).toBeVisible();
    await snap(page, testInfo, 'cluster-image-registries');
  });

  test('demo-viewer does not see the cluster entry', async ({ page, loginAs }, testInfo) => {
    await loginAs('demo-viewer');
    await page.goto('/clusters/host/overview');
    await expect(page.getByRole('link', { name: 'Overview', exact: true })).toBeVisible();
    // Cluster menus follow cluster role templates; a project viewer has none, so no Configuration group at all.
    await expect(page.getByText('Configuration', { exact: true })).toHaveCount(0);
    await expect(page.getByText('Image Registries', { exact: true })).toHaveCount(0);
    await expect(page.locator(`a[href$="${CLUSTER_PAGE}"]`)).toHaveCount(0);
    await snap(page, testInfo, 'cluster-nav-viewer');
  });

  test('demo-admin sees the project entry and its page renders', async ({ page, loginAs }, testInfo) => {
    await loginAs('demo-admin');
    await page.goto('/demo-ws/clusters/host/projects/demo/overview');
    const entry = await openNavEntry(page, 'Configuration', 'Image Registries');
    await expect(entry).toHaveAttribute('href', PROJECT_PAGE);
    await entry.click();
    await expect(page).toHaveURL(new RegExp(`${PROJECT_PAGE}$`));
    await expect(page.locator('[data-testid="hc-project-registries"]')).toBeVisible();
    await snap(page, testInfo, 'project-image-registries');
  });

  test('the console start fetches none of the pages; the first page opened does; a missing pages ConfigMap is explained and "Try again" recovers', async ({ page, loginAs }, testInfo) => {
    const pageFetches: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === PAGES_PATH) pageFetches.push(r.url());
    });
    await loginAs('demo-admin');
    await page.goto('/demo-ws/clusters/host/projects/demo/overview');
    await expect(page.getByText('Configuration', { exact: true }).first()).toBeVisible();
    expect(pageFetches, 'requests for the pages at console start').toEqual([]);

    // The pages' ConfigMap taken away (as on a half-installed extension), then put back as it was.
    const saved = await labApi('GET', PAGES_PATH);
    expect(saved.status).toBe(200);
    const { metadata, data } = saved.json as { metadata: Record<string, unknown>; data: Record<string, string> };
    const restore = async () => {
      if ((await labApi('GET', PAGES_PATH)).status === 404) {
        const { name, namespace, labels, annotations } = metadata;
        const created = await labApi('POST', PAGES_PATH.replace(/\/[^/]+$/, ''), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels, annotations }, data });
        expect(created.status).toBe(201);
      }
    };
    try {
      expect((await labApi('DELETE', PAGES_PATH)).status).toBe(200);
      await openNavEntry(page, 'Configuration', 'Image Registries').then((l) => l.click());
      const failed = page.locator('[data-testid="hc-pages-failed"]');
      await expect(failed).toHaveAttribute('data-failure', 'missing');
      await expect(failed).toContainText('ConfigMap extension-harbor-connect/harbor-connect-pages, which holds these pages, is not on the host cluster');
      await snap(page, testInfo, 'pages-missing');
      expect(pageFetches).toHaveLength(1);
      await restore();
      await failed.getByRole('button', { name: 'Try again' }).click();
      await expect(page.locator('[data-testid="hc-project-registries"]')).toBeVisible();
      // That every later page of ours reuses them without another GET: tests/bundle.test.ts (three routes, one
      // GET). Not clicked here: going back to a console page that runs in its v3 app (the project overview)
      // throws "Cannot use 'in' operator to search for 'onmouseenter' in null" from the console's own v3 bundle
      // now and then, which this test would count against us.
      expect(pageFetches).toHaveLength(2);
    } finally {
      await restore();
    }
  });
});

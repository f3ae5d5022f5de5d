// A first-time user's ways in, clicked from the console's landing page as a user does (no typed URLs), plus the
// language switch in User Settings and a typed URL the user's role does not allow.
import type { Page } from '@playwright/test';
import { expect, openClusterManagement, setUserLang, snap, test } from './harness/fixtures';

/** Opens a left-nav group and clicks its "Image Registries" entry. */
async function openImageRegistries(page: Page, group: string, entry: string): Promise<void> {
  await page.getByText(group, { exact: true }).first().click();
  await page.getByRole('link', { name: entry, exact: true }).click();
}

// The member cluster is reached the same way, through the host's multi-cluster proxy.
for (const cluster of ['host', 'member-1']) {
  test(`admin: landing page → Cluster Management → ${cluster} → Configuration → Image Registries`, async ({ page, loginAs }, testInfo) => {
    await loginAs('admin');
    await openClusterManagement(page);
    await page.getByText(cluster, { exact: true }).first().click();
    await expect(page).toHaveURL(new RegExp(`/clusters/${cluster}/overview`));
    await openImageRegistries(page, 'Configuration', 'Image Registries');
    await expect(page).toHaveURL(new RegExp(`/clusters/${cluster}/image-registries$`));
    await expect(page.getByTestId('hc-registries')).toBeVisible();
    await expect(page.getByTestId('hc-error')).toHaveCount(0);
    await snap(page, testInfo, `${cluster}-registries`);
  });
}

test('demo-admin: landing page → Workspace Management → demo-ws → demo → Configuration → Image Registries', async ({ page, loginAs }, testInfo) => {
  await loginAs('demo-admin');
  await page.getByText('Workspace Management', { exact: true }).click();
  await page.getByText('demo-ws', { exact: true }).first().click();
  // A workspace opens on its project list.
  await expect(page.getByRole('heading', { name: 'Projects', exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'demo', exact: true }).click();
  await expect(page).toHaveURL(/\/demo-ws\/clusters\/host\/projects\/demo\//);
  await openImageRegistries(page, 'Configuration', 'Image Registries');
  await expect(page).toHaveURL(/\/demo-ws\/clusters\/host\/projects\/demo\/image-registries$/);
  await expect(page.getByTestId('hc-error')).toHaveCount(0);
  await snap(page, testInfo, 'project-registries');
});

test('User Settings → Language switches the console and our pages to Chinese', async ({ page, loginAs }, testInfo) => {
  try {
    await loginAs('admin');
    await page.getByText('admin', { exact: true }).first().click();
    await page.getByText('User Settings', { exact: true }).click();
    await page.locator('.kubed-select').filter({ hasText: 'English' }).click();
    await page.getByText('简体中文', { exact: true }).click();
    // The form's confirm bar: its check mark saves (the console then reloads in the new language).
    await page.locator('div:has(> svg path[d^="M9.375 15.625"])').last().click();
    await openClusterManagement(page, 'zh');
    await page.getByText('host', { exact: true }).first().click();
    await openImageRegistries(page, '配置', '镜像仓库');
    await expect(page.getByTestId('hc-registries')).toBeVisible();
    await expect(page.locator('body')).not.toContainText('HARBOR_CONNECT_');
    await snap(page, testInfo, 'registries-zh');
  } finally {
    await setUserLang('admin', 'en');
  }
});

test('demo-viewer typing a cluster page\'s URL is told, once and in plain words, which role to ask for', async ({ page, loginAs }, testInfo) => {
  await loginAs('demo-viewer');
  await page.goto('/clusters/host/image-registries');
  const notice = page.getByTestId('hc-no-access');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Your role does not give access to this page');
  await expect(notice).toContainText('Ask a platform administrator for a cluster role that can view Secrets');
  await expect(page.getByTestId('hc-error')).toHaveCount(0);
  await expect(page.getByText('Permission denied')).toHaveCount(0);
  await snap(page, testInfo, 'viewer-no-access');
});

// The registries list on the lab: a registry set up through the API (record + pull secrets in two projects)
// is listed with its address, kind, CA expiry, node trust and projects; a row opens the detail page; with no
// registry, the empty state leads to "Add Image Registry"; the search box and the row menu. English and Chinese.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, snap, test } from './harness/fixtures';
import { HARBOR, HARBOR_ID, LAB_DIR, labApi, noRawKeys, useLang } from './harness/lab-api';

const LAB = LAB_DIR;
const api = labApi;
const CA_FILE = join(LAB, 'registry', 'ca.crt');
const EXT = 'extension-harbor-connect';
const ID = HARBOR_ID;
const SERVER = HARBOR;
const labels = { 'app.kubernetes.io/managed-by': 'harbor-connect', 'harbor-connect.kubesphere.io/registry': ID };
const b64 = (s: string) => Buffer.from(s).toString('base64');

test.describe.configure({ mode: 'serial' });

async function ensure(path: string, body: any) {
  const cur = await api('GET', `${path}/${body.metadata.name}`);
  if (cur.status === 200) return;
  expect((await api('POST', path, body)).status).toBeLessThan(300);
}

test.beforeAll(async () => {
  test.skip(!existsSync(CA_FILE), 'start the lab first (npm start)');
  await ensure(`/api/v1/namespaces/${EXT}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `hc-registry-${ID}`,
      namespace: EXT,
      labels: { ...labels, 'app.kubernetes.io/component': 'registry-record' },
      annotations: {
        'harbor-connect.kubesphere.io/address': `https://${SERVER}`,
        'harbor-connect.kubesphere.io/server-key': SERVER,
        'harbor-connect.kubesphere.io/display-name': 'Lab registry',
        'harbor-connect.kubesphere.io/trust-mode': 'manual',
        'harbor-connect.kubesphere.io/insecure': 'false',
        'harbor-connect.kubesphere.io/kind': 'oci',
      },
    },
    type: 'Opaque',
    data: { 'ca.crt': b64(readFileSync(CA_FILE, 'utf8')) },
  });
  for (const ns of ['demo', 'demo-2']) {
    const cfg = b64(JSON.stringify({ auths: { [SERVER]: { username: 'robot$demo+ci', password: 'RobotSecret123', auth: b64('robot$demo+ci:RobotSecret123') } } }));
    await ensure(`/api/v1/namespaces/${ns}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'e2e-list-pull', namespace: ns, labels },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': cfg },
    });
  }
});

test.afterAll(async () => {
  for (const ns of ['demo', 'demo-2']) await api('DELETE', `/api/v1/namespaces/${ns}/secrets/e2e-list-pull`);
  await api('DELETE', `/api/v1/namespaces/${EXT}/secrets/hc-registry-${ID}`);
});

for (const lang of ['en', 'zh'] as const) {
  test(`lists the registry with its projects and opens its detail page (${lang})`, async ({ page, loginAs }, testInfo) => {
    await useLang(page, lang);
    await loginAs('admin');
    await page.goto('/clusters/host/image-registries');
    const row = page.locator(`[data-testid="hc-registry-row"][data-registry="${ID}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText(SERVER);
    await expect(row.getByTestId('hc-registry-projects')).toContainText('demo-2');
    // Manual trust in this setup: the column shows the mode, not a count it cannot know.
    await expect(row.getByTestId('hc-registry-trust')).toContainText(lang === 'zh' ? '手动' : 'Manual');
    await expect(page.getByTestId('hc-add-registry')).toBeEnabled();
    await snap(page, testInfo, 'list');
    await row.click();
    await expect(page).toHaveURL(new RegExp(`/clusters/host/image-registries/${ID}$`));
    await expect(page.getByTestId('hc-registry-detail')).toBeVisible();
    await expect(page.getByTestId('hc-detail-address')).toContainText(SERVER);
    await snap(page, testInfo, 'detail');
    await noRawKeys(page);
    if (lang === 'zh') await expect(page.getByTestId('hc-registry-detail')).toContainText('健康状况');
  });
}

test('the search filters the loaded rows by name or address; the row menu leads to edit, health and the removal flow', async ({ page, loginAs }) => {
  await loginAs('admin');
  const list = '/clusters/host/image-registries';
  await page.goto(list);
  const row = page.locator(`[data-testid="hc-registry-row"][data-registry="${ID}"]`);
  await expect(row).toBeVisible();
  const search = page.getByTestId('hc-registries-search');
  await search.fill('no-such-registry.example');
  await expect(page.getByTestId('hc-registry-row')).toHaveCount(0);
  await expect(page.getByTestId('hc-registries-no-match')).toBeVisible();
  await search.fill(` ${SERVER.toUpperCase()} `); // the address, any case, spaces ignored
  await expect(row).toBeVisible();
  await search.fill('');
  await expect(page.getByTestId('hc-registries-no-match')).toHaveCount(0);

  // The ⋯ menu (a kit Dropdown under <body>): its items navigate, the row's own click does not fire.
  const choose = async (item: 'edit' | 'health' | 'remove') => {
    await page.goto(list);
    await row.getByTestId('hc-registry-menu').click();
    await page.getByTestId(`hc-registry-menu-${item}`).click();
  };
  await choose('edit');
  await expect(page).toHaveURL(new RegExp(`${list}/${ID}/edit$`));
  await choose('health');
  await expect(page).toHaveURL(new RegExp(`${list}/${ID}$`));
  await expect(page.getByTestId('hc-detail-health')).toBeInViewport();
  // Remove opens the detail page's removal flow at its review; nothing is deleted before its confirmation.
  const before = await api('GET', `/api/v1/namespaces/${EXT}/secrets/hc-registry-${ID}`);
  await choose('remove');
  await expect(page).toHaveURL(new RegExp(`${list}/${ID}$`));
  await expect(page.getByTestId('hc-remove-registry')).toHaveAttribute('data-state', 'review', { timeout: 30_000 });
  await page.getByTestId('hc-remove-cancel').click();
  await expect(page.getByTestId('hc-remove-cancelled')).toBeVisible();
  expect((await api('GET', `/api/v1/namespaces/${EXT}/secrets/hc-registry-${ID}`)).json.metadata.resourceVersion).toBe(before.json.metadata.resourceVersion);
});

test('"Add Image Registry" leads to the wizard address', async ({ page, loginAs }) => {
  await loginAs('admin');
  await page.goto('/clusters/host/image-registries');
  await page.getByTestId('hc-add-registry').first().click();
  await expect(page).toHaveURL(/\/clusters\/host\/image-registries\/new$/);
});

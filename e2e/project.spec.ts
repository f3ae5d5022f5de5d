// Project page, end to end on the lab: a project admin adds a project-only credential for the lab registry, binds it
// to the ServiceAccount `default` and to one Deployment (previewing each change first), and a new pod created
// through the API pulls from the registry with it. A project viewer and a project operator are told exactly why
// they cannot bind, with the buttons disabled.
//   HC_CONSOLE_PORT / HC_API_PORT / HC_LAB_DIR / HC_REGISTRY_PORT as for `npm start`.
//   Screenshots: e2e/artifacts/screens/<test>/<step>.png
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, snap } from './harness/fixtures';
import { HARBOR, LAB_DIR, labApi } from './harness/lab-api';

const LAB = LAB_DIR;
const api = labApi;
const REGISTRY = HARBOR;
const SECRET = 'e2e-project-pull';
const PAGE = '/demo-ws/clusters/host/projects/demo/image-registries';
const NS = 'demo';

test.describe.configure({ mode: 'serial' });
test.setTimeout(240_000);

const names = (list?: Array<{ name: string }>) => (list ?? []).map((r) => r.name);

/**
 * Precondition, the cluster admin's part (not this page's): every node trusts the lab CA for the registry, as
 * containerd reads it (certs.d/<host:port>/*.crt without hosts.toml). This spec is about the project credential.
 */
function trustLabCaOnNodes() {
  const ca = join(LAB, 'registry', 'ca.crt');
  if (!existsSync(ca)) return;
  for (const node of ['node-1', 'node-2', 'node-3']) {
    const dir = join(LAB, 'nodes', node, 'etc', 'containerd', 'certs.d', REGISTRY);
    mkdirSync(dir, { recursive: true });
    copyFileSync(ca, join(dir, 'ca.crt'));
  }
}

test.beforeAll(async () => {
  trustLabCaOnNodes();
  // A clean start: no e2e secret, default SA without it, the Deployment without it.
  await api('DELETE', `/api/v1/namespaces/${NS}/secrets/${SECRET}`);
  const sa = await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`);
  const keep = names(sa.json?.imagePullSecrets).filter((n) => n !== SECRET);
  await api('PATCH', `/api/v1/namespaces/${NS}/serviceaccounts/default`, { imagePullSecrets: keep.map((name) => ({ name })) }, 'application/merge-patch+json');
  const dep = await api('GET', `/apis/apps/v1/namespaces/${NS}/deployments/busybox-app`);
  const depList = names(dep.json?.spec?.template?.spec?.imagePullSecrets);
  const i = depList.indexOf(SECRET);
  if (i >= 0) {
    await api('PATCH', `/apis/apps/v1/namespaces/${NS}/deployments/busybox-app`, [{ op: 'remove', path: `/spec/template/spec/imagePullSecrets/${i}` }], 'application/json-patch+json');
  }
  await api('DELETE', `/api/v1/namespaces/${NS}/pods/e2e-project-pull`);
});

test('demo-admin adds a project credential, binds it to default and a Deployment; a new pod pulls with it', async ({ page, loginAs }, testInfo) => {
  const builderBefore = names((await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/builder`)).json.imagePullSecrets);
  await loginAs('demo-admin');
  await page.goto(PAGE);
  await expect(page.getByTestId('hc-project-registries')).toBeVisible();
  await expect(page.getByTestId('hc-sa-row-builder')).toBeVisible();
  await expect(page.getByTestId('hc-permissions')).toHaveCount(0);
  await snap(page, testInfo, '01-project-page');

  // Project-only credential, bound to `default` in the same plan.
  await page.getByTestId('hc-add-credential').click();
  await page.getByTestId('hc-add-address').fill(`https://${REGISTRY}`);
  await page.getByTestId('hc-add-name').fill(SECRET);
  await page.getByTestId('hc-add-username').fill('robot$demo+ci');
  await expect(page.getByTestId('hc-add-robot')).toBeVisible();
  await page.getByTestId('hc-add-password').fill('RobotSecret123');
  await expect(page.getByTestId('hc-add-bind-default')).toBeChecked();
  await expect(page.getByTestId('hc-trust-info')).toBeVisible();
  await page.getByTestId('hc-add-preview').click();
  await expect(page.getByTestId('hc-binding-preview')).toBeVisible();
  await expect(page.getByTestId('hc-binding-after')).toContainText(SECRET);
  await expect(page.getByTestId('hc-plan-review')).not.toContainText('RobotSecret123');
  await snap(page, testInfo, '02-add-credential-preview');
  await page.getByTestId('hc-add-apply').click();
  await expect(page.getByTestId('hc-add-apply-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await snap(page, testInfo, '03-add-credential-applied');

  const secret = await api('GET', `/api/v1/namespaces/${NS}/secrets/${SECRET}`);
  expect(secret.status).toBe(200);
  expect(secret.json.type).toBe('kubernetes.io/dockerconfigjson');
  expect(secret.json.metadata.labels['app.kubernetes.io/managed-by']).toBe('harbor-connect');
  expect(names((await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`)).json.imagePullSecrets)).toContain(SECRET);

  // Bind to one Deployment: the template change rolls it, so the UI asks first.
  await page.getByTestId('hc-add-close').click();
  await expect(page.getByTestId(`hc-cred-row-${SECRET}`)).toBeVisible();
  await page.getByTestId('hc-workload-bind-Deployment-busybox-app').click();
  await page.getByTestId('hc-bind-secret').selectOption(SECRET);
  await page.getByTestId('hc-bind-preview').click();
  await expect(page.getByTestId('hc-binding-patch')).toContainText('imagePullSecrets');
  await expect(page.getByTestId('hc-bind-apply')).toBeDisabled();
  await page.getByTestId('hc-bind-accept-roll').check();
  await snap(page, testInfo, '04-bind-deployment-preview');
  await page.getByTestId('hc-bind-apply').click();
  await expect(page.getByTestId('hc-bind-apply-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await snap(page, testInfo, '05-bind-deployment-applied');
  const dep = await api('GET', `/apis/apps/v1/namespaces/${NS}/deployments/busybox-app`);
  expect(names(dep.json.spec.template.spec.imagePullSecrets)).toContain(SECRET);
  // The ServiceAccount that held three pull secrets was not touched.
  expect(names((await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/builder`)).json.imagePullSecrets)).toEqual(builderBefore);

  // A new pod of `default` gets the secret at admission and pulls from the lab registry.
  const created = await api('POST', `/api/v1/namespaces/${NS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'e2e-project-pull', namespace: NS },
    spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: `${REGISTRY}/library/busybox:latest`, command: ['true'] }] },
  });
  expect(created.status).toBe(201);
  expect(names(created.json.spec.imagePullSecrets)).toContain(SECRET);
  let last: any;
  await expect
    .poll(
      async () => {
        last = (await api('GET', `/api/v1/namespaces/${NS}/pods/e2e-project-pull`)).json;
        const st = last?.status?.containerStatuses?.[0];
        return st?.imageID ? 'pulled' : st?.state?.waiting?.reason ?? last?.status?.phase ?? 'none';
      },
      { timeout: 120_000, intervals: [1000, 2000, 3000] },
    )
    .toBe('pulled');
  await page.reload();
  await expect(page.getByTestId('hc-sa-row-default')).toContainText(SECRET);
  await snap(page, testInfo, '06-after-pull');
});

test('demo-viewer sees why binding is not possible', async ({ page, loginAs }, testInfo) => {
  await loginAs('demo-viewer');
  await page.goto(PAGE);
  await expect(page.getByTestId('hc-permissions')).toBeVisible();
  const reason = page.locator('[data-testid="hc-permission-reason"][data-check="createSecrets"]');
  await expect(reason).toContainText('create secrets in project demo');
  await expect(reason).toContainText('operator and admin');
  await expect(page.getByTestId('hc-add-credential')).toBeDisabled();
  await expect(page.getByTestId('hc-bind-open')).toBeDisabled();
  await expect(page.getByTestId('hc-sa-bind-builder')).toBeDisabled();
  await expect(page.getByTestId('hc-sa-row-builder').getByTestId('hc-row-reason')).toContainText('serviceaccounts');
  await snap(page, testInfo, 'demo-viewer-reasons');
});

// KubeSphere 4.1.3's operator role allows every verb on the core, apps and batch groups: ServiceAccounts included.
test('demo-operator may bind: KubeSphere answers the dry runs as allowed', async ({ page, loginAs }, testInfo) => {
  await loginAs('demo-operator');
  await page.goto(PAGE);
  await expect(page.getByTestId('hc-sa-bind-builder')).toBeEnabled();
  await expect(page.getByTestId('hc-add-credential')).toBeEnabled();
  await expect(page.getByTestId('hc-permissions')).toHaveCount(0);
  await snap(page, testInfo, 'demo-operator-allowed');
});

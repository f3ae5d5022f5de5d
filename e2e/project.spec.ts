// Project page, end to end on the lab: a project admin adds a project-only credential for the lab registry (checked
// first: KubeSphere's verify cannot judge the lab's private CA, so a pull test decides; a rejected password is never
// written; "Write without verifying" only by choice), binds it to the ServiceAccount `default` and to one Deployment
// (previewing each change first), and a new pod created through the API pulls from the registry with it. The project
// admin sees the registry the cluster administrator connected (from the project's own pull secrets: a project admin
// may not read the registry records) and who connected it, and is warned that the lab's hand-made `legacy-regcred`
// for the same registry holds credentials the registry rejects, proven by a pull test with that Secret. A project
// viewer and a project operator are told exactly why they cannot bind, with the buttons disabled.
//   HC_CONSOLE_PORT / HC_API_PORT / HC_LAB_DIR / HC_REGISTRY_PORT as for `npm start`.
//   Screenshots: e2e/artifacts/screens/<test>/<step>.png
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, chooseOption, snap } from './harness/fixtures';
import { HARBOR, HARBOR_ID, LAB_DIR, labApi, noRawKeys, useLang } from './harness/lab-api';
import { buildPullSecret } from '../src/domain/dockerconfig';

const LAB = LAB_DIR;
const api = labApi;
const REGISTRY = HARBOR;
const SECRET = 'e2e-project-pull';
const PAGE = '/demo-ws/clusters/host/projects/demo/image-registries';
const NS = 'demo';
// The cluster administrator's connection of the lab registry to demo, as the wizard writes it (precondition).
const ADMIN_SECRET = 'e2e-admin-pull';
// Seeded by the lab (lab/cluster/demo): a hand-made pull secret for the same registry, user `legacy`, which the
// registry rejects; bound to the ServiceAccount builder, which the StatefulSet cache runs as.
const LEGACY_SECRET = 'legacy-regcred';
// Written by "Write without verifying" (removed afterwards).
const UNVERIFIED = 'e2e-project-unverified';
const ROBOT = 'robot$demo+ci';
const PULL_TEST = 'app.kubernetes.io/managed-by=harbor-connect,harbor-connect.kubesphere.io/pull-test';

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
  await api('DELETE', `/api/v1/namespaces/${NS}/secrets/${UNVERIFIED}`);

  // The cluster administrator's part: the registry connected to demo (pull secret with the extension's labels and
  // its creator, bound to `default`), as the wizard leaves it.
  await api('DELETE', `/api/v1/namespaces/${NS}/secrets/${ADMIN_SECRET}`);
  const admin = buildPullSecret({ server: REGISTRY, username: ROBOT, password: 'RobotSecret123', name: ADMIN_SECRET, namespace: NS, registryId: HARBOR_ID, annotations: { 'kubesphere.io/creator': 'admin' } });
  expect((await api('POST', `/api/v1/namespaces/${NS}/secrets`, admin)).status).toBe(201);
  const sa2 = await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`);
  if (!names(sa2.json.imagePullSecrets).includes(ADMIN_SECRET)) {
    await api('PATCH', `/api/v1/namespaces/${NS}/serviceaccounts/default`, { imagePullSecrets: [...names(sa2.json.imagePullSecrets), ADMIN_SECRET].map((name) => ({ name })) }, 'application/merge-patch+json');
  }
  // legacy-regcred as the lab seeds it, if an earlier run or a person removed it.
  if ((await api('GET', `/api/v1/namespaces/${NS}/secrets/${LEGACY_SECRET}`)).status === 404) {
    const auth = Buffer.from('legacy:legacy-not-a-real-password').toString('base64');
    const cfg = Buffer.from(JSON.stringify({ auths: { [REGISTRY]: { username: 'legacy', password: 'legacy-not-a-real-password', auth } } })).toString('base64');
    await api('POST', `/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: LEGACY_SECRET, namespace: NS, annotations: { 'kubesphere.io/creator': 'admin' } }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': cfg } });
  }
});

// Leave demo as the lab seeds it for the other specs: the administrator's connection and the unverified credential go.
test.afterAll(async () => {
  const sa = await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`);
  const list = names(sa.json?.imagePullSecrets);
  const at = list.indexOf(ADMIN_SECRET);
  if (at >= 0) {
    await api('PATCH', `/api/v1/namespaces/${NS}/serviceaccounts/default`, [{ op: 'test', path: `/imagePullSecrets/${at}`, value: { name: ADMIN_SECRET } }, { op: 'remove', path: `/imagePullSecrets/${at}` }], 'application/json-patch+json');
  }
  await api('DELETE', `/api/v1/namespaces/${NS}/secrets/${ADMIN_SECRET}`);
  await api('DELETE', `/api/v1/namespaces/${NS}/secrets/${UNVERIFIED}`);
});

/** Pull-test pods and temporary Secrets still in demo (each run deletes its own). */
async function pullTestLeftovers(): Promise<number> {
  const pods = await api('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent(PULL_TEST)}`);
  const secrets = await api('GET', `/api/v1/namespaces/${NS}/secrets?labelSelector=${encodeURIComponent(PULL_TEST)}`);
  return [...(pods.json.items ?? []), ...(secrets.json.items ?? [])].filter((o: any) => !o.metadata.deletionTimestamp).length;
}

test('demo-admin adds a project credential, binds it to default and a Deployment; a new pod pulls with it', async ({ page, loginAs }, testInfo) => {
  // The credential check's pull test comes on top of the pod's pull.
  test.setTimeout(420_000);
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
  // Nothing is written before the credentials are checked.
  await expect(page.getByTestId('hc-add-preview')).toBeDisabled();
  await expect(page.getByTestId('hc-add-blocked')).toBeVisible();
  const check = page.getByTestId('hc-add-check');
  await check.getByTestId('hc-cred-verify').click();
  // KubeSphere's verify trusts only public CAs: it cannot judge the lab's private CA (not a failure) ...
  await expect(check).toHaveAttribute('data-verdict', 'unknown', { timeout: 40_000 });
  await expect(check.getByTestId('hc-cred-verdict')).toContainText('only a pull test');
  await snap(page, testInfo, '02a-check-kubesphere-not-applicable');
  // ... so a node pulls with them (a temporary Secret and pod in demo, shown first, deleted after).
  await expect(check.getByTestId('hc-cred-pulltest')).toContainText('temporary pull secret');
  await check.getByTestId('hc-cred-pull').click();
  await expect(check).toHaveAttribute('data-verdict', 'accepted', { timeout: 150_000 });
  await expect(check).toHaveAttribute('data-by', 'pull-test');
  await expect(page.getByTestId('hc-add-unverified')).toHaveCount(0);
  expect(await pullTestLeftovers()).toBe(0);
  await snap(page, testInfo, '02b-check-accepted-by-pull-test');
  await page.getByTestId('hc-add-preview').click();
  await expect(page.getByTestId('hc-add-verdict')).toHaveAttribute('data-verdict', 'accepted');
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
  expect(secret.json.metadata.labels['app.kubernetes.io/component']).toBe('project-credential');
  // The console user is recorded as its creator, and shown.
  expect(secret.json.metadata.annotations['kubesphere.io/creator']).toBe('demo-admin');
  expect(names((await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`)).json.imagePullSecrets)).toContain(SECRET);

  // Bind to one Deployment: the template change rolls it, so the UI asks first.
  await page.getByTestId('hc-add-close').click();
  await expect(page.getByTestId(`hc-cred-row-${SECRET}`)).toBeVisible();
  await expect(page.getByTestId(`hc-cred-row-${SECRET}`)).toContainText('demo-admin');
  await page.getByTestId('hc-workload-bind-Deployment-busybox-app').click();
  await chooseOption(page, page.getByTestId('hc-bind-secret'), SECRET);
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

test('Add Project Credential: a password the registry rejects is never written; "Write without verifying" writes only by choice', async ({ page, loginAs }, testInfo) => {
  test.setTimeout(300_000);
  await loginAs('demo-admin');
  await page.goto(PAGE);
  await page.getByTestId('hc-add-credential').click();
  await page.getByTestId('hc-add-address').fill(`https://${REGISTRY}`);
  await page.getByTestId('hc-add-name').fill(UNVERIFIED);
  await page.getByTestId('hc-add-username').fill(ROBOT);
  await page.getByTestId('hc-add-password').fill('not-the-robot-secret');
  await page.getByTestId('hc-add-bind-default').uncheck();
  const check = page.getByTestId('hc-add-check');
  await check.getByTestId('hc-cred-verify').click();
  await expect(check).toHaveAttribute('data-verdict', 'unknown', { timeout: 40_000 });
  await check.getByTestId('hc-cred-pull').click();
  await expect(check).toHaveAttribute('data-verdict', 'rejected', { timeout: 150_000 });
  await expect(check.getByTestId('hc-cred-diagnosis')).toHaveAttribute('data-cause', 'unauthorized');
  // Rejected: no way to write it, not even "without verifying".
  await expect(page.getByTestId('hc-add-preview')).toBeDisabled();
  await expect(page.getByTestId('hc-add-unverified')).toHaveCount(0);
  await expect(page.getByTestId('hc-add-blocked')).toContainText('rejects these credentials');
  expect((await api('GET', `/api/v1/namespaces/${NS}/secrets/${UNVERIFIED}`)).status).toBe(404);
  expect(await pullTestLeftovers()).toBe(0);
  await snap(page, testInfo, '01-rejected-not-written');

  // Another password: the earlier verdict is gone. KubeSphere cannot tell; the user writes without verifying, explicitly.
  await page.getByTestId('hc-add-password').fill('RobotSecret123');
  await expect(check).toHaveAttribute('data-verdict', 'unchecked');
  await check.getByTestId('hc-cred-verify').click();
  await expect(check).toHaveAttribute('data-verdict', 'unknown', { timeout: 40_000 });
  await expect(page.getByTestId('hc-add-preview')).toBeDisabled();
  await page.getByTestId('hc-add-unverified').check();
  await page.getByTestId('hc-add-preview').click();
  await expect(page.getByTestId('hc-add-verdict')).toHaveAttribute('data-verdict', 'unknown');
  await expect(page.getByTestId('hc-add-verdict')).toContainText('without verifying');
  await snap(page, testInfo, '02-write-without-verifying-preview');
  await page.getByTestId('hc-add-apply').click();
  await expect(page.getByTestId('hc-add-apply-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  const written = await api('GET', `/api/v1/namespaces/${NS}/secrets/${UNVERIFIED}`);
  expect(written.status).toBe(200);
  expect(written.json.metadata.annotations['kubesphere.io/creator']).toBe('demo-admin');
});

test('demo-admin sees the registry the cluster administrator connected: address, who connected it, who uses it; read-only', async ({ page, loginAs }, testInfo) => {
  // What the page reads from: a project admin may list the project's Secrets, not the registry records.
  await loginAs('demo-admin');
  await page.goto(PAGE);
  const section = page.getByTestId('hc-cluster-registries');
  await expect(section).toBeVisible();
  await expect(page.getByTestId('hc-cluster-registries-note')).toContainText('A cluster administrator manages these registries');
  const row = section.locator(`[data-testid="hc-cluster-registry-row"][data-secret="${ADMIN_SECRET}"]`);
  await expect(row).toHaveAttribute('data-registry', HARBOR_ID);
  await expect(row).toContainText(REGISTRY);
  await expect(row.getByTestId('hc-cluster-registry-by')).toHaveText('admin');
  await expect(row.getByTestId('hc-cluster-registry-users')).toContainText('ServiceAccount default');
  // Read-only, and the project's own credentials are not listed as the administrator's.
  await expect(section.getByRole('button')).toHaveCount(0);
  await expect(section.locator(`[data-secret="${SECRET}"]`)).toHaveCount(0);
  // "Created by" names the creator of every credential that records one.
  await expect(page.getByTestId(`hc-cred-row-${ADMIN_SECRET}`)).toContainText('admin');
  await expect(page.getByTestId(`hc-cred-row-${LEGACY_SECRET}`)).toContainText('admin');
  await snap(page, testInfo, 'cluster-registries');
});

test('legacy-regcred: the registry rejects its credentials; the page names it, who still uses it, and what to do', async ({ page, loginAs }, testInfo) => {
  test.setTimeout(300_000);
  const before = (await api('GET', `/api/v1/namespaces/${NS}/secrets/${LEGACY_SECRET}`)).json.metadata.resourceVersion;
  const builderBefore = names((await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/builder`)).json.imagePullSecrets);
  await loginAs('demo-admin');
  await page.goto(PAGE);
  const legacy = page.locator(`[data-testid="hc-legacy-secret"][data-secret="${LEGACY_SECRET}"]`);
  await expect(legacy).toBeVisible();
  await expect(legacy.getByTestId('hc-legacy-about')).toContainText(ADMIN_SECRET);
  await expect(legacy.getByTestId('hc-legacy-users')).toContainText('ServiceAccount builder');
  await expect(legacy.getByTestId('hc-legacy-users')).toContainText('StatefulSet cache (through builder)');
  // Other registries' pull secrets are not flagged.
  await expect(page.locator('[data-testid="hc-legacy-secret"][data-secret="dockerhub-mirror"]')).toHaveCount(0);
  // Nothing logs in to the registry on page load (a failed login counts against the account): the check is asked for.
  const check = legacy.getByTestId('hc-legacy-check');
  await expect(check).toHaveAttribute('data-verdict', 'unchecked');
  // KubeSphere's verify cannot judge the lab's private CA: the pull test with legacy-regcred is offered.
  await check.getByTestId('hc-cred-verify').click();
  await expect(check).toHaveAttribute('data-verdict', 'unknown', { timeout: 40_000 });
  await expect(check.getByTestId('hc-cred-image')).toHaveValue(`${REGISTRY}/library/busybox:latest`);
  await expect(check.getByTestId('hc-cred-pulltest')).toContainText(`pulls with ${LEGACY_SECRET}`);
  await snap(page, testInfo, '01-legacy-unknown');
  await check.getByTestId('hc-cred-pull').click();
  await expect(legacy).toHaveAttribute('data-verdict', 'rejected', { timeout: 150_000 });
  await expect(legacy).toContainText(`${REGISTRY} rejects the credentials in ${LEGACY_SECRET}`);
  await expect(legacy.getByTestId('hc-legacy-fix')).toContainText(`Pods that get only ${LEGACY_SECRET}`);
  await snap(page, testInfo, '02-legacy-rejected');
  // The test pod is gone and legacy-regcred itself was not touched.
  expect(await pullTestLeftovers()).toBe(0);
  expect((await api('GET', `/api/v1/namespaces/${NS}/secrets/${LEGACY_SECRET}`)).json.metadata.resourceVersion).toBe(before);

  // What to do: unbinding is previewed for builder (not applied: the other specs rely on builder's three secrets).
  await legacy.getByTestId('hc-legacy-unbind').click();
  await expect(page.getByTestId('hc-bind-panel')).toHaveAttribute('data-mode', 'unbind');
  await expect(page.getByTestId('hc-bind-secret')).toHaveAttribute('data-value', LEGACY_SECRET);
  await expect(page.getByTestId('hc-bind-target-ServiceAccount-builder')).toBeChecked();
  await page.getByTestId('hc-bind-preview').click();
  await expect(page.getByTestId('hc-binding-after').first()).toHaveText('dockerhub-mirror, quay-readonly');
  await snap(page, testInfo, '03-legacy-unbind-preview');
  await page.getByTestId('hc-bind-close').click();
  expect(names((await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/builder`)).json.imagePullSecrets)).toEqual(builderBefore);
});

test('the cluster registries and the legacy-regcred notice in Chinese show no untranslated key', async ({ page, loginAs }, testInfo) => {
  useLang(page, 'zh');
  await loginAs('demo-admin');
  await page.goto(PAGE);
  await expect(page.getByTestId('hc-cluster-registries-note')).toContainText('集群管理员');
  const check = page.locator(`[data-testid="hc-legacy-secret"][data-secret="${LEGACY_SECRET}"] [data-testid="hc-legacy-check"]`);
  await check.getByTestId('hc-cred-verify').click();
  await expect(check).toHaveAttribute('data-verdict', 'unknown', { timeout: 40_000 });
  await noRawKeys(page);
  await snap(page, testInfo, 'zh');
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

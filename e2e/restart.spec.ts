// The common cause of a 401 that does not go away, end to end on the lab: a Deployment in project demo is created
// while its ServiceAccount `default` has no pull secret for the lab registry, so its pod pulls without credentials
// and the registry answers 401. Then the pull secret is bound to `default` (through the API, as a colleague or a
// script would). The pod keeps failing: admission copies a ServiceAccount's pull secrets into a pod only when the pod
// is created. The project page, reached from the landing page, lists the pod, says it was created before the pull
// secret was bound and to restart it; Restart these pods shows the rollout restart as a plan, applies it, and the
// Deployment's new pod pulls.
//   HC_CONSOLE_PORT / HC_API_PORT / HC_LAB_DIR / HC_REGISTRY_PORT as for `npm start`.
//   Screenshots: e2e/artifacts/screens/<test>/<step>.png
import type { Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, snap, test } from './harness/fixtures';
import { HARBOR, LAB_DIR, labApi, noRawKeys } from './harness/lab-api';

const api = labApi;
const NS = 'demo';
const APP = 'e2e-restart-app';
// A name of this run's own: a kubelet's secret cache can keep a deleted Secret's absence for a while.
const SECRET = `e2e-restart-pull-${Date.now().toString(36)}`;
const IMAGE = `${HARBOR}/library/busybox:latest`;
const CA_FILE = join(LAB_DIR, 'registry', 'ca.crt');
const NODES = ['node-1', 'node-2', 'node-3'];

test.describe.configure({ mode: 'serial' });
test.setTimeout(300_000);

type Ref = { name: string };
const names = (list?: Ref[] | null) => (list ?? []).map((r) => r.name);
const b64 = (s: string) => Buffer.from(s).toString('base64');
let savedDefaultList: Ref[] | undefined;
/** The CA folders this spec made on the nodes (removed afterwards; one another spec or the installer made is kept). */
const madeDirs: string[] = [];

/** The pull secrets of demo that hold a credential for the lab registry (by their .dockerconfigjson keys). */
async function labRegistrySecrets(): Promise<Set<string>> {
  const list = await api('GET', `/api/v1/namespaces/${NS}/secrets?fieldSelector=${encodeURIComponent('type=kubernetes.io/dockerconfigjson')}`);
  const out = new Set<string>();
  for (const s of list.json.items ?? []) {
    try {
      const cfg = JSON.parse(Buffer.from(s.data?.['.dockerconfigjson'] ?? '', 'base64').toString('utf8'));
      if (Object.keys(cfg.auths ?? {}).some((k) => k.replace(/^https?:\/\//, '').startsWith(HARBOR))) out.add(s.metadata.name);
    } catch {
      /* not ours to judge */
    }
  }
  return out;
}

async function setDefaultList(list: Ref[]) {
  const sa = await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`);
  const res = await api('PATCH', `/api/v1/namespaces/${NS}/serviceaccounts/default`, [
    { op: 'test', path: '/metadata/resourceVersion', value: sa.json.metadata.resourceVersion },
    { op: 'add', path: '/imagePullSecrets', value: list },
  ]);
  expect(res.status, 'set default ServiceAccount pull secrets').toBe(200);
}

async function appPods(): Promise<any[]> {
  const r = await api('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent(`app=${APP}`)}`);
  return (r.json.items ?? []).filter((p: any) => !p.metadata.deletionTimestamp);
}

/** Landing page → Workspace Management → demo-ws → demo → Configuration → Image Registries, as a user clicks. */
async function openProjectRegistries(page: Page) {
  await page.getByText('Workspace Management', { exact: true }).click();
  await page.getByText('demo-ws', { exact: true }).first().click();
  await expect(page.getByRole('heading', { name: 'Projects', exact: true })).toBeVisible();
  await page.getByRole('link', { name: NS, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/demo-ws/clusters/host/projects/${NS}/`));
  await page.getByText('Configuration', { exact: true }).first().click();
  await page.getByRole('link', { name: 'Image Registries', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/demo-ws/clusters/host/projects/${NS}/image-registries$`));
  await expect(page.getByTestId('hc-project-registries')).toBeVisible();
}

test.beforeAll(async () => {
  test.skip(!existsSync(CA_FILE), `lab CA missing at ${CA_FILE}: start the lab first (npm start)`);
  // Every node trusts the lab CA (the cluster admin's part, not this page's): the pull fails on credentials only.
  for (const node of NODES) {
    const dir = join(LAB_DIR, 'nodes', node, 'etc', 'containerd', 'certs.d', HARBOR);
    if (existsSync(join(dir, 'ca.crt'))) continue;
    mkdirSync(dir, { recursive: true });
    copyFileSync(CA_FILE, join(dir, 'ca.crt'));
    madeDirs.push(dir);
  }
  await api('DELETE', `/apis/apps/v1/namespaces/${NS}/deployments/${APP}`, { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground' });
  await expect.poll(async () => (await appPods()).length, { timeout: 60_000 }).toBe(0);
  // `default` with no credential for the lab registry (what other specs bound is put back afterwards).
  const sa = await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`);
  savedDefaultList = sa.json.imagePullSecrets ?? [];
  const lab = await labRegistrySecrets();
  await setDefaultList((savedDefaultList ?? []).filter((r) => !lab.has(r.name)));
});

test.afterAll(async () => {
  await api('DELETE', `/apis/apps/v1/namespaces/${NS}/deployments/${APP}`, { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' });
  if (savedDefaultList) await setDefaultList(savedDefaultList);
  await api('DELETE', `/api/v1/namespaces/${NS}/secrets/${SECRET}`);
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

test('demo-admin: a Deployment created before its ServiceAccount got the pull secret fails 401; the project page says to restart it; Restart rolls it out and the new pod pulls', async ({ page, loginAs }, testInfo) => {
  // 1. The Deployment, created while `default` has no credential for the registry.
  const created = await api('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: APP, namespace: NS, labels: { app: APP } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: APP } },
      template: {
        metadata: { labels: { app: APP } },
        // Always: a node that has the image must still ask the registry, as a new tag would.
        spec: { containers: [{ name: 'main', image: IMAGE, imagePullPolicy: 'Always', command: ['sh', '-c', 'sleep 3600'] }] },
      },
    },
  });
  expect(created.status).toBe(201);

  // 2. Its pod fails with 401 Unauthorized (the kubelet's Failed event), without the secret in its spec.
  let oldPod: any;
  await expect
    .poll(
      async () => {
        [oldPod] = await appPods();
        if (!oldPod) return 'no pod';
        const ev = await api('GET', `/api/v1/namespaces/${NS}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${oldPod.metadata.name},reason=Failed`)}`);
        return (ev.json.items ?? []).some((e: any) => /401 Unauthorized/.test(e.message ?? '')) ? '401' : oldPod.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? 'waiting';
      },
      { timeout: 120_000, intervals: [1000, 2000, 3000] },
    )
    .toBe('401');
  const oldName: string = oldPod.metadata.name;

  // 3. Someone binds the pull secret to `default` afterwards. The pod does not get it.
  const cfg = { auths: { [HARBOR]: { username: 'robot$demo+ci', password: 'RobotSecret123', auth: b64('robot$demo+ci:RobotSecret123') } } };
  const secret = await api('POST', `/api/v1/namespaces/${NS}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: SECRET, namespace: NS },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify(cfg)) },
  });
  expect(secret.status).toBe(201);
  const sa = await api('GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`);
  await setDefaultList([...(sa.json.imagePullSecrets ?? []), { name: SECRET }]);
  expect(names((await api('GET', `/api/v1/namespaces/${NS}/pods/${oldName}`)).json.spec.imagePullSecrets)).not.toContain(SECRET);

  // 4. The project page lists the pod with the cause and the restart advice.
  await loginAs('demo-admin');
  await openProjectRegistries(page);
  const section = page.getByTestId('hc-pull-failures');
  const row = section.locator(`[data-testid="hc-pull-failure-row"][data-pod="${oldName}"]`);
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).toHaveAttribute('data-cause', 'created-before-binding');
  await expect(row).toContainText(IMAGE);
  await expect(row.getByTestId('hc-pull-failure-cause')).toContainText('Created before the pull secret was bound');
  await expect(row.getByTestId('hc-pull-failure-since')).not.toBeEmpty();
  const advice = page.getByTestId('hc-restart-advice');
  await expect(advice).toContainText('created before the pull secret was bound; restart');
  await expect(advice).toContainText(SECRET);
  const workload = advice.locator(`[data-testid="hc-restart-workload"][data-kind="Deployment"][data-name="${APP}"]`);
  await expect(workload).toHaveAttribute('data-method', 'rollout-restart');
  await expect(workload).toContainText(oldName);
  await noRawKeys(page);
  await snap(page, testInfo, '01-failing-created-before-binding');

  // 5. Restart these pods: the rollout restart as a plan (YAML and kubectl), dry-run, then applied.
  await page.getByTestId('hc-restart-open').click();
  const review = page.getByTestId('hc-restart-plan-review');
  await expect(review).toContainText('Deployment');
  await expect(review).toContainText(`${NS}/${APP}`);
  await expect(review).toContainText(`Restart Deployment ${APP} as kubectl rollout restart does`);
  await review.getByTestId('hc-plan-view-kubectl').click();
  await review.getByTestId('hc-plan-write').first().locator('div').first().click();
  await expect(review.getByTestId('hc-plan-write-text')).toContainText(`kubectl patch deployment ${APP} -n ${NS} --type=strategic`);
  await expect(review.getByTestId('hc-plan-write-text')).toContainText('kubectl.kubernetes.io/restartedAt');
  const plan = page.getByTestId('hc-restart-plan');
  await expect(plan.getByTestId('hc-preflight')).toHaveAttribute('data-state', 'allowed', { timeout: 30_000 });
  // Only this Deployment is to restart here: no pod that nothing owns is deleted, so nothing to acknowledge.
  await expect(plan.getByTestId('hc-restart-plan-acknowledge')).toHaveCount(0);
  await snap(page, testInfo, '02-restart-preview');
  await page.getByTestId('hc-restart-plan-confirm').click();
  await expect(page.getByTestId('hc-restart-plan-apply')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('hc-restart-applied')).toBeVisible();
  await snap(page, testInfo, '03-restart-applied');

  const dep = await api('GET', `/apis/apps/v1/namespaces/${NS}/deployments/${APP}`);
  expect(dep.json.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  // 6. The new pod has the secret (admission copied it at creation) and pulls from the lab registry.
  let newPod: any;
  await expect
    .poll(
      async () => {
        newPod = (await appPods()).find((p) => p.metadata.name !== oldName);
        const st = newPod?.status?.containerStatuses?.[0];
        return st?.imageID ? 'pulled' : st?.state?.waiting?.reason ?? newPod?.status?.phase ?? 'none';
      },
      { timeout: 150_000, intervals: [1000, 2000, 3000] },
    )
    .toBe('pulled');
  expect(names(newPod.spec.imagePullSecrets)).toContain(SECRET);
  await expect.poll(async () => (await appPods()).map((p) => p.metadata.name), { timeout: 90_000 }).not.toContain(oldName);

  // 7. The page no longer lists the old pod, and gives no restart advice once the plan is closed.
  await page.getByTestId('hc-restart-plan-close').click();
  await expect(section.locator(`[data-testid="hc-pull-failure-row"][data-pod="${oldName}"]`)).toHaveCount(0, { timeout: 60_000 });
  await expect(section.locator(`[data-testid="hc-pull-failure-row"][data-pod="${newPod.metadata.name}"]`)).toHaveCount(0);
  await expect(page.getByTestId('hc-restart-advice')).toHaveCount(0, { timeout: 30_000 });
  await snap(page, testInfo, '04-after-restart');
});

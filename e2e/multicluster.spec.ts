// Many clusters: from the host's console, the member cluster member-1 (its own control plane and node, joined as
// KubeSphere joins one) is reached through KubeSphere's multi-cluster proxy, and the wizard connects the lab
// registry to it: node trust on the member's node, credentials in the member's project, a pod there pulls.
// Then one wizard run connects both clusters at once, with the member's kube-apiserver stopped mid-apply.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeClient, type KubeClient } from '../lab/cluster/kube';
import { labControl } from '../lab/control';
import { buildRegistryRecord } from '../src/domain/record';
import { expect, openClusterManagement, snap, test } from './harness/fixtures';
import { HARBOR, HARBOR_ID, LAB_DIR, labApi } from './harness/lab-api';

const MEMBER = 'member-1';
const MEMBER_PKI = join(LAB_DIR, MEMBER, 'cluster', 'pki');
const MEMBER_API = `https://127.0.0.1:${process.env.HC_MEMBER_KUBE_API_PORT || 6444}`;
const CA_FILE = join(LAB_DIR, 'registry', 'ca.crt');
const SECRET = 'lab-registry-pull';
const POD = `hc-e2e-member-pull-${Date.now().toString(36)}`;
const MANAGED = 'app.kubernetes.io/managed-by=harbor-connect';

let member: KubeClient;
let hostRecordWritten = false;
const memberApi = (method: string, path: string, body?: unknown) => member.request<any>(method, path, body);

test.setTimeout(240_000);

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>;

/** What a run of this spec wrote in one cluster for the lab registry: its Secrets, the binding in demo, the installer. */
async function cleanIn(api: Api): Promise<void> {
  const secrets = await api('GET', `/api/v1/secrets?labelSelector=${encodeURIComponent(`${MANAGED},harbor-connect.kubesphere.io/registry=${HARBOR_ID}`)}`);
  for (const s of secrets.json.items ?? []) await api('DELETE', `/api/v1/namespaces/${s.metadata.namespace}/secrets/${s.metadata.name}`);
  const sa = await api('GET', '/api/v1/namespaces/demo/serviceaccounts/default');
  const kept = (sa.json.imagePullSecrets ?? []).filter((r: { name: string }) => r.name !== SECRET);
  if (kept.length !== (sa.json.imagePullSecrets ?? []).length) await api('PUT', '/api/v1/namespaces/demo/serviceaccounts/default', { ...sa.json, imagePullSecrets: kept });
  await api('DELETE', `/apis/apps/v1/namespaces/extension-harbor-connect/daemonsets/hc-trust-${HARBOR_ID}`);
  await api('DELETE', `/api/v1/namespaces/extension-harbor-connect/configmaps/hc-trust-${HARBOR_ID}`);
}

/** A pod in demo that pulls with the default ServiceAccount alone: 'pulled', or what its events say so far. */
async function podPulls(api: Api, name: string): Promise<string> {
  const ev = await api('GET', `/api/v1/namespaces/demo/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`);
  const reasons = (ev.json.items ?? []).map((e: any) => `${e.reason}${e.reason === 'Failed' ? `: ${e.message}` : ''}`);
  return reasons.some((r: string) => r === 'Pulled') ? 'pulled' : reasons.join(' | ');
}

async function createPullPod(api: Api, name: string): Promise<void> {
  // Once the cluster's nodes trust the CA: the installer reports ready on each.
  await expect
    .poll(async () => {
      const ds = (await api('GET', `/apis/apps/v1/namespaces/extension-harbor-connect/daemonsets/hc-trust-${HARBOR_ID}`)).json;
      return ds.status && ds.status.numberReady === ds.status.desiredNumberScheduled && ds.status.desiredNumberScheduled > 0;
    }, { timeout: 90_000 })
    .toBe(true);
  expect((await api('POST', '/api/v1/namespaces/demo/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: `${HARBOR}/library/busybox:latest`, command: ['true'], imagePullPolicy: 'Always' }] },
  })).status).toBe(201);
  await expect.poll(() => podPulls(api, name), { timeout: 120_000, intervals: [2000] }).toBe('pulled');
}

test.beforeAll(async () => {
  expect(existsSync(join(MEMBER_PKI, 'admin.kubeconfig')), 'the lab runs with its member cluster (HC_LAB_MEMBERS=1)').toBe(true);
  member = kubeClient(MEMBER_PKI, MEMBER_API);
  // Start clean: what an earlier run wrote in the member.
  await cleanIn(memberApi);
});

test.afterAll(async () => {
  await memberApi('DELETE', `/api/v1/namespaces/demo/pods/${POD}`);
  if (hostRecordWritten) await labApi('DELETE', `/api/v1/namespaces/extension-harbor-connect/secrets/hc-registry-${HARBOR_ID}`);
});

test('admin connects the lab registry to the member cluster from the host console; a pod on the member\'s node pulls', async ({ page, loginAs }, testInfo) => {
  await loginAs('admin');
  await openClusterManagement(page);
  await page.getByText(MEMBER, { exact: true }).first().click();
  await page.getByText('Configuration', { exact: true }).first().click();
  await page.getByRole('link', { name: 'Image Registries', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${MEMBER}/image-registries$`));
  const add = page.getByTestId('hc-add-registry').first();
  await expect(add).toBeEnabled({ timeout: 30_000 });
  await add.click();

  const next = page.getByTestId('hc-wizard-next');
  await page.getByTestId('hc-address').fill(HARBOR);
  await next.click();
  await expect(page.getByTestId('hc-step-certificate')).toBeVisible();
  await next.click();
  await page.getByTestId('hc-cert-file').setInputFiles(CA_FILE);
  await expect(page.getByTestId('hc-cert-card').first()).toBeVisible();
  await next.click();
  await expect(page.getByTestId('hc-step-trust')).toBeVisible();
  await page.getByTestId('hc-trust-automatic').check();
  // The member's own node, read through the host's proxy.
  await expect(page.getByTestId('hc-trust-node')).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId('hc-trust-node').first()).toContainText(`${MEMBER}-node-1`);
  await next.click();
  await page.getByTestId('hc-username').fill('robot$demo+ci');
  await page.getByTestId('hc-password').fill('RobotSecret123');
  await page.getByTestId('hc-run-verify').click();
  await expect(page.getByTestId('hc-verify-result')).toBeVisible({ timeout: 40_000 });
  await page.getByTestId('hc-run-probe').click();
  await expect(page.getByTestId('hc-probe-result')).toHaveAttribute('data-state', 'ok', { timeout: 40_000 });
  await page.getByTestId('hc-write-unverified').check();
  await next.click();
  await expect(page.getByTestId('hc-step-projects')).toBeVisible();
  await page.getByTestId('hc-project-demo').check();
  await page.getByTestId('hc-secret-name').fill(SECRET);
  await next.click();
  await expect(page.getByTestId('hc-plan-review')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('hc-plan-problems')).toHaveCount(0);
  await snap(page, testInfo, 'member-review');
  await page.getByTestId('hc-wizard-apply').click();
  await expect(page.getByTestId('hc-apply')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  // Proven on the member's own node, through the host.
  await expect(page.getByTestId('hc-apply-proof')).toHaveAttribute('data-state', 'ok', { timeout: 180_000 });
  await expect(page.getByTestId('hc-apply-proof')).toContainText('1/1');
  await snap(page, testInfo, 'member-applied');

  // Written in the member, not in the host.
  const secret = await memberApi('GET', `/api/v1/namespaces/demo/secrets/${SECRET}`);
  expect(secret.status).toBe(200);
  expect(secret.json.metadata.labels['harbor-connect.kubesphere.io/registry']).toBe(HARBOR_ID);
  expect((await memberApi('GET', `/apis/apps/v1/namespaces/extension-harbor-connect/daemonsets/hc-trust-${HARBOR_ID}`)).status).toBe(200);

  // A new pod in the member's demo pulls with the default ServiceAccount alone, once the member's node trusts the CA.
  await expect
    .poll(async () => (await memberApi('GET', `/apis/apps/v1/namespaces/extension-harbor-connect/daemonsets/hc-trust-${HARBOR_ID}`)).json.status?.numberReady ?? 0, { timeout: 90_000 })
    .toBe(1);
  expect((await memberApi('POST', '/api/v1/namespaces/demo/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD },
    spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: `${HARBOR}/library/busybox:latest`, command: ['true'], imagePullPolicy: 'Always' }] },
  })).status).toBe(201);
  await expect
    .poll(async () => {
      const ev = await memberApi('GET', `/api/v1/namespaces/demo/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${POD}`)}`);
      const reasons = (ev.json.items ?? []).map((e: any) => `${e.reason}${e.reason === 'Failed' ? `: ${e.message}` : ''}`);
      return reasons.some((r: string) => r === 'Pulled') ? 'pulled' : reasons.join(' | ');
    }, { timeout: 120_000, intervals: [2000] })
    .toBe('pulled');

  // The member's registry list shows it.
  await page.getByTestId('hc-wizard-close').click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${MEMBER}/image-registries$`));
  const memberRow = page.locator(`[data-testid="hc-registry-row"][data-registry="${HARBOR_ID}"]`);
  await expect(memberRow).toBeVisible();
  await snap(page, testInfo, 'member-list');

  // Each list names the other clusters connected to the same registry (one read per other cluster): none yet...
  await expect(memberRow.getByTestId('hc-registry-clusters')).toHaveText('no other cluster');
  // ...then the host holds the same registry's record too (written as the wizard writes it; the host's own
  // wizard journey is e2e/wizard.spec.ts): each cluster's list names the other.
  const hostRecord = buildRegistryRecord({ serverKey: HARBOR, address: HARBOR, trustMode: 'manual', caPem: readFileSync(CA_FILE, 'utf8') });
  expect((await labApi('POST', '/api/v1/namespaces/extension-harbor-connect/secrets', hostRecord)).status).toBe(201);
  hostRecordWritten = true;
  await page.getByTestId('hc-registries-refresh').click();
  // (the host holds only the record: no project, no installer)
  await expect(memberRow.getByTestId('hc-registry-clusters')).toHaveText(/^host\s*0 projects$/);
  await page.goto('/clusters/host/image-registries');
  await expect(page.locator(`[data-testid="hc-registry-row"][data-registry="${HARBOR_ID}"]`).getByTestId('hc-registry-clusters')).toHaveText(
    new RegExp(`^${MEMBER}\\s*1 project · trusted on 1/1 nodes$`),
  );
  await snap(page, testInfo, 'host-list');
});

test('one wizard run connects the registry to host and member-1; the member\'s API server stops mid-apply: the host finishes, the member fails alone, Retry finishes it', async ({ page, loginAs }, testInfo) => {
  await cleanIn(labApi);
  await cleanIn(memberApi);
  const hostPod = `hc-e2e-both-host-${Date.now().toString(36)}`;
  const memberPod = `hc-e2e-both-member-${Date.now().toString(36)}`;
  const section = (id: string, cluster: string) => page.locator(`[data-testid="${id}"][data-cluster="${cluster}"]`);
  try {
    await loginAs('admin');
    await openClusterManagement(page);
    await page.getByText('host', { exact: true }).first().click();
    await page.getByText('Configuration', { exact: true }).first().click();
    await page.getByRole('link', { name: 'Image Registries', exact: true }).click();
    const add = page.getByTestId('hc-add-registry').first();
    await expect(add).toBeEnabled({ timeout: 30_000 });
    await add.click();

    const next = page.getByTestId('hc-wizard-next');
    await page.getByTestId('hc-address').fill(HARBOR);
    await next.click();
    await page.getByTestId('hc-cert-file').setInputFiles(CA_FILE);
    await expect(page.getByTestId('hc-cert-card').first()).toBeVisible();
    await next.click();
    await page.getByTestId('hc-trust-automatic').check();
    await next.click();
    await page.getByTestId('hc-username').fill('robot$demo+ci');
    await page.getByTestId('hc-password').fill('RobotSecret123');
    await page.getByTestId('hc-run-probe').click();
    await expect(page.getByTestId('hc-probe-result')).toHaveAttribute('data-state', 'ok', { timeout: 40_000 });
    await page.getByTestId('hc-write-unverified').check();
    await next.click();

    // Projects: this cluster is chosen and stays so; member-1 is added with its own projects.
    await expect(page.getByTestId('hc-cluster-host')).toBeChecked();
    await expect(page.getByTestId('hc-cluster-host')).toBeDisabled();
    await page.getByTestId(`hc-cluster-${MEMBER}`).check();
    await section('hc-cluster-projects', 'host').getByTestId('hc-project-demo').check();
    await page.getByTestId('hc-secret-name').fill(SECRET);
    // A chosen cluster without a project is refused by name.
    await next.click();
    await expect(page.getByTestId('hc-step-errors')).toContainText(`Select at least one project in cluster ${MEMBER}.`);
    await section('hc-cluster-projects', MEMBER).getByTestId('hc-project-demo').check();
    await snap(page, testInfo, 'both-projects');
    await next.click();

    // Review: the writes grouped by cluster, each read and dry-run on its own.
    for (const c of ['host', MEMBER]) {
      await expect(section('hc-review-cluster', c).getByTestId('hc-plan-review')).toBeVisible({ timeout: 30_000 });
      await expect(section('hc-review-cluster', c).getByTestId('hc-plan-problems')).toHaveCount(0);
      await expect(section('hc-review-cluster', c).locator('[data-testid="hc-plan-write"][data-verdict="allowed"]').first()).toBeVisible({ timeout: 30_000 });
    }
    await expect(section('hc-review-cluster', MEMBER).getByTestId('hc-plan-write').filter({ hasText: 'demo/lab-registry-pull' })).toHaveCount(1);
    await snap(page, testInfo, 'both-review');

    // The member stops answering as its first write leaves the browser: that request waits until the member's
    // kube-apiserver is down, then goes on (and fails); the host's writes are not held.
    let stopped: Promise<void> | undefined;
    await page.route(/\/clusters\/member-1\//, async (route) => {
      if (route.request().method() !== 'GET') stopped ??= labControl(LAB_DIR, `/clusters/${MEMBER}/apiserver/stop`);
      if (stopped) await stopped;
      await route.continue();
    });
    await page.getByTestId('hc-wizard-apply').click();
    await expect(section('hc-apply-cluster', 'host')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(section('hc-apply-cluster', MEMBER)).toHaveAttribute('data-state', 'failed', { timeout: 120_000 });
    await expect(section('hc-apply-cluster', MEMBER).getByTestId('hc-apply-retry')).toBeVisible();
    await expect(section('hc-apply-cluster', 'host').getByTestId('hc-apply-retry')).toHaveCount(0);
    await expect(page.getByTestId('hc-apply-done')).toHaveCount(0);
    // The host proves its own connection meanwhile.
    await expect(section('hc-apply-cluster', 'host').getByTestId('hc-apply-proof')).toHaveAttribute('data-state', 'ok', { timeout: 180_000 });
    await expect(section('hc-apply-cluster', 'host').getByTestId('hc-apply-proof')).toContainText('3/3');
    await snap(page, testInfo, 'both-member-down');
    expect((await labApi('GET', `/api/v1/namespaces/demo/secrets/${SECRET}`)).status).toBe(200);

    // The section says what happened and what Retry will do.
    await expect(section('hc-apply-cluster', MEMBER).getByTestId('hc-apply-cluster-down')).toContainText(`${MEMBER} did not answer`);

    // The member is back once KubeSphere reports it Ready again (as the cluster list shows a user): Retry then
    // sends only its failed writes.
    const ready = async () => {
      const c = (await labApi('GET', `/apis/cluster.kubesphere.io/v1alpha1/clusters/${MEMBER}`)).json;
      return c.status?.conditions?.find((x: { type: string }) => x.type === 'Ready')?.status;
    };
    await expect.poll(ready, { timeout: 60_000 }).toBe('False');
    await page.unroute(/\/clusters\/member-1\//);
    await labControl(LAB_DIR, `/clusters/${MEMBER}/apiserver/start`);
    await expect.poll(ready, { timeout: 60_000 }).toBe('True');
    await section('hc-apply-cluster', MEMBER).getByTestId('hc-apply-retry').click();
    await expect(section('hc-apply-cluster', MEMBER)).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(page.getByTestId('hc-apply-done')).toBeVisible();
    await expect(section('hc-apply-cluster', MEMBER).getByTestId('hc-apply-proof')).toHaveAttribute('data-state', 'ok', { timeout: 180_000 });
    await expect(section('hc-apply-cluster', MEMBER).getByTestId('hc-apply-proof')).toContainText('1/1');
    await snap(page, testInfo, 'both-applied');

    // A workload pod pulls on a node of each cluster with its default ServiceAccount alone.
    await createPullPod(labApi, hostPod);
    await createPullPod(memberApi, memberPod);

    // Each cluster's list shows the other: where the credential is bound there and how many of its nodes trust it.
    await page.getByTestId('hc-wizard-close').click();
    await expect(page).toHaveURL(/\/clusters\/host\/image-registries$/);
    const row = page.locator(`[data-testid="hc-registry-row"][data-registry="${HARBOR_ID}"]`);
    await expect(row.getByTestId('hc-registry-clusters')).toHaveText(new RegExp(`^${MEMBER}\\s*1 project · trusted on 1/1 nodes$`));
    await snap(page, testInfo, 'both-host-list');
    await page.goto(`/clusters/${MEMBER}/image-registries`);
    await expect(row.getByTestId('hc-registry-clusters')).toHaveText(/^host\s*1 project · trusted on 3\/3 nodes$/);
  } finally {
    // Never leave the member down for the specs that follow.
    await labControl(LAB_DIR, `/clusters/${MEMBER}/apiserver/start`);
    await labApi('DELETE', `/api/v1/namespaces/demo/pods/${hostPod}`);
    await memberApi('DELETE', `/api/v1/namespaces/demo/pods/${memberPod}`);
    await cleanIn(labApi);
    await cleanIn(memberApi);
  }
});

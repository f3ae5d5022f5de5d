// Many clusters: from the host's console, the member cluster member-1 (its own control plane and node, joined as
// KubeSphere joins one) is reached through KubeSphere's multi-cluster proxy, and the wizard connects the lab
// registry to it: node trust on the member's node, credentials in the member's project, a pod there pulls.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeClient, type KubeClient } from '../lab/cluster/kube';
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

test.beforeAll(async () => {
  expect(existsSync(join(MEMBER_PKI, 'admin.kubeconfig')), 'the lab runs with its member cluster (HC_LAB_MEMBERS=1)').toBe(true);
  member = kubeClient(MEMBER_PKI, MEMBER_API);
  // Start clean: what an earlier run wrote in the member.
  const secrets = await memberApi('GET', `/api/v1/secrets?labelSelector=${encodeURIComponent(`${MANAGED},harbor-connect.kubesphere.io/registry=${HARBOR_ID}`)}`);
  for (const s of secrets.json.items ?? []) await memberApi('DELETE', `/api/v1/namespaces/${s.metadata.namespace}/secrets/${s.metadata.name}`);
  const sa = await memberApi('GET', '/api/v1/namespaces/demo/serviceaccounts/default');
  const kept = (sa.json.imagePullSecrets ?? []).filter((r: { name: string }) => r.name !== SECRET);
  if (kept.length !== (sa.json.imagePullSecrets ?? []).length) await memberApi('PUT', '/api/v1/namespaces/demo/serviceaccounts/default', { ...sa.json, imagePullSecrets: kept });
  await memberApi('DELETE', `/apis/apps/v1/namespaces/extension-harbor-connect/daemonsets/hc-trust-${HARBOR_ID}`);
  await memberApi('DELETE', `/api/v1/namespaces/extension-harbor-connect/configmaps/hc-trust-${HARBOR_ID}`);
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
  await expect(memberRow.getByTestId('hc-registry-clusters')).toHaveText('host');
  await page.goto('/clusters/host/image-registries');
  await expect(page.locator(`[data-testid="hc-registry-row"][data-registry="${HARBOR_ID}"]`).getByTestId('hc-registry-clusters')).toHaveText(MEMBER);
  await snap(page, testInfo, 'host-list');
});

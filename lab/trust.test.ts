// Node trust end to end on the real lab: the extension's OWN domain code (record Secret, trust installer
// DaemonSet, two-phase removal, per-node status, pull secrets, certificate generator) sent through the extension's
// own API layer (src/api, its fetch client) to the KubeSphere gateway as the platform admin, as the console would send it;
// the real kube-scheduler places the installer pods, the real kubelets run them (the script writes into each
// node's /etc/containerd/certs.d) and really pull through Debian's containerd from Debian's docker-registry over
// TLS. Assertions are on the real kubelet events' messages.
//
//   npx vitest run --project lab lab/trust.test.ts     (uses the running lab, else starts one; a few minutes)
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimPort, httpsRequest, seedRegistry } from './registry';
import { LAB_IP } from './cluster/network';
import { certsDir, HARBOR, installerImage, kubeAdmin, kubeGet, LAB_DIR, labCaPem, LEGACY, NODES, REGISTRY_ADMIN as ADMIN, useProductApiAs, waitFor } from './testing';
import { clusterContext } from '../src/api/cluster';
import { planExecutor } from '../src/api/write';
import { buildRegistryRecord, caFileSha256, DEFAULT_EXTENSION_NAMESPACE, normalizeCaPem, planRegistryRecordWrite, registryIdFromServerKey } from '../src/domain/record';
import { clusterRuntimes, containerdHostsToml, installerRolledOut, nodeTrustStatus, planTrustInstaller, planTrustRemoval, registryHost, trustInstallerName } from '../src/domain/trust';
import { buildPullSecret } from '../src/domain/dockerconfig';
import { applyPlan } from '../src/domain/plan/apply';
import type { Write } from '../src/domain/plan/write';
import { generateRegistryCertificates } from '../src/domain/cert';
import { pullTestResult } from '../src/domain/pulltest';

const EXT_NS = DEFAULT_EXTENSION_NAMESPACE;
/** A namespace of this test's own: the lab is shared with the other lab tests and e2e. */
const NS = 'trust-test';
// KubeSphere 4.1 is multi-cluster even with one cluster: the console prefixes /clusters/host.
const executor = () => planExecutor(clusterContext('host', true));
let genRegistry: ChildProcess | undefined;
const installed: string[] = [];

async function kube(method: string, path: string, body?: unknown): Promise<any> {
  const res = await kubeAdmin().request(method, path, body);
  if (res.status >= 300 && res.status !== 404) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.status === 404 ? undefined : res.json;
}

/** applyPlan with the extension's executor; every write must succeed (done or unchanged). */
async function apply(writes: Write[]): Promise<void> {
  const outcomes = await applyPlan(writes, executor(), { concurrency: 1 });
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length) throw new Error(failed.map((o) => `${o.write.action} ${o.write.kind} ${o.write.name}: ${(o as { error: Error }).error?.message}`).join('; '));
}

async function pullSecret(name: string, server: string, password: string): Promise<void> {
  const body = buildPullSecret({ name, namespace: NS, registryId: registryIdFromServerKey(server), server, username: ADMIN.username, password });
  await apply([{ action: 'create', apiVersion: 'v1', kind: 'Secret', namespace: NS, name, body }]);
}

/** The record Secret and the trust installer for a host, as the extension's wizard plans them. */
async function installTrust(hostPort: string, caPem: string): Promise<string> {
  const id = registryIdFromServerKey(hostPort);
  installed.push(id);
  const desired = buildRegistryRecord({ serverKey: hostPort, address: `https://${hostPort}`, trustMode: 'automatic', caPem });
  const existing = await kubeGet(`/api/v1/namespaces/${EXT_NS}/secrets/${desired.metadata.name}`);
  const record = planRegistryRecordWrite({ existing, desired });
  if (record.status === 'conflict') throw new Error(`record conflict: ${record.reason}`);
  await apply(record.writes);
  const nodeList = (await kube('GET', '/api/v1/nodes')).items;
  const name = trustInstallerName(id);
  const existingInstaller = {
    configMap: await kubeGet(`/api/v1/namespaces/${EXT_NS}/configmaps/${name}`),
    daemonSet: await kubeGet(`/apis/apps/v1/namespaces/${EXT_NS}/daemonsets/${name}`),
  };
  // The installer image as an air-gapped cluster holds it: pre-loaded on every lab node, pinned by digest.
  await apply(
    planTrustInstaller({
      registryId: id,
      hostPort,
      namespace: EXT_NS,
      caSecretName: desired.metadata.name,
      caPem,
      runtimes: clusterRuntimes(nodeList),
      image: installerImage(),
      intervalSeconds: 10,
      existing: existingInstaller,
    }),
  );
  return id;
}

async function installerState(id: string) {
  const name = trustInstallerName(id);
  const daemonSet = await kubeGet(`/apis/apps/v1/namespaces/${EXT_NS}/daemonsets/${name}`);
  const selector = daemonSet ? Object.entries(daemonSet.spec.selector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',') : '';
  const pods = daemonSet ? (await kube('GET', `/api/v1/namespaces/${EXT_NS}/pods?labelSelector=${encodeURIComponent(selector)}`)).items : [];
  const events = (await kube('GET', `/api/v1/namespaces/${EXT_NS}/events`)).items;
  const nodes = (await kube('GET', '/api/v1/nodes')).items;
  return { daemonSet, pods, events, nodes };
}

async function waitTrusted(id: string, caPem: string) {
  return waitFor(`installer ${id} trusted on 3/3 nodes`, async () => {
    const st = await installerState(id);
    if (!st.daemonSet) return undefined;
    const status = nodeTrustStatus({ ...st, caPem, trustMode: 'automatic' });
    return status.summary.trusted === 3 && { ...st, status };
  }, 120_000);
}

/** The extension's two-phase removal: remove mode until every node reports, then delete. */
async function removeTrust(id: string): Promise<void> {
  const name = trustInstallerName(id);
  const existing = {
    configMap: await kubeGet(`/api/v1/namespaces/${EXT_NS}/configmaps/${name}`),
    daemonSet: await kubeGet(`/apis/apps/v1/namespaces/${EXT_NS}/daemonsets/${name}`),
  };
  if (!existing.daemonSet) return;
  const plan = planTrustRemoval({ registryId: id, namespace: EXT_NS, existing });
  const [phase1, phase2] = plan.phases;
  expect(phase1.waitFor).toMatchObject({ kind: 'daemonset-ready', mode: 'remove', name });
  await apply(phase1.writes);
  await waitFor('remove-mode rollout', async () => {
    const st = await installerState(id);
    return st.daemonSet && installerRolledOut({ daemonSet: st.daemonSet, pods: st.pods, mode: 'remove' });
  }, 120_000);
  await apply(phase2.writes);
  await waitFor('installer pods gone', async () =>
    (await installerState(id)).daemonSet === undefined &&
    (await kube('GET', `/api/v1/namespaces/${EXT_NS}/pods`)).items.every((p: any) => !p.metadata.name.startsWith(`${name}-`)), 90_000);
}

let podSeq = 0;
/** A pod pinned to `node` pulling `image`; resolves with the kubelet's first pull verdict (Pulled or Failed to pull). */
async function pull(node: string, image: string, secret?: string): Promise<{ reason: 'Pulled' | 'Failed'; message: string }> {
  const name = `pull-${Date.now().toString(36)}-${++podSeq}-${node}`;
  await kube('POST', `/api/v1/namespaces/${NS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeName: node,
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      ...(secret ? { imagePullSecrets: [{ name: secret }] } : {}),
      containers: [{ name: 'c', image, imagePullPolicy: 'Always', command: ['sh', '-c', 'exit 0'] }],
    },
  });
  // The product's own reading of a pull-test pod: among others, it waits out an attempt the kubelet made
  // without the pull secret (its secret cache can trail a Secret created just before the pod).
  const verdict = await waitFor(`pull verdict for ${name} (${image} on ${node})`, async () => {
    const pod = await kube('GET', `/api/v1/namespaces/${NS}/pods/${name}`);
    const events = (await kube('GET', `/api/v1/namespaces/${NS}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`)).items;
    const r = pullTestResult(pod, events);
    if (r.state === 'pending') return undefined;
    return { reason: r.state === 'pulled' ? ('Pulled' as const) : ('Failed' as const), message: r.message ?? r.reason };
  }, 90_000);
  await kube('DELETE', `/api/v1/namespaces/${NS}/pods/${name}?gracePeriodSeconds=0`);
  return verdict;
}

describe('node trust end to end (real kubelets and containerd, real registries, the extension\'s own plans)', () => {
  let harborId: string;

  beforeAll(async () => {
    await useProductApiAs('admin');
    await kube('DELETE', `/api/v1/namespaces/${NS}`).catch(() => undefined);
    await waitFor(`namespace ${NS} gone`, async () => (await kubeGet(`/api/v1/namespaces/${NS}`)) === undefined, 90_000);
    await kube('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await waitFor(`ServiceAccount default in ${NS}`, async () => kubeGet(`/api/v1/namespaces/${NS}/serviceaccounts/default`));
    await pullSecret('harbor-pull', HARBOR, ADMIN.password);
    await pullSecret('harbor-badpass', HARBOR, 'not-the-password');
    await pullSecret('legacy-pull', LEGACY, ADMIN.password);
  }, 180_000);

  // The lab is shared: leave no trust, record, registry or namespace of this test behind.
  async function cleanup() {
    for (const id of installed.splice(0)) await removeTrust(id).catch((e) => console.warn(`[trust test] removing ${id}: ${(e as Error).message}`));
    const records = (await kube('GET', `/api/v1/namespaces/${EXT_NS}/secrets?labelSelector=${encodeURIComponent('app.kubernetes.io/managed-by=harbor-connect')}`))?.items ?? [];
    for (const r of records) await kube('DELETE', `/api/v1/namespaces/${EXT_NS}/secrets/${r.metadata.name}`).catch(() => undefined);
    if (genRegistry && genRegistry.exitCode === null) {
      genRegistry.kill('SIGTERM');
      await new Promise((r) => genRegistry!.once('exit', r));
    }
    await kube('DELETE', `/api/v1/namespaces/${NS}`).catch(() => undefined);
    rmSync(join(LAB_DIR, 'registry-generated'), { recursive: true, force: true });
    rmSync(certsDir('node-2', HARBOR), { recursive: true, force: true });
  }
  afterAll(cleanup, 300_000);

  it('a. before trust: the pull fails with the real x509 error', async () => {
    const v = await pull('node-1', `${HARBOR}/library/busybox:latest`, 'harbor-pull');
    expect(v.reason).toBe('Failed');
    expect(v.message).toContain(`Failed to pull image "${HARBOR}/library/busybox:latest": failed to pull and unpack image`);
    expect(v.message).toContain('x509: certificate signed by unknown authority');
  }, 90_000);

  it('b. the installer makes all 3 nodes trust the CA; each node then pulls', async () => {
    // A file the installer does not own, in the folder it writes to: it must survive install and removal.
    mkdirSync(certsDir('node-2', HARBOR), { recursive: true });
    writeFileSync(join(certsDir('node-2', HARBOR), 'notes.txt'), 'put here by an admin\n');

    harborId = await installTrust(HARBOR, labCaPem());
    const st = await waitTrusted(harborId, labCaPem());
    expect(st.status.summary.text).toBe('3/3');
    // One pod per node, each on the node its affinity names (the API stand-in's affinity-blind scheduler is off).
    const placed = st.pods.map((p: any) => [p.spec.nodeName, p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]]);
    expect(placed.map(([n]: string[]) => n).sort()).toEqual(NODES);
    for (const [bound, wanted] of placed) expect(bound).toBe(wanted);

    const toml = containerdHostsToml(registryHost(HARBOR));
    expect(toml).toMatch(/^ca = /m); // the top-level ca (server fallback keeps the CA)
    for (const node of NODES) {
      expect(readFileSync(join(certsDir(node, HARBOR), 'ca.crt'), 'utf8')).toBe(normalizeCaPem(labCaPem()));
      expect(readFileSync(join(certsDir(node, HARBOR), 'hosts.toml'), 'utf8')).toBe(toml);
    }
    expect(caFileSha256(readFileSync(join(certsDir('node-1', HARBOR), 'ca.crt'), 'utf8'))).toBe(caFileSha256(labCaPem()));
    for (const node of NODES) {
      const v = await pull(node, `${HARBOR}/library/busybox:latest`, 'harbor-pull');
      expect(v, `${node}: ${v.message}`).toMatchObject({ reason: 'Pulled' });
      expect(v.message).toMatch(new RegExp(`^Successfully pulled image "${HARBOR.replace(/\./g, '\\.')}/library/busybox:latest" in `));
    }
  }, 150_000);

  it('c. a missing tag with trust installed says not found (not x509)', async () => {
    const v = await pull('node-1', `${HARBOR}/library/busybox:nope`, 'harbor-pull');
    expect(v.reason).toBe('Failed');
    expect(v.message).toContain(`${HARBOR}/library/busybox:nope: not found`);
    expect(v.message).not.toContain('x509');
  }, 90_000);

  it('d. a wrong password says 401 Unauthorized', async () => {
    const v = await pull('node-1', `${HARBOR}/library/busybox:latest`, 'harbor-badpass');
    expect(v.reason).toBe('Failed');
    expect(v.message).toContain(`pulling from host ${HARBOR} failed with status code [manifests latest]: 401 Unauthorized`);
  }, 90_000);

  it('e. the CN-only registry fails even with its certificate trusted (legacy Common Name)', async () => {
    const cert = readFileSync(join(LAB_DIR, 'registry', 'legacy.crt'), 'utf8');
    const id = await installTrust(LEGACY, cert);
    await waitTrusted(id, cert);
    expect(readFileSync(join(certsDir('node-3', LEGACY), 'ca.crt'), 'utf8')).toBe(normalizeCaPem(cert));
    const v = await pull('node-3', `${LEGACY}/library/busybox:latest`, 'legacy-pull');
    expect(v.reason).toBe('Failed');
    expect(v.message).toContain('x509: certificate relies on legacy Common Name field, use SANs instead');
  }, 150_000);

  it('f. a certificate made by the extension\'s generator works end to end', async () => {
    // On the lab's address, not loopback: containerd speaks plain HTTP to a loopback registry with no hosts.toml.
    const gen = await generateRegistryCertificates({ host: LAB_IP });
    expect(gen.ipAddresses).toContain(LAB_IP);
    const dir = join(LAB_DIR, 'registry-generated');
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'server.crt'), gen.serverCertPem);
    writeFileSync(join(dir, 'server.key'), gen.serverKeyPem, { mode: 0o600 });
    const port = await claimPort(0, 'generated-certificate registry', LAB_IP);
    const host = `${LAB_IP}:${port}`;
    const url = `https://${host}`;
    const config = {
      version: 0.1,
      log: { level: 'warn', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true } },
      http: { addr: host, secret: 'hc-trust-test', tls: { certificate: join(dir, 'server.crt'), key: join(dir, 'server.key') } },
      auth: { htpasswd: { realm: 'Harbor Connect lab registry', path: join(LAB_DIR, 'registry', 'htpasswd') } },
    };
    writeFileSync(join(dir, 'config.yml'), stringify(config));
    let log = '';
    genRegistry = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    genRegistry.stdout!.on('data', (c) => (log = (log + c).slice(-2000)));
    genRegistry.stderr!.on('data', (c) => (log = (log + c).slice(-2000)));
    await waitFor(`generated-certificate registry on ${url} (log: ${log})`, async () => {
      if (genRegistry!.exitCode !== null) throw new Error(`docker-registry exited: ${log}`);
      // Node verifies the generated chain and the IP SAN, as a client would.
      return (await httpsRequest(`${url}/v2/`, { ca: gen.caCertPem, timeoutMs: 2000 })).status === 401;
    }, 20_000);
    await seedRegistry({ url, ca: gen.caCertPem, username: ADMIN.username, password: ADMIN.password });
    await pullSecret('generated-pull', host, ADMIN.password);

    const before = await pull('node-2', `${host}/library/busybox:latest`, 'generated-pull');
    expect(before.message).toContain('x509: certificate signed by unknown authority');
    const id = await installTrust(host, gen.caCertPem);
    await waitTrusted(id, gen.caCertPem);
    for (const node of ['node-1', 'node-2']) {
      const v = await pull(node, `${host}/library/busybox:latest`, 'generated-pull');
      expect(v, `${node}: ${v.message}`).toMatchObject({ reason: 'Pulled' });
    }
  }, 180_000);

  it('g. removal: remove mode, then delete; only the installer\'s files go, and pulls fail again', async () => {
    installed.splice(installed.indexOf(harborId), 1);
    await removeTrust(harborId);

    for (const node of NODES) {
      const dir = certsDir(node, HARBOR);
      if (node === 'node-2') expect(readdirSync(dir)).toEqual(['notes.txt']);
      else expect(existsSync(dir), `${dir} removed`).toBe(false);
    }
    expect(readFileSync(join(certsDir('node-2', HARBOR), 'notes.txt'), 'utf8')).toBe('put here by an admin\n');
    // The other registries' trust is untouched.
    expect(existsSync(join(certsDir('node-1', LEGACY), 'ca.crt'))).toBe(true);

    for (const node of ['node-1', 'node-2']) {
      const v = await pull(node, `${HARBOR}/library/busybox:latest`, 'harbor-pull');
      expect(v.reason, node).toBe('Failed');
      expect(v.message).toContain('x509: certificate signed by unknown authority');
    }
  }, 180_000);
});

// Node trust end to end, with real containerd: the extension's OWN domain code (record Secret, trust installer
// DaemonSet, two-phase removal, per-node status, pull secrets, certificate generator) sent through the extension's
// own API layer (src/api: axios with an absolute baseURL and the lab's system token) to the lab API stand-in; the
// lab's kubelets run the installer pods (its script writes into each node's certs.d) and really pull through
// Debian's containerd 1.6 from Debian's docker-registry over TLS. Assertions are on the kubelet events' messages.
//
//   npx vitest run lab/trust.test.ts          (root + containerd + docker-registry; about 1-2 min)
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './apiserver/src/server';
import { containerdAvailable, parseImageReference, startNodes, type RunningNodes } from './nodes';
import { claimPort, httpsRequest, LAB_USERS, seedRegistry, startRegistries, type RunningRegistries } from './registry';
import { http as apiHttp } from '../src/api/client';
import { clusterContext } from '../src/api/cluster';
import { planExecutor } from '../src/api/write';
import { buildRegistryRecord, caFileSha256, DEFAULT_EXTENSION_NAMESPACE, normalizeCaPem, planRegistryRecordWrite, registryIdFromServerKey } from '../src/domain/record';
import { clusterRuntimes, containerdHostsToml, installerRolledOut, nodeTrustStatus, planTrustInstaller, planTrustRemoval, registryHost, trustInstallerName } from '../src/domain/trust';
import { buildPullSecret } from '../src/domain/dockerconfig';
import { applyPlan } from '../src/domain/plan/apply';
import type { Write } from '../src/domain/plan/write';
import { generateRegistryCertificates } from '../src/domain/cert';

const REPO_ROOT = resolve(__dirname, '..');
const EXT_NS = DEFAULT_EXTENSION_NAMESPACE;
const NS = 'demo';
const NODES = ['node-1', 'node-2', 'node-3'];
const ADMIN = LAB_USERS[0];

function which(bin: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, bin)));
}
const skipReason =
  process.getuid?.() !== 0
    ? 'not root (containerd and the installer pods\' mount namespaces need root)'
    : !containerdAvailable()
      ? 'containerd/ctr not installed (apt-get install containerd)'
      : !which('docker-registry')
        ? 'docker-registry not installed (apt-get install docker-registry)'
        : undefined;
if (skipReason) console.warn(`[lab/trust.test.ts] SKIPPED: ${skipReason}`);

let labDir: string;
let api: ApiServer;
let regs: RunningRegistries;
let nodes: RunningNodes;
let genRegistry: ChildProcess | undefined;
let harbor: string; // 127.0.0.1:<port> of the lab CA registry
let legacy: string; // the CN-only one
let labCa: string;
const executor = () => planExecutor(clusterContext('host', false));

async function kube(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(api.url + path, {
    method,
    headers: { Authorization: `Bearer ${api.systemToken}`, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json().catch(() => undefined)) as any;
  if (!res.ok && res.status !== 404) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return res.status === 404 ? undefined : json;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
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
async function installTrust(hostPort: string, caPem: string, image: string): Promise<string> {
  const id = registryIdFromServerKey(hostPort);
  const desired = buildRegistryRecord({ serverKey: hostPort, address: `https://${hostPort}`, trustMode: 'automatic', caPem });
  const existing = await kube('GET', `/api/v1/namespaces/${EXT_NS}/secrets/${desired.metadata.name}`);
  const record = planRegistryRecordWrite({ existing, desired });
  if (record.status === 'conflict') throw new Error(`record conflict: ${record.reason}`);
  await apply(record.writes);
  const nodeList = (await kube('GET', '/api/v1/nodes')).items;
  const name = trustInstallerName(id);
  const existingInstaller = {
    configMap: await kube('GET', `/api/v1/namespaces/${EXT_NS}/configmaps/${name}`),
    daemonSet: await kube('GET', `/apis/apps/v1/namespaces/${EXT_NS}/daemonsets/${name}`),
  };
  await apply(
    planTrustInstaller({
      registryId: id,
      hostPort,
      namespace: EXT_NS,
      caSecretName: desired.metadata.name,
      caPem,
      runtimes: clusterRuntimes(nodeList),
      image,
      intervalSeconds: 10,
      existing: existingInstaller,
    }),
  );
  return id;
}

async function installerState(id: string) {
  const name = trustInstallerName(id);
  const daemonSet = await kube('GET', `/apis/apps/v1/namespaces/${EXT_NS}/daemonsets/${name}`);
  const selector = daemonSet ? Object.entries(daemonSet.spec.selector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',') : '';
  const pods = daemonSet ? (await kube('GET', `/api/v1/namespaces/${EXT_NS}/pods?labelSelector=${encodeURIComponent(selector)}`)).items : [];
  const events = (await kube('GET', `/api/v1/namespaces/${EXT_NS}/events`)).items;
  const nodeList = (await kube('GET', '/api/v1/nodes')).items;
  return { daemonSet, pods, events, nodes: nodeList };
}

async function waitTrusted(id: string, caPem: string) {
  return waitFor(`installer ${id} trusted on 3/3 nodes`, async () => {
    const st = await installerState(id);
    if (!st.daemonSet) return undefined;
    const status = nodeTrustStatus({ ...st, caPem, trustMode: 'automatic' });
    return status.summary.trusted === 3 && { ...st, status };
  }, 90_000);
}

let podSeq = 0;
/** A pod pinned to `node` pulling `image`; resolves with the kubelet's first pull verdict (Pulled or Failed to pull). */
async function pull(node: string, image: string, secret?: string): Promise<{ reason: 'Pulled' | 'Failed'; message: string }> {
  const name = `pull-${++podSeq}-${node}`;
  await kube('POST', `/api/v1/namespaces/${NS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeName: node,
      restartPolicy: 'Never',
      ...(secret ? { imagePullSecrets: [{ name: secret }] } : {}),
      containers: [{ name: 'c', image, command: ['sh', '-c', 'exit 0'] }],
    },
  });
  const verdict = await waitFor(`pull verdict for ${name} (${image} on ${node})`, async () => {
    const events = (await kube('GET', `/api/v1/namespaces/${NS}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`)).items as any[];
    const e = events.find((x) => x.reason === 'Pulled' || (x.reason === 'Failed' && String(x.message).startsWith('Failed to pull image')));
    return e && { reason: e.reason, message: String(e.message) };
  }, 60_000);
  await kube('DELETE', `/api/v1/namespaces/${NS}/pods/${name}`);
  return verdict;
}

function certsDir(node: string, host: string): string {
  return join(labDir, 'nodes', node, 'etc', 'containerd', 'certs.d', host);
}

/** The installer image, loaded on every node beforehand as an air-gapped cluster would (pulled here with a scratch trust). */
async function preloadInstallerImage(ref: string, caPem: string): Promise<void> {
  const scratch = join(labDir, 'preload');
  mkdirSync(join(scratch, 'etc', 'containerd', 'certs.d', harbor), { recursive: true });
  writeFileSync(join(scratch, 'etc', 'containerd', 'certs.d', harbor, 'ca.crt'), caPem);
  for (const node of NODES) {
    const out = await nodes.images.pull({ name: node, root: scratch }, parseImageReference(ref), { username: ADMIN.username, password: ADMIN.password });
    if (!out.ok) throw new Error(`preloading ${ref} on ${node}: ${out.containerdText}`);
  }
}

describe.skipIf(!!skipReason)('node trust end to end (real containerd, real registries, the extension\'s own plans)', () => {
  let installerImage: string;
  let harborId: string;

  beforeAll(async () => {
    process.env.HC_LAB_BACKOFF_SCALE = '0.02';
    labDir = mkdtempSync(join(tmpdir(), 'hc-trust-'));
    try {
      // The API stand-in's own scheduler stays off (its default): the nodes' scheduler binds, honouring affinity.
      api = await startApiServer({ port: 0, tlsPort: null, labDir, repoRoot: REPO_ROOT, verbose: false });
      const h = apiHttp();
      h.defaults.baseURL = api.url;
      h.defaults.headers.common.Authorization = `Bearer ${api.systemToken}`;
      h.defaults.timeout = 15_000;
      regs = await startRegistries({ labDir, port: 0, legacyPort: 0 });
      harbor = regs.registries.find((r) => r.name === 'harbor')!.host;
      legacy = regs.registries.find((r) => r.name === 'legacy')!.host;
      labCa = readFileSync(regs.material.caCert, 'utf8');
      nodes = await startNodes({ labDir, apiUrl: api.url, token: api.systemToken, containerd: 'auto', log: () => undefined });
      expect(nodes.images.mode).toBe('containerd');
      installerImage = `${harbor}/library/busybox:1.36`;
      await preloadInstallerImage(installerImage, labCa);
      await pullSecret('harbor-pull', harbor, ADMIN.password);
      await pullSecret('harbor-badpass', harbor, 'not-the-password');
      await pullSecret('legacy-pull', legacy, ADMIN.password);
    } catch (e) {
      await cleanup();
      throw e;
    }
  }, 120_000);

  async function cleanup() {
    await nodes?.close().catch(() => undefined);
    if (genRegistry && genRegistry.exitCode === null) {
      genRegistry.kill('SIGTERM');
      await new Promise((r) => genRegistry!.once('exit', r));
    }
    await new Promise((r) => setTimeout(r, 300));
    await api?.close().catch(() => undefined);
    await regs?.close().catch(() => undefined);
    if (labDir) rmSync(labDir, { recursive: true, force: true });
    delete process.env.HC_LAB_BACKOFF_SCALE;
  }
  afterAll(cleanup, 60_000);

  it('a. before trust: the pull fails with the real x509 error', async () => {
    const v = await pull('node-1', `${harbor}/library/busybox:latest`, 'harbor-pull');
    expect(v.reason).toBe('Failed');
    expect(v.message).toContain(`Failed to pull image "${harbor}/library/busybox:latest": rpc error: code = Unknown desc = failed to pull and unpack image`);
    expect(v.message).toContain('x509: certificate signed by unknown authority');
  }, 90_000);

  it('b. the installer makes all 3 nodes trust the CA; each node then pulls', async () => {
    // A file the installer does not own, in the folder it writes to: it must survive install and removal.
    mkdirSync(certsDir('node-2', harbor), { recursive: true });
    writeFileSync(join(certsDir('node-2', harbor), 'notes.txt'), 'put here by an admin\n');

    harborId = await installTrust(harbor, labCa, installerImage);
    const st = await waitTrusted(harborId, labCa);
    expect(st.status.summary.text).toBe('3/3');
    // One pod per node, each on the node its affinity names (the API stand-in's affinity-blind scheduler is off).
    const placed = st.pods.map((p: any) => [p.spec.nodeName, p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]]);
    expect(placed.map(([n]: string[]) => n).sort()).toEqual(NODES);
    for (const [bound, wanted] of placed) expect(bound).toBe(wanted);

    const toml = containerdHostsToml(registryHost(harbor));
    expect(toml).toMatch(/^ca = /m); // the top-level ca (server fallback keeps the CA)
    for (const node of NODES) {
      expect(readFileSync(join(certsDir(node, harbor), 'ca.crt'), 'utf8')).toBe(normalizeCaPem(labCa));
      expect(readFileSync(join(certsDir(node, harbor), 'hosts.toml'), 'utf8')).toBe(toml);
    }
    expect(caFileSha256(readFileSync(join(certsDir('node-1', harbor), 'ca.crt'), 'utf8'))).toBe(caFileSha256(labCa));
    for (const node of NODES) {
      const v = await pull(node, `${harbor}/library/busybox:latest`, 'harbor-pull');
      expect(v, node).toMatchObject({ reason: 'Pulled' });
      expect(v.message).toMatch(/^Successfully pulled image "127\.0\.0\.1:\d+\/library\/busybox:latest" in /);
    }
  }, 150_000);

  it('c. a missing tag with trust installed says not found (not x509)', async () => {
    const v = await pull('node-1', `${harbor}/library/busybox:nope`, 'harbor-pull');
    expect(v.reason).toBe('Failed');
    expect(v.message).toContain(`${harbor}/library/busybox:nope: not found`);
    expect(v.message).not.toContain('x509');
  }, 90_000);

  it('d. a wrong password says 401 Unauthorized', async () => {
    const v = await pull('node-1', `${harbor}/library/busybox:latest`, 'harbor-badpass');
    expect(v.reason).toBe('Failed');
    expect(v.message).toContain(`pulling from host ${harbor} failed with status code [manifests latest]: 401 Unauthorized`);
  }, 90_000);

  it('e. the CN-only registry fails even with its certificate trusted (legacy Common Name)', async () => {
    const cert = readFileSync(regs.material.legacyCert, 'utf8');
    const id = await installTrust(legacy, cert, installerImage);
    await waitTrusted(id, cert);
    expect(readFileSync(join(certsDir('node-3', legacy), 'ca.crt'), 'utf8')).toBe(normalizeCaPem(cert));
    const v = await pull('node-3', `${legacy}/library/busybox:latest`, 'legacy-pull');
    expect(v.reason).toBe('Failed');
    expect(v.message).toContain('x509: certificate relies on legacy Common Name field, use SANs instead');
  }, 150_000);

  it('f. a certificate made by the extension\'s generator works end to end', async () => {
    const gen = await generateRegistryCertificates({ host: '127.0.0.1' });
    expect(gen.ipAddresses).toContain('127.0.0.1');
    const dir = join(labDir, 'registry-generated');
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'server.crt'), gen.serverCertPem);
    writeFileSync(join(dir, 'server.key'), gen.serverKeyPem, { mode: 0o600 });
    const port = await claimPort(0, 'generated-certificate registry');
    const host = `127.0.0.1:${port}`;
    const url = `https://${host}`;
    const config = {
      version: 0.1,
      log: { level: 'warn', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true } },
      http: { addr: host, secret: 'hc-trust-test', tls: { certificate: join(dir, 'server.crt'), key: join(dir, 'server.key') } },
      auth: { htpasswd: { realm: 'Harbor Connect lab registry', path: regs.material.htpasswd } },
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
    const id = await installTrust(host, gen.caCertPem, installerImage);
    await waitTrusted(id, gen.caCertPem);
    for (const node of ['node-1', 'node-2']) {
      const v = await pull(node, `${host}/library/busybox:latest`, 'generated-pull');
      expect(v, node).toMatchObject({ reason: 'Pulled' });
    }
  }, 180_000);

  it('g. removal: remove mode, then delete; only the installer\'s files go, and pulls fail again', async () => {
    const name = trustInstallerName(harborId);
    const existing = {
      configMap: await kube('GET', `/api/v1/namespaces/${EXT_NS}/configmaps/${name}`),
      daemonSet: await kube('GET', `/apis/apps/v1/namespaces/${EXT_NS}/daemonsets/${name}`),
    };
    const plan = planTrustRemoval({ registryId: harborId, namespace: EXT_NS, existing });
    const [phase1, phase2] = plan.phases;
    expect(phase1.waitFor).toMatchObject({ kind: 'daemonset-ready', mode: 'remove', name });
    await apply(phase1.writes);
    await waitFor('remove-mode rollout', async () => {
      const st = await installerState(harborId);
      return st.daemonSet && installerRolledOut({ daemonSet: st.daemonSet, pods: st.pods, mode: 'remove' });
    }, 90_000);
    await apply(phase2.writes);
    await waitFor('installer pods gone', async () => (await installerState(harborId)).daemonSet === undefined && (await kube('GET', `/api/v1/namespaces/${EXT_NS}/pods`)).items.every((p: any) => !p.metadata.name.startsWith(`${name}-`)));

    for (const node of NODES) {
      const dir = certsDir(node, harbor);
      if (node === 'node-2') expect(readdirSync(dir)).toEqual(['notes.txt']);
      else expect(existsSync(dir), `${dir} removed`).toBe(false);
    }
    expect(readFileSync(join(certsDir('node-2', harbor), 'notes.txt'), 'utf8')).toBe('put here by an admin\n');
    // The other registries' trust is untouched.
    expect(existsSync(join(certsDir('node-1', legacy), 'ca.crt'))).toBe(true);

    for (const node of ['node-1', 'node-2']) {
      const v = await pull(node, `${harbor}/library/busybox:latest`, 'harbor-pull');
      expect(v.reason, node).toBe('Failed');
      expect(v.message).toContain('x509: certificate signed by unknown authority');
    }
  }, 180_000);
});

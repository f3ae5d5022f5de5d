// Shared by bench/list-requests.ts and bench/health-requests.ts: a cluster seeded with many projects, and the
// extension's HTTP client pointed at it with a request counter.
//
// The cluster is the benches' one stand-in (bench/apply-plan/standin.ts, a child process): a real etcd and
// kube-apiserver from the lab's build (`npm run lab:build`, or a first `npm start`), here with KubeSphere as the lab
// runs it (HC_BENCH_KUBESPHERE=1: the lab's ks-core chart and its KubeSphere gateway, which serves /kapis and the
// ReverseProxies of the health panel's probe), in a temp dir on free ports, behind the stand-in's proxy (no added
// latency: these benches count requests, they do not time them). The extension's client gets the proxy as base URL
// and a KubeSphere access token of `admin`, as the console's server adds it. (Until fbde8ac this file started the
// in-process JavaScript API stand-in, lab/apiserver, since retired.)
//
// Objects are seeded as the cluster's admin through the stand-in (not through the product, not counted). No
// kubelet runs: the installer's Nodes, Pods and DaemonSet get the status a healthy cluster would report.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRegistryMaterial } from '../lab/registry/material';
import { http } from '../src/api/client';
import { clusterContext, type ClusterContext } from '../src/api/cluster';
import { buildPullSecret } from '../src/domain/dockerconfig';
import { buildRegistryRecord, DEFAULT_EXTENSION_NAMESPACE, recordSecretName, registryIdFromServerKey, type RegistryKind } from '../src/domain/record';
import { buildInstallerConfigMap, buildInstallerDaemonSet } from '../src/domain/trust';
import type { SeedObject, StandinCounts } from './apply-plan/standin';
import { startStandinProcess } from './apply-plan/standin-client';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXT_NS = DEFAULT_EXTENSION_NAMESPACE;
export const NODES = ['node-1', 'node-2', 'node-3'];

export interface Lab {
  /** The host cluster as the console addresses it: `multiCluster` true adds /clusters/host (KubeSphere 4.1's default). */
  cluster(multiCluster: boolean): ClusterContext;
  /** Requests made through the extension's client since the last reset(), as `METHOD path` (after /proxy-api). */
  requests: string[];
  /** Clears `requests` and the proxy's counts. */
  reset(): Promise<void>;
  /** Requests the stand-in's proxy received since the last reset (what reached the gateway). */
  proxyTotal(): Promise<number>;
  /** Creates objects as the cluster's admin (setup: not counted); answers their uids in order. */
  create(objects: SeedObject[]): Promise<Array<string | undefined>>;
  /** Stand-in start (etcd, kube-apiserver, ks-core, gateway, login), ms. */
  startMs: number;
  close(): Promise<void>;
}

let current: Lab | undefined;
let interceptorInstalled = false;

/** A fresh stand-in with KubeSphere (see the top of this file); the extension's client now talks to it. */
export async function startLab(): Promise<Lab> {
  const standin = await startStandinProcess({ HC_BENCH_KUBESPHERE: '1', HC_BENCH_LATENCY_MS: '0', HC_BENCH_PROJECTS: '' });
  const { call, ready: info } = standin;
  const client = http();
  client.defaults.baseURL = info.proxyUrl;
  client.defaults.headers.common.Authorization = `Bearer ${info.token}`;
  if (!interceptorInstalled) {
    interceptorInstalled = true;
    client.interceptors.request.use((config) => {
      // What the console server does with its authenticated pass-through (/proxy-api/<path> -> <path>).
      if (config.url?.startsWith('/proxy-api/')) config.url = config.url.slice('/proxy-api'.length);
      current?.requests.push(`${config.method?.toUpperCase()} ${config.url}`);
      return config;
    });
  }
  const requests: string[] = [];
  const lab: Lab = {
    cluster: (multiCluster) => clusterContext('host', multiCluster),
    requests,
    reset: async () => {
      requests.length = 0;
      await call({ type: 'reset' });
    },
    proxyTotal: async () => ((await call({ type: 'counts' })) as unknown as StandinCounts).counts.reduce((a, [, n]) => a + n, 0),
    create: async (objects) => ((await call({ type: 'create', objects })) as { uids: Array<string | undefined> }).uids,
    startMs: info.startMs,
    close: async () => {
      if (current === lab) current = undefined;
      await standin.close();
    },
  };
  current = lab;
  return lab;
}

export interface FakeRegistry {
  /** https://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port>: the record's server key and the pull secrets' server. */
  serverKey: string;
  /** The registry id the extension derives from the server key (labels, object names). */
  id: string;
  /** The CA that signed its certificate: the record's CA, which the probe's ReverseProxy trusts. */
  caPem: string;
  close(): Promise<void>;
}

/**
 * A stand-in registry for the health panel's probe, over TLS on a free loopback port: /v2/ asks for credentials,
 * Harbor's health answers healthy. Its CA and certificate (SAN IP:127.0.0.1) are the lab's registry material
 * (lab/registry/material.ts), made in a temp dir: the probe goes through the gateway's ReverseProxy with the
 * record's CA, as on a real cluster, and never reaches the lab's own registry (port 5443).
 */
export async function startFakeRegistry(): Promise<FakeRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-bench-registry-'));
  const material = ensureRegistryMaterial({ labDir: dir });
  const srv = https.createServer({ cert: fs.readFileSync(material.serverCert), key: fs.readFileSync(material.serverKey) }, (req, res) => {
    if (req.url?.startsWith('/v2/')) {
      res.writeHead(401, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0', 'www-authenticate': 'Basic realm="bench"' });
      return res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    }
    if (req.url === '/api/v2.0/health') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy","components":[{"name":"core","status":"healthy"}]}');
    if (req.url === '/api/v2.0/systeminfo') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"harbor_version":"v2.11.0"}');
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  const serverKey = `127.0.0.1:${port}`;
  return {
    url: `https://${serverKey}`,
    serverKey,
    id: registryIdFromServerKey(serverKey),
    caPem: labCaPem(dir),
    close: () =>
      new Promise<void>((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }).finally(() => fs.rmSync(dir, { recursive: true, force: true })),
  };
}

/** The lab registry CA made in `labDir` (lab/registry/material.ts): what a user uploads as the registry's CA. */
export function labCaPem(labDir: string): string {
  return fs.readFileSync(path.join(labDir, 'registry', 'ca.crt'), 'utf8');
}

/**
 * What a registry added by the wizard leaves in the cluster: the record (with its CA), the trust installer the
 * product builds (buildInstallerConfigMap, buildInstallerDaemonSet) and one installer pod per node made from its
 * template as the DaemonSet controller would, all Ready (the CA installed), and the nodes themselves. No kubelet
 * or controller runs: the statuses are written.
 */
export async function seedRegistry(lab: Lab, registry: FakeRegistry, kind: RegistryKind): Promise<void> {
  const now = new Date().toISOString();
  const ready = { type: 'Ready', status: 'True', lastTransitionTime: now };
  await lab.create([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: EXT_NS } },
    ...NODES.map((name) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
      status: {
        conditions: [{ ...ready, lastHeartbeatTime: now, reason: 'KubeletReady' }],
        nodeInfo: { containerRuntimeVersion: 'containerd://1.6.20', kubeletVersion: 'v1.31.14', osImage: 'Debian GNU/Linux 13 (trixie)', operatingSystem: 'linux', architecture: 'amd64' },
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      },
    })),
  ]);
  const installer = {
    registryId: registry.id,
    hostPort: registry.serverKey,
    namespace: EXT_NS,
    caSecretName: recordSecretName(registry.id),
    caPem: registry.caPem,
    runtimes: ['containerd' as const],
  };
  // Pods need their namespace's `default` ServiceAccount (kube-controller-manager, which makes it, does not run).
  await lab.create([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: EXT_NS } },
    buildRegistryRecord({ serverKey: registry.serverKey, address: registry.url, kind, trustMode: 'automatic', caPem: registry.caPem }) as SeedObject,
    buildInstallerConfigMap(installer) as SeedObject,
  ]);
  const ds = buildInstallerDaemonSet(installer);
  const n = NODES.length;
  const [dsUid] = await lab.create([
    {
      ...(ds as SeedObject),
      status: { currentNumberScheduled: n, desiredNumberScheduled: n, numberReady: n, numberAvailable: n, updatedNumberScheduled: n, numberMisscheduled: 0, observedGeneration: 1 },
    },
  ]);
  const name = ds.metadata?.name ?? '';
  const template = ds.spec?.template;
  await lab.create(
    NODES.map((node, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...template?.metadata,
        name: `${name}-n${i + 1}`,
        namespace: EXT_NS,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name, uid: dsUid ?? '', controller: true }],
      },
      spec: { ...template?.spec, nodeName: node },
      status: {
        phase: 'Running',
        startTime: now,
        conditions: [ready, { type: 'ContainersReady', status: 'True', lastTransitionTime: now }],
        containerStatuses: (template?.spec?.containers ?? []).map((c) => ({ name: c.name, ready: true, restartCount: 0, image: c.image ?? '', imageID: '', started: true, state: { running: { startedAt: now } } })),
      },
    })),
  );
}

/** `proj-0000`…: `count` projects, each with this registry's pull secret (and a `default` ServiceAccount listing it). */
export async function seedProjects(lab: Lab, registry: FakeRegistry, count: number, withServiceAccounts: boolean): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => `proj-${String(i).padStart(4, '0')}`);
  await lab.create(names.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubesphere.io/workspace': 'bench-ws' } } })));
  await lab.create(
    names.flatMap((name) => [
      buildPullSecret({ name: 'harbor-pull', namespace: name, server: registry.serverKey, username: 'robot$demo+ci', password: 'RobotSecret123', registryId: registry.id }) as SeedObject,
      ...(withServiceAccounts ? [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name }, imagePullSecrets: [{ name: 'harbor-pull' }] }] : []),
    ]),
  );
}

// Child process of the benches (bench/apply-plan.ts, bench/multicluster-apply.ts, bench/list-requests.seed.ts): one
// cluster's API, a real etcd and kube-apiserver from the lab's own build (lab/cluster/build.ts clusterBinaries:
// built by `npm run lab:build` or a first `npm start`; this never builds), in a temp dir on free ports, seeded with
// N namespaces and their `default` ServiceAccount (what kube-controller-manager would make; it does not run here),
// and, unless HC_BENCH_PROXY=0, the latency proxy in front of it. It runs apart from the bench so that the
// extension's client (the "browser") does not share an event loop with the servers it measures. Talks to the
// parent over IPC.
//
// HC_BENCH_KUBESPHERE=1 adds KubeSphere as the lab runs it: the lab's ks-core chart (CRDs such as ReverseProxy,
// kubesphere-config, roles, users, the host Cluster) installed with the lab's Helm, and the lab's KubeSphere gateway
// (`labcluster kubesphere`, standing in for ks-apiserver) on a free port in front of kube-apiserver. The proxy then
// forwards to the gateway, and the token is a KubeSphere access token of `admin` (platform-admin) from the
// gateway's /oauth/token, as the console's server obtains one at login. The benches whose requests include
// KubeSphere's own paths (/kapis, /proxy: ReverseProxy) need it (bench/health-requests.ts).
//
// The API stand-in this used to run (lab/apiserver, in-process JavaScript) was retired for the real servers.
// Bench settings, not the lab's: etcd without fsync (disk flushes are not what the benches measure, and the disk
// is shared), no endpoint reconciler and no apiserver identity lease (nothing writes in the background, so the
// store's resourceVersion moves only when a client writes), a static token for a system:masters user.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { clusterBinaries, CLUSTER_DIR } from '../../lab/cluster/build';
import { kubeClient } from '../../lab/cluster/kube';
import { startServer, waitFor, type ServerProcess } from '../../lab/cluster/process';
import { clientFor } from '../../src/api/resources';
import { resourcePath } from '../../src/api/paths';
import { mapLimit } from '../../src/domain/async';
import { startLatencyProxy, type LatencyProxy } from './proxy';

export interface StandinReady {
  type: 'ready';
  /** The latency proxy in front of this cluster ('' with HC_BENCH_PROXY=0): forwards to the gateway when there is one. */
  proxyUrl: string;
  /** kube-apiserver itself (HTTPS, signed by `ca`): not delayed, not counted. */
  serverUrl: string;
  ca: string;
  /** The KubeSphere gateway (plain HTTP) with HC_BENCH_KUBESPHERE=1, else ''. */
  gatewayUrl: string;
  /**
   * Bearer token: of a system:masters user for kube-apiserver (HC_BENCH_TOKEN when given), or with
   * HC_BENCH_KUBESPHERE=1 a KubeSphere access token of `admin` for the gateway.
   */
  token: string;
  startMs: number;
  seedMs: number;
}
/** An object to create as the cluster's admin (setup, not the product): its status is then written too, if given. */
export interface SeedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  status?: unknown;
  [k: string]: unknown;
}
export type StandinRequest =
  | { id: number; type: 'reset' }
  | { id: number; type: 'counts' }
  | { id: number; type: 'versions'; objects: Array<{ apiVersion: string; kind: string; namespace?: string; name: string }> }
  /** Answers { uids }: each object's uid, in order (created, or already there). */
  | { id: number; type: 'create'; objects: SeedObject[] }
  | { id: number; type: 'close' };
export interface StandinCounts {
  counts: Array<[string, number]>;
  maxInFlight: number;
  /** The store's current resourceVersion (etcd's revision): any write anywhere moves it. */
  resourceVersion: string;
}

const send = (m: unknown) => process.send?.(m);
const projects = (process.env.HC_BENCH_PROJECTS ?? '').split(',').filter(Boolean);
const latencyMs = Number(process.env.HC_BENCH_LATENCY_MS ?? '20');
const withProxy = process.env.HC_BENCH_PROXY !== '0';
const withKubeSphere = process.env.HC_BENCH_KUBESPHERE === '1';
const token = process.env.HC_BENCH_TOKEN || randomBytes(24).toString('hex');
/** The lab's KubeSphere login (lab/cluster/ks-core values.yaml `password`, user `admin`: platform-admin). */
const KS_ADMIN = { username: 'admin', password: 'P@88w0rd' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const t0 = performance.now();
const bins = clusterBinaries();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-bench-apply-'));
const [etcdPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
const serverUrl = `https://127.0.0.1:${apiPort}`;
const pkiDir = path.join(dir, 'pki');
const pki = (f: string) => path.join(pkiDir, f);
const logDir = path.join(dir, 'logs');
const pidDir = path.join(dir, 'pids');
const made = spawnSync(bins.labcluster, ['pki', '--dir', pkiDir, '--server', serverUrl], { encoding: 'utf8' });
if (made.status !== 0) throw new Error(`labcluster pki: ${made.stderr || made.error?.message}`);
fs.writeFileSync(path.join(dir, 'tokens.csv'), `${token},bench-admin,bench-admin,"system:masters"\n`, { mode: 0o600 });

const servers: ServerProcess[] = [];
let proxy: LatencyProxy | undefined;
let closing: Promise<void> | undefined;
const close = () =>
  (closing ??= (async () => {
    await proxy?.close();
    for (const s of servers.splice(0).reverse()) await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  })());
process.on('disconnect', () => void close().finally(() => process.exit(0)));

const etcd = startServer({
  name: 'etcd',
  command: bins.labcluster,
  logDir,
  pidDir,
  args: [
    'etcd', '--name', 'bench', '--data-dir', path.join(dir, 'etcd'),
    '--listen-client-urls', `http://127.0.0.1:${etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
    '--listen-peer-urls', `http://127.0.0.1:${etcdPeerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeerPort}`,
    '--initial-cluster', `bench=http://127.0.0.1:${etcdPeerPort}`, '--listen-metrics-urls', '', '--log-level', 'warn', '--unsafe-no-fsync',
  ],
});
servers.push(etcd);
const apiserver = startServer({
  name: 'kube-apiserver',
  command: bins.labcluster,
  logDir,
  pidDir,
  args: [
    'kube-apiserver', `--etcd-servers=http://127.0.0.1:${etcdPort}`, '--bind-address=127.0.0.1', `--secure-port=${apiPort}`,
    '--advertise-address=127.0.0.1', `--cert-dir=${path.join(dir, 'apiserver-certs')}`,
    `--tls-cert-file=${pki('apiserver.crt')}`, `--tls-private-key-file=${pki('apiserver.key')}`, `--client-ca-file=${pki('ca.crt')}`,
    `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki('sa.pub')}`, `--service-account-signing-key-file=${pki('sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16', '--authorization-mode=RBAC',
    '--endpoint-reconciler-type=none', '--feature-gates=APIServerIdentity=false', '--profiling=false',
  ],
});
servers.push(apiserver);
const kube = kubeClient(pkiDir, serverUrl);
try {
  await waitFor('kube-apiserver is ready', async () => (await kube.request('GET', '/readyz')).status === 200, apiserver, 120_000);
} catch (e) {
  await close();
  throw e;
}

let gatewayUrl = '';
let upstreamToken = token;
if (withKubeSphere) {
  try {
    ({ gatewayUrl, upstreamToken } = await startKubeSphere());
  } catch (e) {
    await close();
    throw e;
  }
}
const startMs = performance.now() - t0;

/** ks-core with the lab's Helm, then the lab's gateway; answers its URL and an access token of `admin`. */
async function startKubeSphere(): Promise<{ gatewayUrl: string; upstreamToken: string }> {
  const helmHome = path.join(dir, 'helm');
  const helm = spawnSync(
    bins.helm,
    ['install', 'ks-core', path.join(CLUSTER_DIR, 'ks-core'), '--namespace', 'kubesphere-system', '--create-namespace', '--set', 'multicluster.clusterRole=host'],
    {
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: pki('admin.kubeconfig'), HELM_CACHE_HOME: `${helmHome}/cache`, HELM_CONFIG_HOME: `${helmHome}/config`, HELM_DATA_HOME: `${helmHome}/data` },
    },
  );
  if (helm.status !== 0) throw new Error(`helm install ks-core: ${(helm.stderr || helm.stdout || helm.error?.message || '').trim().split('\n').slice(-10).join('\n')}`);
  // Every kind of the chart listable: kube-apiserver answers a new kind's lists with 429 (Retry-After 1) until its
  // watch cache is filled, which a bench would otherwise count as the product's.
  type Crds = { items?: Array<{ spec: { group: string; names: { plural: string }; versions: Array<{ name: string; served: boolean }> } }> };
  const crds = (await kube.request<Crds>('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).json?.items ?? [];
  const lists = crds.map((c) => `/apis/${c.spec.group}/${c.spec.versions.find((v) => v.served)?.name}/${c.spec.names.plural}?limit=1`);
  await waitFor(`the ${lists.length} KubeSphere kinds answer lists`, async () => (await Promise.all(lists.map((p) => kube.request('GET', p)))).every((r) => r.status === 200), apiserver, 60_000);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const gateway = startServer({
    name: 'kubesphere',
    command: bins.labcluster,
    logDir,
    pidDir,
    args: ['kubesphere', '--kubeconfig', pki('kubesphere.kubeconfig'), '--listen', `127.0.0.1:${port}`],
  });
  servers.push(gateway);
  await waitFor('the KubeSphere gateway answers /kapis/version', async () => ((await fetch(`${url}/kapis/version`).catch(() => undefined))?.status ?? 500) < 500, gateway, 60_000);
  // The gateway's stand-in makes users Active shortly after it starts; until then a login is refused.
  let accessToken = '';
  await waitFor('a login as admin through the gateway', async () => {
    const body = new URLSearchParams({ grant_type: 'password', username: KS_ADMIN.username, password: KS_ADMIN.password, client_id: 'kubesphere', client_secret: 'kubesphere' });
    const res = await fetch(`${url}/oauth/token`, { method: 'POST', body }).catch(() => undefined);
    accessToken = ((await res?.json().catch(() => ({}))) as { access_token?: string } | undefined)?.access_token ?? '';
    return !!accessToken;
  }, gateway, 60_000);
  return { gatewayUrl: url, upstreamToken: accessToken };
}

const t1 = performance.now();
const expect = async (what: string, p: ReturnType<typeof kube.request>) => {
  const r = await p;
  if (r.status !== 201 && r.status !== 409) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
};
await mapLimit(projects, 16, async (name) => {
  await expect(`namespace ${name}`, kube.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubesphere.io/workspace': 'bench-ws' } } }));
  await expect(`${name}/default`, kube.request('POST', `/api/v1/namespaces/${name}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }));
});
const seedMs = performance.now() - t1;
const ca = fs.readFileSync(pki('ca.crt'), 'utf8');
if (withProxy) proxy = await startLatencyProxy(gatewayUrl ? { url: gatewayUrl } : { url: serverUrl, ca }, latencyMs);

/** etcd's revision, as a consistent list reports it. */
async function storeVersion(): Promise<string> {
  const r = await kube.request<{ metadata?: { resourceVersion?: string } }>('GET', '/api/v1/namespaces?limit=1');
  return r.json?.metadata?.resourceVersion ?? '';
}

process.on('message', async (m: StandinRequest) => {
  switch (m.type) {
    case 'reset':
      proxy?.reset();
      return send({ id: m.id });
    case 'counts':
      return send({ id: m.id, counts: [...(proxy?.counts.entries() ?? [])], maxInFlight: proxy?.maxInFlight() ?? 0, resourceVersion: await storeVersion() } satisfies StandinCounts & { id: number });
    case 'versions': {
      const rvs = await mapLimit(m.objects, 16, async (o) => {
        const type = clientFor(o.apiVersion, o.kind)?.type;
        if (!type) return null;
        const r = await kube.request<{ metadata?: { resourceVersion?: string } }>('GET', resourcePath(type, { namespace: type.namespaced ? o.namespace : undefined, name: o.name }));
        return r.status === 200 ? (r.json?.metadata?.resourceVersion ?? null) : null;
      });
      return send({ id: m.id, rvs });
    }
    case 'create': {
      try {
        const uids = await mapLimit(m.objects, 16, async (o) => {
          const type = clientFor(o.apiVersion, o.kind)?.type;
          if (!type) throw new Error(`no resource type for ${o.apiVersion} ${o.kind}`);
          const namespace = type.namespaced ? o.metadata.namespace : undefined;
          const { status, ...body } = o;
          const r = await kube.request<{ metadata?: { uid?: string } }>('POST', resourcePath(type, { namespace }), body);
          if (r.status !== 201 && r.status !== 409) throw new Error(`create ${o.kind} ${namespace ? `${namespace}/` : ''}${o.metadata.name}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
          const named = resourcePath(type, { namespace, name: o.metadata.name });
          if (status !== undefined) {
            const s = await kube.request('PATCH', `${named}/status`, { status });
            if (s.status !== 200) throw new Error(`status of ${o.kind} ${o.metadata.name}: HTTP ${s.status} ${JSON.stringify(s.json).slice(0, 300)}`);
          }
          return r.status === 201 ? r.json?.metadata?.uid : (await kube.request<{ metadata?: { uid?: string } }>('GET', named)).json?.metadata?.uid;
        });
        return send({ id: m.id, uids });
      } catch (e) {
        return send({ id: m.id, error: (e as Error).message });
      }
    }
    case 'close':
      await close();
      send({ id: m.id });
      process.exit(0);
  }
});

send({ type: 'ready', proxyUrl: proxy?.url ?? '', serverUrl, ca, gatewayUrl, token: upstreamToken, startMs, seedMs } satisfies StandinReady);

// Shared by bench/list-requests.ts and bench/health-requests.ts: a temporary lab API stand-in seeded with many
// projects, and the extension's HTTP client pointed at it with a request counter.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApiServer, type ApiServer } from '../lab/apiserver/src/server';
import { http } from '../src/api/client';
import { clusterContext } from '../src/api/cluster';
import { buildPullSecret } from '../src/domain/dockerconfig';
import { managedLabels } from '../src/domain/plan/labels';
import { buildRegistryRecord, type RegistryKind } from '../src/domain/record';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REGISTRY = '127.0.0.1:5443';
export const REGISTRY_ID = '127-0-0-1-5443';

export interface Lab {
  server: ApiServer;
  cluster: ReturnType<typeof clusterContext>;
  /** Requests made through the extension's client since the last reset(). */
  requests: string[];
  reset(): void;
  close(): Promise<void>;
}

type Store = ApiServer['store'];
const typeOf = (store: Store, group: string, resource: string) => {
  const t = store.typeFor(group, resource);
  if (!t) throw new Error(`no type ${group}/${resource}`);
  return t;
};

export async function startLab(): Promise<Lab> {
  const labDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-bench-'));
  const server = await startApiServer({ port: 0, tlsPort: null, labDir, repoRoot, verbose: false });
  const requests: string[] = [];
  const client = http();
  client.defaults.baseURL = server.url;
  client.defaults.headers.common.Authorization = `Bearer ${server.systemToken}`;
  client.interceptors.request.use((config) => {
    // What the console server does with its authenticated pass-through (/proxy-api/<path> -> <path>).
    if (config.url?.startsWith('/proxy-api/')) config.url = config.url.slice('/proxy-api'.length);
    requests.push(`${config.method?.toUpperCase()} ${config.url}`);
    return config;
  });
  return {
    server,
    cluster: clusterContext('host', false),
    requests,
    reset: () => void (requests.length = 0),
    close: async () => {
      await server.close();
      fs.rmSync(labDir, { recursive: true, force: true });
    },
  };
}

/** A stand-in registry for the probe (plain HTTP): /v2/ asks for credentials, Harbor's health answers. */
export async function startFakeRegistry(): Promise<{ url: string; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  const srv = createServer((req, res) => {
    if (req.url?.startsWith('/v2/')) {
      res.writeHead(401, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' });
      return res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    }
    if (req.url === '/api/v2.0/health') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy","components":[{"name":"core","status":"healthy"}]}');
    if (req.url === '/api/v2.0/systeminfo') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"harbor_version":"v2.11.0"}');
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

/** The registry record, its installer DaemonSet + one pod per node, and a probe ReverseProxy to `upstream`. */
export function seedRegistry(store: Store, kind: RegistryKind, caPem: string | undefined, upstream: string): void {
  const record = buildRegistryRecord({ serverKey: REGISTRY, address: `https://${REGISTRY}`, kind, trustMode: 'automatic', caPem });
  store.create(typeOf(store, '', 'secrets'), record as never);
  const labels = { ...managedLabels(REGISTRY_ID), 'app.kubernetes.io/component': 'trust-installer' };
  const ds = store.create(typeOf(store, 'apps', 'daemonsets'), {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: `hc-trust-${REGISTRY_ID}`, namespace: 'extension-harbor-connect', labels },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'install', image: 'busybox:1.36' }], tolerations: [{ operator: 'Exists' }] } },
    },
  } as never) as { metadata: { uid: string; name: string } };
  for (let i = 1; i <= 3; i++) {
    store.create(typeOf(store, '', 'pods'), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `hc-trust-${REGISTRY_ID}-n${i}`,
        namespace: 'extension-harbor-connect',
        labels,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name, uid: ds.metadata.uid, controller: true }],
      },
      spec: { nodeName: `node-${i}`, containers: [{ name: 'install', image: 'busybox:1.36' }], tolerations: [{ operator: 'Exists' }] },
    } as never);
  }
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  store.create(typeOf(store, 'extensions.kubesphere.io', 'reverseproxies'), {
    apiVersion: 'extensions.kubesphere.io/v1alpha1',
    kind: 'ReverseProxy',
    metadata: { name: `hc-probe-${REGISTRY_ID}-bench`, labels: { ...managedLabels(REGISTRY_ID), 'app.kubernetes.io/component': 'probe' } },
    spec: {
      matcher: { path: `/proxy/harbor-connect/hc-probe-${REGISTRY_ID}-bench/*`, method: '*' },
      upstream: { url: upstream, ...(caPem && upstream.startsWith('https:') ? { caBundle: b64(b64(caPem)) } : {}) },
      directives: { stripPathPrefix: `/proxy/harbor-connect/hc-probe-${REGISTRY_ID}-bench`, headerUp: ['-Authorization', '-Cookie'], headerDown: ['-Www-Authenticate'] },
    },
  } as never);
}

/** `count` projects, each with this registry's pull secret (and a default ServiceAccount listing it). */
export function seedProjects(store: Store, count: number, withServiceAccounts: boolean): void {
  const ns = typeOf(store, '', 'namespaces');
  const secrets = typeOf(store, '', 'secrets');
  const sas = typeOf(store, '', 'serviceaccounts');
  for (let i = 0; i < count; i++) {
    const name = `proj-${String(i).padStart(4, '0')}`;
    store.create(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubesphere.io/workspace': 'bench-ws' } } } as never);
    const secret = buildPullSecret({ name: 'harbor-pull', namespace: name, server: REGISTRY, username: 'robot$demo+ci', password: 'RobotSecret123', registryId: REGISTRY_ID });
    store.create(secrets, secret as never);
    if (withServiceAccounts && !store.get(sas, name, 'default')) {
      store.create(sas, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name }, imagePullSecrets: [{ name: 'harbor-pull' }] } as never);
    }
  }
}

export function labCaPem(): string | undefined {
  for (const p of ['.lab/registry/ca.crt', '.lab/registry/ca.pem']) {
    const f = path.join(repoRoot, p);
    if (fs.existsSync(f)) return fs.readFileSync(f, 'utf8');
  }
  return undefined;
}

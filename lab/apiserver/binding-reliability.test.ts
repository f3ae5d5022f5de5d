// Reliability of binding pull secrets, against the real lab API stand-in (Kubernetes semantics: resourceVersion,
// JSON patch `test` → 422, strategic merge honouring the schema). The binder is the extension's own code: the
// domain planner (planBinding / planUnbinding, bindWithRetry) driven by src/features/binding/bind.ts, sending its
// requests through the extension's API layer (src/api, axios) with an absolute baseURL. Between the two sits a
// chaos proxy that can run a concurrent writer before a PATCH reaches the server, or drop connections.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from './src/server';
import { http as apiHttp } from '../../src/api/client';
import { clusterContext } from '../../src/api/cluster';
import { isConflict, isTestOpFailure } from '../../src/api/errors';
import { executeWrite } from '../../src/api/write';
import { apiBindIo } from '../../src/features/binding/io';
import { bindTarget, mapLimit } from '../../src/features/binding/bind';
import { bindWithRetry, planBindingReplace } from '../../src/domain/binding';

const repoRoot = path.resolve(__dirname, '../..');
const NS = 'demo';
const SEEDED = ['dockerhub-mirror', 'legacy-regcred', 'quay-readonly'];
const ctx = clusterContext('host', false);
const io = apiBindIo(ctx);

let api: ApiServer;
let labDir: string;
let proxy: http.Server;

/** What the proxy does to the next request; reset before each test. */
interface Chaos {
  /** Before forwarding a PATCH/PUT of this SA, run this (a concurrent writer); return false to stop. */
  beforeWrite?: (req: http.IncomingMessage) => Promise<void> | void;
  /** Kill the connection without forwarding. */
  dropBefore?: (req: http.IncomingMessage) => boolean;
  /** Forward, let the server apply it, then kill the connection instead of answering. */
  dropAfter?: (req: http.IncomingMessage) => boolean;
}
let chaos: Chaos = {};
const counts = { dropped: 0, droppedAfter: 0, interfered: 0 };

function startProxy(target: URL): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (chaos.dropBefore?.(req)) {
        counts.dropped++;
        req.socket.destroy();
        return;
      }
      if ((req.method === 'PATCH' || req.method === 'PUT') && chaos.beforeWrite) {
        await chaos.beforeWrite(req);
      }
      const dropAfter = chaos.dropAfter?.(req) ?? false;
      const up = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
        (upRes) => {
          const parts: Buffer[] = [];
          upRes.on('data', (c) => parts.push(c));
          upRes.on('end', () => {
            if (dropAfter) {
              counts.droppedAfter++;
              req.socket.destroy();
              return;
            }
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      up.on('error', () => req.socket.destroy());
      up.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Direct requests as the lab controller (the "other writer"), not through the proxy. */
async function direct(method: string, p: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  const res = await fetch(`${api.url}${p}`, {
    method,
    headers: { Authorization: `Bearer ${api.systemToken}`, 'Content-Type': contentType, Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const saPath = (name: string) => `/api/v1/namespaces/${NS}/serviceaccounts/${name}`;
async function saSecrets(name: string): Promise<string[]> {
  const r = await direct('GET', saPath(name));
  return (r.json.imagePullSecrets ?? []).map((x: { name: string }) => x.name);
}
async function resetSa(name: string, list: string[]) {
  const cur = await direct('GET', saPath(name));
  if (cur.status === 404) {
    await direct('POST', `/api/v1/namespaces/${NS}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NS }, imagePullSecrets: list.map((n) => ({ name: n })) });
    return;
  }
  const r = await direct('PATCH', saPath(name), { imagePullSecrets: list.map((n) => ({ name: n })) }, 'application/merge-patch+json');
  expect(r.status).toBe(200);
}

beforeAll(async () => {
  labDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-binding-'));
  api = await startApiServer({ port: 0, tlsPort: null, labDir, repoRoot, verbose: false });
  proxy = await startProxy(new URL(api.url));
  const h = apiHttp();
  h.defaults.baseURL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  h.defaults.headers.common.Authorization = `Bearer ${api.systemToken}`;
  h.defaults.timeout = 5000;
});

afterAll(async () => {
  await new Promise<void>((r) => {
    proxy?.close(() => r());
    proxy?.closeAllConnections();
  });
  await api?.close();
  fs.rmSync(labDir, { recursive: true, force: true });
});

beforeEach(async () => {
  chaos = {};
  counts.dropped = counts.droppedAfter = counts.interfered = 0;
  await resetSa('builder', SEEDED);
});

describe('binding pull secrets against the lab API server', () => {
  it('keeps the three pull secrets a ServiceAccount already holds, in order', async () => {
    expect(await saSecrets('builder')).toEqual(SEEDED);
    const r = await bindTarget(io, NS, { kind: 'ServiceAccount', name: 'builder' }, 'harbor-pull', 'bind');
    expect(r.status).toBe('done');
    expect(await saSecrets('builder')).toEqual([...SEEDED, 'harbor-pull']);
    // Binding again changes nothing.
    const again = await bindTarget(io, NS, { kind: 'ServiceAccount', name: 'builder' }, 'harbor-pull', 'bind');
    expect(again.status).toBe('unchanged');
    expect(await saSecrets('builder')).toEqual([...SEEDED, 'harbor-pull']);
  });

  it('binds a ServiceAccount that has no imagePullSecrets at all', async () => {
    await direct('DELETE', saPath('empty-sa'));
    await direct('POST', `/api/v1/namespaces/${NS}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'empty-sa', namespace: NS } });
    const r = await bindTarget(io, NS, { kind: 'ServiceAccount', name: 'empty-sa' }, 'harbor-pull', 'bind');
    expect(r.status).toBe('done');
    expect(await saSecrets('empty-sa')).toEqual(['harbor-pull']);
  });

  it('two binders on the same ServiceAccount at once both end up bound', async () => {
    const [a, b] = await Promise.all([
      bindTarget(io, NS, { kind: 'ServiceAccount', name: 'builder' }, 'binder-a', 'bind'),
      bindTarget(io, NS, { kind: 'ServiceAccount', name: 'builder' }, 'binder-b', 'bind'),
    ]);
    expect([a.status, b.status]).toEqual(['done', 'done']);
    const list = await saSecrets('builder');
    expect(list.slice(0, 3)).toEqual(SEEDED);
    expect(list.slice(3).sort()).toEqual(['binder-a', 'binder-b']);
  });

  it('ten concurrent binders: all bound, none lost, no duplicates', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `many-${i}`);
    const results = await Promise.all(names.map((n) => bindTarget(io, NS, { kind: 'ServiceAccount', name: 'builder' }, n, 'bind', { maxAttempts: 30 })));
    expect(results.every((r) => r.status === 'done')).toBe(true);
    const list = await saSecrets('builder');
    expect(list.slice(0, 3)).toEqual(SEEDED);
    expect([...list.slice(3)].sort()).toEqual([...names].sort());
    expect(new Set(list).size).toBe(list.length);
  });

  it('a concurrent writer between read and write (422 from the test op) converges without loss', async () => {
    let n = 0;
    chaos.beforeWrite = async (req) => {
      if (!req.url?.includes('/serviceaccounts/builder') || n >= 3) return;
      n++;
      counts.interfered++;
      // Another client appends its own secret after our read: our guarded patch must fail, not overwrite it.
      const r = await direct('PATCH', saPath('builder'), [{ op: 'add', path: '/imagePullSecrets/-', value: { name: `other-${n}` } }], 'application/json-patch+json');
      expect(r.status).toBe(200);
    };
    const r = await bindTarget(io, NS, { kind: 'ServiceAccount', name: 'builder' }, 'harbor-pull', 'bind');
    expect(r.status).toBe('done');
    expect(r.attempts).toBe(4);
    expect(counts.interfered).toBe(3);
    expect(await saSecrets('builder')).toEqual([...SEEDED, 'other-1', 'other-2', 'other-3', 'harbor-pull']);
  });

  it('replace with the read resourceVersion: injected 409s are retried from a fresh read', async () => {
    let n = 0;
    chaos.beforeWrite = async (req) => {
      if (!req.url?.includes('/serviceaccounts/builder') || n >= 2) return;
      n++;
      await direct('PATCH', saPath('builder'), [{ op: 'add', path: '/imagePullSecrets/-', value: { name: `rv-${n}` } }], 'application/json-patch+json');
    };
    let conflicts = 0;
    const r = await bindWithRetry(
      (signal) => io.read('v1', 'ServiceAccount', NS, 'builder', signal),
      (sa) => planBindingReplace({ secretName: 'harbor-pull', serviceAccounts: [sa as never] }),
      (w, signal) => executeWrite(w, ctx, { signal }),
      {
        isConflict: (e) => {
          const c = isConflict(e) || isTestOpFailure(e);
          if (c) conflicts++;
          return c;
        },
      },
    );
    expect(r.status).toBe('done');
    expect(conflicts).toBe(2);
    expect(await saSecrets('builder')).toEqual([...SEEDED, 'rv-1', 'rv-2', 'harbor-pull']);
  });

  it('dropped connections (before and after the server applied the write) converge without duplicates', async () => {
    let reads = 0;
    let writes = 0;
    chaos.dropBefore = (req) => req.method === 'GET' && req.url?.includes('/serviceaccounts/') === true && ++reads % 3 === 2;
    // Every first PATCH of a binder lands on the server, but the answer never comes back.
    chaos.dropAfter = (req) => req.method === 'PATCH' && ++writes % 2 === 1;
    const names = ['drop-a', 'drop-b', 'drop-c', 'drop-d'];
    const results = await mapLimit(names, 4, (n) => bindTarget(io, NS, { kind: 'ServiceAccount', name: 'builder' }, n, 'bind', { maxAttempts: 20 }));
    expect(counts.droppedAfter).toBeGreaterThan(0);
    expect(counts.dropped).toBeGreaterThan(0);
    // A binder whose write landed but whose answer was lost re-reads and finds nothing to do: done or unchanged.
    expect(results.every((r) => r.status !== 'failed')).toBe(true);
    const list = await saSecrets('builder');
    expect(list.slice(0, 3)).toEqual(SEEDED);
    expect([...list.slice(3)].sort()).toEqual(names);
    expect(new Set(list).size).toBe(list.length);
  });

  it('unbind removes only that secret and leaves everything else in order', async () => {
    await resetSa('builder', [...SEEDED, 'harbor-pull', 'zeta']);
    const r = await bindTarget(io, NS, { kind: 'ServiceAccount', name: 'builder' }, 'legacy-regcred', 'unbind');
    expect(r.status).toBe('done');
    expect(await saSecrets('builder')).toEqual(['dockerhub-mirror', 'quay-readonly', 'harbor-pull', 'zeta']);
    const again = await bindTarget(io, NS, { kind: 'ServiceAccount', name: 'builder' }, 'legacy-regcred', 'unbind');
    expect(again.status).toBe('unchanged');
  });

  it('unbind racing a concurrent writer keeps the writer’s entry', async () => {
    let n = 0;
    chaos.beforeWrite = async (req) => {
      if (!req.url?.includes('/serviceaccounts/builder') || n++ > 0) return;
      // Someone inserts at the front: indices shift; the guarded remove must not delete the wrong entry.
      await direct('PATCH', saPath('builder'), [{ op: 'add', path: '/imagePullSecrets/0', value: { name: 'front' } }], 'application/json-patch+json');
    };
    const r = await bindTarget(io, NS, { kind: 'ServiceAccount', name: 'builder' }, 'legacy-regcred', 'unbind');
    expect(r.status).toBe('done');
    expect(await saSecrets('builder')).toEqual(['front', 'dockerhub-mirror', 'quay-readonly']);
  });

  it('binds and unbinds a Deployment template, keeping its other pull secrets', async () => {
    const dp = `/apis/apps/v1/namespaces/${NS}/deployments/web`;
    await direct('PATCH', dp, { spec: { template: { spec: { imagePullSecrets: [{ name: 'keep-me' }] } } } }, 'application/strategic-merge-patch+json');
    const r = await bindTarget(io, NS, { kind: 'Deployment', name: 'web' }, 'harbor-pull', 'bind');
    expect(r.status).toBe('done');
    expect(r.outcomes[0].write.effects).toEqual(['rolls-workload']);
    const names = async () => ((await direct('GET', dp)).json.spec.template.spec.imagePullSecrets ?? []).map((x: { name: string }) => x.name);
    expect(await names()).toEqual(['keep-me', 'harbor-pull']);
    const u = await bindTarget(io, NS, { kind: 'Deployment', name: 'web' }, 'harbor-pull', 'unbind');
    expect(u.status).toBe('done');
    expect(await names()).toEqual(['keep-me']);
  });
});

// The registry probe against a stand-in of ks-apiserver that routes /proxy the way
// pkg/apiserver/filters/reverseproxy.go does: matcher method equal or '*', path equal or prefix with '*', 503 {}
// unless status.state is Available, and an informer that sees new ReverseProxies only after a while.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { http } from './client';
import { clusterContext } from './cluster';
import { flushOnPageHide, pendingPageHideDeletes } from './ephemeral';
import { removeProbeLeftovers, runRegistryProbe } from './probe';
import { normalizeRegistryAddress } from '../domain/registry';
import { classifyV2, isHarborPing } from '../domain/registry/probe';

interface Stored {
  body: any;
  uid: string;
  /** GETs still answered as if ks-apiserver's informer had not seen the object. */
  lag: number;
}

let server: Server;
const store = new Map<string, Stored>();
let creates: any[] = [];
let deletes: Array<{ name: string; body: any }> = [];
let upstreamSeen: Array<{ path: string; headers: IncomingMessage['headers'] }> = [];
let failDeletes: Record<string, number> = {};
let lag = 0;
let harbor = true;

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** The registry behind the proxy: Harbor or a plain registry, both asking for credentials at /v2/. */
function upstream(path: string, headers: IncomingMessage['headers']): { code: number; body: string; headers: Record<string, string> } {
  upstreamSeen.push({ path, headers });
  if (path === '/v2/') return { code: 401, body: '{"errors":[{"code":"UNAUTHORIZED"}]}', headers: { 'Www-Authenticate': 'Basic realm="Registry"', 'Set-Cookie': 'sid=1' } };
  if (path === '/api/v2.0/ping' && harbor) return { code: 200, body: 'Pong', headers: {} };
  if (path === '/api/v2.0/systeminfo' && harbor) return { code: 200, body: '{"harbor_version":"v2.11.0"}', headers: {} };
  return { code: 404, body: '404 page not found', headers: {} };
}

function route(method: string, path: string, headers: IncomingMessage['headers'], res: ServerResponse) {
  const p = path.replace(/^\/proxy-api(\/clusters\/[^/]+)?/, '');
  for (const s of store.values()) {
    const m = s.body.spec.matcher;
    const fits = (m.method === method || m.method === '*') && (m.path === p || (m.path.endsWith('*') && p.startsWith(m.path.replace(/\*+$/, ''))));
    if (!fits) continue;
    // Not seen by the informer yet: no ReverseProxy matches (404), or, as with an object seen before its status,
    // ks-apiserver's 503 with body {}.
    if (s.lag-- > 0) return s.lag % 2 ? send(res, 404, { kind: 'Status', code: 404 }) : send(res, 503, {});
    if (s.body.status?.state !== 'Available') return send(res, 503, {});
    const d = s.body.spec.directives ?? {};
    const up = { ...headers };
    for (const h of d.headerUp ?? []) if (h.startsWith('-')) delete up[h.slice(1).toLowerCase()];
    const answer = upstream(p.slice(d.stripPathPrefix.length), up);
    const down = { ...answer.headers };
    for (const h of d.headerDown ?? []) {
      if (!h.startsWith('-')) continue;
      for (const k of Object.keys(down)) if (k.toLowerCase() === h.slice(1).toLowerCase()) delete down[k];
    }
    return send(res, answer.code, answer.body, down);
  }
  return send(res, 404, { kind: 'Status', code: 404, reason: 'NotFound' });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const rp = /^(?:\/clusters\/[^/]+)?\/apis\/extensions\.kubesphere\.io\/v1alpha1\/reverseproxies(?:\/([^/]+))?$/.exec(url.pathname);
      if (rp && req.method === 'POST') {
        const b = JSON.parse(body);
        creates.push(b);
        if (store.has(b.metadata.name)) return send(res, 409, { kind: 'Status', code: 409, reason: 'AlreadyExists' });
        const uid = `uid-${b.metadata.name}`;
        store.set(b.metadata.name, { body: b, uid, lag });
        return send(res, 201, { ...b, metadata: { ...b.metadata, uid, creationTimestamp: new Date().toISOString() } });
      }
      if (rp && req.method === 'DELETE') {
        const name = rp[1]!;
        deletes.push({ name, body: body ? JSON.parse(body) : undefined });
        if ((failDeletes[name] ?? 0) > 0) {
          failDeletes[name]!--;
          return send(res, 500, { kind: 'Status', code: 500, message: 'etcd timeout' });
        }
        if (!store.delete(name)) return send(res, 404, { kind: 'Status', code: 404, reason: 'NotFound' });
        return send(res, 200, { kind: 'Status', status: 'Success' });
      }
      if (rp && req.method === 'GET') {
        const items = [...store.values()].map((s) => ({ ...s.body, metadata: { ...s.body.metadata, uid: s.uid } }));
        return send(res, 200, { kind: 'ReverseProxyList', metadata: {}, items });
      }
      if (url.pathname.startsWith('/proxy-api/')) return route(req.method ?? '', url.pathname, req.headers, res);
      send(res, 404, { kind: 'Status', code: 404 });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  http().defaults.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  http().defaults.baseURL = undefined;
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  store.clear();
  creates = [];
  deletes = [];
  upstreamSeen = [];
  failDeletes = {};
  lag = 0;
  harbor = true;
});
afterEach(() => void flushOnPageHide());

const cluster = clusterContext('host', true);
const address = (() => {
  const r = normalizeRegistryAddress('harbor.example.com:8443');
  if (!r.ok) throw new Error('address');
  return r.value;
})();
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const noWait = () => Promise.resolve();
const input = { registryId: 'harbor-example-com-8443', address, caPem: CA, paths: ['ping', 'systeminfo', 'v2'] as const };

describe('runRegistryProbe', () => {
  it('creates GET-only exact-path ReverseProxies with status Available and no credential, asks, and deletes them', async () => {
    const run = await runRegistryProbe(cluster, { ...input, paths: [...input.paths] }, { wait: noWait });
    expect(run.error).toBeUndefined();
    expect(creates).toHaveLength(3);
    for (const b of creates) {
      expect(b.status).toEqual({ state: 'Available' });
      expect(b.spec.matcher.method).toBe('GET');
      expect(b.spec.matcher.path).not.toContain('*');
      expect(b.spec.matcher.path).toMatch(new RegExp(`^/proxy/harbor-connect/${run.id}/`));
      expect(b.metadata.name).toMatch(/^hc-probe-[0-9a-f]{24}-(v2|ping|systeminfo)$/);
      expect(JSON.stringify(b)).not.toMatch(/Basic |Bearer /);
      expect(b.spec.directives.headerUp).toEqual(['-Authorization', '-Cookie']);
      expect(b.spec.directives.headerDown).toEqual(['-Www-Authenticate', '-Set-Cookie']);
      expect(Buffer.from(Buffer.from(b.spec.upstream.caBundle, 'base64').toString(), 'base64').toString()).toBe(CA);
      expect(b.spec.upstream.url).toBe('https://harbor.example.com:8443');
    }
    // /v2/ is created last, so ks-apiserver routes the others by the time it routes /v2/.
    expect(creates.at(-1).metadata.name.endsWith('-v2')).toBe(true);
    expect(run.answers.v2?.status).toBe(401);
    expect(classifyV2(run.answers.v2!)).toEqual({ state: 'ok', wantsAuth: true });
    expect(isHarborPing(run.answers.ping)).toBe(true);
    // Nothing of the user's session reached the registry.
    for (const u of upstreamSeen) {
      expect(u.headers.authorization).toBeUndefined();
      expect(u.headers.cookie).toBeUndefined();
    }
    expect(store.size).toBe(0);
    expect(deletes.every((d) => d.body?.preconditions?.uid === `uid-${d.name}`)).toBe(true);
    expect(run.cleanupFailures).toEqual([]);
    expect(pendingPageHideDeletes()).toBe(0);
  });

  it('names every run differently (96 random bits)', async () => {
    const a = await runRegistryProbe(cluster, { ...input, paths: ['v2'] }, { wait: noWait });
    const b = await runRegistryProbe(cluster, { ...input, paths: ['v2'] }, { wait: noWait });
    expect(a.id).toMatch(/^[0-9a-f]{24}$/);
    expect(a.id).not.toBe(b.id);
  });

  it('asks /v2/ again while ks-apiserver has not picked up the new ReverseProxy (404, then 503 {})', async () => {
    lag = 3;
    const run = await runRegistryProbe(cluster, { ...input, paths: ['v2'] }, { wait: noWait });
    expect(run.answers.v2?.status).toBe(401);
    expect(upstreamSeen.filter((u) => u.path === '/v2/')).toHaveLength(1);
  });

  it('says "not routed" when ks-apiserver never routes it within the budget, without waiting forever', async () => {
    lag = 1000;
    const waits: number[] = [];
    const run = await runRegistryProbe(cluster, { ...input, paths: ['v2'] }, { wait: async (ms) => void waits.push(ms) });
    expect(classifyV2(run.answers.v2!).state).toBe('not-routed');
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5_000 + 1_000);
    expect(store.size).toBe(0);
  });

  it('asks nothing else when /v2/ gets no answer from the registry: the objects live seconds, not timeouts', async () => {
    lag = 1000;
    const run = await runRegistryProbe(cluster, { ...input, paths: ['ping', 'systeminfo', 'v2'] }, { wait: noWait });
    expect(run.answers.ping).toBeUndefined();
    expect(run.answers.systeminfo).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('tells a plain registry from Harbor', async () => {
    harbor = false;
    const run = await runRegistryProbe(cluster, { ...input, paths: ['ping', 'v2'] }, { wait: noWait });
    expect(isHarborPing(run.answers.ping)).toBe(false);
    expect(run.answers.v2?.status).toBe(401);
  });

  it('retries a failed delete, and reports one that keeps failing (and keeps it for pagehide)', async () => {
    const id = 'a'.repeat(24);
    failDeletes[`hc-probe-${id}-ping`] = 1;
    failDeletes[`hc-probe-${id}-v2`] = 99;
    const run = await runRegistryProbe(cluster, { ...input, paths: ['ping', 'v2'] }, { wait: noWait, id });
    expect(deletes.filter((d) => d.name === `hc-probe-${id}-ping`)).toHaveLength(2);
    expect(run.cleanupFailures.map((f) => f.name)).toEqual([`hc-probe-${id}-v2`]);
    expect(store.has(`hc-probe-${id}-v2`)).toBe(true);
    expect(pendingPageHideDeletes()).toBe(1);
  });

  it('never deletes what another owner holds under a name it wanted (AlreadyExists is an error)', async () => {
    const id = 'b'.repeat(24);
    store.set(`hc-probe-${id}-v2`, { body: { metadata: { name: `hc-probe-${id}-v2` }, spec: { matcher: { path: '/x', method: 'GET' } } }, uid: 'theirs', lag: 0 });
    const run = await runRegistryProbe(cluster, { ...input, paths: ['v2'] }, { wait: noWait, id });
    expect(run.error).toBeTruthy();
    expect(deletes).toEqual([]);
    expect(store.get(`hc-probe-${id}-v2`)?.uid).toBe('theirs');
  });
});

describe('pagehide', () => {
  it('sends a keepalive DELETE for each probe object still alive when the page goes away', async () => {
    const listeners: Array<() => void> = [];
    vi.resetModules();
    vi.stubGlobal('window', { addEventListener: (type: string, fn: () => void) => type === 'pagehide' && listeners.push(fn) });
    const fetchSpy = vi.fn(() => Promise.resolve(new Response(null, { status: 200 })));
    vi.stubGlobal('fetch', fetchSpy);
    try {
      const eph = await import('./ephemeral');
      const untrack = eph.deleteOnPageHide('/clusters/host/apis/extensions.kubesphere.io/v1alpha1/reverseproxies/hc-probe-x-v2', { preconditions: { uid: 'u' } });
      eph.deleteOnPageHide('/clusters/host/api/v1/namespaces/demo/pods/hc-pulltest-1');
      untrack();
      expect(listeners).toHaveLength(1);
      listeners[0]!();
      expect(fetchSpy).toHaveBeenCalledTimes(1);
      const [path, init] = fetchSpy.mock.calls[0] as unknown as [string, RequestInit];
      expect(path).toBe('/clusters/host/api/v1/namespaces/demo/pods/hc-pulltest-1');
      expect(init).toMatchObject({ method: 'DELETE', keepalive: true, credentials: 'same-origin' });
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

describe('removeProbeLeftovers', () => {
  it('deletes probes older than two minutes and any probe carrying a credential, keeps recent ones', async () => {
    const now = Date.parse('2025-01-01T00:10:00Z');
    const labels = { 'app.kubernetes.io/managed-by': 'harbor-connect', 'harbor-connect.kubesphere.io/registry': 'r', 'app.kubernetes.io/component': 'probe' };
    const put = (name: string, created: string, headerUp: string[] = ['-Authorization']) =>
      store.set(name, { body: { metadata: { name, labels, creationTimestamp: created }, spec: { matcher: { path: '/x', method: 'GET' }, directives: { headerUp } } }, uid: `uid-${name}`, lag: 0 });
    put('hc-probe-old', '2025-01-01T00:00:00Z');
    put('hc-probe-new', '2025-01-01T00:09:30Z');
    put('hc-probe-r-ab12cd34', '2025-01-01T00:09:50Z', ['Authorization "Basic dTpw"', '-Cookie']);
    const r = await removeProbeLeftovers(cluster, { now });
    expect(r.removed.sort()).toEqual(['hc-probe-old', 'hc-probe-r-ab12cd34']);
    expect(r.withCredentials).toEqual(['hc-probe-r-ab12cd34']);
    expect([...store.keys()]).toEqual(['hc-probe-new']);
    expect(deletes.find((d) => d.name === 'hc-probe-old')?.body?.preconditions).toEqual({ uid: 'uid-hc-probe-old' });
  });
});

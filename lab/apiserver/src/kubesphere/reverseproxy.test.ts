import { request as httpRequest, createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authorizer, KObject, RequestContext, ResourceType, Store } from '../contract';
import { applyHeaderDirectives, decodeCaBundle, matches } from './reverseproxy';
import { kubesphereRoutes } from './routes';
import { makeTestCerts, type TestCerts } from './testcerts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const rpType: ResourceType = { group: 'extensions.kubesphere.io', version: 'v1alpha1', resource: 'reverseproxies', kind: 'ReverseProxy', namespaced: false };

let certs: TestCerts;
let upstream: Server;
let upstreamPort = 0;
let front: HttpServer;
let frontPort = 0;
let proxies: KObject[] = [];
let seen: { path: string; headers: IncomingMessage['headers'] }[] = [];

const store = {
  typeFor: (group: string, resource: string) => (group === rpType.group && resource === rpType.resource ? rpType : undefined),
  list: () => ({ items: proxies, resourceVersion: '1' }),
} as unknown as Store;

function proxyObject(name: string, caBundle: string | undefined, extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'extensions.kubesphere.io/v1alpha1',
    kind: 'ReverseProxy',
    metadata: { name },
    spec: {
      matcher: { path: `/proxy/${name}/*`, method: '*' },
      upstream: { url: `https://127.0.0.1:${upstreamPort}`, ...(caBundle !== undefined ? { caBundle } : {}) },
      directives: { stripPathPrefix: `/proxy/${name}`, headerUp: ['-Authorization', 'X-Lab-Up yes'], headerDown: ['X-Lab-Down "down"'] },
      ...extra,
    },
  };
}

function get(path: string, user = 'admin'): Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: frontPort, path, headers: { authorization: 'Bearer x', 'x-user': user } }, res => {
      let body = '';
      res.on('data', chunk => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  certs = makeTestCerts();
  upstream = createHttpsServer({ key: certs.serverKey, cert: certs.serverCert }, (req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`upstream saw ${req.url}`);
  });
  await new Promise<void>(resolve => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as AddressInfo).port;
  const allow: Authorizer = { authorize: () => ({ allowed: true }) };
  front = createHttpServer(async (req, res) => {
    const name = String(req.headers['x-user']);
    const ctx: RequestContext = { store, authorizer: allow, labDir: certs.dir, repoRoot: certs.dir, user: { name, groups: name === 'system' ? ['system:masters'] : [] } };
    if (!(await kubesphereRoutes(req, res, new URL(req.url ?? '/', 'http://x'), ctx))) res.writeHead(404).end('no route');
  });
  await new Promise<void>(resolve => front.listen(0, '127.0.0.1', resolve));
  frontPort = (front.address() as AddressInfo).port;
});

afterAll(() => {
  upstream.close();
  front.close();
  rmSync(certs.dir, { recursive: true, force: true });
});

describe('ReverseProxy caBundle', () => {
  it('is base64-decoded twice, as ks-apiserver does after JSON decoding', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(decodeCaBundle(b64(b64(pem)))).toBe(pem);
    // base64(PEM) only: the second decode meets PEM text and fails.
    expect(() => decodeCaBundle(b64(pem))).toThrow();
  });

  it('forwards to an upstream signed by the double-encoded CA, with stripPathPrefix and header directives', async () => {
    proxies = [proxyObject('hc-good', b64(b64(certs.caPem)))];
    seen = [];
    const res = await get('/proxy/hc-good/api/v2.0/ping?x=1');
    expect(res.status).toBe(200);
    expect(res.body).toBe('upstream saw /api/v2.0/ping?x=1');
    expect(res.headers['x-lab-down']).toBe('down');
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.headers['x-lab-up']).toBe('yes');
    expect(seen[0]!.headers.host).toBe(`127.0.0.1:${upstreamPort}`);
  });

  it('with a singly-encoded caBundle answers 503 "failed to decode CA bundle"', async () => {
    proxies = [proxyObject('hc-single', b64(certs.caPem))];
    const res = await get('/proxy/hc-single/x');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).ErrStatus.message).toBe('failed to decode CA bundle from upstream hc-single');
  });

  it('without a caBundle trusts only the system roots: 502 with Go\'s x509 error', async () => {
    proxies = [proxyObject('hc-none', undefined)];
    const res = await get('/proxy/hc-none/x');
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body).ErrStatus.message).toBe('Error while proxying request: tls: failed to verify certificate: x509: certificate signed by unknown authority');
  });

  it('caches the transport by name: a changed CA under the same name is not picked up', async () => {
    proxies = [proxyObject('hc-cached', b64(b64(certs.caPem)))];
    expect((await get('/proxy/hc-cached/a')).status).toBe(200);
    proxies = [proxyObject('hc-cached', undefined)];
    // Still the first CA: ks-apiserver never evicts; rotate by creating a ReverseProxy with a new name.
    expect((await get('/proxy/hc-cached/b')).status).toBe(200);
    proxies = [proxyObject('hc-cached-2', undefined)];
    expect((await get('/proxy/hc-cached-2/b')).status).toBe(502);
  });

  it('refuses a ReverseProxy whose status is not Available', async () => {
    proxies = [{ ...proxyObject('hc-down', b64(b64(certs.caPem))), status: { state: 'Unavailable' } }];
    expect((await get('/proxy/hc-down/x')).status).toBe(503);
  });

  it('is a non-resource URL under RBAC: a regular user without a grant gets 403', async () => {
    proxies = [proxyObject('hc-rbac', b64(b64(certs.caPem)))];
    const res = await get('/proxy/hc-rbac/x', 'demo-admin');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).message).toBe('forbidden: User "demo-admin" cannot get path "/proxy/hc-rbac/x"');
  });

  it('matches like ks-apiserver: exact path, or a `*` suffix as prefix; method or `*`', () => {
    expect(matches({ path: '/proxy/a/*', method: '*' }, 'GET', '/proxy/a/b/c')).toBe(true);
    expect(matches({ path: '/proxy/a/*', method: 'POST' }, 'GET', '/proxy/a/b')).toBe(false);
    expect(matches({ path: '/proxy/a', method: 'GET' }, 'GET', '/proxy/a')).toBe(true);
    expect(matches({ path: '/proxy/a', method: 'GET' }, 'GET', '/proxy/ab')).toBe(false);
  });

  it('applies headerUp directives: remove, add, replace', () => {
    const headers: Record<string, string | string[] | undefined> = { authorization: 'x', 'x-a': '1' };
    applyHeaderDirectives(headers, ['-Authorization', '+X-A 2', 'X-B "three"']);
    expect(headers).toEqual({ 'x-a': ['1', '2'], 'x-b': 'three' });
  });
});

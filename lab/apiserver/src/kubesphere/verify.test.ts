import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authorizer, RequestContext, Store } from '../contract';
import { kubesphereRoutes } from './routes';
import { makeTestCerts, type TestCerts } from './testcerts';
import { parseRegistryKey, verifyRegistrySecret } from './verify';

let certs: TestCerts;
const servers: Server[] = [];
let caPort = 0; // private-CA certificate with IP SAN, Basic auth
let cnPort = 0; // self-signed CN-only certificate
let bearerPort = 0; // private-CA certificate, Bearer token flow (Harbor's)

const BASIC_OK = `Basic ${Buffer.from('robot:s3cret').toString('base64')}`;

function registry(handler: (req: IncomingMessage, res: ServerResponse, port: () => number) => void, key: string, cert: string): Promise<number> {
  return new Promise(resolve => {
    const server = createHttpsServer({ key, cert }, (req, res) => handler(req, res, () => (server.address() as AddressInfo).port));
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

const basicV2 = (req: IncomingMessage, res: ServerResponse) => {
  if (req.url === '/v2/' && req.headers.authorization === BASIC_OK) {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    return;
  }
  res
    .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="Registry Realm"' })
    .end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }] }));
};

beforeAll(async () => {
  certs = makeTestCerts();
  caPort = await registry(basicV2, certs.serverKey, certs.serverCert);
  cnPort = await registry(basicV2, certs.cnOnlyKey, certs.cnOnlyCert);
  bearerPort = await registry(
    (req, res, port) => {
      if (req.url === '/v2/') {
        res
          .writeHead(401, { 'www-authenticate': `Bearer realm="https://127.0.0.1:${port()}/service/token",service="harbor-registry"`, 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized to access repository', detail: null }] }));
      } else if (req.url?.startsWith('/service/token')) {
        if (req.headers.authorization === BASIC_OK) res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t"}');
        else res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      } else res.writeHead(404).end();
    },
    certs.serverKey,
    certs.serverCert,
  );
});

afterAll(() => {
  for (const server of servers) server.close();
  rmSync(certs.dir, { recursive: true, force: true });
});

function dockerSecret(registryKey: string, password = 's3cret', annotations: Record<string, string> = {}) {
  const auths = { [registryKey]: { username: 'robot', password, auth: Buffer.from(`robot:${password}`).toString('base64') } };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name: 'harbor', namespace: 'demo', annotations },
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') },
  };
}

describe('registry verify (ks-apiserver semantics)', () => {
  it('fails on a private CA with Go\'s x509 wording: ks-apiserver trusts only the system roots', async () => {
    const result = await verifyRegistrySecret(dockerSecret(`https://127.0.0.1:${caPort}`));
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(
      new RegExp(`^Get "https://127\\.0\\.0\\.1:${caPort}/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority`),
    );
    // A loopback registry is retried over plain http, as go-containerregistry does; that fails too.
    expect(result.message).toContain(`; Get "http://127.0.0.1:${caPort}/v2/": `);
  });

  it('skips TLS verification with secret.kubesphere.io/force-insecure and checks the credentials', async () => {
    const insecure = { 'secret.kubesphere.io/force-insecure': 'true' };
    expect(await verifyRegistrySecret(dockerSecret(`https://127.0.0.1:${caPort}`, 's3cret', insecure))).toEqual({ ok: true });
    const wrong = await verifyRegistrySecret(dockerSecret(`https://127.0.0.1:${caPort}`, 'wrong', insecure));
    expect(wrong).toEqual({ ok: false, message: `GET https://127.0.0.1:${caPort}/v2/: UNAUTHORIZED: authentication required` });
  });

  it('runs the Bearer token flow (Harbor) against the realm', async () => {
    const insecure = { 'secret.kubesphere.io/force-insecure': 'true' };
    expect(await verifyRegistrySecret(dockerSecret(`https://127.0.0.1:${bearerPort}`, 's3cret', insecure))).toEqual({ ok: true });
    const wrong = await verifyRegistrySecret(dockerSecret(`https://127.0.0.1:${bearerPort}`, 'bad', insecure));
    expect(wrong.message).toBe(`GET https://127.0.0.1:${bearerPort}/service/token?service=harbor-registry: UNAUTHORIZED: authentication required`);
  });

  it('reports a CN-only certificate the way Go does (host name checked before the chain)', async () => {
    const result = await verifyRegistrySecret(dockerSecret(`https://127.0.0.1:${cnPort}`));
    expect(result.message).toMatch(/^Get "https:\/\/127\.0\.0\.1:\d+\/v2\/": tls: failed to verify certificate: x509: certificate relies on legacy Common Name field, use SANs instead/);
  });

  it('words refused connections as Go', async () => {
    const result = await verifyRegistrySecret(dockerSecret('https://127.0.0.1:1'));
    expect(result.message).toContain('Get "https://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused');
  });

  it('checks the Secret itself first', async () => {
    expect(await verifyRegistrySecret({ type: 'Opaque', data: {} })).toEqual({ ok: false, message: 'expected secret type: kubernetes.io/dockerconfigjson, got: Opaque' });
    expect(await verifyRegistrySecret({ type: 'kubernetes.io/dockerconfigjson', data: {} })).toEqual({
      ok: false,
      message: 'expected key .dockerconfigjson in data, found none',
    });
    const empty = { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') } };
    expect((await verifyRegistrySecret(empty)).message).toBe('not found valid auth in secret, {map[]}');
  });

  it('parses `auths` keys as Go\'s url.Parse does', () => {
    expect(parseRegistryKey('https://harbor.example.com:8443')).toEqual({ scheme: 'https', host: 'harbor.example.com:8443' });
    expect(parseRegistryKey('http://10.0.0.5')).toEqual({ scheme: 'http', host: '10.0.0.5' });
    // No scheme: no host; ks-apiserver then checks Docker Hub (go-containerregistry's default registry).
    expect(parseRegistryKey('harbor.example.com')).toEqual({ scheme: '', host: '' });
    expect(() => parseRegistryKey('127.0.0.1:5443')).toThrow('parse "127.0.0.1:5443": first path segment in URL cannot contain colon');
  });

  it('answers through the route: 200 echoes the Secret, failures are 401 text', async () => {
    const call = async (body: unknown) => {
      const req = Readable.from([Buffer.from(JSON.stringify(body))]) as unknown as IncomingMessage;
      Object.assign(req, { method: 'POST', headers: { 'content-type': 'application/json' } });
      let status = 0;
      let type = '';
      let text = '';
      const res = {
        writeHead(code: number, headers: Record<string, string>) {
          status = code;
          type = headers['content-type'] ?? '';
          return this;
        },
        end(chunk: string) {
          text = chunk;
        },
      } as unknown as ServerResponse;
      const allow: Authorizer = { authorize: () => ({ allowed: true }) };
      const ctx: RequestContext = { store: {} as Store, authorizer: allow, labDir: certs.dir, repoRoot: certs.dir, user: { name: 'demo-admin', groups: [] } };
      const url = new URL('http://x/kapis/resources.kubesphere.io/v1alpha3/namespaces/demo/registrysecrets/anything/verify');
      expect(await kubesphereRoutes(req, res, url, ctx)).toBe(true);
      return { status, type, text };
    };
    const good = dockerSecret(`https://127.0.0.1:${caPort}`, 's3cret', { 'secret.kubesphere.io/force-insecure': 'true' });
    const ok = await call(good);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual(good);
    const bad = await call(dockerSecret(`https://127.0.0.1:${caPort}`));
    expect(bad.status).toBe(401);
    expect(bad.type).toMatch(/^text\/plain/);
    expect(bad.text).toContain('x509: certificate signed by unknown authority');
  });
});

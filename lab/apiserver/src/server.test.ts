// The composed server: fallback authentication, logs, the scheduler, the cert-manager switch, restarts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from './server';

const dirs: string[] = [];
const servers: ApiServer[] = [];

async function start(labDir?: string, extra: Partial<Parameters<typeof startApiServer>[0]> = {}) {
  const dir = labDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hc-server-'));
  if (!labDir) dirs.push(dir);
  const s = await startApiServer({ port: 0, tlsPort: null, labDir: dir, repoRoot: process.cwd(), withoutKubeSphere: true, verbose: false, ...extra });
  servers.push(s);
  return { s, dir };
}

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const jwt = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

async function get(s: ApiServer, p: string, token = s.systemToken) {
  const res = await fetch(s.url + p, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
}

async function post(s: ApiServer, p: string, body: unknown) {
  const res = await fetch(s.url + p, { method: 'POST', headers: { Authorization: `Bearer ${s.systemToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as any;
}

async function until<T>(fn: () => Promise<T | undefined>, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the composed server', () => {
  it('writes the system token (600) and, without the KubeSphere part, lets a JWT username in', async () => {
    const { s, dir } = await start();
    const tokenFile = path.join(dir, 'apiserver', 'system-token');
    expect(fs.readFileSync(tokenFile, 'utf8').trim()).toBe(s.systemToken);
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(s.kubesphere).toBe('fallback');
    expect((await get(s, '/api/v1/namespaces', jwt({ username: 'admin' }))).status).toBe(200);
    expect((await get(s, '/api/v1/namespaces', jwt({ nothing: 1 }))).status).toBe(401);
    expect((await get(s, '/api/v1/namespaces', '')).status).toBe(401);
  });

  it('logs method, path, status and time, without bodies or other query parameters', async () => {
    const { s, dir } = await start();
    await fetch(`${s.url}/api/v1/namespaces/demo/secrets?labelSelector=a%3Db&password=hunter2`, { headers: { Authorization: `Bearer ${s.systemToken}` } });
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const lines = fs.readFileSync(path.join(dir, 'apiserver', 'access.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const line = lines.find((l) => l.path === '/api/v1/namespaces/demo/secrets');
    expect(line).toMatchObject({ method: 'GET', status: 200, query: { labelSelector: 'a=b' }, user: 'system:lab-controller' });
    expect(typeof line.ms).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('does not write to the access log after close when clients disconnect during close()', async () => {
    const { s } = await start();
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      // Open watches (long requests) and close the server under them: their `close` events come while close() runs.
      const aborts = Array.from({ length: 5 }, () => new AbortController());
      const watches = aborts.map((a) =>
        fetch(`${s.url}/api/v1/namespaces/demo/configmaps?watch=true`, { headers: { Authorization: `Bearer ${s.systemToken}` }, signal: a.signal })
          .then((r) => r.body?.getReader().read())
          .catch(() => undefined),
      );
      await new Promise((r) => setTimeout(r, 100));
      await s.close();
      servers.splice(servers.indexOf(s), 1);
      aborts.forEach((a) => a.abort());
      await Promise.all(watches);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(errors).toEqual([]);
  });

  it('runs its own scheduler only when asked (the nodes\' scheduler is the lab\'s)', async () => {
    const { s } = await start();
    await post(s, '/api/v1/namespaces/demo/pods', { metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await new Promise((r) => setTimeout(r, 300));
    const pod = (await get(s, '/api/v1/namespaces/demo/pods/x')).json;
    expect(pod.spec.nodeName).toBeUndefined();
    const events = (await get(s, '/api/v1/namespaces/demo/events?fieldSelector=involvedObject.name%3Dx')).json.items;
    expect(events).toEqual([]);
  });

  it('schedules pods onto fitting nodes and reports the ones that fit nowhere', async () => {
    const { s } = await start(undefined, { scheduler: true });
    await post(s, '/api/v1/namespaces/demo/pods', { metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const bound = await until(async () => {
      const p = (await get(s, '/api/v1/namespaces/demo/pods/a')).json;
      return p.spec.nodeName ? p : undefined;
    });
    expect(bound.spec.nodeName).toMatch(/^node-[123]$/);
    expect(bound.status.conditions.find((c: any) => c.type === 'PodScheduled').status).toBe('True');
    await post(s, '/api/v1/namespaces/demo/pods', { metadata: { name: 'b' }, spec: { nodeSelector: { 'kubernetes.io/hostname': 'node-9' }, containers: [{ name: 'c', image: 'busybox' }] } });
    const failed = await until(async () => {
      const list = (await get(s, '/api/v1/namespaces/demo/events?fieldSelector=involvedObject.name%3Db,reason%3DFailedScheduling')).json;
      return list.items[0];
    });
    expect(failed.message).toBe(
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    const scheduled = (await get(s, '/api/v1/namespaces/demo/events?fieldSelector=involvedObject.name%3Da')).json.items[0];
    expect(scheduled).toMatchObject({ reason: 'Scheduled', type: 'Normal', message: `Successfully assigned demo/a to ${bound.spec.nodeName}` });
  });

  it('serves cert-manager kinds when the switch file exists', async () => {
    const { s, dir } = await start();
    const has = async () => (await get(s, '/apis')).json.groups.some((g: any) => g.name === 'cert-manager.io');
    expect(await has()).toBe(false);
    fs.writeFileSync(path.join(dir, 'apiserver', 'cert-manager'), '');
    expect(await has()).toBe(true);
    const crds = (await get(s, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).json.items.map((c: any) => c.metadata.name);
    expect(crds).toEqual(expect.arrayContaining(['certificates.cert-manager.io', 'issuers.cert-manager.io', 'clusterissuers.cert-manager.io', 'jsbundles.extensions.kubesphere.io']));
    expect((await get(s, '/apis/cert-manager.io/v1/namespaces/demo/certificates')).json.kind).toBe('CertificateList');
  });

  it('keeps state across restarts and seeds only an empty state', async () => {
    const { s, dir } = await start();
    await post(s, '/api/v1/namespaces/demo/configmaps', { metadata: { name: 'kept' } });
    await post(s, '/api/v1/namespaces', { metadata: { name: 'extra' } });
    const rv = (await get(s, '/api/v1/namespaces')).json.metadata.resourceVersion;
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const { s: s2 } = await start(dir);
    expect((await get(s2, '/api/v1/namespaces/demo/configmaps/kept')).status).toBe(200);
    expect((await get(s2, '/api/v1/namespaces')).json.metadata.resourceVersion).toBe(rv);
    expect((await get(s2, '/api/v1/nodes')).json.items).toHaveLength(3);
    expect(s2.systemToken).not.toBe(s.systemToken);
    expect((await get(s2, '/api/v1/namespaces', s.systemToken)).status).toBe(401);
  });

  it('a second server on a busy port fails without touching the state', async () => {
    const { s, dir } = await start();
    const before = fs.readFileSync(path.join(dir, 'apiserver', 'system-token'), 'utf8');
    await expect(startApiServer({ port: s.port, tlsPort: null, labDir: dir, repoRoot: process.cwd(), withoutKubeSphere: true, verbose: false })).rejects.toThrow(/EADDRINUSE/);
    expect(fs.readFileSync(path.join(dir, 'apiserver', 'system-token'), 'utf8')).toBe(before);
  });
});

// The REST surface over real HTTP, with a test authenticator ("Bearer user:<name>") and an authorizer that lets
// demo-viewer only read.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticator, Authorizer } from './contract';
import { type ApiServer, startApiServer } from './server';

let server: ApiServer;
let labDir: string;

const authenticator: Authenticator = {
  authenticate(req) {
    const m = /^Bearer user:(\S+)$/.exec(req.headers.authorization ?? '');
    return m ? { name: m[1], groups: ['system:authenticated'] } : undefined;
  },
};
const authorizer: Authorizer = {
  authorize(user, a) {
    if (user.name === 'demo-viewer') return { allowed: ['get', 'list', 'watch'].includes(a.verb) };
    return { allowed: true };
  },
};

beforeAll(async () => {
  labDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-kube-'));
  server = await startApiServer({ port: 0, tlsPort: null, labDir, repoRoot: process.cwd(), withoutKubeSphere: true, verbose: false, scheduler: false, auth: { authenticator, authorizer } });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(labDir, { recursive: true, force: true });
});

async function call(method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + p, {
    method,
    headers: {
      Authorization: `Bearer ${server.systemToken}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

describe('authentication', () => {
  it('401 without a token on /api and /apis, open /version and /healthz', async () => {
    const r = await call('GET', '/api/v1/namespaces', undefined, { Authorization: '' });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await call('GET', '/apis', undefined, { Authorization: 'Bearer nonsense' })).status).toBe(401);
    expect((await call('GET', '/version', undefined, { Authorization: '' })).json.gitVersion).toMatch(/^v1\.\d+/);
    expect((await call('GET', '/healthz', undefined, { Authorization: '' })).text).toBe('ok');
  });

  it('403 with the RBAC wording', async () => {
    const r = await call('POST', '/api/v1/namespaces/demo/secrets', { metadata: { name: 'x' } }, { Authorization: 'Bearer user:demo-viewer' });
    expect(r.status).toBe(403);
    expect(r.json.message).toBe('secrets is forbidden: User "demo-viewer" cannot create resource "secrets" in API group "" in the namespace "demo"');
    expect(r.json.details).toEqual({ kind: 'secrets' });
    const named = await call('DELETE', '/apis/apps/v1/namespaces/demo/deployments/web', undefined, { Authorization: 'Bearer user:demo-viewer' });
    expect(named.json.message).toBe('deployments.apps "web" is forbidden: User "demo-viewer" cannot delete resource "deployments" in API group "apps" in the namespace "demo"');
    const cluster = await call('PATCH', '/api/v1/nodes/node-1/status', '{}', { Authorization: 'Bearer user:demo-viewer', 'Content-Type': 'application/merge-patch+json' });
    expect(cluster.json.message).toBe('nodes "node-1" is forbidden: User "demo-viewer" cannot patch resource "nodes/status" in API group "" at the cluster scope');
    expect((await call('GET', '/api/v1/namespaces/demo/secrets', undefined, { Authorization: 'Bearer user:demo-viewer' })).status).toBe(200);
  });
});

describe('discovery', () => {
  it('serves legacy discovery even when aggregated discovery is asked for', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const api = await call('GET', '/api', undefined, { Accept: accept });
    expect(api.headers.get('content-type')).toBe('application/json');
    expect(api.json.kind).toBe('APIVersions');
    const groups = (await call('GET', '/apis', undefined, { Accept: accept })).json;
    expect(groups.groups.map((g: any) => g.name)).toEqual(expect.arrayContaining(['apps', 'batch', 'networking.k8s.io', 'extensions.kubesphere.io', 'tenant.kubesphere.io']));
    expect(groups.groups.map((g: any) => g.name)).not.toContain('cert-manager.io');
    const core = (await call('GET', '/api/v1')).json;
    const names = core.resources.map((r: any) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pods', 'pods/status', 'pods/log', 'secrets', 'serviceaccounts', 'events', 'namespaces', 'nodes']));
    expect(core.resources.find((r: any) => r.name === 'serviceaccounts')).toMatchObject({ namespaced: true, kind: 'ServiceAccount', shortNames: ['sa'] });
    const oapi = (await call('GET', '/openapi/v3')).json;
    expect(Object.keys(oapi.paths)).toContain('api/v1');
  });

  it('logs unknown paths and answers a 404 Status', async () => {
    const r = await call('GET', '/apis/nope.example.com/v1/things');
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource' });
    expect(fs.readFileSync(path.join(labDir, 'apiserver', 'unknown-paths.log'), 'utf8')).toContain('GET /apis/nope.example.com/v1/things');
  });
});

describe('resources', () => {
  it('creates, reads, lists as typed lists, replaces with conflicts, deletes with a Status', async () => {
    const created = await call('POST', '/api/v1/namespaces/demo/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'regcred', labels: { 'app.kubernetes.io/managed-by': 'harbor-connect' } },
      type: 'kubernetes.io/dockerconfigjson',
      stringData: { '.dockerconfigjson': '{"auths":{}}' },
    });
    expect(created.status).toBe(201);
    expect(created.json.data['.dockerconfigjson']).toBe(Buffer.from('{"auths":{}}').toString('base64'));
    const list = await call('GET', '/api/v1/namespaces/demo/secrets?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dharbor-connect');
    expect(list.json.kind).toBe('SecretList');
    expect(list.json.items.map((i: any) => i.metadata.name)).toEqual(['regcred']);
    expect(list.json.items[0].kind).toBeUndefined();
    const stale = { ...created.json, metadata: { ...created.json.metadata, resourceVersion: '1' } };
    const conflict = await call('PUT', '/api/v1/namespaces/demo/secrets/regcred', stale);
    expect(conflict.status).toBe(409);
    expect(conflict.json.reason).toBe('Conflict');
    const mismatch = await call('PUT', '/api/v1/namespaces/demo/secrets/other', created.json);
    expect(mismatch.json.message).toBe('the name of the object (regcred) does not match the name on the URL (other)');
    const dry = await call('DELETE', '/api/v1/namespaces/demo/secrets/regcred?dryRun=All');
    expect(dry.status).toBe(200);
    const del = await call('DELETE', '/api/v1/namespaces/demo/secrets/regcred');
    expect(del.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'regcred', kind: 'secrets' } });
    expect((await call('GET', '/api/v1/namespaces/demo/secrets/regcred')).json.message).toBe('secrets "regcred" not found');
  });

  it('patches a ServiceAccount with every patch type', async () => {
    const base = '/api/v1/namespaces/demo/serviceaccounts/builder';
    const smp = await call('PATCH', base, { imagePullSecrets: [{ name: 'only' }] }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    expect(smp.json.imagePullSecrets).toEqual([{ name: 'only' }]);
    const failed = await call('PATCH', base, [{ op: 'test', path: '/imagePullSecrets/0/name', value: 'x' }], { 'Content-Type': 'application/json-patch+json' });
    expect(failed.status).toBe(422);
    expect(failed.json.message).toBe('the server rejected our request due to an error in our request');
    const ok = await call(
      'PATCH',
      base,
      [
        { op: 'test', path: '/imagePullSecrets/0/name', value: 'only' },
        { op: 'add', path: '/imagePullSecrets/-', value: { name: 'second' } },
      ],
      { 'Content-Type': 'application/json-patch+json' },
    );
    expect(ok.json.imagePullSecrets).toEqual([{ name: 'only' }, { name: 'second' }]);
    const merge = await call('PATCH', base, { metadata: { labels: { a: 'b' } } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(merge.json.metadata.labels).toEqual({ a: 'b' });
    expect(merge.json.imagePullSecrets).toHaveLength(2);
    const bad = await call('PATCH', base, '{}', { 'Content-Type': 'text/plain' });
    expect(bad.status).toBe(415);
  });

  it('custom resources refuse strategic merge patch (415) like the apiserver', async () => {
    const r = await call('PATCH', '/apis/tenant.kubesphere.io/v1beta1/workspacetemplates/nothing', '{}', { 'Content-Type': 'application/strategic-merge-patch+json' });
    expect(r.status).toBe(415);
    expect(r.json.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('status subresource: PUT/PATCH change only status; main PUT ignores status', async () => {
    const dep = (await call('GET', '/apis/apps/v1/namespaces/demo/deployments/web')).json;
    const st = await call('PATCH', '/apis/apps/v1/namespaces/demo/deployments/web/status', { status: { readyReplicas: 1 }, spec: { replicas: 9 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(st.json.status.readyReplicas).toBe(1);
    expect(st.json.spec.replicas).toBe(dep.spec.replicas);
    const put = await call('PUT', '/apis/apps/v1/namespaces/demo/deployments/web', { ...st.json, status: { readyReplicas: 7 } });
    expect(put.json.status.readyReplicas).toBe(1);
  });

  it('answers Tables when asked (kubectl get)', async () => {
    const r = await call('GET', '/api/v1/nodes', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(r.json.kind).toBe('Table');
    expect(r.json.columnDefinitions.map((c: any) => c.name).slice(0, 5)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
    expect(r.json.rows[0].cells[0]).toBe('node-1');
    expect(r.json.rows[0].object.kind).toBe('PartialObjectMetadata');
  });

  it('binds pods, serves their log, scales deployments, deletes collections', async () => {
    await call('POST', '/api/v1/namespaces/demo/pods', {
      metadata: { name: 'p1', labels: { run: 'x' }, annotations: { 'lab.harbor-connect.io/log': 'hello\nworld\n' } },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const bind = await call('POST', '/api/v1/namespaces/demo/pods/p1/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { kind: 'Node', name: 'node-2' } });
    expect(bind.status).toBe(201);
    const onNode = await call('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-2');
    expect(onNode.json.items.map((p: any) => p.metadata.name)).toEqual(['p1']);
    expect((await call('GET', '/api/v1/namespaces/demo/pods/p1/log?tailLines=1')).text).toBe('world\n');
    const scale = await call('PATCH', '/apis/apps/v1/namespaces/demo/deployments/web/scale', { spec: { replicas: 3 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(scale.json).toMatchObject({ kind: 'Scale', spec: { replicas: 3 }, status: { selector: 'app=web' } });
    const dc = await call('DELETE', '/api/v1/namespaces/demo/pods?labelSelector=run%3Dx');
    expect(dc.json.kind).toBe('PodList');
    expect(dc.json.items.map((p: any) => p.metadata.name)).toEqual(['p1']);
  });

  it('patches a DaemonSet spec whatever its status holds (status is not validated on the main resource)', async () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ds-status' },
      spec: {
        selector: { matchLabels: { app: 'ds-status' } },
        template: { metadata: { labels: { app: 'ds-status' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } },
      },
    };
    expect((await call('POST', '/apis/apps/v1/namespaces/demo/daemonsets', ds)).status).toBe(201);
    // A controller's partial status (no currentNumberScheduled), as the status subresource accepts.
    const st = await call('PATCH', '/apis/apps/v1/namespaces/demo/daemonsets/ds-status/status', { status: { desiredNumberScheduled: 3, observedGeneration: 1 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(st.status).toBe(200);
    const patch = { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } } } };
    const res = await call('PATCH', '/apis/apps/v1/namespaces/demo/daemonsets/ds-status', patch, { 'Content-Type': 'application/strategic-merge-patch+json' });
    expect(res.text).not.toContain('Required value');
    expect(res.status).toBe(200);
    expect(res.json.spec.template.spec.containers[0].image).toBe('busybox:1.37');
    const put = await call('PUT', '/apis/apps/v1/namespaces/demo/daemonsets/ds-status', { ...res.json, status: { numberReady: 1 } });
    expect(put.status).toBe(200);
    // Required fields outside status still are.
    const bad = await call('POST', '/apis/apps/v1/namespaces/demo/daemonsets', { ...ds, metadata: { name: 'ds-bad' }, spec: { template: ds.spec.template } });
    expect(bad.status).toBe(422);
  });

  it('answers SelfSubjectAccessReviews with the authorizer', async () => {
    const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: 'demo', verb: 'create', resource: 'secrets' } } };
    expect((await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', body, { Authorization: 'Bearer user:demo-viewer' })).json.status.allowed).toBe(false);
    expect((await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', body)).json.status.allowed).toBe(true);
  });
});

/** Reads a watch stream line by line until `until` says stop. */
function watch(p: string, until: (events: any[]) => boolean, timeoutMs = 5000): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    const req = http.get(server.url + p, { headers: { Authorization: `Bearer ${server.systemToken}` } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
        }
        if (until(events)) {
          req.destroy();
          resolve(events);
        }
      });
      res.on('end', () => resolve(events));
    });
    req.on('error', (e) => (events.length ? resolve(events) : reject(e)));
    setTimeout(() => {
      req.destroy();
      resolve(events);
    }, timeoutMs);
  });
}

describe('watch over HTTP', () => {
  it('streams events after a resourceVersion, and ends at timeoutSeconds', async () => {
    const list = await call('GET', '/api/v1/namespaces/demo/configmaps');
    const rv = list.json.metadata.resourceVersion;
    const pending = watch(`/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion=${rv}`, (ev) => ev.length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    await call('POST', '/api/v1/namespaces/demo/configmaps', { metadata: { name: 'w1' } });
    await call('DELETE', '/api/v1/namespaces/demo/configmaps/w1');
    const events = await pending;
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w1', 'DELETED w1']);
    expect(events[0].object.kind).toBe('ConfigMap');
    const started = Date.now();
    const none = await watch(`/api/v1/namespaces/demo/configmaps?watch=1&resourceVersion=${server.store.currentResourceVersion()}&timeoutSeconds=1`, () => false, 4000);
    expect(none).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('sends an ERROR event with 410 Expired for a resourceVersion older than the history', async () => {
    // A restarted apiserver's watch cache starts at the current resourceVersion, like after a restart.
    server.store.persistNow();
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-kube2-'));
    fs.mkdirSync(path.join(dir2, 'apiserver'));
    fs.copyFileSync(path.join(labDir, 'apiserver', 'state.json'), path.join(dir2, 'apiserver', 'state.json'));
    const restarted = await startApiServer({ port: 0, tlsPort: null, labDir: dir2, repoRoot: process.cwd(), withoutKubeSphere: true, verbose: false });
    try {
      const res = await fetch(`${restarted.url}/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion=1`, { headers: { Authorization: `Bearer ${restarted.systemToken}` } });
      expect(res.status).toBe(200);
      const [line] = (await res.text()).trim().split('\n');
      const event = JSON.parse(line);
      expect(event.type).toBe('ERROR');
      expect(event.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
      expect(event.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
    } finally {
      await restarted.close();
      fs.rmSync(dir2, { recursive: true, force: true });
    }
  });
});

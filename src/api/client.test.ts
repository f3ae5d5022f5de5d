// The client against a real HTTP server (the fetch adapter, Node's fetch), so headers, bodies, timeouts and
// cancellation are what goes over the wire.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http, request } from './client';
import { clusterContext } from './cluster';
import { isCanceled, isConflict, isNotFound, isTimeout, ApiError } from './errors';
import { clientFor, configMaps, namespaces, secrets, serviceAccounts, listWorkspaceProjects } from './resources';
import { executeWrite } from './write';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let seen: Seen[] = [];
let handler: (req: Seen, res: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      handler(s, res);
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
  seen = [];
  handler = (_req, res) => json(res, 200, {});
});

function json(res: ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const host = clusterContext('host', false);
const member = clusterContext('m1', true);

describe('request', () => {
  it('sends JSON with the no-toast header and same-origin relative paths only', async () => {
    handler = (_r, res) => json(res, 200, { ok: true });
    await expect(request('POST', '/api/v1/namespaces', { body: { a: 1 } })).resolves.toEqual({ ok: true });
    expect(seen[0].headers['x-ignore-error-notify']).toBe('true');
    expect(seen[0].headers['content-type']).toBe('application/json');
    expect(seen[0].headers.accept).toContain('application/json');
    expect(JSON.parse(seen[0].body)).toEqual({ a: 1 });
    await expect(request('GET', 'https://evil.example/api')).rejects.toThrow(/same-origin/);
    await expect(request('GET', '//evil.example/api')).rejects.toThrow(/same-origin/);
  });

  it('turns Status bodies into ApiError', async () => {
    handler = (_r, res) =>
      json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: 'secrets "x" not found', details: { name: 'x', kind: 'secrets' } });
    const err = await secrets.get(host, 'x', { namespace: 'demo' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(isNotFound(err)).toBe(true);
    expect(err.method).toBe('GET');
    expect(err.path).toBe('/api/v1/namespaces/demo/secrets/x');
  });

  it('keeps KubeSphere plain-text errors', async () => {
    handler = (_r, res) => {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end('registry auth failed with err: unauthorized');
    };
    const err = (await request('POST', '/kapis/resources.kubesphere.io/v1alpha3/namespaces/d/registrysecrets/x/verify', { body: {} }).catch((e) => e)) as ApiError;
    expect(err.code).toBe(400);
    expect(err.message).toBe('registry auth failed with err: unauthorized');
  });

  it('times out per call', async () => {
    handler = (_r, res) => setTimeout(() => json(res, 200, {}), 500);
    const err = (await request('GET', '/api/v1/nodes', { timeout: 50 }).catch((e) => e)) as ApiError;
    expect(isTimeout(err)).toBe(true);
    expect(err.timeoutMs).toBe(50);
  });

  it('cancels through an AbortSignal', async () => {
    handler = (_r, res) => setTimeout(() => json(res, 200, {}), 500);
    const ac = new AbortController();
    const p = request('GET', '/api/v1/nodes', { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    expect(isCanceled(await p.catch((e) => e))).toBe(true);
  });
});

describe('http(), the subset of the axios instance API the benches and lab tests use', () => {
  it('sends defaults.headers.common, runs interceptors, and keeps a non-JSON body as text', async () => {
    handler = (_r, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('not json');
    };
    const h = http();
    h.defaults.headers.common.Authorization = 'Bearer t';
    const urls: string[] = [];
    h.interceptors.request.use((c) => (urls.push(`${c.method} ${c.url}`), c));
    try {
      await expect(request('GET', '/x')).resolves.toBe('not json');
      expect(seen[0].headers.authorization).toBe('Bearer t');
      expect(urls).toEqual(['get /x']);
      const res = await h.request({ method: 'GET', url: '/y', responseType: 'text', validateStatus: () => true });
      expect(res).toMatchObject({ status: 200, data: 'not json' });
    } finally {
      delete h.defaults.headers.common.Authorization;
    }
  });

  it('an already aborted signal sends nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(isCanceled(await request('GET', '/api/v1/nodes', { signal: ac.signal }).catch((e) => e))).toBe(true);
    expect(seen).toHaveLength(0);
  });

  it('an empty answer is an empty string, as axios gave it', async () => {
    handler = (_r, res) => {
      res.writeHead(200);
      res.end();
    };
    await expect(request('DELETE', '/api/v1/namespaces/x')).resolves.toBe('');
  });
});

describe('resource client', () => {
  it('lists with selectors, and follows continue to the end', async () => {
    handler = (r, res) => {
      const u = new URL(r.url, 'http://x');
      const cont = u.searchParams.get('continue');
      if (!cont) return json(res, 200, { metadata: { continue: 'p2', resourceVersion: '5' }, items: [{ metadata: { name: 'a' } }] });
      if (cont === 'p2') return json(res, 200, { metadata: { continue: 'p3' }, items: [{ metadata: { name: 'b' } }] });
      return json(res, 200, { metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'c' } }] });
    };
    const all = await secrets.listAll(member, { namespace: 'demo', labelSelector: 'app.kubernetes.io/managed-by=harbor-connect', limit: 1 });
    expect(all.items.map((i) => i.metadata?.name)).toEqual(['a', 'b', 'c']);
    expect(all.metadata.continue).toBeUndefined();
    expect(seen).toHaveLength(3);
    expect(seen[0].url).toBe('/clusters/m1/api/v1/namespaces/demo/secrets?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dharbor-connect&limit=1');
    expect(seen[2].url).toContain('continue=p3');
  });

  it('creates with apiVersion/kind filled in and the field manager', async () => {
    handler = (r, res) => json(res, 201, JSON.parse(r.body));
    await configMaps.create(host, { metadata: { name: 'c', namespace: 'demo' }, data: { a: 'b' } }, { dryRun: true });
    expect(seen[0].method).toBe('POST');
    expect(seen[0].url).toBe('/api/v1/namespaces/demo/configmaps?dryRun=All&fieldManager=harbor-connect');
    expect(JSON.parse(seen[0].body)).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
  });

  it('refuses a replace without resourceVersion, and surfaces 409 on a stale one', async () => {
    expect(() => serviceAccounts.replace(host, { metadata: { name: 'default', namespace: 'demo' } })).toThrow(/resourceVersion/);
    handler = (_r, res) => json(res, 409, { kind: 'Status', code: 409, reason: 'Conflict', message: 'modified', details: { name: 'default', kind: 'serviceaccounts' } });
    const err = await serviceAccounts.replace(host, { metadata: { name: 'default', namespace: 'demo', resourceVersion: '3' } }).catch((e) => e);
    expect(isConflict(err)).toBe(true);
    expect(seen[0].method).toBe('PUT');
  });

  it('sends each patch type with its content type', async () => {
    for (const [type, ct] of [
      ['json', 'application/json-patch+json'],
      ['merge', 'application/merge-patch+json'],
      ['strategic-merge', 'application/strategic-merge-patch+json'],
    ] as const) {
      await serviceAccounts.patch(host, 'default', type === 'json' ? [{ op: 'test', path: '/x', value: 1 }] : { a: 1 }, type, { namespace: 'demo' });
      expect(seen.at(-1)?.headers['content-type']).toBe(ct);
      expect(seen.at(-1)?.method).toBe('PATCH');
    }
    expect(JSON.parse(seen[0].body)).toEqual([{ op: 'test', path: '/x', value: 1 }]);
  });

  it('deletes with propagation and a resourceVersion precondition', async () => {
    await namespaces.delete(host, 'demo', { propagationPolicy: 'Foreground', resourceVersion: '9' });
    expect(seen[0].method).toBe('DELETE');
    expect(seen[0].url).toBe('/api/v1/namespaces/demo');
    expect(JSON.parse(seen[0].body)).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground', preconditions: { resourceVersion: '9' } });
  });

  it('lists workspace projects through the route KubeSphere registers, with the cluster in the multi-cluster prefix', async () => {
    handler = (_r, res) => json(res, 200, { items: [], totalItems: 0 });
    // KubeSphere 4.1 is multi-cluster even with one cluster (configz: multicluster.clusterRole host).
    await listWorkspaceProjects(clusterContext('host', true), 'ws1', { limit: 100 });
    await listWorkspaceProjects(member, 'ws1');
    expect(seen.map((s) => s.url)).toEqual([
      '/clusters/host/kapis/tenant.kubesphere.io/v1beta1/workspaces/ws1/namespaces?limit=100',
      '/clusters/m1/kapis/tenant.kubesphere.io/v1beta1/workspaces/ws1/namespaces',
    ]);
  });
});

describe('executeWrite', () => {
  beforeEach(() => {
    handler = (r, res) => json(res, 200, r.body ? JSON.parse(r.body) : {});
  });

  it('knows every kind by apiVersion and kind', () => {
    expect(clientFor('v1', 'Secret')?.type.resource).toBe('secrets');
    expect(clientFor('apps/v1', 'DaemonSet')?.type.resource).toBe('daemonsets');
    expect(clientFor('cert-manager.io/v1', 'Certificate')?.type.resource).toBe('certificates');
    expect(clientFor('extensions.kubesphere.io/v1alpha1', 'ReverseProxy')?.type.namespaced).toBe(false);
    expect(clientFor('v1', 'Nope')).toBeUndefined();
  });

  it('applies create, replace, patch and delete', async () => {
    await executeWrite({ action: 'create', apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 's', body: { type: 'Opaque', metadata: { labels: { a: 'b' } } } }, member);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/clusters/m1/api/v1/namespaces/demo/secrets?fieldManager=harbor-connect' });
    expect(JSON.parse(seen[0].body)).toEqual({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { labels: { a: 'b' }, name: 's', namespace: 'demo' } });

    await executeWrite(
      { action: 'replace', apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'demo', name: 'default', body: { metadata: { name: 'default', resourceVersion: '4' } } },
      host,
    );
    expect(seen[1]).toMatchObject({ method: 'PUT', url: '/api/v1/namespaces/demo/serviceaccounts/default?fieldManager=harbor-connect' });

    await executeWrite(
      { action: 'patch', apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'demo', name: 'default', patch: [{ op: 'test', path: '/imagePullSecrets', value: [] }] },
      host,
    );
    expect(seen[2].headers['content-type']).toBe('application/json-patch+json');
    await executeWrite({ action: 'patch', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'demo', name: 'web', patch: { spec: {} }, patchType: 'strategic-merge' }, host);
    expect(seen[3].headers['content-type']).toBe('application/strategic-merge-patch+json');

    await executeWrite({ action: 'delete', apiVersion: 'extensions.kubesphere.io/v1alpha1', kind: 'ReverseProxy', name: 'hc-harbor' }, host, { dryRun: true });
    expect(seen[4]).toMatchObject({ method: 'DELETE', url: '/apis/extensions.kubesphere.io/v1alpha1/reverseproxies/hc-harbor?dryRun=All' });
  });

  it('a dry-run delete with preconditions says dryRun in its DeleteOptions body: kube-apiserver ignores the query when a body is sent', async () => {
    await executeWrite(
      { action: 'delete', apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 's', preconditions: { uid: 'u-1' } },
      host,
      { dryRun: true },
    );
    expect(seen[0].url).toBe('/api/v1/namespaces/demo/secrets/s?dryRun=All');
    expect(JSON.parse(seen[0].body)).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: 'u-1' }, dryRun: ['All'] });
  });

  it('sends a planned delete\'s uid and resourceVersion preconditions', async () => {
    await executeWrite(
      { action: 'delete', apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 's', preconditions: { uid: 'u-1', resourceVersion: '42' } },
      member,
    );
    expect(seen[0]).toMatchObject({ method: 'DELETE', url: '/clusters/m1/api/v1/namespaces/demo/secrets/s' });
    expect(JSON.parse(seen[0].body)).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: 'u-1', resourceVersion: '42' } });
  });

  it('never sends kubectl\'s last-applied copy with a Secret it creates or replaces', async () => {
    const LAST = 'kubectl.kubernetes.io/last-applied-configuration';
    const metadata = { name: 's', resourceVersion: '3', annotations: { [LAST]: '{"data":{"password":"old"}}', keep: 'me' } };
    await executeWrite({ action: 'replace', apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 's', body: { type: 'Opaque', metadata } }, host);
    await executeWrite({ action: 'create', apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 's', body: { type: 'Opaque', metadata: { annotations: { [LAST]: 'x' } } } }, host);
    expect(JSON.parse(seen[0].body).metadata.annotations).toEqual({ keep: 'me' });
    expect(JSON.parse(seen[1].body).metadata.annotations).toBeUndefined();
    // Other kinds are sent as planned.
    await executeWrite({ action: 'create', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'c', body: { metadata: { annotations: { [LAST]: 'x' } } } }, host);
    expect(JSON.parse(seen[2].body).metadata.annotations).toEqual({ [LAST]: 'x' });
  });

  it('rejects malformed writes before any request', async () => {
    await expect(executeWrite({ action: 'create', apiVersion: 'v1', kind: 'Widget', name: 'x', body: {} }, host)).rejects.toThrow(/no API client/);
    await expect(executeWrite({ action: 'create', apiVersion: 'v1', kind: 'Secret', name: 'x', body: {} }, host)).rejects.toThrow(/namespace/);
    await expect(executeWrite({ action: 'replace', apiVersion: 'v1', kind: 'Secret', namespace: 'd', name: 'x', body: { metadata: {} } }, host)).rejects.toThrow(/resourceVersion/);
    await expect(executeWrite({ action: 'patch', apiVersion: 'v1', kind: 'Secret', namespace: 'd', name: 'x' }, host)).rejects.toThrow(/patch is required/);
    expect(seen).toHaveLength(0);
  });
});

describe('planExecutor (what applyPlan runs)', () => {
  it('reports UNCHANGED for a create that finds the object as planned and a delete that finds nothing', async () => {
    const { planExecutor } = await import('./write');
    const { UNCHANGED } = await import('../domain/plan/apply');
    handler = (r, res) => {
      if (r.method === 'POST') return json(res, 409, { kind: 'Status', code: 409, reason: 'AlreadyExists', details: { name: 'cm', kind: 'configmaps' } });
      if (r.method === 'GET') return json(res, 200, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'demo', resourceVersion: '3' }, data: { a: 'b' } });
      return json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound' });
    };
    const exec = planExecutor(host);
    const create = { action: 'create', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'cm', body: { metadata: { name: 'cm' }, data: { a: 'b' } } } as const;
    await expect(exec(create)).resolves.toBe(UNCHANGED);
    // Someone else's object under the name: an error naming it, never 'unchanged'.
    await expect(exec({ ...create, body: { metadata: { name: 'cm' }, data: { a: 'other' } } })).rejects.toMatchObject({ name: 'NameTakenError', objectName: 'cm', namespace: 'demo' });
    await expect(exec({ action: 'delete', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'gone' })).resolves.toBe(UNCHANGED);
  });

  it('sends a write again after a transient failure (503, then done), bounded', async () => {
    const { planExecutor } = await import('./write');
    let posts = 0;
    handler = (r, res) => {
      if (r.method === 'POST' && ++posts === 1) return json(res, 503, { kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
      return json(res, 201, JSON.parse(r.body));
    };
    const create = { action: 'create', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'cm', body: { metadata: { name: 'cm' }, data: { a: 'b' } } } as const;
    await expect(planExecutor(host)(create)).resolves.toMatchObject({ data: { a: 'b' } });
    expect(posts).toBe(2);
    handler = (_r, res) => json(res, 503, { kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
    seen = [];
    await expect(planExecutor(host)(create)).rejects.toMatchObject({ code: 503 });
    expect(seen.filter((q) => q.method === 'POST')).toHaveLength(8);
  }, 20_000);

  it('a cluster that does not answer is reported after two timeouts, not eight', async () => {
    const { planExecutor } = await import('./write');
    handler = (_r, res) => setTimeout(() => json(res, 201, {}), 400);
    const create = { action: 'create', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'cm', body: { metadata: { name: 'cm' } } } as const;
    const err = await planExecutor(host, { timeout: 50 })(create).catch((e) => e);
    expect(isTimeout(err), String(err)).toBe(true);
    expect(seen.filter((q) => q.method === 'POST')).toHaveLength(2);
  });

  it('someone else\'s same-named Secret fails the create, and the ServiceAccount is never bound to it (stop on failure)', async () => {
    const { planExecutor } = await import('./write');
    const { applyStaged } = await import('../domain/plan/apply');
    const { planBinding } = await import('../domain/binding');
    const { buildPullSecret } = await import('../domain/dockerconfig');
    const body = buildPullSecret({ name: 'harbor-pull', namespace: 'demo', registryId: 'harbor-example-com', server: 'harbor.example.com', username: 'u', password: 'p' });
    const foreign = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'harbor-pull', namespace: 'demo', labels: { team: 'x' } }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'eyJhdXRocyI6e319' } };
    handler = (r, res) => {
      if (r.method === 'POST') return json(res, 409, { kind: 'Status', code: 409, reason: 'AlreadyExists' });
      if (r.method === 'GET') return json(res, 200, foreign);
      return json(res, 200, {});
    };
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'demo', resourceVersion: '1' }, imagePullSecrets: [{ name: 'other' }] };
    const create = { action: 'create' as const, apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 'harbor-pull', body };
    const out = await applyStaged([create, ...planBinding({ secretName: 'harbor-pull', serviceAccounts: [sa as never] }).writes], planExecutor(host), {
      stage: (w) => (w.kind === 'Secret' ? 0 : 1),
      stopOnFailure: true,
    });
    expect(out.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect((out[0] as { error: unknown }).error).toMatchObject({ name: 'NameTakenError' });
    expect(seen.filter((q) => q.method === 'PATCH')).toEqual([]);
  });

  it('a write that landed is not reported failed when the read confirming it is lost once', async () => {
    const { planExecutor } = await import('./write');
    const { UNCHANGED } = await import('../domain/plan/apply');
    const { planBinding } = await import('../domain/binding');
    const planned = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'demo', resourceVersion: '1' }, imagePullSecrets: [{ name: 'other' }] };
    const bound = { ...planned, metadata: { ...planned.metadata, resourceVersion: '2' }, imagePullSecrets: [{ name: 'other' }, { name: 'harbor-pull' }] };
    let patches = 0;
    let gets = 0;
    handler = (r, res) => {
      // The first PATCH lands but its answer is lost (the connection drops); the second finds its guard moved (422).
      if (r.method === 'PATCH' && ++patches === 1) return res.destroy();
      if (r.method === 'PATCH') return json(res, 422, { kind: 'Status', code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' });
      // The read that would show it landed is lost once too.
      if (r.method === 'GET' && ++gets === 1) return res.destroy();
      return json(res, 200, bound);
    };
    const [write] = planBinding({ secretName: 'harbor-pull', serviceAccounts: [planned as never] }).writes;
    await expect(planExecutor(host)(write)).resolves.toBe(UNCHANGED);
    expect([patches, gets]).toEqual([2, 2]);
  }, 20_000);

  it('a binding whose list moved since it was planned is planned again from a fresh read: the other entries stay', async () => {
    const { planExecutor } = await import('./write');
    const { planBinding } = await import('../domain/binding');
    const planned = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'demo', resourceVersion: '1' }, imagePullSecrets: [{ name: 'other' }] };
    const now = { ...planned, metadata: { ...planned.metadata, resourceVersion: '2' }, imagePullSecrets: [{ name: 'other' }, { name: 'theirs' }] };
    const patches: unknown[] = [];
    handler = (r, res) => {
      if (r.method === 'GET') return json(res, 200, now);
      if (r.method === 'PATCH') {
        const ops = JSON.parse(r.body) as Array<{ op: string; path: string; value?: unknown }>;
        patches.push(ops);
        const test = ops.find((o) => o.op === 'test');
        if (test && JSON.stringify(test.value) !== JSON.stringify(now.imagePullSecrets)) return json(res, 422, { kind: 'Status', code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' });
        return json(res, 200, now);
      }
      return json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound' });
    };
    const [write] = planBinding({ secretName: 'harbor-pull', serviceAccounts: [planned as never] }).writes;
    await planExecutor(host)(write);
    expect(patches).toHaveLength(2);
    const last = patches[1] as Array<{ op: string; path: string; value?: unknown }>;
    expect(JSON.stringify(last)).toContain('theirs');
    expect(JSON.stringify(last)).toContain('harbor-pull');
  });
});

describe('lists', () => {
  it('an empty list the server answers with "items": null is an empty array (kube-apiserver 1.31, PartialObjectMetadataList)', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '977' }, items: null }));
    };
    const list = await secrets.list(clusterContext('host', true), { labelSelector: 'a=b' });
    expect(list.items).toEqual([]);
    expect(seen.at(-1)!.url).toBe('/clusters/host/api/v1/secrets?labelSelector=a%3Db');
  });
});

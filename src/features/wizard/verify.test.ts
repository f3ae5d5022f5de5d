// The wizard's pull test: a temporary Secret and pod in the project the user chose, labelled like every pull-test
// object, deleted afterwards (failures reported), and leftovers of closed tabs removed by label.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http, setAdapter, type HttpAdapter } from '../../api/client';
import { clusterContext } from '../../api/cluster';
import { flushOnPageHide, pendingPageHideDeletes } from '../../api/ephemeral';
import { normalizeRegistryAddress } from '../../domain/registry';
import { runPullTest } from './verify';
import { removePullTestLeftovers } from '../pulltest/engine';

interface Req {
  method: string;
  url: string;
  body?: any;
}
let reqs: Req[] = [];
let failDelete: RegExp | undefined;
let listed: { pods: unknown[]; secrets: unknown[] } = { pods: [], secrets: [] };
let saved: HttpAdapter;

beforeAll(() => {
  saved = http().defaults.adapter;
  setAdapter(async (config) => {
    const method = (config.method ?? 'get').toUpperCase();
    const url = decodeURIComponent(config.url ?? '');
    const body = config.data ? JSON.parse(String(config.data)) : undefined;
    reqs.push({ method, url, body });
    const reply = (data: unknown, status = 200) => {
      if (status >= 400) throw Object.assign(new Error(String(status)), { response: { status, data }, config });
      return { data, status, statusText: '', headers: {}, config } as never;
    };
    if (method === 'POST') return reply({ ...body, metadata: { ...body.metadata, uid: `uid-${body.metadata.name}` } }, 201);
    if (method === 'DELETE') return failDelete?.test(url) ? reply({ kind: 'Status', code: 500, message: 'etcd timeout' }, 500) : reply({});
    // A run's pods, by its label: the pods it created, scheduled and pending.
    const run = /\/pods\?.*pull-test=([a-z0-9]+)/.exec(url)?.[1];
    if (run) {
      const mine = reqs.filter((r) => r.method === 'POST' && /\/pods/.test(r.url) && r.body.metadata.labels['harbor-connect.kubesphere.io/pull-test'] === run);
      return reply({ items: mine.map((r) => ({ metadata: r.body.metadata, spec: { ...r.body.spec, nodeName: 'node-1' }, status: { phase: 'Pending' } })) });
    }
    if (/\/events/.test(url)) return reply({ items: [{ reason: 'Pulled', message: 'Successfully pulled image', involvedObject: { name: url.split('involvedObject.name=')[1] } }] });
    if (/\/pods\?/.test(url)) return reply({ items: listed.pods });
    if (/\/secrets\?/.test(url)) return reply({ items: listed.secrets });
    return reply({}, 404);
  });
});
afterAll(() => setAdapter(saved));
beforeEach(() => {
  reqs = [];
  failDelete = undefined;
});

const cluster = clusterContext('host', true);
const address = (() => {
  const r = normalizeRegistryAddress('harbor.example.com');
  if (!r.ok) throw new Error('address');
  return r.value;
})();
const input = { namespace: 'demo', address, username: 'robot$ci', password: 's3cret', image: 'harbor.example.com/library/busybox:latest', registryId: 'harbor-example-com' };

describe('runPullTest (wizard)', () => {
  it('refuses to run without a chosen project: nothing is written', async () => {
    await expect(runPullTest(cluster, { ...input, namespace: '' })).resolves.toMatchObject({ state: 'error' });
    expect(reqs).toEqual([]);
  });

  it('labels the temporary Secret like the pods, in the chosen project, and deletes both by uid', async () => {
    const out = await runPullTest(cluster, input);
    expect(out.state).toBe('pulled');
    const secret = reqs.find((r) => r.method === 'POST' && /\/secrets/.test(r.url))!;
    expect(secret.url).toMatch(/^\/clusters\/host\/api\/v1\/namespaces\/demo\/secrets/);
    const labels = secret.body.metadata.labels;
    expect(labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'harbor-connect', 'harbor-connect.kubesphere.io/registry': 'harbor-example-com', 'app.kubernetes.io/component': 'pull-test' });
    expect(labels['harbor-connect.kubesphere.io/pull-test']).toMatch(/^[a-z0-9]{1,12}$/);
    const deletes = reqs.filter((r) => r.method === 'DELETE');
    expect(deletes.map((d) => d.url.replace(/hc-pulltest-\w+/, 'X'))).toEqual(['/clusters/host/api/v1/namespaces/demo/pods/X', '/clusters/host/api/v1/namespaces/demo/secrets/X']);
    for (const d of deletes) expect(d.body.preconditions.uid).toMatch(/^uid-hc-pulltest-/);
    expect(out.cleanupFailures).toBeUndefined();
  });

  it('reports a delete that keeps failing (after retries)', async () => {
    failDelete = /\/secrets\//;
    const out = await runPullTest(cluster, input);
    expect(reqs.filter((r) => r.method === 'DELETE' && /\/secrets\//.test(r.url))).toHaveLength(3);
    expect(out.cleanupFailures?.map((f) => f.name)).toEqual([expect.stringMatching(/^hc-pulltest-/)]);
    // Still registered for the keepalive DELETE when the page goes away.
    expect(pendingPageHideDeletes()).toBe(1);
    const stub = globalThis.fetch;
    globalThis.fetch = (() => Promise.resolve(new Response(null))) as typeof fetch;
    try {
      expect(flushOnPageHide()).toBe(1);
    } finally {
      globalThis.fetch = stub;
    }
  });
});

describe('runPullTest with a pull secret the project already has (the project page\'s check of legacy-regcred)', () => {
  it('creates only the pod, which pulls with that Secret; deletes only the pod; the Secret is never touched', async () => {
    const out = await runPullTest(cluster, { namespace: 'demo', address, image: input.image, registryId: input.registryId, secretName: 'legacy-regcred', runId: 'r0legacy' });
    expect(out.state).toBe('pulled');
    const posts = reqs.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.url.split('?')[0])).toEqual(['/clusters/host/api/v1/namespaces/demo/pods']);
    expect(posts[0]!.body.metadata.name).toBe('hc-pulltest-r0legacy');
    expect(posts[0]!.body.spec.imagePullSecrets).toEqual([{ name: 'legacy-regcred' }]);
    expect(reqs.filter((r) => r.method === 'DELETE').map((r) => r.url)).toEqual(['/clusters/host/api/v1/namespaces/demo/pods/hc-pulltest-r0legacy']);
    expect(reqs.some((r) => r.url.includes('legacy-regcred'))).toBe(false);
  });
});

describe('removePullTestLeftovers', () => {
  it('deletes pull-test Secrets past their lifetime and finished pods, cluster-wide by label, by uid', async () => {
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    const recent = new Date().toISOString();
    const labels = { 'app.kubernetes.io/managed-by': 'harbor-connect', 'harbor-connect.kubesphere.io/pull-test': 'r1' };
    listed = {
      pods: [{ metadata: { name: 'hc-pulltest-r1', namespace: 'a', uid: 'p1', labels, creationTimestamp: old }, status: { phase: 'Succeeded' } }],
      secrets: [
        { metadata: { name: 'hc-pulltest-r1', namespace: 'a', uid: 's1', labels, creationTimestamp: old }, data: { '.dockerconfigjson': 'c2VjcmV0' } },
        { metadata: { name: 'hc-pulltest-r2', namespace: 'b', uid: 's2', labels: { ...labels, 'harbor-connect.kubesphere.io/pull-test': 'r2' }, creationTimestamp: recent } },
      ],
    };
    const r = await removePullTestLeftovers(cluster);
    expect(r).toEqual({ removed: 2, failures: [] });
    const lists = reqs.filter((q) => q.method === 'GET').map((q) => q.url);
    expect(lists.every((u) => u.includes('labelSelector=app.kubernetes.io/managed-by=harbor-connect,harbor-connect.kubesphere.io/pull-test'))).toBe(true);
    expect(reqs.filter((q) => q.method === 'DELETE').map((q) => [q.url, q.body?.preconditions?.uid])).toEqual([
      ['/clusters/host/api/v1/namespaces/a/pods/hc-pulltest-r1', 'p1'],
      ['/clusters/host/api/v1/namespaces/a/secrets/hc-pulltest-r1', 's1'],
    ]);
  });
});

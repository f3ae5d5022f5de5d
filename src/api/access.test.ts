// "May I?" asked as KubeSphere answers it: a stand-in of ks-apiserver that authorizes with its own rules (403 with
// the RBAC wording otherwise) and then serves the request as kube-apiserver would, dry runs included.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http, setAdapter, type HttpAdapter } from './client';
import { clusterContext } from './cluster';
import { ACCESS_CHECK_NAME, checkAccess, preflightWrites } from './access';
import type { Write } from '../domain/plan/write';

interface Req {
  method: string;
  url: string;
  body?: any;
  contentType?: string;
}
let reqs: Req[] = [];
/** What the user may do: "verb resource namespace" ('*' namespace: cluster-wide). */
let rules = new Set<string>();
const existing = new Set(['secrets/demo/harbor-pull', 'serviceaccounts/demo/default']);
let saved: HttpAdapter;

const VERB: Record<string, string> = { POST: 'create', PATCH: 'patch', PUT: 'update', DELETE: 'delete', GET: 'get' };

beforeAll(() => {
  saved = http().defaults.adapter;
  setAdapter(async (config) => {
    const method = (config.method ?? 'get').toUpperCase();
    const url = config.url ?? '';
    const body = config.data ? JSON.parse(String(config.data)) : undefined;
    reqs.push({ method, url, body, contentType: String((config.headers as Record<string, unknown>)?.['Content-Type'] ?? '') });
    const reply = (data: unknown, status = 200) => {
      if (status >= 400) throw Object.assign(new Error(String(status)), { response: { status, data }, config });
      return { data, status, statusText: '', headers: {}, config } as never;
    };
    const m = /^(?:\/clusters\/[^/]+)?\/(?:api\/v1|apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/?]+)(?:\/([^/?]+))?(\?.*)?$/.exec(url);
    if (!m) return reply({ kind: 'Status', code: 404 }, 404);
    const [, ns = '*', resource, name] = m;
    let verb = VERB[method]!;
    if (method === 'GET' && !name) verb = 'list';
    // KubeSphere's authorization filter, before anything reaches kube-apiserver.
    if (!rules.has(`${verb} ${resource} ${ns}`) && !rules.has(`${verb} ${resource} *`)) {
      const where = ns === '*' ? 'at the cluster scope' : `in the namespace "${ns}"`;
      return reply({ kind: 'Status', code: 403, reason: 'Forbidden', message: `${resource} is forbidden: User "demo-operator" cannot ${verb} resource "${resource}" in API group "" ${where}` }, 403);
    }
    if (method !== 'GET' && !url.includes('dryRun=All')) throw new Error(`a real write reached the server: ${method} ${url}`);
    if (name && !existing.has(`${resource}/${ns}/${name}`) && method !== 'POST') return reply({ kind: 'Status', code: 404, reason: 'NotFound' }, 404);
    return reply(method === 'POST' ? { ...body, metadata: { ...body.metadata, name: 'generated' } } : { items: [] }, method === 'POST' ? 201 : 200);
  });
});
afterAll(() => setAdapter(saved));
beforeEach(() => {
  reqs = [];
  rules = new Set();
});

const cluster = clusterContext('host', true);

describe('checkAccess', () => {
  it('asks by a dry run of the request itself: create, patch, update, delete, get, list', async () => {
    rules = new Set(['create secrets demo', 'patch serviceaccounts demo', 'update secrets demo', 'delete secrets demo', 'get secrets demo', 'list secrets demo']);
    for (const verb of ['create', 'update', 'delete', 'get', 'list'] as const) {
      await expect(checkAccess(cluster, { verb, group: '', resource: 'secrets', namespace: 'demo' })).resolves.toMatchObject({ allowed: true });
    }
    await expect(checkAccess(cluster, { verb: 'patch', group: '', resource: 'serviceaccounts', namespace: 'demo' })).resolves.toMatchObject({ allowed: true });
    const [create, update, del, get, list, patch] = reqs;
    expect(create).toMatchObject({ method: 'POST', url: '/clusters/host/api/v1/namespaces/demo/secrets?dryRun=All&fieldManager=harbor-connect' });
    expect(create!.body.metadata.generateName).toBe(`${ACCESS_CHECK_NAME}-`);
    expect(update!.method).toBe('PUT');
    expect(update!.url).toContain('dryRun=All');
    expect(del).toMatchObject({ method: 'DELETE', url: `/clusters/host/api/v1/namespaces/demo/secrets/${ACCESS_CHECK_NAME}?dryRun=All` });
    expect(get).toMatchObject({ method: 'GET', url: `/clusters/host/api/v1/namespaces/demo/secrets/${ACCESS_CHECK_NAME}` });
    expect(list!.url).toBe('/clusters/host/api/v1/namespaces/demo/secrets?limit=1');
    // A no-op JSON patch guarded by a test op; the object need not exist (404 after authorization = allowed).
    expect(patch).toMatchObject({ method: 'PATCH', contentType: 'application/json-patch+json', body: [{ op: 'test', path: '/metadata/name', value: ACCESS_CHECK_NAME }] });
    expect(patch!.url).toContain('dryRun=All');
    // Never a SelfSubjectAccessReview (refused to project admins, always allowed for ks-apiserver's own identity).
    expect(reqs.some((r) => /accessreviews/.test(r.url))).toBe(false);
  });

  it('a 403 is a "no" with who, what and where; anything else is a "yes"', async () => {
    rules = new Set(['create secrets demo']);
    const v = await checkAccess(cluster, { verb: 'patch', group: '', resource: 'serviceaccounts', namespace: 'demo' });
    expect(v).toMatchObject({ allowed: false, forbidden: { user: 'demo-operator', verb: 'patch', resource: 'serviceaccounts', namespace: 'demo' } });
    await expect(checkAccess(cluster, { verb: 'create', group: '', resource: 'secrets', namespace: 'demo' })).resolves.toEqual({ allowed: true });
  });
});

describe('preflightWrites', () => {
  it('dry-runs every write of a plan and gives a verdict per write; nothing is written', async () => {
    rules = new Set(['update secrets demo', 'delete secrets demo']);
    const writes: Write[] = [
      { action: 'replace', apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 'harbor-pull', body: { type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'harbor-pull', resourceVersion: '4' } } },
      { action: 'patch', apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'demo', name: 'default', patchType: 'json', patch: [{ op: 'test', path: '/imagePullSecrets', value: [] }] },
      { action: 'delete', apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 'gone', preconditions: { uid: 'u' } },
    ];
    const out = await preflightWrites(cluster, writes);
    expect(out.map((r) => r.verdict.allowed)).toEqual([true, false, true]);
    expect(out[1]!.verdict).toMatchObject({ forbidden: { verb: 'patch', resource: 'serviceaccounts', namespace: 'demo' } });
    expect(out[2]!.verdict).toEqual({ allowed: true, note: 'NotFound' });
    expect(reqs.every((r) => r.url.includes('dryRun=All'))).toBe(true);
  });
});

describe('one mechanism for permission questions', () => {
  it('nothing in src asks a (Self)SubjectAccessReview', () => {
    const src = join(__dirname, '..');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
      });
    const offenders = files(src).filter((f) => /subjectaccessreviews|SubjectAccessReview\b|canI\(/i.test(readFileSync(f, 'utf8').replace(/^\s*\/\/.*$/gm, '')));
    expect(offenders).toEqual([]);
  });
});

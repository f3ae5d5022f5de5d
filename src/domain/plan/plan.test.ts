import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { execFileSync } from 'node:child_process';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  JsonPatchError,
  toYaml,
  planToYaml,
  writeToKubectl,
  shellQuote,
  maskSecrets,
  MASK,
  applyPlan,
  retryFailed,
  isNoop,
  UNCHANGED,
  isAbortError,
  managedSelector,
} from './index';
import type { Write, JsonPatchOperation } from './index';
import { buildPullSecret } from '../dockerconfig';

describe('applyJsonPatch (RFC 6902)', () => {
  // Cases from RFC 6902 appendix A.
  it.each<[string, unknown, JsonPatchOperation[], unknown]>([
    ['A.1 add object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 add array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 remove member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 remove element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replace', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    ['A.6 move member', { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }], { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } }],
    ['A.7 move element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    ['A.8 test success', { baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }], { baz: 'qux', foo: ['a', 2, 'c'] }],
    ['A.10 add nested', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.14 ~ escaping', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 add array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
  ])('%s', (_name, doc, ops, expected) => {
    const before = JSON.stringify(doc);
    expect(applyJsonPatch(doc, ops)).toEqual(expected);
    expect(JSON.stringify(doc)).toBe(before); // pure
  });

  it.each<[string, unknown, JsonPatchOperation[], string]>([
    ['A.9 test failure', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 'test-failed'],
    ['A.12 add to nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 'path-not-found'],
    ['A.15 test array vs string', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }], 'test-failed'],
    ['remove missing', { a: 1 }, [{ op: 'remove', path: '/b' }], 'path-not-found'],
    ['index out of range', { a: [1] }, [{ op: 'add', path: '/a/2', value: 3 }], 'invalid-index'],
    ['leading zero index', { a: [1, 2] }, [{ op: 'remove', path: '/a/01' }], 'path-not-found'],
    ['test on missing path', { a: 1 }, [{ op: 'test', path: '/imagePullSecrets', value: [] }], 'path-not-found'],
  ])('%s fails with %s', (_name, doc, ops, code) => {
    try {
      applyJsonPatch(doc, ops);
      throw new Error('expected failure');
    } catch (e) {
      expect(e).toBeInstanceOf(JsonPatchError);
      expect((e as JsonPatchError).code).toBe(code);
    }
  });

  it('merge patch (RFC 7386) and the strategic subset', () => {
    expect(applyMergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } })).toEqual({ a: 'z', c: { d: 'e' } });
    expect(applyMergePatch({ l: [{ name: 'a' }] }, { l: [{ name: 'b' }] })).toEqual({ l: [{ name: 'b' }] });
    expect(applyStrategicMergePatch({ l: [{ name: 'a' }] }, { l: [{ name: 'b' }] })).toEqual({ l: [{ name: 'a' }, { name: 'b' }] });
    expect(applyStrategicMergePatch({ l: [{ name: 'a' }] }, { l: [{ name: 'a' }] })).toEqual({ l: [{ name: 'a' }] });
  });
});

// A JSON value generator for YAML round-trips, rich in strings YAML likes to misread.
const tricky = fc.constantFrom('', 'true', 'False', 'yes', 'NO', 'on', 'y', 'n', 'null', '~', '08', '0x1F', '1e3', '1.0', '.5', '.inf', '-.Inf', '.NaN', '2024-01-01', '12:30', '1_000',
  ': x', 'a: b', 'a #b', '#x', '- x', '-', '?', '&a', '*a', '!tag', '|', '>', "'q'", '"q"', '%x', '@x', '`x', ' lead', 'trail ', 'a\nb', 'a\nb\n', 'a\nb\n\n', '\n', ' x\ny', 'x\r\ny', 'tab\there', '\u0085', '\u2028', '<<', '=', 'robot$proj+ci', 'eyJhdXRocyI6e30=', 'app.kubernetes.io/managed-by', '用户', '🔑', '{', '[a]', 'a,b', '0o17', '+1', '-1', '0', 'ÿ');
const key = fc.oneof(tricky, fc.string({ maxLength: 8 }));
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('arr'), tie('obj')),
  leaf: fc.oneof(tricky, fc.string({ maxLength: 12 }), fc.string({ maxLength: 12, unit: 'grapheme' }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
  arr: fc.array(tie('value'), { maxLength: 4 }),
  obj: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
}));

describe('toYaml', () => {
  it('quotes strings a YAML reader would misread', () => {
    expect(toYaml({ a: 'true', b: '08', c: '', d: 'x: y', e: '#c', f: 'plain', g: 1, h: true, i: null })).toBe(
      'a: "true"\nb: "08"\nc: ""\nd: "x: y"\ne: "#c"\nf: plain\ng: 1\nh: true\ni: null\n',
    );
  });

  it('writes multi-line strings as literal blocks', () => {
    expect(toYaml({ ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' })).toBe(
      'ca: |\n  -----BEGIN CERTIFICATE-----\n  MIIB\n  -----END CERTIFICATE-----\n',
    );
    expect(toYaml({ toml: 'a\nb' })).toBe('toml: |-\n  a\n  b\n');
  });

  it('writes Kubernetes-style nesting', () => {
    expect(toYaml({ spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.5/32' } }], ports: [{ protocol: 'TCP', port: 443 }] }] } })).toBe(
      'spec:\n  podSelector: {}\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 10.0.0.5/32\n    ports:\n    - protocol: TCP\n      port: 443\n',
    );
  });

  it('round-trips through a real YAML parser (property)', () => {
    fc.assert(
      fc.property(jsonValue.value, (v) => {
        const normalized = JSON.parse(JSON.stringify(v) ?? 'null');
        const text = toYaml(normalized);
        expect(parseYaml(text, { version: '1.1' })).toEqual(normalized);
        expect(parseYaml(text, { version: '1.2' })).toEqual(normalized);
      }),
      { numRuns: 1000 },
    );
  });
});

const secretWrite = (): Write => ({
  action: 'create',
  apiVersion: 'v1',
  kind: 'Secret',
  namespace: 'demo',
  name: 'harbor-pull',
  body: buildPullSecret({ name: 'harbor-pull', namespace: 'demo', registryId: 'harbor.example.com', server: 'harbor.example.com', username: 'robot$proj+ci', password: "it's-s3cret", email: 'a@b.c' }),
});

const saPatch: Write = {
  action: 'patch',
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  namespace: 'demo',
  name: 'default',
  patchType: 'json',
  patch: [
    { op: 'test', path: '/imagePullSecrets', value: [{ name: "o'brien" }] },
    { op: 'add', path: '/imagePullSecrets/-', value: { name: 'harbor-pull' } },
  ],
};

describe('planToYaml / writeToKubectl / maskSecrets', () => {
  it('masks Secret values but keeps hosts and usernames readable', () => {
    const masked = maskSecrets(secretWrite());
    const body = masked.body as { data: Record<string, string>; stringData?: unknown };
    expect(body.stringData).toBeUndefined();
    const shown = JSON.parse(body.data['.dockerconfigjson']);
    expect(shown).toEqual({ auths: { 'harbor.example.com': { username: 'robot$proj+ci', password: MASK, email: 'a@b.c', auth: MASK } } });
    expect(JSON.stringify(masked)).not.toContain('s3cret');
    expect(maskSecrets(secretWrite(), { reveal: true })).toEqual(secretWrite());
    const jp = maskSecrets({ ...saPatch, kind: 'Secret', patch: [{ op: 'replace', path: '/data/.dockerconfigjson', value: 'abc' }] });
    expect((jp.patch as JsonPatchOperation[])[0]).toEqual({ op: 'replace', path: '/data/.dockerconfigjson', value: MASK });
    const mp = maskSecrets({ ...saPatch, kind: 'Secret', patchType: 'merge', patch: { data: { token: 'abc' } } });
    expect(mp.patch).toEqual({ data: { token: MASK } });
  });

  /** What kube-apiserver accepts in a Secret's data: standard base64 (Go's base64.StdEncoding, strict). */
  const apiServerAcceptsData = (v: unknown) => typeof v === 'string' && v.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(v);

  it('masked output cannot be applied: every masked value sits in data and is not base64', () => {
    const withStringData: Write = { ...secretWrite(), body: { ...secretWrite().body, stringData: { token: 'plain', '.dockercfg': '{"h":{"password":"p"}}' } } };
    for (const w of [secretWrite(), withStringData]) {
      const m = maskSecrets(w);
      const body = m.body as { data: Record<string, unknown>; stringData?: unknown };
      expect(body.stringData).toBeUndefined();
      for (const [k, v] of Object.entries(body.data)) expect(apiServerAcceptsData(v), `${k}: ${String(v)}`).toBe(false);
      // The YAML and the kubectl command a user could copy carry exactly that.
      const doc = parseYaml(planToYaml([m], { reveal: true }).replace(/^---\n/, '')) as { data: Record<string, unknown>; stringData?: unknown };
      expect(doc.stringData).toBeUndefined();
      expect(Object.values(doc.data).some(apiServerAcceptsData)).toBe(false);
      const cmd = writeToKubectl(w);
      const heredoc = parseYaml(cmd.slice(cmd.indexOf('\n') + 1, cmd.lastIndexOf('\n'))) as { data: Record<string, unknown>; stringData?: unknown };
      expect(heredoc.stringData).toBeUndefined();
      expect(Object.values(heredoc.data).some(apiServerAcceptsData)).toBe(false);
    }
    // A JSON patch on stringData (which accepts any string) moves under data, masked.
    const sp = maskSecrets({ ...saPatch, kind: 'Secret', patch: [{ op: 'add', path: '/stringData/password', value: 's3cret' }] });
    expect((sp.patch as JsonPatchOperation[])[0]).toEqual({ op: 'add', path: '/data/password', value: MASK });
    // The unmasked output is, of course, appliable.
    expect(Object.values((secretWrite().body as { data: Record<string, unknown> }).data).every(apiServerAcceptsData)).toBe(true);
  });

  it('hides Authorization headers in objects of any kind', () => {
    const rp: Write = {
      action: 'create',
      apiVersion: 'extensions.kubesphere.io/v1alpha1',
      kind: 'ReverseProxy',
      name: 'old-probe',
      body: { spec: { directives: { headerUp: ['Authorization "Basic dTpwYXNz"', '-Cookie', '+authorization Bearer abc.def'] } }, headers: { Authorization: 'Basic dTpw', accept: 'x' } },
    };
    const m = maskSecrets(rp);
    expect((m.body as any).spec.directives.headerUp).toEqual([`Authorization "Basic ${MASK}"`, '-Cookie', `+authorization Bearer ${MASK}`]);
    expect((m.body as any).headers).toEqual({ Authorization: MASK, accept: 'x' });
    expect(JSON.stringify(m)).not.toMatch(/dTpw|abc\.def/);
    expect(maskSecrets(rp, { reveal: true })).toEqual(rp);
  });

  it('masks kubectl\'s last-applied copy of a Secret (every value in clear text)', () => {
    const w = secretWrite();
    (w.body as any).metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{".dockerconfigjson":"czNjcmV0"},"stringData":{"p":"s3cret"}}', other: 'shown' };
    const masked = maskSecrets(w);
    expect((masked.body as any).metadata.annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': MASK, other: 'shown' });
    expect(JSON.stringify(masked)).not.toContain('czNjcmV0');
    expect(JSON.stringify(masked)).not.toContain('s3cret');
  });

  it('renders a multi-document stream a YAML parser reads back', () => {
    const writes: Write[] = [secretWrite(), saPatch, { action: 'delete', apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'demo', name: 'allow-harbor' }];
    const text = planToYaml(writes, { reveal: true });
    const docs = parseAllDocuments(text).map((d) => d.toJSON());
    expect(docs[0]).toEqual(writes[0].body);
    expect(docs[1]).toEqual(saPatch.patch);
    expect(docs[2]).toEqual({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-harbor', namespace: 'demo' } });
    expect(planToYaml(writes)).not.toContain('s3cret');
    expect(text.startsWith('---\n# create Secret demo/harbor-pull\n')).toBe(true);
  });

  it('writes kubectl commands', () => {
    expect(writeToKubectl(saPatch)).toBe(
      `kubectl patch serviceaccount default -n demo --type=json -p '[{"op":"test","path":"/imagePullSecrets","value":[{"name":"o'\\''brien"}]},{"op":"add","path":"/imagePullSecrets/-","value":{"name":"harbor-pull"}}]'`,
    );
    expect(writeToKubectl({ action: 'delete', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'demo', name: 'web' })).toBe('kubectl delete deployment web -n demo');
    expect(writeToKubectl({ action: 'delete', apiVersion: 'extensions.kubesphere.io/v1alpha1', kind: 'JSBundle', name: 'harbor-connect' })).toBe(
      'kubectl delete jsbundle.v1alpha1.extensions.kubesphere.io harbor-connect',
    );
    expect(writeToKubectl({ ...saPatch, kind: 'Deployment', apiVersion: 'apps/v1', patchType: 'strategic-merge', patch: { a: 1 } })).toContain('--type=strategic -p \'{"a":1}\'');
    const create = writeToKubectl(secretWrite());
    expect(create.startsWith("kubectl create -f - <<'EOF'\n")).toBe(true);
    expect(create.endsWith('\nEOF')).toBe(true);
    expect(create).not.toContain('s3cret');
    const replace = writeToKubectl({ action: 'replace', apiVersion: 'v1', kind: 'ConfigMap', name: 'x', body: { data: { a: 'EOF' } } });
    expect(replace).toContain("<<'EOF'"); // "a: EOF" is not a line equal to EOF
    // The heredoc really delivers the document to the command: run it through bash with cat in kubectl's place.
    const body = { data: { a: 'x\nEOF\ny', EOF: { b: '$HOME `id`' } } };
    const cmd = writeToKubectl({ action: 'replace', apiVersion: 'v1', kind: 'ConfigMap', name: 'x', body });
    const out = execFileSync('bash', ['-c', cmd.replace(/^kubectl replace -f -/, 'cat')], { encoding: 'utf8' });
    expect(parseYaml(out)).toEqual(body);
  });

  it('shellQuote survives a real shell (property)', () => {
    const samples = fc.sample(fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !s.includes('\u0000')), 60);
    for (const s of [...samples, "o'brien", '$(rm -rf /)', '`x`', '"', '\\', '!', '*', '~', '\n']) {
      const out = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(s)}`], { encoding: 'utf8' });
      expect(out).toBe(s);
    }
  });

  it('managedSelector', () => {
    expect(managedSelector('harbor.example.com')).toBe('app.kubernetes.io/managed-by=harbor-connect,harbor-connect.kubesphere.io/registry=harbor.example.com');
  });
});

const w = (name: string): Write => ({ action: 'create', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name, body: {} });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('applyPlan', () => {
  it('bounds concurrency, keeps order, continues on failure, reports progress', async () => {
    let inFlight = 0;
    let peak = 0;
    const progress: number[] = [];
    const writes = Array.from({ length: 20 }, (_, i) => w(`cm-${i}`));
    const outcomes = await applyPlan(
      writes,
      async (x) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(Math.random() * 5);
        inFlight--;
        const i = Number(x.name.slice(3));
        if (i % 7 === 3) throw new Error(`boom ${i}`);
        if (i % 5 === 0) return UNCHANGED;
        return { i };
      },
      { concurrency: 3, onProgress: (p) => progress.push(p.completed) },
    );
    expect(peak).toBeLessThanOrEqual(3);
    expect(outcomes.map((o) => o.write.name)).toEqual(writes.map((x) => x.name));
    expect(outcomes.filter((o) => o.status === 'failed').map((o) => o.write.name)).toEqual(['cm-3', 'cm-10', 'cm-17']);
    expect(outcomes.filter((o) => o.status === 'unchanged').length).toBe(3); // 0, 5, 15 (10 failed)
    expect(outcomes[1]).toMatchObject({ status: 'done', result: { i: 1 } });
    expect(progress).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    let calls = 0;
    const retried = await retryFailed(outcomes, async () => {
      calls++;
      return 'ok';
    });
    expect(calls).toBe(3);
    expect(retried.every((o) => o.status !== 'failed')).toBe(true);
    expect(retried[0]).toBe(outcomes[0]);
  });

  it('stops starting writes when cancelled', async () => {
    const ac = new AbortController();
    const started: string[] = [];
    const outcomes = await applyPlan(
      Array.from({ length: 10 }, (_, i) => w(`cm-${i}`)),
      async (x, signal) => {
        started.push(x.name);
        if (x.name === 'cm-1') ac.abort();
        await sleep(1);
        expect(signal).toBe(ac.signal);
      },
      { concurrency: 2, signal: ac.signal },
    );
    expect(started.length).toBeLessThanOrEqual(3);
    const cancelled = outcomes.filter((o) => o.status === 'failed');
    expect(cancelled.length).toBe(10 - started.length);
    expect(cancelled.every((o) => o.status === 'failed' && isAbortError(o.error))).toBe(true);
  });

  it('handles an empty plan', async () => {
    expect(await applyPlan([], async () => 1)).toEqual([]);
  });
});

describe('isNoop', () => {
  it('create: the object already holds what the body says', () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'demo', labels: { a: 'b' } }, data: { k: 'v' } };
    const current = { ...body, metadata: { ...body.metadata, resourceVersion: '5', uid: 'u', annotations: { z: '1' } } };
    expect(isNoop({ ...w('x'), body }, current)).toBe(true);
    expect(isNoop({ ...w('x'), body }, { ...current, data: { k: 'other' } })).toBe(false);
    expect(isNoop({ ...w('x'), body }, null)).toBe(false);
  });

  it('Secret stringData compares with stored data', () => {
    const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: 'v' } };
    expect(isNoop({ ...w('s'), kind: 'Secret', body }, { ...body, stringData: undefined, data: { k: 'dg==' } })).toBe(true);
    expect(isNoop({ ...w('s'), kind: 'Secret', body }, { ...body, stringData: undefined, data: { k: 'dw==' } })).toBe(false);
  });

  it('patches and deletes', () => {
    const sa = { metadata: { name: 'default', resourceVersion: '1' }, imagePullSecrets: [{ name: 'a' }] };
    expect(isNoop(saPatch, sa)).toBe(false);
    expect(isNoop({ ...saPatch, patchType: 'strategic-merge', patch: { imagePullSecrets: [{ name: 'a' }] } }, sa)).toBe(true);
    expect(isNoop({ ...saPatch, patchType: 'merge', patch: { imagePullSecrets: [{ name: 'a' }, { name: 'b' }] } }, sa)).toBe(false);
    expect(isNoop({ action: 'delete', apiVersion: 'v1', kind: 'Secret', name: 's' }, undefined)).toBe(true);
    expect(isNoop({ action: 'delete', apiVersion: 'v1', kind: 'Secret', name: 's' }, {})).toBe(false);
  });
});

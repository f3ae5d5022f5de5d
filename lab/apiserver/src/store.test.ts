import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError, type KObject, type WatchEvent } from './contract';
import { seedKube } from './seed';
import { MemStore } from './store';

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

function setup(opts: ConstructorParameters<typeof MemStore>[0] = {}) {
  const store = new MemStore(opts);
  const t = (group: string, resource: string) => store.typeFor(group, resource)!;
  const ns = t('', 'namespaces');
  store.create(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  return { store, t };
}

const secret = (name: string, extra: Partial<KObject> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'demo' },
  data: { a: Buffer.from('x').toString('base64') },
  ...extra,
});

describe('object metadata', () => {
  it('fills uid, creationTimestamp and one global resourceVersion sequence', () => {
    const { store, t } = setup();
    const a = store.create(t('', 'secrets'), secret('a'));
    const b = store.create(t('', 'configmaps'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'demo' } });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(b.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 1);
    expect(a.type).toBe('Opaque');
  });

  it('generates names with a 5 character suffix', () => {
    const { store, t } = setup();
    const s = store.create(t('', 'secrets'), secret('', { metadata: { generateName: 'pull-', namespace: 'demo' } }));
    expect(s.metadata.name).toMatch(/^pull-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('folds stringData into base64 data', () => {
    const { store, t } = setup();
    const s = store.create(t('', 'secrets'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'demo' }, stringData: { user: 'bob' } });
    expect(s.data).toEqual({ user: Buffer.from('bob').toString('base64') });
    expect(s.stringData).toBeUndefined();
  });

  it('bumps generation on spec changes only', () => {
    const { store, t } = setup();
    const d = t('apps', 'deployments');
    const dep = store.create(d, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'demo' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    expect(dep.metadata.generation).toBe(1);
    const relabeled = store.update(d, { ...dep, metadata: { ...dep.metadata, labels: { x: 'y' } } });
    expect(relabeled.metadata.generation).toBe(1);
    const changed = structuredClone(relabeled) as any;
    changed.spec.template.spec.containers[0].image = 'nginx:2';
    expect(store.update(d, changed).metadata.generation).toBe(2);
  });
});

describe('errors with the apiserver wording', () => {
  it('AlreadyExists and NotFound', () => {
    const { store, t } = setup();
    store.create(t('', 'secrets'), secret('x'));
    const e = errorOf(() => store.create(t('', 'secrets'), secret('x')));
    expect([e.code, e.reason, e.message]).toEqual([409, 'AlreadyExists', 'secrets "x" already exists']);
    const nf = errorOf(() => store.delete(t('', 'secrets'), 'demo', 'nope'));
    expect([nf.code, nf.reason, nf.message]).toEqual([404, 'NotFound', 'secrets "nope" not found']);
    expect(nf.details).toMatchObject({ name: 'nope', kind: 'secrets' });
    const nf2 = errorOf(() => store.update(t('apps', 'deployments'), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'demo' } }));
    expect(nf2.message).toBe('deployments.apps "d" not found');
  });

  it('409 Conflict on a stale resourceVersion', () => {
    const { store, t } = setup();
    const sa = t('', 'serviceaccounts');
    const first = store.get(sa, 'demo', 'default')!;
    store.update(sa, { ...first, imagePullSecrets: [{ name: 'one' }] });
    const e = errorOf(() => store.update(sa, { ...first, imagePullSecrets: [{ name: 'two' }] }));
    expect(e.code).toBe(409);
    expect(e.reason).toBe('Conflict');
    expect(e.message).toBe(
      'Operation cannot be fulfilled on serviceaccounts "default": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('404 for a missing namespace', () => {
    const { store, t } = setup();
    const e = errorOf(() => store.create(t('', 'secrets'), { ...secret('a'), metadata: { name: 'a', namespace: 'ghost' } }));
    expect(e.message).toBe('namespaces "ghost" not found');
  });
});

describe('validation', () => {
  it('rejects a dockerconfigjson secret without its key (422 with causes)', () => {
    const { store, t } = setup();
    const e = errorOf(() => store.create(t('', 'secrets'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'r', namespace: 'demo' }, type: 'kubernetes.io/dockerconfigjson', data: {} }));
    expect(e.code).toBe(422);
    expect(e.message).toBe('Secret "r" is invalid: data[.dockerconfigjson]: Required value');
    expect(e.details?.causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'data[.dockerconfigjson]' }]);
    const bad = errorOf(() =>
      store.create(t('', 'secrets'), {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'r', namespace: 'demo' },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': 'not json' },
      }),
    );
    expect(bad.message).toBe(`Secret "r" is invalid: data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character 'n' looking for beginning of value`);
  });

  it('checks names (DNS-1123 subdomain, label for namespaces) with the real message', () => {
    const { store, t } = setup();
    const e = errorOf(() => store.create(t('', 'secrets'), secret('Bad_Name')));
    expect(e.message).toBe(
      `Secret "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    const ns = errorOf(() => store.create(t('', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }));
    expect(ns.message).toContain(`metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist of`);
  });

  it('validates against the Kubernetes schema: required fields are 422, wrong types 400', () => {
    const { store, t } = setup();
    const d = t('apps', 'deployments');
    const missing = errorOf(() =>
      store.create(d, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'demo' }, spec: { template: { spec: { containers: [{ image: 'nginx' }] } } } }),
    );
    expect(missing.code).toBe(422);
    const fields = missing.details!.causes!.map((c) => c.field);
    expect(fields).toContain('spec.selector');
    expect(fields).toContain('spec.template.spec.containers[0].name');
    const wrongType = errorOf(() =>
      store.create(d, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x', namespace: 'demo' },
        spec: { replicas: 'three', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      }),
    );
    expect(wrongType.code).toBe(400);
    expect(wrongType.message).toMatch(/^Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field .*spec\.replicas of type int32$/);
  });

  it('keeps pod specs immutable except the allowed fields', () => {
    const { store, t } = setup();
    const pods = t('', 'pods');
    const pod = store.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'demo' }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } }) as any;
    const img = structuredClone(pod);
    img.spec.containers[0].image = 'busybox:2';
    expect((store.update(pods, img) as any).spec.containers[0].image).toBe('busybox:2');
    const cur = store.get(pods, 'demo', 'p') as any;
    cur.spec.restartPolicy = 'Never';
    const e = errorOf(() => store.update(pods, cur));
    expect(e.code).toBe(422);
    expect(e.message).toMatch(/^Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  });
});

describe('pods: service account admission', () => {
  it('defaults serviceAccountName and copies the SA pull secrets when the pod has none', () => {
    const { store, t } = setup();
    const sa = t('', 'serviceaccounts');
    const def = store.get(sa, 'demo', 'default')!;
    store.update(sa, { ...def, imagePullSecrets: [{ name: 'regcred' }] });
    const pod = store.create(t('', 'pods'), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'demo' }, spec: { containers: [{ name: 'c', image: 'x' }] } }) as any;
    expect(pod.spec.serviceAccountName).toBe('default');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const own = store.create(t('', 'pods'), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'q', namespace: 'demo' },
      spec: { containers: [{ name: 'c', image: 'x' }], imagePullSecrets: [{ name: 'mine' }] },
    }) as any;
    expect(own.spec.imagePullSecrets).toEqual([{ name: 'mine' }]);
  });

  it('forbids a pod whose service account does not exist', () => {
    const { store, t } = setup();
    const e = errorOf(() =>
      store.create(t('', 'pods'), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'demo' }, spec: { serviceAccountName: 'ghost', containers: [{ name: 'c', image: 'x' }] } }),
    );
    expect(e.code).toBe(403);
    expect(e.message).toBe('pods "p" is forbidden: error looking up service account demo/ghost: serviceaccount "ghost" not found');
  });
});

describe('namespaces', () => {
  it('creating one creates ServiceAccount default; deleting one removes its content', () => {
    const { store, t } = setup();
    expect(store.get(t('', 'serviceaccounts'), 'demo', 'default')).toBeDefined();
    store.create(t('', 'secrets'), secret('s'));
    const gone = store.delete(t('', 'namespaces'), undefined, 'demo') as any;
    expect(gone.status.phase).toBe('Terminating');
    expect(store.list(t('', 'secrets'), 'demo').items).toEqual([]);
    expect(store.list(t('', 'serviceaccounts'), 'demo').items).toEqual([]);
  });
});

describe('finalizers and dry run', () => {
  it('keeps an object with finalizers until the last one is removed', () => {
    const { store, t } = setup();
    const cm = t('', 'configmaps');
    store.create(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'demo', finalizers: ['lab/keep'] } });
    const marked = store.delete(cm, 'demo', 'c');
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(store.get(cm, 'demo', 'c')).toBeDefined();
    store.update(cm, { ...marked, metadata: { ...marked.metadata, finalizers: [] } });
    expect(store.get(cm, 'demo', 'c')).toBeUndefined();
  });

  it('dry run stores nothing', () => {
    const { store, t } = setup();
    const before = store.currentResourceVersion();
    const s = store.create(t('', 'secrets'), secret('dry'), { dryRun: true });
    expect(s.metadata.uid).toBeDefined();
    expect(store.get(t('', 'secrets'), 'demo', 'dry')).toBeUndefined();
    expect(store.currentResourceVersion()).toBe(before);
  });

  it('an update that changes nothing keeps the resourceVersion', () => {
    const { store, t } = setup();
    const s = store.create(t('', 'secrets'), secret('same'));
    expect(store.update(t('', 'secrets'), s).metadata.resourceVersion).toBe(s.metadata.resourceVersion);
  });
});

describe('status subresource', () => {
  it('main updates ignore status, status updates change only status', () => {
    const { store, t } = setup();
    const d = t('apps', 'deployments');
    const dep = store.create(d, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'demo' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      status: { readyReplicas: 5 },
    }) as any;
    expect(dep.status).toEqual({});
    const withStatus = store.update(d, { ...dep, status: { readyReplicas: 1 } }, { subresource: 'status' }) as any;
    expect(withStatus.status).toEqual({ readyReplicas: 1 });
    const ignored = store.update(d, { ...withStatus, status: { readyReplicas: 9 }, metadata: { ...withStatus.metadata, labels: { a: 'b' } } }) as any;
    expect(ignored.status).toEqual({ readyReplicas: 1 });
    expect(ignored.metadata.labels).toEqual({ a: 'b' });
    const specIgnored = store.update(d, { ...ignored, spec: { ...ignored.spec, replicas: 7 }, status: { readyReplicas: 2 } }, { subresource: 'status' }) as any;
    expect(specIgnored.spec.replicas).toBe(1);
  });
});

describe('lists', () => {
  it('filters by label and field selectors', () => {
    const { store, t } = setup();
    const s = t('', 'secrets');
    store.create(s, secret('a', { metadata: { name: 'a', namespace: 'demo', labels: { 'app.kubernetes.io/managed-by': 'harbor-connect' } } }));
    store.create(s, secret('b', { type: 'kubernetes.io/basic-auth', data: { username: 'dQ==' } }));
    expect(store.list(s, 'demo', { labelSelector: 'app.kubernetes.io/managed-by=harbor-connect' }).items.map((o) => o.metadata.name)).toEqual(['a']);
    expect(store.list(s, 'demo', { fieldSelector: 'type=kubernetes.io/basic-auth' }).items.map((o) => o.metadata.name)).toEqual(['b']);
    expect(store.list(s, undefined, { fieldSelector: 'metadata.namespace=demo,metadata.name!=a' }).items.map((o) => o.metadata.name)).toEqual(['b']);
  });

  it('pages with limit and an opaque continue token, stable by name', () => {
    const { store, t } = setup();
    const cm = t('', 'configmaps');
    for (const n of ['e', 'a', 'd', 'c', 'b']) store.create(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'demo' } });
    const p1 = store.list(cm, 'demo', { limit: 2 });
    expect(p1.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(p1.remainingItemCount).toBe(3);
    store.create(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aa', namespace: 'demo' } });
    const p2 = store.list(cm, 'demo', { limit: 2, continue: p1.continue });
    expect(p2.items.map((o) => o.metadata.name)).toEqual(['c', 'd']);
    expect(p2.resourceVersion).toBe(p1.resourceVersion);
    const p3 = store.list(cm, 'demo', { limit: 2, continue: p2.continue });
    expect(p3.items.map((o) => o.metadata.name)).toEqual(['e']);
    expect(p3.continue).toBeUndefined();
    expect(errorOf(() => store.list(cm, 'demo', { continue: 'garbage' })).code).toBe(400);
  });
});

describe('watch', () => {
  it('resumes after a resourceVersion, filters, and reports ADDED/DELETED when objects move in and out of a selector', () => {
    const { store, t } = setup();
    const s = t('', 'secrets');
    const a = store.create(s, secret('a'));
    const from = a.metadata.resourceVersion!;
    store.create(s, secret('b', { metadata: { name: 'b', namespace: 'demo', labels: { pick: 'yes' } } }));
    const events: WatchEvent[] = [];
    const stop = store.watch(s, 'demo', { resourceVersion: from, labelSelector: 'pick=yes' }, (e) => events.push(e));
    const b = store.get(s, 'demo', 'b')!;
    store.update(s, { ...b, metadata: { ...b.metadata, labels: { pick: 'no' } } });
    const b2 = store.get(s, 'demo', 'b')!;
    store.update(s, { ...b2, metadata: { ...b2.metadata, labels: { pick: 'yes' } } });
    store.delete(s, 'demo', 'b');
    stop();
    store.create(s, secret('c', { metadata: { name: 'c', namespace: 'demo', labels: { pick: 'yes' } } }));
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b', 'DELETED b', 'ADDED b', 'DELETED b']);
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
  });

  it('starts with the current state as ADDED when no resourceVersion is given', () => {
    const { store, t } = setup();
    const s = t('', 'secrets');
    store.create(s, secret('a'));
    const events: WatchEvent[] = [];
    store.watch(s, 'demo', {}, (e) => events.push(e))();
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a']);
  });

  it('answers 410 Expired when the history no longer covers the resourceVersion', () => {
    const { store, t } = setup({ historyLimit: 3 });
    const cm = t('', 'configmaps');
    const first = store.create(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x0', namespace: 'demo' } });
    for (let i = 1; i < 6; i++) store.create(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `x${i}`, namespace: 'demo' } });
    const e = errorOf(() => store.watch(cm, 'demo', { resourceVersion: first.metadata.resourceVersion }, () => {}));
    expect(e.code).toBe(410);
    expect(e.reason).toBe('Expired');
    expect(e.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });
});

describe('custom resources', () => {
  it('a CRD object creates a served type, deleting it removes the type and its objects', () => {
    const { store, t } = setup();
    const crd = t('apiextensions.k8s.io', 'customresourcedefinitions');
    store.create(crd, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
      },
    });
    const w = store.typeFor('example.com', 'widgets')!;
    expect(w).toBeDefined();
    const obj = store.create(w, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'demo' }, spec: { size: 1 } });
    expect(obj.metadata.generation).toBe(1);
    // Custom resources need the resourceVersion on update.
    const e = errorOf(() => store.update(w, { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } }));
    expect(e.message).toBe('Widget.example.com "w1" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    expect((store.get(crd, undefined, 'widgets.example.com') as any).status.conditions.map((c: any) => c.type)).toEqual(['NamesAccepted', 'Established']);
    store.delete(crd, undefined, 'widgets.example.com');
    expect(store.typeFor('example.com', 'widgets')).toBeUndefined();
  });

  it('registerType adds a custom type with its CRD, idempotently', () => {
    const { store } = setup();
    const def = { group: 'iam.kubesphere.io', version: 'v1beta1', resource: 'users', kind: 'User', namespaced: false };
    const t1 = store.registerType(def);
    const t2 = store.registerType(def);
    expect(t1.kind).toBe('User');
    expect(t2).toEqual(t1);
    expect(store.get(store.typeFor('apiextensions.k8s.io', 'customresourcedefinitions')!, undefined, 'users.iam.kubesphere.io')).toBeDefined();
  });

  it('serves cert-manager kinds only while the switch is on', () => {
    let on = false;
    const { store } = setup({ certManager: () => on });
    expect(store.typeFor('cert-manager.io', 'certificates')).toBeUndefined();
    on = true;
    store.refreshSwitches();
    expect(store.typeFor('cert-manager.io', 'certificates')?.namespaced).toBe(true);
    expect(store.typeFor('cert-manager.io', 'clusterissuers')?.namespaced).toBe(false);
    on = false;
    store.refreshSwitches();
    expect(store.typeFor('cert-manager.io', 'issuers')).toBeUndefined();
  });
});

describe('persistence and seed', () => {
  it('writes state.json atomically and loads it back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hc-store-'));
    try {
      const file = path.join(dir, 'state.json');
      const { store, t } = setup({ file });
      store.create(t('', 'secrets'), secret('kept'));
      store.persistNow();
      const again = new MemStore({ file });
      expect(again.get(again.typeFor('', 'secrets')!, 'demo', 'kept')?.data).toEqual(secret('kept').data);
      expect(again.currentResourceVersion()).toBe(store.currentResourceVersion());
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('seeds the lab world', () => {
    const store = new MemStore();
    seedKube(store);
    const t = (g: string, r: string) => store.typeFor(g, r)!;
    const names = store.list(t('', 'namespaces'), undefined).items.map((n) => n.metadata.name);
    expect(names).toEqual(['default', 'demo', 'demo-2', 'extension-harbor-connect', 'kube-system', 'kubesphere-system', 'other']);
    expect(store.get(t('', 'namespaces'), undefined, 'demo')?.metadata.labels?.['kubesphere.io/workspace']).toBe('demo-ws');
    expect((store.get(t('', 'serviceaccounts'), 'demo', 'builder') as any).imagePullSecrets).toHaveLength(3);
    expect((store.get(t('', 'secrets'), 'demo', 'legacy-regcred') as any).type).toBe('kubernetes.io/dockerconfigjson');
    const nodes = store.list(t('', 'nodes'), undefined).items as any[];
    expect(nodes.map((n) => n.status.nodeInfo.containerRuntimeVersion)).toEqual(['containerd://1.6.20', 'containerd://1.6.20', 'containerd://1.6.20']);
  });
});

describe('events.k8s.io/v1', () => {
  it('is a view of the core events: same objects, converted fields, mapped field selectors', () => {
    const { store, t } = setup();
    const core = t('', 'events');
    const v1 = t('events.k8s.io', 'events');
    store.create(core, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'demo' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'demo' },
      reason: 'Failed',
      message: 'boom',
      type: 'Warning',
      source: { component: 'kubelet' },
      count: 2,
    });
    const seen = store.get(v1, 'demo', 'e1') as any;
    expect(seen).toMatchObject({ apiVersion: 'events.k8s.io/v1', regarding: { name: 'p' }, note: 'boom', deprecatedSource: { component: 'kubelet' }, deprecatedCount: 2 });
    expect(store.list(v1, 'demo', { fieldSelector: 'regarding.name=p' }).items).toHaveLength(1);
    expect(errorOf(() => store.list(v1, 'demo', { fieldSelector: 'note=x' })).message).toBe('field label not supported: note');
    const events: WatchEvent[] = [];
    const stop = store.watch(v1, 'demo', { resourceVersion: store.currentResourceVersion() }, (e) => events.push(e));
    store.create(v1, { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e2', namespace: 'demo' }, regarding: { kind: 'Pod', name: 'q', namespace: 'demo' }, reason: 'Pulled', note: 'ok', type: 'Normal' });
    stop();
    expect((store.get(core, 'demo', 'e2') as any).message).toBe('ok');
    expect(events.map((e) => [e.type, (e.object as any).note])).toEqual([['ADDED', 'ok']]);
  });
});

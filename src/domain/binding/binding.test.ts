import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { ServiceAccount, Pod } from 'kubernetes-types/core/v1';
import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1';
import type { Job, CronJob } from 'kubernetes-types/batch/v1';
import { planBinding, planUnbinding, planBindingReplace, podsNeedingRestart, workloadKind, replanBindingWrite } from './index';
import type { Workload } from './index';
import { applyJsonPatch, applyStrategicMergePatch, JsonPatchError, isNoop } from '../plan';
import type { Write, JsonPatchOperation } from '../plan';

// Shaped as `kubectl get serviceaccount default -n demo -o json` prints it (kubectl 1.32, Kubernetes 1.30 server).
const SA_DEFAULT: ServiceAccount = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { creationTimestamp: '2024-05-06T08:00:00Z', name: 'default', namespace: 'demo', resourceVersion: '4711', uid: '7d7f0c6e-7f0e-4c49-9a53-0b1e6f0e7a11' },
};
const SA_BUILDER: ServiceAccount = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  imagePullSecrets: [{ name: 'dockerhub' }, { name: 'legacy-harbor' }],
  metadata: { creationTimestamp: '2024-05-06T08:01:00Z', name: 'builder', namespace: 'demo', resourceVersion: '4790', uid: '0c3c3c52-1e5e-4c2a-8a4b-7f8d2d0e9b21' },
};
// Shaped as `kubectl get deployment web -n demo -o json` prints it (status trimmed).
const DEPLOY_WEB: Deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { annotations: { 'deployment.kubernetes.io/revision': '3' }, generation: 3, labels: { app: 'web' }, name: 'web', namespace: 'demo', resourceVersion: '5120', uid: 'b3a1e5f2-5d0e-4f0b-9c6d-3e2f1a0b9c87' },
  spec: {
    progressDeadlineSeconds: 600,
    replicas: 2,
    revisionHistoryLimit: 10,
    selector: { matchLabels: { app: 'web' } },
    strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
    template: {
      metadata: { creationTimestamp: undefined, labels: { app: 'web' } },
      spec: {
        containers: [{ image: 'harbor.example.com/library/nginx:1.25', imagePullPolicy: 'IfNotPresent', name: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
        dnsPolicy: 'ClusterFirst',
        imagePullSecrets: [{ name: 'other' }],
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
    },
  },
};
const STS_DB: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'demo', resourceVersion: '6001' },
  spec: {
    podManagementPolicy: 'OrderedReady',
    replicas: 1,
    selector: { matchLabels: { app: 'db' } },
    serviceName: 'db',
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'pg', image: 'harbor.example.com/library/postgres:16' }] } },
    updateStrategy: { type: 'OnDelete' },
  },
};
const JOB_MIGRATE: Job = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: 'demo', resourceVersion: '7001' },
  spec: { backoffLimit: 6, completionMode: 'NonIndexed', completions: 1, parallelism: 1, template: { spec: { containers: [{ name: 'm', image: 'harbor.example.com/app/migrate:1' }], restartPolicy: 'Never' } } },
};
const CRON_REPORT: CronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'report', namespace: 'demo', resourceVersion: '8001' },
  spec: {
    concurrencyPolicy: 'Allow',
    schedule: '0 * * * *',
    jobTemplate: { spec: { template: { spec: { containers: [{ name: 'r', image: 'harbor.example.com/app/report:1' }], restartPolicy: 'OnFailure' } } } },
  },
};

const SECRET = 'harbor-example-com-pull';

/** Applies a write as the API server would (replace checks the resourceVersion; JSON patch tests can fail). */
function apply(obj: Record<string, unknown>, w: Write): Record<string, unknown> {
  if (w.action === 'replace') {
    const rv = (w.body!.metadata as { resourceVersion?: string }).resourceVersion;
    if (rv !== (obj.metadata as { resourceVersion?: string }).resourceVersion) throw Object.assign(new Error('Conflict'), { status: 409 });
    return bump(w.body!);
  }
  if (w.patchType === 'json') return bump(applyJsonPatch(obj, w.patch as JsonPatchOperation[]));
  return bump(applyStrategicMergePatch(obj, w.patch));
}
function bump(o: Record<string, unknown>): Record<string, unknown> {
  const m = o.metadata as { resourceVersion?: string };
  return { ...o, metadata: { ...m, resourceVersion: String(Number(m?.resourceVersion ?? 0) + 1) } };
}

describe('planBinding: ServiceAccounts', () => {
  it('absent list: guard on resourceVersion, then add the list', () => {
    const { writes, notes } = planBinding({ secretName: SECRET, serviceAccounts: [SA_DEFAULT] });
    expect(writes).toEqual([
      {
        action: 'patch',
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        namespace: 'demo',
        name: 'default',
        patchType: 'json',
        patch: [
          { op: 'test', path: '/metadata/resourceVersion', value: '4711' },
          { op: 'add', path: '/imagePullSecrets', value: [{ name: SECRET }] },
        ],
        reason: { key: 'HARBOR_CONNECT_BINDING_REASON_SA_BIND', params: { secret: SECRET, serviceAccount: 'default', namespace: 'demo' } },
        intent: { type: 'list-contains', path: '/imagePullSecrets', name: SECRET },
      },
    ]);
    expect(notes).toEqual([{ target: { kind: 'ServiceAccount', namespace: 'demo', name: 'default' }, code: 'existing-pods-unchanged', params: { secret: SECRET } }]);
  });

  it('present list: test the exact list, then append', () => {
    const { writes } = planBinding({ secretName: SECRET, serviceAccounts: [SA_BUILDER] });
    expect(writes[0].patch).toEqual([
      { op: 'test', path: '/imagePullSecrets', value: [{ name: 'dockerhub' }, { name: 'legacy-harbor' }] },
      { op: 'add', path: '/imagePullSecrets/-', value: { name: SECRET } },
    ]);
    const after = apply(SA_BUILDER as never, writes[0]);
    expect(after.imagePullSecrets).toEqual([{ name: 'dockerhub' }, { name: 'legacy-harbor' }, { name: SECRET }]);
  });

  it('a concurrent change makes the patch fail instead of losing entries', () => {
    const { writes } = planBinding({ secretName: SECRET, serviceAccounts: [SA_BUILDER, SA_DEFAULT] });
    const changedBuilder = { ...SA_BUILDER, imagePullSecrets: [...SA_BUILDER.imagePullSecrets!, { name: 'added-meanwhile' }] };
    expect(() => apply(changedBuilder as never, writes[0])).toThrow(JsonPatchError);
    const changedDefault = { ...SA_DEFAULT, metadata: { ...SA_DEFAULT.metadata, resourceVersion: '4712' }, imagePullSecrets: [{ name: 'added-meanwhile' }] };
    expect(() => apply(changedDefault as never, writes[1])).toThrow(JsonPatchError);
  });

  it('no write when already bound; unbinding removes every duplicate and keeps the rest in order', () => {
    const sa = { ...SA_BUILDER, imagePullSecrets: [{ name: SECRET }, { name: 'a' }, { name: SECRET }, { name: 'b' }] };
    expect(planBinding({ secretName: SECRET, serviceAccounts: [sa] }).writes).toEqual([]);
    expect(planBinding({ secretName: SECRET, serviceAccounts: [sa] }).notes[0].code).toBe('already-bound');
    const { writes } = planUnbinding({ secretName: SECRET, serviceAccounts: [sa] });
    expect(writes[0].patch).toEqual([
      { op: 'test', path: '/imagePullSecrets/2', value: { name: SECRET } },
      { op: 'remove', path: '/imagePullSecrets/2' },
      { op: 'test', path: '/imagePullSecrets/0', value: { name: SECRET } },
      { op: 'remove', path: '/imagePullSecrets/0' },
    ]);
    expect(apply(sa as never, writes[0]).imagePullSecrets).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(planUnbinding({ secretName: SECRET, serviceAccounts: [SA_DEFAULT] }).notes[0].code).toBe('not-bound');
  });

  it('replace variant carries the resourceVersion as read', () => {
    const { writes } = planBindingReplace({ secretName: SECRET, serviceAccounts: [SA_BUILDER] });
    expect(writes[0]).toMatchObject({ action: 'replace', body: { metadata: { resourceVersion: '4790' }, imagePullSecrets: [{ name: 'dockerhub' }, { name: 'legacy-harbor' }, { name: SECRET }] } });
    expect(() => apply({ ...SA_BUILDER, metadata: { ...SA_BUILDER.metadata, resourceVersion: '4791' } } as never, writes[0])).toThrow('Conflict');
  });

  it('refuses to plan an unguarded write for an object without resourceVersion', () => {
    const sa = { ...SA_DEFAULT, metadata: { name: 'x', namespace: 'demo' } };
    const plan = planBinding({ secretName: SECRET, serviceAccounts: [sa] });
    expect(plan.writes).toEqual([]);
    expect(plan.notes[0].code).toBe('missing-resource-version');
  });
});

describe('planBinding: workloads', () => {
  it('Deployment: a guarded JSON patch appends (a strategic merge would put ours first), rolls the workload', () => {
    const { writes, notes } = planBinding({ secretName: SECRET, workloads: [DEPLOY_WEB] });
    expect(writes).toEqual([
      {
        action: 'patch',
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'demo',
        name: 'web',
        patchType: 'json',
        patch: [
          { op: 'test', path: '/spec/template/spec/imagePullSecrets', value: [{ name: 'other' }] },
          { op: 'add', path: '/spec/template/spec/imagePullSecrets/-', value: { name: SECRET } },
        ],
        reason: { key: 'HARBOR_CONNECT_BINDING_REASON_WORKLOAD_BIND', params: { secret: SECRET, kind: 'Deployment', name: 'web', namespace: 'demo' } },
        effects: ['rolls-workload'],
        intent: { type: 'list-contains', path: '/spec/template/spec/imagePullSecrets', name: SECRET },
      },
    ]);
    expect(notes.map((n) => n.code)).toEqual(['rolls-workload']);
    const after = apply(DEPLOY_WEB as never, writes[0]) as unknown as Deployment;
    expect(after.spec!.template.spec!.imagePullSecrets).toEqual([{ name: 'other' }, { name: SECRET }]);
  });

  it('CronJob: jobTemplate, next runs only; Job: skipped; OnDelete StatefulSet: no roll', () => {
    const { writes, notes } = planBinding({ secretName: SECRET, workloads: [CRON_REPORT, JOB_MIGRATE, STS_DB] });
    expect(writes.map((w) => [w.kind, w.effects])).toEqual([
      ['CronJob', undefined],
      ['StatefulSet', undefined],
    ]);
    // The CronJob's template has no list yet: its resourceVersion is what the patch tests.
    expect(writes[0].patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: CRON_REPORT.metadata!.resourceVersion },
      { op: 'add', path: '/spec/jobTemplate/spec/template/spec/imagePullSecrets', value: [{ name: SECRET }] },
    ]);
    expect(notes.map((n) => [n.target.kind, n.code])).toEqual([
      ['CronJob', 'next-runs-only'],
      ['Job', 'job-immutable'],
      ['StatefulSet', 'on-delete'],
    ]);
  });

  it('unbinding a template uses a guarded JSON patch', () => {
    const d = { ...DEPLOY_WEB, spec: { ...DEPLOY_WEB.spec!, template: { ...DEPLOY_WEB.spec!.template, spec: { ...DEPLOY_WEB.spec!.template.spec!, imagePullSecrets: [{ name: 'other' }, { name: SECRET }] } } } };
    const { writes } = planUnbinding({ secretName: SECRET, workloads: [d] });
    expect(writes[0]).toMatchObject({
      patchType: 'json',
      patch: [
        { op: 'test', path: '/spec/template/spec/imagePullSecrets/1', value: { name: SECRET } },
        { op: 'remove', path: '/spec/template/spec/imagePullSecrets/1' },
      ],
      effects: ['rolls-workload'],
    });
  });

  it('infers kinds of list items (no kind field)', () => {
    const strip = (w: Workload) => ({ ...w, kind: undefined, apiVersion: undefined }) as unknown as Workload;
    expect([DEPLOY_WEB, STS_DB, JOB_MIGRATE, CRON_REPORT].map((w) => workloadKind(strip(w)))).toEqual(['Deployment', 'StatefulSet', 'Job', 'CronJob']);
  });
});

// ---------- properties ----------

const names = fc.constantFrom('a', 'b', 'c', 'dockerhub', SECRET);
const list = fc.option(fc.array(names.map((name) => ({ name })), { maxLength: 6 }), { nil: undefined });
const saArb = fc.record({ list, rv: fc.integer({ min: 1, max: 1e6 }).map(String) }).map(
  ({ list: l, rv }): ServiceAccount => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'demo', resourceVersion: rv }, ...(l ? { imagePullSecrets: l } : {}) }),
);
const deployArb = list.map((l): Deployment => ({ ...DEPLOY_WEB, spec: { ...DEPLOY_WEB.spec!, template: { ...DEPLOY_WEB.spec!.template, spec: { ...DEPLOY_WEB.spec!.template.spec!, imagePullSecrets: l } } } }));
const strategy = fc.constantFrom<'json-patch' | 'replace'>('json-patch', 'replace');
const pullNames = (o: unknown, path: string[]) => ((path.reduce<unknown>((x, k) => (x as Record<string, unknown>)?.[k], o) as Array<{ name: string }> | undefined) ?? []).map((r) => r.name);
const SA_PATH = ['imagePullSecrets'];
const TPL_PATH = ['spec', 'template', 'spec', 'imagePullSecrets'];

describe('binding properties', () => {
  it('bind never drops, reorders or duplicates; binding again plans nothing', () => {
    fc.assert(
      fc.property(saArb, deployArb, strategy, (sa, dep, strat) => {
        const plan = planBinding({ secretName: SECRET, serviceAccounts: [sa], workloads: [dep] }, { strategy: strat });
        let sa2: Record<string, unknown> = sa as never;
        let dep2: Record<string, unknown> = dep as never;
        for (const w of plan.writes) {
          if (w.kind === 'ServiceAccount') sa2 = apply(sa2, w);
          else dep2 = apply(dep2, w);
        }
        for (const [before, after, path] of [
          [sa, sa2, SA_PATH],
          [dep, dep2, TPL_PATH],
        ] as const) {
          const b = pullNames(before, path as unknown as string[]);
          const a = pullNames(after, path as unknown as string[]);
          expect(a.slice(0, b.length)).toEqual(b); // existing entries kept, in order
          expect(a.length).toBe(b.includes(SECRET) ? b.length : b.length + 1); // one added, only if missing
          expect(a).toContain(SECRET);
        }
        const again = planBinding({ secretName: SECRET, serviceAccounts: [sa2 as ServiceAccount], workloads: [dep2 as Deployment] }, { strategy: strat });
        expect(again.writes).toEqual([]);
        // And every write of the first plan is a no-op on the result (what the applier reports as unchanged).
        for (const w of plan.writes.filter((x) => x.patchType !== 'json' && x.action !== 'replace')) expect(isNoop(w, w.kind === 'ServiceAccount' ? sa2 : dep2)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('unbind removes every entry of the secret and keeps the others in order', () => {
    fc.assert(
      fc.property(saArb, deployArb, strategy, (sa, dep, strat) => {
        const plan = planUnbinding({ secretName: SECRET, serviceAccounts: [sa], workloads: [dep] }, { strategy: strat });
        let sa2: Record<string, unknown> = sa as never;
        let dep2: Record<string, unknown> = dep as never;
        for (const w of plan.writes) {
          if (w.kind === 'ServiceAccount') sa2 = apply(sa2, w);
          else dep2 = apply(dep2, w);
        }
        expect(pullNames(sa2, SA_PATH)).toEqual(pullNames(sa, SA_PATH).filter((n) => n !== SECRET));
        expect(pullNames(dep2, TPL_PATH)).toEqual(pullNames(dep, TPL_PATH).filter((n) => n !== SECRET));
        expect(planUnbinding({ secretName: SECRET, serviceAccounts: [sa2 as ServiceAccount], workloads: [dep2 as Deployment] }).writes).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a write planned on a stale read never loses an entry of the current object', () => {
    fc.assert(
      fc.property(saArb, list, fc.boolean(), (read, concurrentList, bind) => {
        // Someone else changed the list (and so the resourceVersion) after we read it.
        const current = { ...read, metadata: { ...read.metadata, resourceVersion: `${read.metadata!.resourceVersion}9` }, imagePullSecrets: concurrentList } as ServiceAccount;
        const plan = (bind ? planBinding : planUnbinding)({ secretName: SECRET, serviceAccounts: [read] });
        for (const w of plan.writes) {
          let result: Record<string, unknown>;
          try {
            result = apply(current as never, w);
          } catch {
            continue; // refused (422 test failed / 409): the caller re-reads and re-plans
          }
          const others = pullNames(current, SA_PATH).filter((n) => n !== SECRET);
          expect(pullNames(result, SA_PATH).filter((n) => n !== SECRET)).toEqual(others);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('podsNeedingRestart', () => {
  const pod = (name: string, sa: string | undefined, secrets: string[], phase = 'Running'): Pod => ({
    metadata: { name, namespace: 'demo' },
    spec: { containers: [{ name: 'c', image: 'x' }], ...(sa ? { serviceAccountName: sa } : {}), imagePullSecrets: secrets.map((n) => ({ name: n })) },
    status: { phase },
  });
  it('lists running pods of the ServiceAccount that lack the secret', () => {
    const pods = [pod('a', 'builder', []), pod('b', 'builder', [SECRET]), pod('c', 'default', []), pod('d', undefined, []), pod('e', 'builder', [], 'Succeeded')];
    expect(podsNeedingRestart(pods, 'builder', SECRET).map((p) => p.metadata!.name)).toEqual(['a']);
    expect(podsNeedingRestart(pods, 'default', SECRET).map((p) => p.metadata!.name)).toEqual(['c', 'd']);
  });
});

describe('guarded binding writes: retry after the write already went through, or after a concurrent change', () => {
  it('a bind whose guard fails because it was already applied is a no-op, not a failure', () => {
    const [write] = planBinding({ secretName: SECRET, serviceAccounts: [SA_BUILDER] }).writes;
    const after = apply(SA_BUILDER as never, write) as unknown as Record<string, unknown>;
    // Applying the same guarded patch again fails its test op...
    expect(() => applyJsonPatch(after, write.patch as JsonPatchOperation[])).toThrow(JsonPatchError);
    // ...but its intent already holds: the executor reports it unchanged.
    expect(isNoop(write, after)).toBe(true);
    expect(replanBindingWrite(write, after)).toBeUndefined();
  });

  it('a concurrent change: re-planned from the fresh object, keeping the newcomer and adding ours once', () => {
    const [write] = planBinding({ secretName: SECRET, serviceAccounts: [SA_BUILDER] }).writes;
    const changed = { ...SA_BUILDER, imagePullSecrets: [{ name: 'newcomer' }, ...(SA_BUILDER.imagePullSecrets ?? [])] };
    expect(isNoop(write, changed as never)).toBe(false);
    const next = replanBindingWrite(write, changed as never)!;
    const result = apply(changed as never, next) as unknown as ServiceAccount;
    expect(result.imagePullSecrets).toEqual([{ name: 'newcomer' }, ...(SA_BUILDER.imagePullSecrets ?? []), { name: SECRET }]);
  });

  it('an unbind already done is a no-op', () => {
    const bound = { ...SA_BUILDER, imagePullSecrets: [...(SA_BUILDER.imagePullSecrets ?? []), { name: SECRET }] };
    const [write] = planUnbinding({ secretName: SECRET, serviceAccounts: [bound as never] }).writes;
    expect(isNoop(write, SA_BUILDER as never)).toBe(true);
  });
});

// Pods created before their ServiceAccount got the pull secret, on objects as the lab's kube-apiserver and kubelets
// return them (src/domain/binding/__fixtures__/restart-*.json: read with kubectl from the lab, renamed into one story).
// The story, in project demo: ServiceAccount default was bound to harbor-pull (harbor.lab.local:5443) after the
// pods below were created.
//   busybox-app-...-s9bdf, -x2k7p  Deployment busybox-app (through ReplicaSet busybox-app-988668bcd): 401, no secret
//   cache-0                        StatefulSet cache: 401, no secret
//   debug                          a bare pod: 401, no secret
//   web-...                        Deployment web whose template names web-cred: 401, a restart would not help
//   legacy-...                     the CN-only registry: x509, not a credential problem
//   tools                          ServiceAccount builder, no credential for the host: 401, nothing bound to restart for
//   busybox-app-...-ok001          pulled and running
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Workload } from './index';
import { applyStrategicMergePatch, isNoop, writeToKubectl, type Write } from '../plan';
import type { PullEvent } from '../diagnosis';
import enDiagnosis from '../../../locales/en/diagnosis.json';
import enBinding from '../../../locales/en/binding.json';
import enRestart from '../../../locales/en/restart.json';
import {
  CREATED_BEFORE_BINDING,
  createdBeforeBinding,
  failingPods,
  planRestart,
  projectPullFailures,
  RESTARTED_AT_ANNOTATION,
  restartedAt,
  type ProjectPullInput,
} from './restart';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8')) as T;
const pods = fixture<{ items: Pod[] }>('restart-pods.json').items;
const events = fixture<{ items: PullEvent[] }>('restart-events.json').items;
const serviceAccounts = fixture<{ items: ServiceAccount[] }>('restart-serviceaccounts.json').items;
const secrets = fixture<{ items: Secret[] }>('restart-secrets.json').items;
const replicaSets = fixture<{ items: ReplicaSet[] }>('restart-replicasets.json').items;
const listed = fixture<{ deployments: Workload[]; statefulSets: Workload[] }>('restart-workloads.json');
// As the project page holds them: list items with their kind set.
const workloads: Workload[] = [
  ...listed.deployments.map((d) => ({ ...d, kind: 'Deployment' }) as Workload),
  ...listed.statefulSets.map((s) => ({ ...s, kind: 'StatefulSet' }) as Workload),
];
const INPUT: ProjectPullInput = { pods, events, serviceAccounts, secrets, replicaSets, workloads };
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;
const names = (list: ReadonlyArray<{ name: string }>) => list.map((p) => p.name);
const withDefaultSa = (patch: Partial<ServiceAccount>): ServiceAccount[] =>
  serviceAccounts.map((sa) => (sa.metadata?.name === 'default' ? { ...clone(sa), ...patch } : sa));
const podNamed = (name: string) => pods.find((p) => p.metadata?.name === name)!;

describe('failingPods: every pod of the project whose pull fails, in the diagnosis words', () => {
  const failing = failingPods(INPUT);

  it('lists the failing pods (not the running one) with cause, image and when the failure began', () => {
    expect(failing.map((f) => [f.name, f.diagnosis.cause])).toEqual([
      ['busybox-app-988668bcd-s9bdf', 'unauthorized'],
      ['busybox-app-988668bcd-x2k7p', 'unauthorized'],
      ['cache-0', 'unauthorized'],
      ['debug', 'unauthorized'],
      ['legacy-5c9d8f7b6-qw8rt', 'legacy-cn'],
      ['tools', 'unauthorized'],
      ['web-7b795d4bff-jf2sc', 'unauthorized'],
    ]);
    const first = failing[0];
    expect(first).toMatchObject({
      namespace: 'demo',
      serviceAccount: 'default',
      createdAt: '2026-12-03T03:56:44Z',
      since: '2026-12-03T03:56:46Z',
      owner: { kind: 'Deployment', name: 'busybox-app', apiVersion: 'apps/v1' },
      diagnosis: { titleKey: 'HARBOR_CONNECT_DIAG_UNAUTHORIZED_TITLE', fixKey: 'HARBOR_CONNECT_DIAG_UNAUTHORIZED_FIX', image: 'harbor.lab.local:5443/library/busybox:latest', node: 'node-3', count: 31 },
    });
    expect(first.diagnosis.message).toContain('401 Unauthorized');
  });

  it('names the owner: a Deployment through its ReplicaSet, a StatefulSet, none for a bare pod', () => {
    const owner = (n: string) => failing.find((f) => f.name === n)!.owner;
    expect(owner('cache-0')).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'cache' });
    expect(owner('web-7b795d4bff-jf2sc')).toMatchObject({ kind: 'Deployment', name: 'web' });
    expect(owner('debug')).toBeUndefined();
    // Without the ReplicaSets, the pod's own controller.
    expect(failingPods({ ...INPUT, replicaSets: undefined })[0].owner).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'busybox-app-988668bcd' });
  });

  it('leaves out terminating and finished pods, and events of an earlier pod of the same name', () => {
    const gone: Pod = { ...clone(podNamed('debug')), metadata: { ...podNamed('debug').metadata, deletionTimestamp: '2026-12-03T06:30:00Z' } };
    const done = { ...clone(podNamed('tools')), status: { ...clone(podNamed('tools')).status, phase: 'Failed' } };
    expect(names(failingPods({ ...INPUT, pods: [gone, done] }))).toEqual([]);
    const reborn: Pod = { ...clone(podNamed('cache-0')), metadata: { ...podNamed('cache-0').metadata, uid: 'ffffffff-0000-4000-8000-000000000000' } };
    reborn.status!.containerStatuses = [{ ...reborn.status!.containerStatuses![0], state: { waiting: { reason: 'ContainerCreating' } } }];
    expect(failingPods({ ...INPUT, pods: [reborn] })).toEqual([]);
  });
});

describe('createdBeforeBinding: the common cause, detected', () => {
  it('finds the pods created before harbor-pull was bound to default, grouped by the workload that recreates them', () => {
    const r = projectPullFailures(INPUT);
    const found = r.createdBeforeBinding!;
    expect(found.cause).toBe(CREATED_BEFORE_BINDING);
    expect(found.titleKey).toBe('HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_TITLE');
    expect(names(found.pods)).toEqual(['busybox-app-988668bcd-s9bdf', 'busybox-app-988668bcd-x2k7p', 'cache-0', 'debug']);
    expect(found.pods.every((p) => p.missing.join() === 'harbor-pull' && p.image === 'harbor.lab.local:5443/library/busybox:latest')).toBe(true);
    expect(found.workloads.map((w) => [w.kind, w.name, w.method, names(w.pods), w.serviceAccount, w.secrets])).toEqual([
      ['Deployment', 'busybox-app', 'rollout-restart', ['busybox-app-988668bcd-s9bdf', 'busybox-app-988668bcd-x2k7p'], 'default', ['harbor-pull']],
      ['StatefulSet', 'cache', 'rollout-restart', ['cache-0'], 'default', ['harbor-pull']],
      ['Pod', 'debug', 'delete-bare', ['debug'], 'default', ['harbor-pull']],
    ]);
    expect(found.fix).toEqual({ action: 'restart-pods', rollouts: 2, deletes: 0, bareDeletes: 1 });
  });

  it('keeps the generic causes for the rest: a template with its own pull secret, a certificate error, nothing bound for the host', () => {
    const stale = new Set(names(projectPullFailures(INPUT).createdBeforeBinding!.pods));
    expect(['web-7b795d4bff-jf2sc', 'legacy-5c9d8f7b6-qw8rt', 'tools'].filter((n) => stale.has(n))).toEqual([]);
  });

  it('finds nothing while no pull secret for the host is bound, or the one bound serves another registry or is missing', () => {
    expect(createdBeforeBinding(failingPods(INPUT), { ...INPUT, serviceAccounts: withDefaultSa({ imagePullSecrets: [] }) })).toBeUndefined();
    expect(createdBeforeBinding(failingPods(INPUT), { ...INPUT, serviceAccounts: withDefaultSa({ imagePullSecrets: [{ name: 'web-cred' }] }) })).toBeUndefined();
    expect(createdBeforeBinding(failingPods(INPUT), { ...INPUT, secrets: secrets.filter((s) => s.metadata?.name !== 'harbor-pull') })).toBeUndefined();
  });

  it('a pod that has the secret already fails for another reason: not this cause', () => {
    const has = clone(podNamed('debug'));
    has.spec!.imagePullSecrets = [{ name: 'harbor-pull' }];
    expect(createdBeforeBinding(failingPods({ ...INPUT, pods: [has] }), { ...INPUT, pods: [has] })).toBeUndefined();
  });

  it('a bare pod with a pull secret of its own that the ServiceAccount lacks was not given the ServiceAccount list: not this cause', () => {
    const own = clone(podNamed('debug'));
    own.spec!.imagePullSecrets = [{ name: 'someone-elses' }];
    const input = { ...INPUT, pods: [own] };
    expect(createdBeforeBinding(failingPods(input), input)).toBeUndefined();
  });

  it('compares the pod creation time with when the ServiceAccount list was written, where the server records it', () => {
    const written = (time: string) =>
      withDefaultSa({ metadata: { ...clone(serviceAccounts[1].metadata!), managedFields: [{ manager: 'kubectl-patch', operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:imagePullSecrets': {} } }] } });
    const after = createdBeforeBinding(failingPods(INPUT), { ...INPUT, serviceAccounts: written('2026-12-03T04:05:30Z') })!;
    expect(after.pods[0]).toMatchObject({ createdAt: '2026-12-03T03:56:44Z', boundAt: '2026-12-03T04:05:30Z' });
    // Written before every pod was created: they were created with it and did not take it; something else is wrong.
    expect(createdBeforeBinding(failingPods(INPUT), { ...INPUT, serviceAccounts: written('2026-12-03T03:50:00Z') })).toBeUndefined();
  });

  it('deletes the pods where a rollout would not replace them: paused Deployment, OnDelete or partitioned StatefulSet, a bare ReplicaSet', () => {
    const paused = workloads.map((w) => (w.metadata?.name === 'busybox-app' ? ({ ...clone(w), spec: { ...clone(w).spec!, paused: true } } as Workload) : w));
    const onDelete = workloads.map((w) => (w.metadata?.name === 'cache' ? ({ ...clone(w), spec: { ...clone(w).spec!, updateStrategy: { type: 'OnDelete' } } } as Workload) : w));
    const partition = workloads.map((w) => (w.metadata?.name === 'cache' ? ({ ...clone(w), spec: { ...clone(w).spec!, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } } } as Workload) : w));
    const method = (input: ProjectPullInput, name: string) => createdBeforeBinding(failingPods(input), input)!.workloads.find((w) => w.name === name)?.method;
    expect(method({ ...INPUT, workloads: paused }, 'busybox-app')).toBe('delete-owned');
    expect(method({ ...INPUT, workloads: onDelete }, 'cache')).toBe('delete-owned');
    expect(method({ ...INPUT, workloads: partition }, 'cache')).toBe('delete-owned');
    const orphanRs = replicaSets.map((rs) => (rs.metadata?.name === 'busybox-app-988668bcd' ? { ...clone(rs), metadata: { ...clone(rs).metadata, ownerReferences: [] } } : rs));
    expect(method({ ...INPUT, replicaSets: orphanRs }, 'busybox-app-988668bcd')).toBe('delete-owned');
  });

  it('a workload whose template names a pull secret is not restarted, even if the ReplicaSet was not read', () => {
    const input = { ...INPUT, replicaSets: undefined };
    const found = createdBeforeBinding(failingPods(input), input)!;
    expect(found.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(['ReplicaSet/busybox-app-988668bcd', 'StatefulSet/cache', 'Pod/debug']);
    expect(names(found.pods)).not.toContain('web-7b795d4bff-jf2sc');
  });
});

describe('planRestart: the writes the user reviews', () => {
  const found = projectPullFailures(INPUT).createdBeforeBinding!;
  const now = new Date('2026-12-03T06:40:00.123Z');
  const writes = planRestart(found, now);

  it('a rollout restart per workload, exactly what kubectl rollout restart sends; a uid-guarded delete for a bare pod', () => {
    expect(restartedAt(now)).toBe('2026-12-03T06:40:00Z');
    expect(writes.map((w) => [w.action, w.kind, w.name, w.effects])).toEqual([
      ['patch', 'Deployment', 'busybox-app', ['rolls-workload']],
      ['patch', 'StatefulSet', 'cache', ['rolls-workload']],
      ['delete', 'Pod', 'debug', ['not-recreated']],
    ]);
    expect(writes[0]).toMatchObject({
      apiVersion: 'apps/v1',
      namespace: 'demo',
      patchType: 'strategic-merge',
      patch: { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: '2026-12-03T06:40:00Z' } } } } },
      reason: { key: 'HARBOR_CONNECT_RESTART_REASON_ROLLOUT', params: { kind: 'Deployment', name: 'busybox-app', serviceAccount: 'default', secrets: 'harbor-pull' } },
    });
    // The request body kubectl 1.31 sends for `kubectl rollout restart deployment/busybox-app -n demo` (seen with -v=8).
    expect(writeToKubectl(writes[0])).toBe(
      `kubectl patch deployment busybox-app -n demo --type=strategic -p '{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-12-03T06:40:00Z"}}}}}'`,
    );
    expect(writes[2]).toMatchObject({ apiVersion: 'v1', namespace: 'demo', preconditions: { uid: podNamed('debug').metadata!.uid }, reason: { key: 'HARBOR_CONNECT_RESTART_REASON_DELETE_BARE' } });
    expect(writes[2].preconditions).not.toHaveProperty('resourceVersion');
  });

  it('changes only the template annotation, and applying it again changes nothing', () => {
    const deploy = { ...clone(listed.deployments[0]), kind: 'Deployment' } as unknown as Record<string, unknown>;
    const after = applyStrategicMergePatch(deploy, writes[0].patch as Record<string, unknown>) as typeof deploy;
    const template = (after.spec as { template: { metadata: { annotations: Record<string, string>; labels: Record<string, string> } } }).template;
    expect(template.metadata.annotations).toEqual({ [RESTARTED_AT_ANNOTATION]: '2026-12-03T06:40:00Z' });
    expect(template.metadata.labels).toEqual({ app: 'busybox-app' });
    expect(isNoop(writes[0], after)).toBe(true);
    expect(isNoop(writes[2], undefined)).toBe(true);
  });

  it('deletes each pod of a workload a rollout would not replace, saying its controller recreates it', () => {
    const paused = workloads.map((w) => (w.metadata?.name === 'busybox-app' ? ({ ...clone(w), spec: { ...clone(w).spec!, paused: true } } as Workload) : w));
    const input = { ...INPUT, workloads: paused };
    const plan = planRestart(createdBeforeBinding(failingPods(input), input)!, now);
    expect(plan.filter((w) => w.reason?.key === 'HARBOR_CONNECT_RESTART_REASON_DELETE_OWNED').map((w) => [w.action, w.name, w.preconditions?.uid, w.effects])).toEqual([
      ['delete', 'busybox-app-988668bcd-s9bdf', podNamed('busybox-app-988668bcd-s9bdf').metadata!.uid, undefined],
      ['delete', 'busybox-app-988668bcd-x2k7p', podNamed('busybox-app-988668bcd-x2k7p').metadata!.uid, undefined],
    ]);
  });

  it('every reason and the cause have a text with all their variables', () => {
    const all = { ...enDiagnosis, ...enBinding, ...enRestart } as Record<string, string>;
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const paused = workloads.map((w) => (w.metadata?.name === 'busybox-app' ? ({ ...clone(w), spec: { ...clone(w).spec!, paused: true } } as Workload) : w));
    const input = { ...INPUT, workloads: paused };
    const every: Write[] = [...writes, ...planRestart(createdBeforeBinding(failingPods(input), input)!, now)];
    for (const w of every) {
      const text = all[w.reason!.key];
      expect(text, w.reason!.key).toBeTruthy();
      for (const v of vars(text)) expect(w.reason!.params, `${w.reason!.key} {${v}}`).toHaveProperty(v);
    }
    expect(all[found.titleKey]).toBeTruthy();
    expect(all[found.fixKey]).toBeTruthy();
    expect(all.HARBOR_CONNECT_EFFECT_NOT_RECREATED).toBeTruthy();
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import { normalizeRegistryAddress } from '../registry';
import { base64ToUtf8 } from '../dockerconfig';
import { clusterRegistries, creatorOf, legacyPullSecrets, planProjectCredential, secretUsers, testImageFor, type ProjectWorkload } from './project';
import { describeCredential } from './model';

// The lab's project demo as read (see _comment in the file).
const demo = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'project-demo.json'), 'utf8')) as {
  secrets: Secret[];
  serviceAccounts: ServiceAccount[];
  workloads: Array<Record<string, any>>;
};
const workloads: ProjectWorkload[] = demo.workloads.map((o) => ({ kind: o.kind, name: o.metadata.name, obj: o as never }));
const { secrets, serviceAccounts } = demo;
const named = (name: string) => secrets.find((s) => s.metadata?.name === name)!;

describe('clusterRegistries: what a project admin sees of the cluster administrator\'s connections', () => {
  it('lists the wizard\'s pull secret with its address, creator and users; not the project credential nor a pull test\'s', () => {
    expect(clusterRegistries(secrets, serviceAccounts, workloads)).toEqual([
      {
        registryId: 'harbor-lab-local-5443',
        secret: 'lab-registry-pull',
        addresses: ['harbor.lab.local:5443'],
        creator: 'admin',
        created: '2026-12-03T05:10:00Z',
        // web runs as default with no pull secret of its own; busybox-app names its own (so not default's).
        users: { serviceAccounts: ['default'], workloads: [{ kind: 'Deployment', name: 'web', via: 'default' }] },
      },
    ]);
  });

  it('a secret without a creator says so by leaving it out (the page shows that it was not recorded)', () => {
    const s = JSON.parse(JSON.stringify(named('lab-registry-pull'))) as Secret;
    delete s.metadata!.annotations;
    expect(clusterRegistries([s], [], [])[0]?.creator).toBeUndefined();
  });

  it('none when the project holds no pull secret of ours', () => {
    expect(clusterRegistries(secrets.filter((s) => !s.metadata?.labels?.['harbor-connect.kubesphere.io/registry']), serviceAccounts, workloads)).toEqual([]);
  });
});

describe('legacyPullSecrets: someone else\'s pull secret for a registry we serve', () => {
  it('names legacy-regcred, the host it shares with ours, and who still uses it (directly and through builder)', () => {
    expect(legacyPullSecrets(secrets, serviceAccounts, workloads)).toEqual([
      {
        secret: 'legacy-regcred',
        serverKey: 'harbor.lab.local:5443',
        host: 'harbor.lab.local:5443',
        ours: ['e2e-project-pull', 'lab-registry-pull'],
        registryId: 'harbor-lab-local-5443',
        creator: 'admin',
        users: { serviceAccounts: ['builder'], workloads: [{ kind: 'StatefulSet', name: 'cache', via: 'builder' }] },
      },
    ]);
  });

  it('pull secrets for other registries (Docker Hub, quay.io) are not flagged; nothing without a registry of ours', () => {
    const found = legacyPullSecrets(secrets, serviceAccounts, workloads).map((l) => l.secret);
    expect(found).not.toContain('dockerhub-mirror');
    expect(found).not.toContain('quay-readonly');
    const foreignOnly = secrets.filter((s) => !s.metadata?.labels?.['app.kubernetes.io/managed-by']);
    expect(legacyPullSecrets(foreignOnly, serviceAccounts, workloads)).toEqual([]);
  });

  it('matches the host however the key is written (scheme, /v2/ path)', () => {
    const s = JSON.parse(JSON.stringify(named('legacy-regcred'))) as Secret;
    const json = JSON.parse(base64ToUtf8(s.data!['.dockerconfigjson'])!);
    s.data!['.dockerconfigjson'] = Buffer.from(JSON.stringify({ auths: { 'https://harbor.lab.local:5443/v2/': json.auths['harbor.lab.local:5443'] } })).toString('base64');
    const [l] = legacyPullSecrets([named('lab-registry-pull'), s], [], []);
    expect(l).toMatchObject({ secret: 'legacy-regcred', serverKey: 'https://harbor.lab.local:5443/v2/', host: 'harbor.lab.local:5443', ours: ['lab-registry-pull'] });
    // Another port is another registry.
    s.data!['.dockerconfigjson'] = Buffer.from(JSON.stringify({ auths: { 'harbor.lab.local:5444': json.auths['harbor.lab.local:5443'] } })).toString('base64');
    expect(legacyPullSecrets([named('lab-registry-pull'), s], [], [])).toEqual([]);
  });
});

describe('secretUsers', () => {
  it('a workload naming its own pull secrets does not get its ServiceAccount\'s', () => {
    const busybox = workloads.find((w) => w.name === 'busybox-app')!;
    expect(secretUsers('lab-registry-pull', serviceAccounts, [busybox]).workloads).toEqual([]);
    expect(secretUsers('e2e-project-pull', serviceAccounts, [busybox]).workloads).toEqual([{ kind: 'Deployment', name: 'busybox-app' }]);
  });
});

describe('testImageFor', () => {
  it('pulls an image the project\'s workloads pull from that registry, else the registry\'s default test image', () => {
    expect(testImageFor('harbor.lab.local:5443', workloads)).toBe('harbor.lab.local:5443/library/busybox:latest');
    expect(testImageFor('harbor.example.com', workloads)).toBe('harbor.example.com/library/busybox:latest');
  });
});

describe('planProjectCredential', () => {
  const addr = (() => {
    const r = normalizeRegistryAddress('https://harbor.lab.local:5443');
    if (!r.ok) throw new Error('address');
    return r.value;
  })();
  const input = { address: addr, username: 'robot$demo+ci', password: 'RobotSecret123', name: 'team-pull', namespace: 'demo' };

  it('creates a pull secret labelled as ours and as the project\'s own, with its creator; it lists as a project credential', () => {
    const [w, ...rest] = planProjectCredential({ ...input, createdBy: 'demo-admin' });
    expect(rest).toEqual([]);
    expect(w).toMatchObject({ action: 'create', kind: 'Secret', namespace: 'demo', name: 'team-pull' });
    const body = w!.body as Secret;
    expect(body.metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'harbor-connect',
      'harbor-connect.kubesphere.io/registry': 'harbor-lab-local-5443',
      'app.kubernetes.io/component': 'project-credential',
    });
    expect(creatorOf(body)).toBe('demo-admin');
    expect(describeCredential(body)).toMatchObject({ name: 'team-pull', creator: 'demo-admin', managed: true, serverKeys: ['harbor.lab.local:5443'] });
    // Not taken for a cluster administrator's registry, and it makes legacy-regcred a candidate like any of ours.
    expect(clusterRegistries([body], [], [])).toEqual([]);
    expect(legacyPullSecrets([body, named('legacy-regcred')], [], []).map((l) => l.ours)).toEqual([['team-pull']]);
  });

  it('no creator annotation when the console did not say who is signed in', () => {
    expect((planProjectCredential(input)[0]!.body as Secret).metadata?.annotations).toBeUndefined();
  });

  it('binds to the ServiceAccount given, after the Secret, with a guarded JSON patch', () => {
    const sa = serviceAccounts.find((s) => s.metadata?.name === 'builder')!;
    const writes = planProjectCredential({ ...input, bindTo: sa });
    expect(writes.map((w) => `${w.action} ${w.kind}/${w.name}`)).toEqual(['create Secret/team-pull', 'patch ServiceAccount/builder']);
    expect((writes[1]!.patch as Array<{ op: string }>)[0]!.op).toBe('test');
  });
});

describe('creatorOf', () => {
  it('reads KubeSphere\'s creator annotation, else the extension\'s created-by', () => {
    expect(creatorOf({ metadata: { annotations: { 'kubesphere.io/creator': 'admin' } } })).toBe('admin');
    expect(creatorOf({ metadata: { annotations: { 'harbor-connect.kubesphere.io/created-by': 'ws-admin' } } })).toBe('ws-admin');
    expect(creatorOf({ metadata: {} })).toBeUndefined();
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import { normalizeRegistryAddress } from '../registry';
import { applyJsonPatch } from '../plan';
import { base64ToUtf8 } from '../dockerconfig';
import type { Write } from '../plan/write';
import { DEFAULT_INSTALLER_IMAGE } from '../trust';
import {
  buildWizardPlan,
  planCredentialRotation,
  planRegistryRemoval,
  type CurrentObjects,
  type WizardChoices,
} from './plan';

// A real CA certificate (EC P-256, self-signed): the plan re-inspects and re-encodes what it stores.
const CA = readFileSync(join(__dirname, '..', '..', 'domain', 'trust', '__fixtures__', 'ca.pem'), 'utf8');
const addr = (() => {
  const r = normalizeRegistryAddress('https://127.0.0.1:5443/');
  if (!r.ok) throw new Error('address');
  return r.value;
})();

const choices: WizardChoices = {
  address: addr,
  rawAddress: 'https://127.0.0.1:5443/',
  displayName: '127.0.0.1:5443',
  caPem: CA,
  trustMode: 'automatic',
  username: 'robot$demo+ci',
  password: 'RobotSecret123',
  projects: ['demo-2', 'demo'],
  secretName: 'lab-pull',
  bindDefaultServiceAccount: true,
};

const sa = (ns: string, list: Array<{ name: string }> = [{ name: 'other' }]): ServiceAccount => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'default', namespace: ns, resourceVersion: '1' },
  imagePullSecrets: list,
});

function empty(): CurrentObjects {
  return { extensionNamespace: undefined, managedSecrets: [], foreignSecrets: [], serviceAccounts: { demo: sa('demo'), 'demo-2': sa('demo-2') }, runtimes: [{ runtime: 'containerd', version: '1.6.20', engineVersion: '' }] };
}

/** A tiny store that applies writes the way the API server would, then reads back what the loader would. */
function applyAll(current: CurrentObjects, writes: Write[]): CurrentObjects {
  const next: CurrentObjects = JSON.parse(JSON.stringify(current));
  let rv = 10;
  for (const w of writes) {
    const body = w.body ? (JSON.parse(JSON.stringify(w.body)) as Record<string, any>) : undefined;
    if (body) body.metadata = { ...body.metadata, namespace: w.namespace, resourceVersion: String(rv++) };
    if (w.kind === 'Namespace') next.extensionNamespace = body as never;
    else if (w.kind === 'Secret' && w.namespace === 'extension-harbor-connect') next.record = body as Secret;
    else if (w.kind === 'ConfigMap') next.installer = { ...next.installer, configMap: body as never };
    else if (w.kind === 'DaemonSet') next.installer = { ...next.installer, daemonSet: body as never };
    else if (w.kind === 'Secret') {
      next.managedSecrets = next.managedSecrets.filter((s) => !(s.metadata?.namespace === w.namespace && s.metadata?.name === w.name));
      next.managedSecrets.push(body as Secret);
    } else if (w.kind === 'ServiceAccount') {
      const cur = next.serviceAccounts[w.namespace!]!;
      next.serviceAccounts[w.namespace!] = w.action === 'patch' ? applyJsonPatch(cur, w.patch as never) : (body as ServiceAccount);
    }
  }
  return next;
}

describe('buildWizardPlan', () => {
  it('plans namespace, record, installer, and per project a secret and a binding; the second plan is empty', () => {
    const first = buildWizardPlan(choices, empty());
    expect(first.problems).toEqual([]);
    expect(first.writes.map((w) => `${w.action} ${w.kind} ${w.namespace ?? ''}/${w.name}`)).toEqual([
      'create Namespace /extension-harbor-connect',
      'create Secret extension-harbor-connect/hc-registry-127-0-0-1-5443',
      'create ConfigMap extension-harbor-connect/hc-trust-127-0-0-1-5443',
      'create DaemonSet extension-harbor-connect/hc-trust-127-0-0-1-5443',
      'create Secret demo/lab-pull',
      'patch ServiceAccount demo/default',
      'create Secret demo-2/lab-pull',
      'patch ServiceAccount demo-2/default',
    ]);
    const after = applyAll(empty(), first.writes);
    expect(after.serviceAccounts.demo?.imagePullSecrets).toEqual([{ name: 'other' }, { name: 'lab-pull' }]);
    expect(buildWizardPlan(choices, after).writes).toEqual([]);
    // A detected kind is kept when the next run does not probe.
    const withKind = applyAll(after, buildWizardPlan({ ...choices, kind: 'oci' }, after).writes);
    expect(buildWizardPlan(choices, withKind).writes).toEqual([]);
  });

  it('refuses a same-named Secret that is not ours, and says which project', () => {
    const cur = empty();
    cur.foreignSecrets = [{ metadata: { name: 'lab-pull', namespace: 'demo' } }];
    const plan = buildWizardPlan(choices, cur);
    expect(plan.problems).toEqual([{ code: 'secret-name-taken', namespace: 'demo', name: 'lab-pull' }]);
    expect(plan.writes.some((w) => w.namespace === 'demo')).toBe(false);
  });

  it('publicly trusted: no CA, no installer', () => {
    const plan = buildWizardPlan({ ...choices, caPem: undefined }, empty());
    expect(plan.writes.some((w) => w.kind === 'DaemonSet' || w.kind === 'ConfigMap')).toBe(false);
  });
});

describe('who created the pull secrets', () => {
  const pull = (writes: Write[], ns: string) => writes.find((w) => w.kind === 'Secret' && w.namespace === ns);
  const creator = (w: Write | undefined) => (w?.body as Secret | undefined)?.metadata?.annotations?.['kubesphere.io/creator'];

  it('each project\'s pull secret carries the console user, as the record does', () => {
    const plan = buildWizardPlan({ ...choices, createdBy: 'admin' }, empty());
    expect(creator(pull(plan.writes, 'demo'))).toBe('admin');
    expect(creator(pull(plan.writes, 'demo-2'))).toBe('admin');
    expect(creator(buildWizardPlan(choices, empty()).writes.find((w) => w.namespace === 'demo'))).toBeUndefined();
  });

  it('an edit by another user never rewrites the creator, nor stamps an older Secret that has none', () => {
    const after = applyAll(empty(), buildWizardPlan({ ...choices, createdBy: 'admin' }, empty()).writes);
    expect(buildWizardPlan({ ...choices, createdBy: 'ws-admin' }, after).writes).toEqual([]);
    const rotated = buildWizardPlan({ ...choices, password: 'new', createdBy: 'ws-admin' }, after);
    expect(creator(pull(rotated.writes, 'demo'))).toBe('admin');
    const older = applyAll(empty(), buildWizardPlan(choices, empty()).writes);
    expect(buildWizardPlan({ ...choices, createdBy: 'ws-admin' }, older).writes).toEqual([]);
  });
});

describe('buildWizardPlan re-checks every input itself (a step header can skip a step)', () => {
  const record = (p: ReturnType<typeof buildWizardPlan>) => p.writes.find((w) => w.kind === 'Secret' && w.namespace === 'extension-harbor-connect');

  it('refuses a CA file holding a private key: nothing is written, not even the record', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';
    const plan = buildWizardPlan({ ...choices, caPem: `${CA}${key}` }, empty());
    expect(plan.writes).toEqual([]);
    expect(plan.problems).toEqual([{ code: 'ca-invalid', reason: 'private-key' }]);
  });

  it('stores only the certificates, re-encoded: text around them never reaches the record or the installer', () => {
    const plan = buildWizardPlan({ ...choices, caPem: `# comment\nHC_EOF\nrm -rf /\n${CA}\ntrailing text\n` }, empty());
    expect(plan.problems).toEqual([]);
    const stored = base64ToUtf8((record(plan)!.body as { data: Record<string, string> }).data['ca.crt']);
    expect(stored).toBe(CA.trim() + '\n');
    expect(JSON.stringify(plan.writes)).not.toContain('rm -rf');
  });

  it('refuses a CA the certificate step would refuse (not a certificate, or an error finding)', () => {
    expect(buildWizardPlan({ ...choices, caPem: 'not a certificate' }, empty()).problems).toEqual([{ code: 'ca-invalid', reason: 'not-a-certificate' }]);
    expect(buildWizardPlan({ ...choices, caPem: '' }, empty()).problems).toEqual([{ code: 'ca-required' }]);
  });

  it('refuses automatic trust for a public registry (a hosts.toml for docker.io on every node)', () => {
    const hub = normalizeRegistryAddress('docker.io');
    if (!hub.ok) throw new Error('address');
    const plan = buildWizardPlan({ ...choices, address: hub.value, rawAddress: 'docker.io' }, empty());
    expect(plan.writes).toEqual([]);
    expect(plan.problems).toContainEqual({ code: 'public-registry-trust', host: 'docker.io' });
    // Publicly trusted (no CA, no trust mode) is fine for a public registry.
    expect(buildWizardPlan({ ...choices, address: hub.value, rawAddress: 'docker.io', caPem: undefined, trustMode: 'none' }, empty()).problems).toEqual([]);
  });

  it('refuses credentials, projects and names the steps would refuse', () => {
    expect(buildWizardPlan({ ...choices, password: '' }, empty()).problems).toEqual([{ code: 'credentials-invalid', errors: 'empty-password' }]);
    expect(buildWizardPlan({ ...choices, username: 'a:b' }, empty()).problems).toEqual([{ code: 'credentials-invalid', errors: 'username-has-colon' }]);
    expect(buildWizardPlan({ ...choices, projects: [] }, empty()).problems).toEqual([{ code: 'no-projects' }]);
    expect(buildWizardPlan({ ...choices, projects: ['Demo'] }, empty()).problems).toEqual([{ code: 'project-invalid', namespace: 'Demo' }]);
    expect(buildWizardPlan({ ...choices, secretName: 'Bad_Name' }, empty()).problems).toEqual([{ code: 'secret-name-invalid', name: 'Bad_Name' }]);
    expect(buildWizardPlan({ ...choices, rawAddress: 'https://127.0.0.1:5443/library' }, empty()).problems).toEqual([{ code: 'address-invalid', address: 'https://127.0.0.1:5443/library' }]);
  });
});

describe('the trust installer image', () => {
  it('comes from the extension settings (an air-gapped mirror), and must be pinned by digest', () => {
    const mirror = `mirror.internal/library/busybox@sha256:${'c'.repeat(64)}`;
    const ds = buildWizardPlan(choices, { ...empty(), installerImage: mirror }).writes.find((w) => w.kind === 'DaemonSet');
    expect((ds?.body as any).spec.template.spec.containers[0].image).toBe(mirror);
    const plan = buildWizardPlan(choices, { ...empty(), installerImage: 'busybox:1.36' });
    expect(plan.problems).toEqual([{ code: 'installer-image-not-pinned', image: 'busybox:1.36' }]);
  });

  it("is the default, said so, where the cluster has no agent settings (KubeSphere did not schedule the agent there)", () => {
    const plan = buildWizardPlan(choices, empty());
    const ds = plan.writes.find((w) => w.kind === 'DaemonSet');
    expect((ds?.body as any).spec.template.spec.containers[0].image).toBe(DEFAULT_INSTALLER_IMAGE);
    expect(plan.defaultInstallerImage).toBe(DEFAULT_INSTALLER_IMAGE);
    const mirror = `mirror.internal/library/busybox@sha256:${'c'.repeat(64)}`;
    expect(buildWizardPlan(choices, { ...empty(), installerImage: mirror }).defaultInstallerImage).toBeUndefined();
    expect(buildWizardPlan({ ...choices, trustMode: 'manual' }, empty()).defaultInstallerImage).toBeUndefined();
  });
});

describe('planCredentialRotation', () => {
  it('replaces each copy once with the new password, keeping the resourceVersion read', () => {
    const after = applyAll(empty(), buildWizardPlan(choices, empty()).writes);
    const writes = planCredentialRotation({ address: addr, username: choices.username, password: 'new', secrets: after.managedSecrets });
    expect(writes.map((w) => `${w.action} ${w.namespace}/${w.name}`)).toEqual(['replace demo/lab-pull', 'replace demo-2/lab-pull']);
    const body = writes[0].body as Secret;
    expect(body.metadata?.resourceVersion).toBeTruthy();
    expect(base64ToUtf8(body.data!['.dockerconfigjson'])).toContain('"password":"new"');
    expect(planCredentialRotation({ address: addr, username: choices.username, password: choices.password, secrets: after.managedSecrets })).toEqual([]);
  });
});

describe('kubectl\'s last-applied copy of a Secret (old credentials in clear text)', () => {
  const LAST = 'kubectl.kubernetes.io/last-applied-configuration';
  const withLastApplied = (s: Secret, password: string): Secret => ({
    ...s,
    metadata: { ...s.metadata, annotations: { ...(s.metadata?.annotations ?? {}), other: 'kept', [LAST]: JSON.stringify({ data: { '.dockerconfigjson': Buffer.from(`{"auths":{"x":{"password":"${password}"}}}`).toString('base64') } }) } },
  });

  it('is stripped by a rotation, and every other annotation kept', () => {
    const after = applyAll(empty(), buildWizardPlan(choices, empty()).writes);
    const old = after.managedSecrets.map((s) => withLastApplied(s, 'OldPassword1'));
    const writes = planCredentialRotation({ address: addr, username: choices.username, password: 'new', secrets: old });
    expect(writes).toHaveLength(2);
    for (const w of writes) {
      const meta = (w.body as Secret).metadata!;
      expect(meta.annotations?.[LAST]).toBeUndefined();
      expect(meta.annotations?.other).toBe('kept');
      expect(JSON.stringify(w)).not.toContain(Buffer.from('OldPassword1').toString('base64').slice(0, 8));
    }
  });

  it('is stripped by the wizard even when the credential is unchanged', () => {
    const after = applyAll(empty(), buildWizardPlan(choices, empty()).writes);
    const current = { ...after, managedSecrets: after.managedSecrets.map((s) => withLastApplied(s, 'OldPassword1')) };
    const writes = buildWizardPlan(choices, current).writes.filter((w) => w.kind === 'Secret' && w.namespace !== 'extension-harbor-connect');
    expect(writes.map((w) => `${w.action} ${w.namespace}`)).toEqual(['replace demo', 'replace demo-2']);
    for (const w of writes) expect((w.body as Secret).metadata?.annotations?.[LAST]).toBeUndefined();
  });
});

describe('planRegistryRemoval', () => {
  it('unbinds and switches the installer to remove mode first, then deletes everything', () => {
    const after = applyAll(empty(), buildWizardPlan(choices, empty()).writes);
    const r = planRegistryRemoval({
      record: { id: '127-0-0-1-5443', name: 'hc-registry-127-0-0-1-5443', namespace: 'extension-harbor-connect' },
      secrets: after.managedSecrets,
      serviceAccounts: Object.values(after.serviceAccounts) as ServiceAccount[],
      installer: after.installer,
      reverseProxies: [],
    });
    expect(r.waitForInstaller).toBe(true);
    expect(r.phases[0].map((w) => `${w.action} ${w.kind}`)).toEqual(['patch ServiceAccount', 'patch ServiceAccount', 'replace DaemonSet']);
    expect(r.phases[1].map((w) => `${w.action} ${w.kind} ${w.name}`)).toContain('delete Secret hc-registry-127-0-0-1-5443');
  });

  it('deletes only the objects that were read: uid and resourceVersion preconditions', () => {
    const after = applyAll(empty(), buildWizardPlan(choices, empty()).writes);
    for (const s of after.managedSecrets) s.metadata = { ...s.metadata, uid: `uid-${s.metadata?.namespace}` };
    const r = planRegistryRemoval({
      record: { id: '127-0-0-1-5443', name: 'hc-registry-127-0-0-1-5443', namespace: 'extension-harbor-connect', uid: 'rec-uid', resourceVersion: '77' },
      secrets: after.managedSecrets,
      serviceAccounts: Object.values(after.serviceAccounts) as ServiceAccount[],
      reverseProxies: [{ metadata: { name: 'hc-probe-x', uid: 'rp-uid', labels: { 'app.kubernetes.io/managed-by': 'harbor-connect' } } }],
    });
    const deletes = r.phases.flat().filter((w) => w.action === 'delete');
    expect(deletes.every((w) => !!w.preconditions?.uid), JSON.stringify(deletes.map((w) => [w.kind, w.name, w.preconditions]))).toBe(true);
    const byName = Object.fromEntries(deletes.map((w) => [`${w.kind} ${w.namespace ?? ''}/${w.name}`, w.preconditions]));
    expect(byName['Secret extension-harbor-connect/hc-registry-127-0-0-1-5443']).toEqual({ uid: 'rec-uid', resourceVersion: '77' });
    expect(byName['Secret demo/lab-pull']).toEqual({ uid: 'uid-demo', resourceVersion: after.managedSecrets.find((s) => s.metadata?.namespace === 'demo')?.metadata?.resourceVersion });
    expect(byName['ReverseProxy /hc-probe-x']).toEqual({ uid: 'rp-uid' });
  });
});

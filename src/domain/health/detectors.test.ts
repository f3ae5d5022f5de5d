// The health detectors on objects as a cluster returns them, kept as fixture files (src/domain/health/__fixtures__):
// each detector turns them into data: a verdict, the cause (summary and items) and the fix, as locale keys.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RegistryRecord } from '../record';
import type { Event, Pod, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import { projectPullFailures } from '../binding/restart';
import {
  checkCertManager,
  checkCredentials,
  checkFailures,
  checkNetwork,
  checkPullTest,
  checkTrust,
  destinationOf,
  issuerChoices,
  overall,
  planEgressFixes,
  planRegistryCertificate,
  refusedPods,
  registryFailures,
  type CheckResult,
} from './index';

const fixture = <T = never>(name: string): T => JSON.parse(readFileSync(join(__dirname, '__fixtures__', name), 'utf8')) as T;
const record = fixture<RegistryRecord>('record.json');
const H = 'HARBOR_CONNECT_HEALTH_';

describe('checkCredentials', () => {
  const secrets = fixture('pull-secrets.json');
  const sas = fixture('service-accounts.json');

  it('one row per pull secret: bound, not bound, malformed; the verdict is the worst row and the fix the first of it', () => {
    const r = checkCredentials(record, secrets, sas);
    expect(r.items.map((i) => [i.subject, i.state])).toEqual([
      ['demo/harbor-pull', 'ok'],
      ['demo-2/harbor-pull', 'warning'],
      ['demo-3/harbor-pull', 'error'],
    ]);
    expect(r.items[0].text).toEqual({ key: `${H}CRED_OK`, params: { user: 'robot$ci', serviceAccounts: 'default, builder' } });
    expect(r.items[1].fix).toEqual({ key: `${H}CRED_NOT_BOUND_FIX`, params: { name: 'harbor-pull' } });
    expect(r.items[2].text.key).toBe('HARBOR_CONNECT_REGISTRY_SECRET_ERROR_MALFORMED_JSON');
    expect(r).toMatchObject({ id: 'credentials', state: 'error', summary: { params: { count: 3, ok: 1 } }, fix: { key: `${H}CRED_FIX_MALFORMED` } });
  });

  it('without readable ServiceAccounts it says nothing about bindings', () => {
    const r = checkCredentials(record, secrets, undefined);
    expect(r.items.map((i) => i.text.key)).toEqual([`${H}CRED_OK_SA_UNKNOWN`, `${H}CRED_OK_SA_UNKNOWN`, 'HARBOR_CONNECT_REGISTRY_SECRET_ERROR_MALFORMED_JSON']);
  });

  it('no pull secret at all is a warning with a fix', () => {
    expect(checkCredentials(record, [], sas)).toMatchObject({ state: 'warning', summary: { key: `${H}CRED_NONE` }, fix: { key: `${H}CRED_NONE_FIX` } });
  });
});

describe('checkFailures', () => {
  const events = fixture('failed-events.json');
  const since = new Date('2030-01-01T09:00:00Z');

  it('keeps events of this registry in these projects, without pull-test pods', () => {
    const pods = registryFailures(events, record, ['demo', 'demo-2']).map((e: { involvedObject?: { name?: string } }) => e.involvedObject?.name);
    expect(pods).toEqual(['app-7d9f-abcde', 'app-7d9f-fghij', 'web-5c6d-klmno', 'app-7d9f-old']);
  });

  it('groups them by cause since the window start, with the diagnosis as text and fix', () => {
    const r = checkFailures(record, events, ['demo', 'demo-2'], since);
    expect(r.state).toBe('error');
    expect(r.groups.map((g) => [g.cause, g.count])).toEqual([
      ['unknown-authority', 4],
      ['unauthorized', 1],
    ]);
    expect(r.items[0]).toMatchObject({ subject: 'demo/app-7d9f-fghij, demo/app-7d9f-abcde', text: { key: 'HARBOR_CONNECT_DIAG_UNKNOWN_AUTHORITY_TITLE' } });
    // When it was last seen is an instant for the panel to show in the user's zone, not raw text in the detail.
    expect(r.items[0].at).toBe(r.groups[0].lastSeen);
    expect(r.items[0].detail).toBe(`×4 · ${r.groups[0].sample}`);
    expect(r.summary).toEqual({ key: `${H}FAIL_SOME`, params: { count: 5, causes: 2 } });
    expect(r.fix?.key).toBe('HARBOR_CONNECT_DIAG_UNKNOWN_AUTHORITY_FIX');
  });

  it('nothing in the window is ok; unreadable events are unknown', () => {
    expect(checkFailures(record, events, ['demo-3'], since)).toMatchObject({ state: 'ok', summary: { key: `${H}FAIL_NONE` } });
    expect(checkFailures(record, undefined, ['demo'], since).state).toBe('unknown');
  });

  // The lab story of src/domain/binding/restart.test.ts: default was bound to harbor-pull after these pods were made.
  it('pods created before their pull secret was bound get "restart them" instead of the generic 401 causes', () => {
    const dir = join(__dirname, '..', 'binding', '__fixtures__');
    const read = <T>(n: string): T => JSON.parse(readFileSync(join(dir, n), 'utf8')) as T;
    const input = {
      pods: read<{ items: Pod[] }>('restart-pods.json').items,
      events: read<{ items: Event[] }>('restart-events.json').items,
      serviceAccounts: read<{ items: ServiceAccount[] }>('restart-serviceaccounts.json').items,
      secrets: read<{ items: Secret[] }>('restart-secrets.json').items,
      replicaSets: read<{ items: ReplicaSet[] }>('restart-replicasets.json').items,
    };
    const lab: RegistryRecord = { ...record, id: 'harbor-lab-local-5443', serverKey: 'harbor.lab.local:5443', address: 'harbor.lab.local:5443', kind: 'oci' };
    const stale = projectPullFailures(input).createdBeforeBinding;
    const window = new Date('2026-12-03T06:00:00Z');
    const generic = checkFailures(lab, input.events, ['demo'], window);
    expect(generic.items.map((i) => i.text.key)).toEqual(['HARBOR_CONNECT_DIAG_UNAUTHORIZED_TITLE']);

    const r = checkFailures(lab, input.events, ['demo'], window, stale);
    expect(r.items.map((i) => [i.text.key, i.fix?.key, i.subject])).toEqual([
      ['HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_TITLE', 'HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_FIX', 'demo/busybox-app-988668bcd-s9bdf, demo/busybox-app-988668bcd-x2k7p, demo/cache-0'],
      ['HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_TITLE', 'HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_FIX_BARE', 'demo/debug'],
      // Still the generic cause: the template names its own secret; nothing for the host is bound to builder.
      ['HARBOR_CONNECT_DIAG_UNAUTHORIZED_TITLE', 'HARBOR_CONNECT_DIAG_UNAUTHORIZED_FIX', 'demo/tools, demo/web-7b795d4bff-jf2sc'],
    ]);
    expect(r.items[0].fix?.params).toEqual({ host: 'harbor.lab.local:5443', serviceAccounts: 'default', secrets: 'harbor-pull', workloads: 'Deployment demo/busybox-app, StatefulSet demo/cache' });
    expect(r.items[1].fix?.params).toMatchObject({ pods: 'demo/debug' });
    expect(r.fix?.key).toBe('HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_FIX');
    expect(r.summary).toEqual({ key: `${H}FAIL_SOME`, params: { count: generic.groups[0].count, causes: 2 } });
    // The pods the panel reads to tell: only those refused as a credential problem (not the x509 one).
    expect(refusedPods(lab, input.events, ['demo'], window).map((p) => p.name)).toEqual(['busybox-app-988668bcd-s9bdf', 'busybox-app-988668bcd-x2k7p', 'cache-0', 'debug', 'tools', 'web-7b795d4bff-jf2sc']);
    expect(refusedPods(lab, input.events, ['demo-2'], window)).toEqual([]);
  });
});

describe('checkPullTest', () => {
  it('one row per node; a failed node carries its diagnosis and fix', () => {
    const r = checkPullTest(fixture('pull-test.json'));
    expect(r.items.map((i) => [i.subject, i.state])).toEqual([
      ['node-1', 'ok'],
      ['node-2', 'error'],
    ]);
    expect(r.summary.params).toMatchObject({ pulled: 1, total: 2 });
    expect(r.fix?.key).toBe('HARBOR_CONNECT_DIAG_UNKNOWN_AUTHORITY_FIX');
  });

  it('no pull test yet is unknown, and does not count in the overall verdict', () => {
    const none = checkPullTest(undefined);
    expect(none.state).toBe('unknown');
    expect(overall([none])).toBe('ok');
  });
});

describe('checkCertManager', () => {
  const now = new Date('2030-01-01T10:00:00Z');
  it('ready with its renewal date; not ready is an error with cert-manager\'s message; no condition yet is pending', () => {
    const r = checkCertManager({ installed: true, certificates: fixture('certificates.json') }, now);
    expect(r.items.map((i) => i.state)).toEqual(['ok', 'error', 'warning']);
    expect(r.items[0].text).toEqual({ key: `${H}CM_READY_RENEW`, params: { date: '2030-01-21T10:00:00Z', days: 20 } });
    expect(r.items[1]).toMatchObject({ detail: 'Issuer missing does not exist', fix: { key: `${H}CM_NOT_READY_FIX` } });
    expect(r.state).toBe('error');
  });

  it('cert-manager absent is fine; unreadable is unknown', () => {
    expect(checkCertManager({ installed: false }, now).state).toBe('ok');
    expect(checkCertManager({ installed: 'unknown', error: new Error('forbidden') }, now).state).toBe('unknown');
  });
});

describe('checkNetwork', () => {
  const policies = fixture('network-policies.json');
  const byIp: RegistryRecord = { ...record, serverKey: '10.0.0.5', address: '10.0.0.5' };

  it('an egress policy that does not allow the registry blocks it; one that allows it is named', () => {
    const r = checkNetwork(byIp, policies, ['demo', 'demo-2', 'demo-3'], destinationOf(byIp));
    expect(r.items.map((i) => [i.subject, i.state, i.text.key])).toEqual([
      ['demo', 'ok', `${H}NET_ALLOWED_BY`],
      ['demo-2', 'error', `${H}NET_BLOCKED`],
      ['demo-3', 'ok', `${H}NET_NO_POLICY`],
    ]);
    expect(r.fix).toEqual({ key: `${H}NET_BLOCKED_FIX`, params: { target: '10.0.0.5:443', namespace: 'demo-2' } });
  });

  it('the fix is a planned allow-egress NetworkPolicy per blocked project', () => {
    const writes = planEgressFixes(byIp, destinationOf(byIp), ['demo-2'], policies);
    expect(writes?.map((w) => [w.action, w.kind, w.namespace])).toEqual([['create', 'NetworkPolicy', 'demo-2']]);
    expect(planEgressFixes(record, destinationOf(record), ['demo-2'], policies)).toBeUndefined();
  });

  it('a registry by name uses the address the user gave (IP or CIDR)', () => {
    expect(destinationOf(record, '10.0.0.0/24')).toEqual({ ip: '10.0.0.0', port: 443, cidr: '10.0.0.0/24' });
    expect(destinationOf(record, '[fd00::5]')).toEqual({ ip: 'fd00::5', port: 443 });
    expect(destinationOf(record)).toEqual({ needsAddress: true, host: 'harbor.example.com', port: 443 });
  });
});

describe('checkTrust', () => {
  it('manual trust on every node is unknown with the pull test as the way to know', () => {
    const r = checkTrust({ record: { ...record, trustMode: 'manual', caPem: 'PEM' }, nodes: fixture('nodes.json') });
    expect(r).toMatchObject({ state: 'unknown', summary: { key: `${H}TRUST_MANUAL`, params: { total: 2 } } });
    expect(r.fix).toBeUndefined();
  });

  it('unreadable nodes are unknown, with a fix', () => {
    expect(checkTrust({ record, nodes: undefined })).toMatchObject({ state: 'unknown', fix: { key: `${H}TRUST_UNREADABLE_FIX` } });
  });
});

describe('overall', () => {
  it('the worst verdict of the checks that count', () => {
    const r = (id: CheckResult['id'], state: CheckResult['state']): CheckResult => ({ id, state, summary: { key: '' }, items: [] });
    expect(overall([r('certificate', 'ok'), r('credentials', 'warning')])).toBe('warning');
    expect(overall([r('certificate', 'ok'), r('certmanager', 'unknown')])).toBe('ok');
    expect(overall([r('trust', 'unknown'), r('network', 'error')])).toBe('error');
  });
});

describe('planRegistryCertificate', () => {
  it('an IP SAN for an IP registry, a DNS name otherwise, labelled as ours', () => {
    const dns = planRegistryCertificate(record, { kind: 'ClusterIssuer', name: 'ca' });
    expect(dns).toMatchObject({ action: 'create', kind: 'Certificate', namespace: 'extension-harbor-connect', name: 'hc-cert-harbor-example-com' });
    expect(dns.body?.spec).toMatchObject({ dnsNames: ['harbor.example.com'], commonName: 'harbor.example.com', issuerRef: { name: 'ca', kind: 'ClusterIssuer' } });
    expect((dns.body?.metadata as { labels: Record<string, string> }).labels['harbor-connect.kubesphere.io/registry']).toBe('harbor-example-com');
    const v4 = planRegistryCertificate({ ...record, serverKey: '10.0.0.5:8443' }, { kind: 'Issuer', name: 'local' });
    expect(v4.body?.spec).toMatchObject({ ipAddresses: ['10.0.0.5'] });
    const v6 = planRegistryCertificate({ ...record, serverKey: '[fd00::5]:8443' }, { kind: 'Issuer', name: 'local' });
    expect(v6.body?.spec).toMatchObject({ ipAddresses: ['fd00::5'] });
  });

  it('lists ClusterIssuers then Issuers', () => {
    expect(issuerChoices([{ metadata: { name: 'a' } }], [{ metadata: { name: 'b' } }])).toEqual([
      { kind: 'ClusterIssuer', name: 'a' },
      { kind: 'Issuer', name: 'b' },
    ]);
  });
});

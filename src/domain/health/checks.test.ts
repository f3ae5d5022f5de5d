// The reachability check: the panel's own credential-free probe decides, and any ReverseProxy of ours that sends
// a credential upstream is an error on its own.
import { describe, expect, it } from 'vitest';
import type { RegistryRecord } from '../record';
import { checkReachability } from './checks';
import type { HealthProbe, ProbeObjects } from './types';

const record: RegistryRecord = {
  id: 'harbor-example-com',
  name: 'hc-registry-harbor-example-com',
  namespace: 'extension-harbor-connect',
  serverKey: 'harbor.example.com',
  address: 'harbor.example.com',
  displayName: 'harbor',
  kind: 'harbor',
  trustMode: 'automatic',
  insecure: false,
  caPem: 'PEM',
};
const probe = (v2: HealthProbe['v2'], extra: Partial<HealthProbe> = {}): HealthProbe => ({ v2, cleanupFailures: [], ...extra });
const objects = (credentialProxies: Array<{ metadata?: { name?: string } }>, removedWithCredentials: string[] = []) =>
  ({ ok: true, items: { credentialProxies, cleanup: { removed: removedWithCredentials, failures: [], withCredentials: removedWithCredentials } } }) as { ok: true; items: ProbeObjects };
const leaky = { metadata: { name: 'hc-probe-harbor-example-com-ab12cd34' }, spec: { matcher: { path: '/proxy/x/*', method: '*' }, upstream: {}, directives: { headerUp: ['Authorization "Basic dTpw"'] } } } as { metadata: { name: string } };

describe('checkReachability', () => {
  it('a 401 from /v2/ through the panel\'s own probe is reachable (no credential needed, none used)', () => {
    const r = checkReachability(record, { probe: probe({ status: 401, body: '' }), objects: objects([]) });
    expect(r.state).toBe('ok');
    expect(r.summary.key).toBe('HARBOR_CONNECT_HEALTH_REACH_OK_AUTH');
  });

  it('needs no leftover probe: with no ReverseProxy of ours at all, it still checks', () => {
    const r = checkReachability({ ...record, kind: 'oci' }, { probe: probe({ status: 200, body: '{}' }) });
    expect(r.state).toBe('ok');
  });

  it('flags any ReverseProxy of ours that sends an Authorization header, even when the registry is reachable', () => {
    const r = checkReachability(record, { probe: probe({ status: 401, body: '' }), objects: objects([leaky]) });
    expect(r.state).toBe('error');
    expect(r.items[0]).toMatchObject({ state: 'error', subject: leaky.metadata!.name, text: { key: 'HARBOR_CONNECT_HEALTH_REACH_LEAK' } });
    expect(r.fix?.key).toBe('HARBOR_CONNECT_HEALTH_REACH_LEAK_FIX');
  });

  it('says when the visit removed a leftover probe that carried a credential (rotate it)', () => {
    const r = checkReachability(record, { probe: probe({ status: 401, body: '' }), objects: objects([], ['hc-probe-old']) });
    expect(r.state).toBe('warning');
    expect(r.items[0]).toMatchObject({ subject: 'hc-probe-old', text: { key: 'HARBOR_CONNECT_HEALTH_REACH_LEAK_REMOVED' } });
  });

  it('x509 through the proxy is an error with the CA fix; not routed and probe failures are unknown', () => {
    const x509 = checkReachability(record, { probe: probe({ status: 502, body: 'Error while proxying request: x509: certificate signed by unknown authority' }) });
    expect(x509.state).toBe('error');
    expect(checkReachability(record, { probe: probe({ status: 503, body: '{}' }) }).summary.key).toBe('HARBOR_CONNECT_HEALTH_REACH_NOT_ROUTED');
    const forbidden = checkReachability(record, { probe: probe(undefined, { error: 'reverseproxies is forbidden' }) });
    expect(forbidden).toMatchObject({ state: 'unknown', summary: { key: 'HARBOR_CONNECT_HEALTH_REACH_PROBE_FAILED', params: { message: 'reverseproxies is forbidden' } } });
  });

  it('reports probe objects it could not delete', () => {
    const r = checkReachability({ ...record, kind: 'oci' }, { probe: probe({ status: 401, body: '' }, { cleanupFailures: ['hc-probe-x-v2'] }) });
    expect(r.items.map((i) => i.text.key)).toContain('HARBOR_CONNECT_HEALTH_REACH_CLEANUP_FAILED');
  });

  it('on the project page it is unknown: probes are for cluster administrators', () => {
    expect(checkReachability(record, { projectScope: true }).state).toBe('unknown');
  });
});

describe('inspectStoredCa', () => {
  it('inspects a stored CA once per host and day, however often the list and the panel render', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { inspectStoredCa } = await import('./checks');
    const ca = readFileSync(join(__dirname, '..', 'trust', '__fixtures__', 'ca.pem'), 'utf8');
    const a = inspectStoredCa(ca, 'harbor.example.com', new Date('2030-01-01T08:00:00Z'));
    expect(inspectStoredCa(ca, 'harbor.example.com', new Date('2030-01-01T20:00:00Z'))).toBe(a);
    expect(inspectStoredCa(ca, 'harbor.example.com', new Date('2030-01-02T08:00:00Z'))).not.toBe(a);
    expect(inspectStoredCa(ca, 'other.example.com', new Date('2030-01-01T08:00:00Z'))).not.toBe(a);
  });

  it('a CA issued during the day is valid from then on, whatever the day\'s first inspection said (found on the real lab)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { inspectStoredCa } = await import('./checks');
    // notBefore 2026-12-02T17:26:05Z
    const ca = readFileSync(join(__dirname, '..', 'trust', '__fixtures__', 'ca.pem'), 'utf8');
    const codes = (at: string) => inspectStoredCa(ca, 'day.example.com', new Date(at)).findings.map((f) => f.code);
    expect(codes('2026-12-02T17:00:00Z')).toContain('not-yet-valid');
    expect(codes('2026-12-02T18:00:00Z')).not.toContain('not-yet-valid');
    expect(codes('2026-12-02T23:59:00Z')).not.toContain('not-yet-valid');
  });
});

describe('checkNetwork', () => {
  const byName = { needsAddress: true as const, host: 'harbor.example.com', port: 443 };
  const egressPolicy = (namespace: string) => ({ metadata: { name: 'deny-egress', namespace }, spec: { podSelector: {}, policyTypes: ['Egress'] } });

  it('a registry by name is reachable as far as policies go where no project restricts egress (no address needed)', async () => {
    const { checkNetwork } = await import('./checks');
    const r = checkNetwork(record, [], ['demo', 'demo-2'], byName as never);
    expect(r.state).toBe('ok');
    expect(r.items.map((i) => i.subject)).toEqual(['demo', 'demo-2']);
  });

  it('needs the address once a project has an egress policy', async () => {
    const { checkNetwork } = await import('./checks');
    const r = checkNetwork(record, [egressPolicy('demo-2')] as never, ['demo', 'demo-2'], byName as never);
    expect(r.state).toBe('unknown');
    expect(r.summary.key).toBe('HARBOR_CONNECT_HEALTH_NET_NEEDS_ADDRESS');
    expect(r.fix).toEqual({ key: 'HARBOR_CONNECT_HEALTH_NET_NEEDS_ADDRESS_FIX', params: { host: 'harbor.example.com' } });
  });
});

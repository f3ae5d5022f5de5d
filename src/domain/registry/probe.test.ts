import { describe, expect, it } from 'vitest';
import { normalizeRegistryAddress } from './address';
import {
  carriesCredential,
  classifyV2,
  harborVersion,
  isHarborPing,
  newProbeId,
  planProbe,
  probeLeftovers,
  probeRequestPath,
} from './probe';

const addr = (s: string, insecure = false) => {
  const r = normalizeRegistryAddress(s, { allowInsecure: insecure });
  if (!r.ok) throw new Error(s);
  return r.value;
};
const ID = '0123456789abcdef01234567';

describe('planProbe', () => {
  // The bodies as they are created, kept for lab/cluster/kubesphere's conformance test, which holds them against
  // KubeSphere v4.1.3's own ReverseProxy CRD schema (no field pruned, none invalid).
  it('writes ReverseProxy bodies that KubeSphere\'s CRD keeps whole (fixture of the conformance test)', async () => {
    const bodies = planProbe({ registryId: 'r', address: addr('harbor.example.com:8443'), caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', id: ID, paths: ['v2', 'ping', 'systeminfo'] }).map((w) => w.body);
    await expect(`${JSON.stringify(bodies, null, 2)}\n`).toMatchFileSnapshot('../../../lab/cluster/kubesphere/testdata/product-objects.probe.json');
  });

  it('one GET-only exact-path ReverseProxy per path, /v2/ last, status Available, no credential anywhere', () => {
    const writes = planProbe({ registryId: 'r', address: addr('harbor.example.com:8443'), caPem: 'PEM\n', id: ID, paths: ['v2', 'ping', 'systeminfo'] });
    expect(writes.map((w) => w.name)).toEqual([`hc-probe-${ID}-ping`, `hc-probe-${ID}-systeminfo`, `hc-probe-${ID}-v2`]);
    for (const w of writes) {
      const b = w.body as any;
      expect(w.action).toBe('create');
      expect(b.status).toEqual({ state: 'Available' });
      expect(b.spec.matcher.method).toBe('GET');
      expect(b.spec.matcher.path.endsWith('*')).toBe(false);
      expect(carriesCredential(b)).toBe(false);
      expect(b.spec.directives.headerUp).toContain('-Authorization');
      expect(b.metadata.labels['harbor-connect.kubesphere.io/probe-run']).toBe(ID);
    }
    expect((writes[2].body as any).spec.matcher.path).toBe(`/proxy/harbor-connect/${ID}/v2/`);
    expect(probeRequestPath(ID, 'ping')).toBe(`/proxy/harbor-connect/${ID}/api/v2.0/ping`);
  });

  it('upstream: scheme and authority only; Docker Hub on registry-1.docker.io; no CA means the system roots', () => {
    const url = (a: ReturnType<typeof addr>) => (planProbe({ registryId: 'r', address: a, id: ID, paths: ['v2'] })[0].body as any).spec.upstream;
    expect(url(addr('http://10.0.0.5:5000', true))).toEqual({ url: 'http://10.0.0.5:5000' });
    expect(url(addr('docker.io'))).toEqual({ url: 'https://registry-1.docker.io' });
    expect(url(addr('[fd00::1]:5443'))).toEqual({ url: 'https://[fd00::1]:5443' });
  });

  it('refuses an id that is not 96 random bits in hex', () => {
    expect(() => planProbe({ registryId: 'r', address: addr('h.example.com'), id: 'harbor-example-com', paths: ['v2'] })).toThrow(/24 hex/);
  });

  it('newProbeId: 24 hex characters from the random source', () => {
    expect(newProbeId((n) => new Uint8Array(n).fill(0xab))).toBe('ab'.repeat(12));
    expect(newProbeId()).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe('classifyV2', () => {
  it('200 and 401 are reachable; ks-apiserver 502 with x509 text is a CA problem; 404 and 503 {} are not routed', () => {
    expect(classifyV2({ status: 200, body: '{}' })).toEqual({ state: 'ok' });
    expect(classifyV2({ status: 401, body: '' })).toEqual({ state: 'ok', wantsAuth: true });
    // A member cluster's 401, as the host's multi-cluster proxy relays it (multicluster.go), byte for byte.
    const relayed = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'The request could not be authenticated due to a system issue.', reason: 'Network Authentication Required', code: 511 });
    expect(classifyV2({ status: 511, body: relayed })).toEqual({ state: 'ok', wantsAuth: true });
    expect(classifyV2({ status: 511, body: 'captive portal' }).state).toBe('error');
    expect(classifyV2({ status: 502, body: 'Error while proxying request: tls: failed to verify certificate: x509: certificate signed by unknown authority' }).state).toBe('x509');
    expect(classifyV2({ status: 502, body: 'Error while proxying request: dial tcp 10.0.0.5:443: connect: connection refused' }).state).toBe('unreachable');
    expect(classifyV2({ status: 0, body: 'timeout' }).state).toBe('unreachable');
    expect(classifyV2({ status: 404, body: '' }).state).toBe('not-routed');
    expect(classifyV2({ status: 503, body: '{}' }).state).toBe('not-routed');
    expect(classifyV2({ status: 503, body: '<html>maintenance</html>' }).state).toBe('unreachable');
    expect(classifyV2({ status: 403, body: 'forbidden' }).state).toBe('error');
  });

  it('Harbor by its anonymous ping; the version when systeminfo gives one', () => {
    expect(isHarborPing({ status: 200, body: 'Pong' })).toBe(true);
    expect(isHarborPing({ status: 200, body: '"Pong"' })).toBe(true);
    expect(isHarborPing({ status: 404, body: '404 page not found' })).toBe(false);
    expect(isHarborPing({ status: 200, body: '<html>' })).toBe(false);
    expect(harborVersion({ status: 200, body: '{"harbor_version":"v2.11.0"}' })).toBe('v2.11.0');
    expect(harborVersion({ status: 200, body: '{"auth_mode":"db_auth"}' })).toBeUndefined();
    expect(harborVersion({ status: 404, body: '' })).toBeUndefined();
  });
});

describe('leftovers and credentials', () => {
  const labels = { 'app.kubernetes.io/managed-by': 'harbor-connect', 'app.kubernetes.io/component': 'probe' };
  const now = Date.parse('2025-01-01T00:10:00Z');
  const p = (name: string, created: string, extra: Record<string, unknown> = {}) => ({ metadata: { name, uid: `u-${name}`, creationTimestamp: created, labels: { ...labels, ...extra } } });

  it('old probes of ours go (by uid), recent ones and runs in progress stay, others are never touched', () => {
    const items = [
      p('old', '2025-01-01T00:00:00Z'),
      p('recent', '2025-01-01T00:09:00Z'),
      p('mine', '2025-01-01T00:00:00Z', { 'harbor-connect.kubesphere.io/probe-run': 'run1' }),
      { metadata: { name: 'theirs', creationTimestamp: '2025-01-01T00:00:00Z', labels: { 'app.kubernetes.io/component': 'probe' } } },
      { metadata: { ...p('going', '2025-01-01T00:00:00Z').metadata, deletionTimestamp: '2025-01-01T00:09:59Z' } },
    ];
    const w = probeLeftovers(items, now, { keepIds: ['run1'] });
    expect(w.map((x) => [x.action, x.name, x.preconditions])).toEqual([['delete', 'old', { uid: 'u-old' }]]);
  });

  it('spots an Authorization header sent upstream in any form', () => {
    expect(carriesCredential({ spec: { directives: { headerUp: ['Authorization "Basic dTpw"'] } } })).toBe(true);
    expect(carriesCredential({ spec: { directives: { headerUp: ['+authorization Bearer x'] } } })).toBe(true);
    expect(carriesCredential({ spec: { directives: { headerUp: ['-Authorization', '-Cookie'] } } })).toBe(false);
    expect(carriesCredential({})).toBe(false);
  });
});

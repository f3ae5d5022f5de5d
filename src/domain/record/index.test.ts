import fc from 'fast-check';
import type { Secret } from 'kubernetes-types/core/v1';
import { Secret as SecretModel } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { normalizeRegistryAddress } from '../registry';
import {
  base64DecodeText,
  base64EncodeText,
  buildRegistryRecord,
  caFileSha256,
  isDns1123Label,
  MAX_REGISTRY_ID_LENGTH,
  parseRegistryRecord,
  planRegistryRecordDelete,
  planRegistryRecordWrite,
  recordToSpec,
  registryIdFromServerKey,
  sha256Hex,
  type RegistryRecordSpec,
} from './index';

const CA = '-----BEGIN CERTIFICATE-----\r\nMIIBxyz\r\n-----END CERTIFICATE-----\r\n\r\n';
const spec: RegistryRecordSpec = {
  serverKey: 'harbor.example.com:8443',
  address: 'https://Harbor.Example.com:8443/',
  displayName: 'Team Harbor 港',
  kind: 'harbor',
  trustMode: 'automatic',
  insecure: false,
  caPem: CA,
  createdBy: 'admin',
};

describe('encoding', () => {
  it('sha256 matches known vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('a'.repeat(1000))).toBe('41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3');
  });
  it('base64 round-trips UTF-8 and matches Buffer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(base64EncodeText(s)).toBe(Buffer.from(s, 'utf8').toString('base64'));
        expect(base64DecodeText(base64EncodeText(s))).toBe(s);
      }),
    );
    expect(base64DecodeText('not base64!')).toBeUndefined();
  });
});

describe('registryIdFromServerKey', () => {
  it('keeps plain hosts readable', () => {
    expect(registryIdFromServerKey('harbor.example.com:8443')).toBe('harbor-example-com-8443');
    expect(registryIdFromServerKey('harbor.example.com')).toBe('harbor-example-com');
    expect(registryIdFromServerKey('10.0.0.5:5000')).toBe('10-0-0-5-5000');
    expect(registryIdFromServerKey('localhost:5000')).toBe('localhost-5000');
  });
  it('hashes when it had to fold characters or cut', () => {
    const hyphen = registryIdFromServerKey('my-harbor.example.com');
    expect(hyphen).toMatch(/^my-harbor-example-com--[0-9a-f]{10}$/);
    expect(registryIdFromServerKey('my.harbor.example.com')).toBe('my-harbor-example-com');
    expect(registryIdFromServerKey('[fd00::1]:5443')).toMatch(/^fd00-1-5443--[0-9a-f]{10}$/);
    expect(registryIdFromServerKey('http://harbor.local')).toMatch(/^http-harbor-local--/);
    const long = registryIdFromServerKey('registry.a-very-long-department-name.example.corporation.com:30443');
    expect(long.length).toBeLessThanOrEqual(MAX_REGISTRY_ID_LENGTH);
    expect(long).toMatch(/--[0-9a-f]{10}$/);
    // Ambiguous shapes are never left clean: numeric "TLD" vs port.
    expect(registryIdFromServerKey('a.b.8443')).not.toBe(registryIdFromServerKey('a.b:8443'));
  });
  it('is stable and always a DNS-1123 label (also for real normalized addresses)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.domain(), fc.string(), fc.ipV4(), fc.ipV6().map((a) => `[${a}]:5000`)), fc.option(fc.integer({ min: 1, max: 65535 })), (host, port) => {
        const n = normalizeRegistryAddress(port ? `${host}:${port}` : host);
        const key = n.ok ? n.value.serverKey : host;
        const id = registryIdFromServerKey(key);
        expect(isDns1123Label(id)).toBe(true);
        expect(id.length).toBeLessThanOrEqual(MAX_REGISTRY_ID_LENGTH);
        expect(registryIdFromServerKey(key)).toBe(id);
      }),
      { numRuns: 500 },
    );
  });
  it('distinct serverKeys get distinct ids', () => {
    const keyArb = fc.oneof(
      fc.domain(),
      fc.tuple(fc.domain(), fc.integer({ min: 1, max: 65535 })).map(([d, p]) => `${d}:${p}`),
      fc.ipV4(),
      fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 65535 })).map(([d, p]) => `${d}:${p}`),
      fc.ipV6().map((a) => `[${a}]`),
      fc.stringMatching(/^[a-z0-9.:-]{1,70}$/),
    );
    fc.assert(
      fc.property(keyArb, keyArb, (a, b) => {
        fc.pre(a !== b);
        expect(registryIdFromServerKey(a)).not.toBe(registryIdFromServerKey(b));
      }),
      { numRuns: 5000 },
    );
    // Near-misses that a plain fold would merge.
    const tricky = ['a.b', 'a-b', 'a.b:1', 'a.b.1', 'a-b:1', 'a-b-1', 'A.B', '1.2.3.4', '1.2.3.4:5', '1.2.3.4.5', '1-2-3-4-5', 'a:1', 'a.1'];
    expect(new Set(tricky.map(registryIdFromServerKey)).size).toBe(tricky.length);
  });
});

describe('registry record', () => {
  it('builds an Opaque Secret with labels, annotations and ca.crt, valid per the Kubernetes schema', () => {
    const s = buildRegistryRecord(spec);
    expect(s.metadata.name).toBe('hc-registry-harbor-example-com-8443');
    expect(s.metadata.namespace).toBe('extension-harbor-connect');
    expect(s.type).toBe('Opaque');
    expect(s.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'harbor-connect',
      'harbor-connect.kubesphere.io/registry': 'harbor-example-com-8443',
      'app.kubernetes.io/component': 'registry-record',
    });
    expect(s.metadata.annotations).toMatchObject({
      'harbor-connect.kubesphere.io/address': 'https://Harbor.Example.com:8443/',
      'harbor-connect.kubesphere.io/server-key': 'harbor.example.com:8443',
      'harbor-connect.kubesphere.io/display-name': 'Team Harbor 港',
      'harbor-connect.kubesphere.io/kind': 'harbor',
      'harbor-connect.kubesphere.io/trust-mode': 'automatic',
      'harbor-connect.kubesphere.io/insecure': 'false',
      'harbor-connect.kubesphere.io/created-by': 'admin',
    });
    expect(Buffer.from(s.data!['ca.crt'], 'base64').toString()).toBe('-----BEGIN CERTIFICATE-----\nMIIBxyz\n-----END CERTIFICATE-----\n');
    expect(() => new SecretModel(s as never).validate()).not.toThrow();
  });

  it('has no ca.crt when publicly trusted, and the namespace is configurable', () => {
    const s = buildRegistryRecord({ ...spec, caPem: undefined, trustMode: 'none', kind: undefined, namespace: 'hc' });
    expect(s.data).toBeUndefined();
    expect(s.metadata.namespace).toBe('hc');
    expect(s.metadata.annotations?.['harbor-connect.kubesphere.io/kind']).toBeUndefined();
  });

  it('round-trips through parse', () => {
    const s = buildRegistryRecord(spec);
    const p = parseRegistryRecord({ ...s, metadata: { ...s.metadata, resourceVersion: '7', uid: 'u1' } });
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.record).toMatchObject({
      id: 'harbor-example-com-8443',
      serverKey: 'harbor.example.com:8443',
      address: spec.address,
      displayName: 'Team Harbor 港',
      kind: 'harbor',
      trustMode: 'automatic',
      insecure: false,
      caPem: '-----BEGIN CERTIFICATE-----\nMIIBxyz\n-----END CERTIFICATE-----\n',
      createdBy: 'admin',
      resourceVersion: '7',
    });
    expect(buildRegistryRecord(recordToSpec(p.record))).toEqual(s);
    expect(caFileSha256(p.record.caPem!)).toBe(caFileSha256(CA));
  });

  it('says why something is not a record', () => {
    const s = buildRegistryRecord(spec);
    const ann = s.metadata.annotations!;
    expect(parseRegistryRecord({ kind: 'ConfigMap' })).toEqual({ ok: false, reason: 'not-a-secret' });
    expect(parseRegistryRecord({ ...s, metadata: { ...s.metadata, labels: {} } })).toEqual({ ok: false, reason: 'not-managed' });
    expect(parseRegistryRecord({ ...s, metadata: { ...s.metadata, name: 'other' } })).toEqual({ ok: false, reason: 'inconsistent-name' });
    expect(parseRegistryRecord({ ...s, metadata: { ...s.metadata, annotations: { ...ann, 'harbor-connect.kubesphere.io/trust-mode': 'x' } } })).toEqual({
      ok: false,
      reason: 'bad-trust-mode',
    });
    expect(parseRegistryRecord({ ...s, data: { 'ca.crt': '%%%' } })).toEqual({ ok: false, reason: 'bad-ca-encoding' });
    const unknownKind = parseRegistryRecord({ ...s, metadata: { ...s.metadata, annotations: { ...ann, 'harbor-connect.kubesphere.io/kind': 'quay' } } });
    expect(unknownKind.ok && unknownKind.record.kind).toBeUndefined();
  });
});

describe('planRegistryRecordWrite', () => {
  const desired = buildRegistryRecord(spec);
  const stored = (s: Secret): Secret => ({
    ...s,
    metadata: {
      ...s.metadata,
      resourceVersion: '42',
      uid: 'u',
      creationTimestamp: '2024-01-01T00:00:00Z',
      annotations: { ...s.metadata?.annotations, 'kubesphere.io/creator': 'admin' },
      labels: { ...s.metadata?.labels, 'team': 'infra' },
    },
  });

  it('creates when missing', () => {
    const p = planRegistryRecordWrite({ desired });
    expect(p.status).toBe('create');
    expect(p.writes[0]).toMatchObject({ action: 'create', kind: 'Secret', name: desired.metadata.name, namespace: 'extension-harbor-connect' });
  });

  it('writes nothing when equal (idempotent), even with others’ labels and a re-encoded CA', () => {
    expect(planRegistryRecordWrite({ existing: stored(desired), desired })).toEqual({ status: 'unchanged', writes: [] });
    // Editing with another created-by never rewrites the original creator.
    expect(planRegistryRecordWrite({ existing: stored(desired), desired: buildRegistryRecord({ ...spec, createdBy: 'bob' }) }).status).toBe('unchanged');
    const rewrapped = stored(desired);
    rewrapped.data = { 'ca.crt': rewrapped.data!['ca.crt'].replace(/(.{20})/g, '$1\n') };
    expect(planRegistryRecordWrite({ existing: rewrapped, desired }).status).toBe('unchanged');
  });

  it('replaces with the resourceVersion read when something changed, keeping others’ fields', () => {
    const changed = buildRegistryRecord({ ...spec, trustMode: 'manual', caPem: undefined, kind: undefined });
    const p = planRegistryRecordWrite({ existing: stored(desired), desired: changed });
    expect(p.status).toBe('replace');
    const body = p.writes[0]!.body as Secret;
    expect(body.metadata?.resourceVersion).toBe('42');
    expect(body.metadata?.labels?.team).toBe('infra');
    expect(body.metadata?.annotations?.['kubesphere.io/creator']).toBe('admin');
    expect(body.metadata?.annotations?.['harbor-connect.kubesphere.io/kind']).toBeUndefined();
    expect(body.metadata?.annotations?.['harbor-connect.kubesphere.io/trust-mode']).toBe('manual');
    expect(body.metadata?.annotations?.['harbor-connect.kubesphere.io/created-by']).toBe('admin');
    expect(body.data).toBeUndefined();
    // Applying the replace, then planning again: nothing left to do.
    expect(planRegistryRecordWrite({ existing: body, desired: changed }).status).toBe('unchanged');
  });

  it('drops kubectl\'s last-applied copy (a former CA and settings in clear text) on its next write', () => {
    const existing = stored(desired);
    existing.metadata!.annotations = { ...existing.metadata!.annotations, 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"ca.crt":"b2xk"}}' };
    const p = planRegistryRecordWrite({ existing, desired });
    expect(p.status).toBe('replace');
    const body = p.writes[0]!.body as Secret;
    expect(body.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined();
    expect(body.metadata?.annotations?.['kubesphere.io/creator']).toBe('admin');
  });

  it('never takes over a Secret it did not make', () => {
    const foreign: Secret = { ...desired, metadata: { ...desired.metadata, labels: {} } };
    expect(planRegistryRecordWrite({ existing: foreign, desired })).toEqual({ status: 'conflict', writes: [], reason: 'not-managed' });
    expect(planRegistryRecordWrite({ existing: { ...stored(desired), type: 'kubernetes.io/tls' }, desired }).status).toBe('conflict');
  });

  it('plans a delete', () => {
    expect(planRegistryRecordDelete({ name: 'hc-registry-x', namespace: 'ns' })).toMatchObject({ action: 'delete', kind: 'Secret', name: 'hc-registry-x', namespace: 'ns' });
  });
});

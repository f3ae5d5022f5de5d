import type { Secret } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { buildPullSecret } from '../dockerconfig';
import type { RegistryRecord } from '../record';
import { prefillActions } from './prefill';

const record: RegistryRecord = {
  id: 'harbor-example-com-8443',
  name: 'hc-registry-harbor-example-com-8443',
  namespace: 'extension-harbor-connect',
  serverKey: 'harbor.example.com:8443',
  address: 'harbor.example.com:8443',
  displayName: 'harbor.example.com:8443',
  trustMode: 'automatic',
  insecure: false,
};

describe('prefillActions (edit)', () => {
  it('fills the user name from a pull secret, never the password', () => {
    const copy = buildPullSecret({ name: 'pull', namespace: 'demo', registryId: record.id, server: record.serverKey, username: 'robot$demo+ci', password: 'S3cret!' }) as Secret;
    const actions = prefillActions(record, [copy], 'host');
    expect(actions).toContainEqual({ type: 'credentials', patch: { username: 'robot$demo+ci' } });
    expect(JSON.stringify(actions)).not.toContain('S3cret!');
    expect(actions.find((a) => a.type === 'set')).toMatchObject({ patch: { secretName: 'pull' } });
    expect(actions).toContainEqual({ type: 'setProjects', cluster: 'host', names: ['demo'], on: true });
  });

  it('leaves the user name empty when no pull secret can be read', () => {
    expect(prefillActions(record, [], 'host').some((a) => a.type === 'credentials')).toBe(false);
  });
});

import type { Secret } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { REGISTRY_LABEL } from '../plan/labels';
import { buildRegistryRecord, registryIdFromServerKey } from '../record';
import type { StoredPullTest } from './checks';
import { registryRows, type RegistryListSources } from './rows';

const SERVER = 'harbor.example.com';
const ID = registryIdFromServerKey(SERVER);
const record = buildRegistryRecord({ serverKey: SERVER, address: SERVER, trustMode: 'manual' }) as Secret;
const pullSecret = (ns: string) => ({ metadata: { name: 'pull', namespace: ns, labels: { [REGISTRY_LABEL]: ID } } });
const sources = (managed: RegistryListSources['managed']): RegistryListSources => ({ records: [record], managed, daemonSets: [], installerPods: [], nodes: [], unreadable: [] });
const pullTest = (state: 'pulled' | 'failed'): StoredPullTest => ({
  at: '2026-12-03T04:00:00Z',
  namespace: 'demo',
  image: `${SERVER}/library/busybox:latest`,
  results: [{ node: 'node-1', pod: 'p', state }],
});

describe('registryRows: the list badge follows the detail page\'s rule, with its reason', () => {
  const now = new Date('2026-12-03T05:00:00Z');

  it('healthy without a reason; no project with the credential is a warning that says so', () => {
    expect(registryRows(sources([pullSecret('demo')]), now).rows[0]).toMatchObject({ health: 'ok', projects: ['demo'] });
    expect(registryRows(sources([pullSecret('demo')]), now).rows[0].reason).toBeUndefined();
    expect(registryRows(sources([]), now).rows[0]).toMatchObject({ health: 'warning', reason: { key: 'HARBOR_CONNECT_HEALTH_CRED_NONE' } });
  });

  it('the last pull test counts, as on the detail page: a failed pull makes the row an error, with the pull-test summary', () => {
    const failed = registryRows(sources([pullSecret('demo')]), now, (id) => (id === ID ? pullTest('failed') : undefined)).rows[0];
    expect(failed).toMatchObject({ health: 'error', reason: { key: 'HARBOR_CONNECT_HEALTH_PULLTEST_LAST', params: { pulled: 0, total: 1 } } });
    expect(registryRows(sources([pullSecret('demo')]), now, () => pullTest('pulled')).rows[0].health).toBe('ok');
  });
});

describe('registryRows: other clusters connected to the same registry', () => {
  it('names the other clusters holding a record of the same registry id, sorted; none when single-cluster', () => {
    const now = new Date('2026-12-03T05:00:00Z');
    const src = { ...sources([pullSecret('demo')]), elsewhere: { 'member-2': [ID], 'member-1': [ID, 'other-registry'], 'member-3': ['other-registry'] } };
    expect(registryRows(src, now).rows[0].otherClusters).toEqual(['member-1', 'member-2']);
    expect(registryRows(sources([pullSecret('demo')]), now).rows[0].otherClusters).toEqual([]);
  });
});

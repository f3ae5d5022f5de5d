import type { Secret } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { REGISTRY_LABEL } from '../plan/labels';
import { buildRegistryRecord, registryIdFromServerKey } from '../record';
import type { StoredPullTest } from './checks';
import { filterRegistryRows, registryRows, type RegistryListSources } from './rows';

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
  const now = new Date('2026-12-03T05:00:00Z');
  const recordOf = (id: string) => ({ metadata: { name: `hc-registry-${id}`, namespace: 'extension-harbor-connect', labels: { [REGISTRY_LABEL]: id } } });
  const installer = (id: string, ready: number, nodes: number) =>
    ({ metadata: { name: `hc-trust-${id}`, labels: { [REGISTRY_LABEL]: id } }, status: { numberReady: ready, desiredNumberScheduled: nodes } }) as never;

  it('each other cluster holding a record of the same registry id: its projects with the credential and its node trust, sorted', () => {
    const src: RegistryListSources = {
      ...sources([pullSecret('demo')]),
      elsewhere: {
        'member-2': { records: [recordOf(ID)], managed: [recordOf(ID), pullSecret('web'), pullSecret('api')], daemonSets: [installer(ID, 2, 3)] },
        'member-1': { records: [recordOf(ID), recordOf('other-registry')], managed: [pullSecret('demo')], daemonSets: [installer('other-registry', 1, 1)] },
        'member-3': { records: [recordOf('other-registry')], managed: [], daemonSets: [] },
      },
    };
    expect(registryRows(src, now).rows[0].otherClusters).toEqual([
      { name: 'member-1', projects: 1 },
      { name: 'member-2', projects: 2, trust: { ready: 2, nodes: 3 } },
    ]);
    expect(registryRows(sources([pullSecret('demo')]), now).rows[0].otherClusters).toEqual([]);
  });
});

describe('filterRegistryRows: the list search over the loaded rows', () => {
  const row = (displayName: string, address: string, serverKey = address) => ({ record: { displayName, address, serverKey }, id: displayName });
  const rows = [row('Harbor prod', 'https://harbor.example.com', 'harbor.example.com'), row('mirror', 'registry.lab.local:5443'), row('Quay', 'quay.io')];

  it('matches the name or the address, ignoring case and surrounding spaces', () => {
    expect(filterRegistryRows(rows, 'PROD').map((r) => r.id)).toEqual(['Harbor prod']);
    expect(filterRegistryRows(rows, '  lab.local ').map((r) => r.id)).toEqual(['mirror']);
    expect(filterRegistryRows(rows, ':5443').map((r) => r.id)).toEqual(['mirror']);
    expect(filterRegistryRows(rows, 'example.com').map((r) => r.id)).toEqual(['Harbor prod']);
  });

  it('every word must match (in any field); a blank query keeps every row in order; nothing matching is empty', () => {
    expect(filterRegistryRows(rows, 'harbor prod').map((r) => r.id)).toEqual(['Harbor prod']);
    expect(filterRegistryRows(rows, 'harbor quay')).toEqual([]);
    expect(filterRegistryRows(rows, '   ').map((r) => r.id)).toEqual(['Harbor prod', 'mirror', 'Quay']);
    expect(filterRegistryRows(rows, 'gcr.io')).toEqual([]);
  });
});

import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { changedByWrite, invalidateChanged, removeSecretQueries } from './hooks';
import { ALL_NAMESPACES, CLUSTER_SCOPED, PLATFORM, queryKeys, ROOT } from './queryKeys';

describe('query keys', () => {
  it('put the cluster in every key', () => {
    const keys: ReadonlyArray<readonly unknown[]> = [
      queryKeys.cluster('c1'),
      queryKeys.resource('c1', 'secrets'),
      queryKeys.scope('c1', 'secrets', 'demo'),
      queryKeys.lists('c1', 'secrets', 'demo'),
      queryKeys.list('c1', 'secrets', 'demo', { labelSelector: 'a=b' }),
      queryKeys.ksLists('c1', 'secrets', 'demo'),
      queryKeys.ksList('c1', 'secrets', 'demo', { page: 1 }),
      queryKeys.object('c1', 'secrets', 'demo', 'pull'),
      queryKeys.access('c1', { verb: 'create', resource: 'secrets', namespace: 'demo' }),
      queryKeys.workspaceProjects('c1', 'ws'),
    ];
    for (const k of keys) {
      expect(k[0]).toBe(ROOT);
      expect(k[1]).toBe('c1');
    }
    // Platform-wide lists use an explicit platform slot in the same position.
    expect(queryKeys.clusters()[1]).toBe(PLATFORM);
    expect(queryKeys.workspaces()[1]).toBe(PLATFORM);
  });

  it('are stable and ignore undefined params', () => {
    expect(queryKeys.list('c', 'secrets', 'd', { labelSelector: 'a=b', fieldSelector: undefined })).toEqual(
      queryKeys.list('c', 'secrets', 'd', { labelSelector: 'a=b' }),
    );
    expect(queryKeys.list('c', 'secrets', 'd', { labelSelector: 'a=b' })).toEqual([ROOT, 'c', 'secrets', 'd', 'list', { labelSelector: 'a=b' }]);
  });
});

function seed(qc: QueryClient, key: readonly unknown[]) {
  qc.setQueryData(key, { seeded: true });
}

describe('invalidation after writes', () => {
  it('invalidates exactly the lists that can hold the object, and the object', async () => {
    const qc = new QueryClient();
    const touched = [
      queryKeys.list('c1', 'secrets', 'demo', {}),
      queryKeys.list('c1', 'secrets', ALL_NAMESPACES, { labelSelector: 'x' }),
      queryKeys.ksList('c1', 'secrets', 'demo', { page: 1 }),
      queryKeys.object('c1', 'secrets', 'demo', 'pull'),
    ];
    const untouched = [
      queryKeys.list('c1', 'secrets', 'other', {}),
      queryKeys.object('c1', 'secrets', 'demo', 'other'),
      queryKeys.list('c2', 'secrets', 'demo', {}),
      queryKeys.list('c1', 'configmaps', 'demo', {}),
      queryKeys.access('c1', { verb: 'create', resource: 'secrets', namespace: 'demo' }),
    ];
    [...touched, ...untouched].forEach((k) => seed(qc, k));
    await invalidateChanged(qc, { cluster: 'c1', resource: 'secrets', namespaced: true, namespace: 'demo', name: 'pull' });
    for (const k of touched) expect(qc.getQueryState(k)?.isInvalidated, JSON.stringify(k)).toBe(true);
    for (const k of untouched) expect(qc.getQueryState(k)?.isInvalidated, JSON.stringify(k)).toBe(false);
  });

  it('removes a deleted object and handles cluster-scoped kinds', async () => {
    const qc = new QueryClient();
    const obj = queryKeys.object('c1', 'reverseproxies', CLUSTER_SCOPED, 'hc');
    const list = queryKeys.list('c1', 'reverseproxies', CLUSTER_SCOPED, {});
    seed(qc, obj);
    seed(qc, list);
    const changed = changedByWrite({ action: 'delete', apiVersion: 'extensions.kubesphere.io/v1alpha1', kind: 'ReverseProxy', name: 'hc' }, 'c1');
    expect(changed).toMatchObject({ resource: 'reverseproxies', namespaced: false, deleted: true });
    await invalidateChanged(qc, changed!);
    expect(qc.getQueryData(obj)).toBeUndefined();
    expect(qc.getQueryState(list)?.isInvalidated).toBe(true);
  });

  it('removeSecretQueries drops Secret data only (optionally for one cluster)', () => {
    const qc = new QueryClient();
    const s1 = queryKeys.object('c1', 'secrets', 'demo', 'pull');
    const s2 = queryKeys.list('c2', 'secrets', ALL_NAMESPACES, {});
    const cm = queryKeys.list('c1', 'configmaps', 'demo', {});
    [s1, s2, cm].forEach((k) => seed(qc, k));
    removeSecretQueries(qc, 'c1');
    expect(qc.getQueryData(s1)).toBeUndefined();
    expect(qc.getQueryData(s2)).toBeDefined();
    removeSecretQueries(qc);
    expect(qc.getQueryData(s2)).toBeUndefined();
    expect(qc.getQueryData(cm)).toBeDefined();
  });
});

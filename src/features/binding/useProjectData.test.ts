// The project page reads Secret content only of pull secrets; other Secrets by name (metadata) only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, setAdapter, type HttpAdapter } from '../../api/client';
import { clusterContext } from '../../api/cluster';
import { bindingWarnings } from '../../domain/binding/model';
import { fetchProjectSecrets } from './useProjectData';

const seen: Array<{ url: string; accept: string }> = [];
let saved: HttpAdapter;
const pull = { metadata: { name: 'harbor-pull', namespace: 'demo' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'eyJhdXRocyI6e319' } };
const opaque = { metadata: { name: 'db-password', namespace: 'demo' }, type: 'Opaque', data: { password: 'c2VjcmV0' } };

beforeAll(() => {
  saved = http().defaults.adapter;
  setAdapter(async (config) => {
    const url = decodeURIComponent(config.url ?? '');
    seen.push({ url, accept: String((config.headers as Record<string, unknown>)?.Accept ?? '') });
    let items: unknown[] = [];
    if (url.includes('fieldSelector=type=kubernetes.io/dockerconfigjson')) items = [pull];
    // A server that ignores the metadata-only Accept still answers full objects: the page must drop their data.
    else if (url.includes('fieldSelector=type!=')) items = [opaque];
    return { data: { kind: 'SecretList', metadata: {}, items }, status: 200, statusText: '', headers: {}, config } as never;
  });
});
afterAll(() => setAdapter(saved));

describe('fetchProjectSecrets', () => {
  it('asks for pull secrets by type, and for the others names only', async () => {
    seen.length = 0;
    const list = await fetchProjectSecrets(clusterContext('host', true), 'demo');
    const urls = seen.map((s) => s.url.replace(/&limit=\d+/, ''));
    expect(urls.sort()).toEqual([
      '/clusters/host/api/v1/namespaces/demo/secrets?fieldSelector=type!=kubernetes.io/dockerconfigjson,type!=kubernetes.io/dockercfg',
      '/clusters/host/api/v1/namespaces/demo/secrets?fieldSelector=type=kubernetes.io/dockercfg',
      '/clusters/host/api/v1/namespaces/demo/secrets?fieldSelector=type=kubernetes.io/dockerconfigjson',
    ]);
    // No list of every Secret with its data.
    expect(seen.some((s) => !s.url.includes('fieldSelector='))).toBe(false);
    expect(seen.find((s) => s.url.includes('type!='))?.accept).toMatch(/as=PartialObjectMetadataList/);
    expect(list.items).toContainEqual(pull);
    const other = list.items.find((s) => s.metadata?.name === 'db-password');
    expect(other).toEqual({ metadata: { name: 'db-password', namespace: 'demo' } });
    expect(JSON.stringify(list)).not.toContain('c2VjcmV0');
    // A ServiceAccount naming it still gets the right warning.
    const map = new Map(list.items.map((s) => [s.metadata?.name ?? '', s]));
    expect(bindingWarnings(['db-password', 'gone'], map)).toEqual([
      { code: 'not-pull-secret', secret: 'db-password', type: '' },
      { code: 'missing', secret: 'gone' },
    ]);
  });
});

describe('pull-test results in the browser', () => {
  it('live in sessionStorage (this tab), never localStorage (every later user of the browser)', async () => {
    const make = () => {
      const m = new Map<string, string>();
      return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
    };
    const local = make();
    const session = make();
    const g = globalThis as { localStorage?: unknown; sessionStorage?: unknown };
    const before = { l: g.localStorage, s: g.sessionStorage };
    g.localStorage = local;
    g.sessionStorage = session;
    try {
      const { readLastPullTest, writeLastPullTest } = await import('../pulltest/storage');
      writeLastPullTest('host', 'r', { at: '2025-01-01T00:00:00Z', namespace: 'demo', image: 'x', results: [] });
      expect(local.m.size).toBe(0);
      expect(session.m.size).toBe(1);
      expect(readLastPullTest('host', 'r')?.namespace).toBe('demo');
    } finally {
      g.localStorage = before.l;
      g.sessionStorage = before.s;
    }
  });
});

// The one list of KubeSphere API paths (./kubesphere-routes): every KubeSphere request the product makes matches an
// entry, and no KubeSphere path is written anywhere else in src/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, setAdapter, type HttpAdapter } from './client';
import { clusterContext } from './cluster';
import { KUBESPHERE_ROUTES, matchKubeSphereRoute, type KubeSphereRouteId } from './kubesphere-routes';
import { runRegistryProbe } from './probe';
import { listClusters, listMyProjects, listWorkspaceProjects } from './resources/kubesphere';
import { normalizeRegistryAddress } from '../domain/registry';
import { verifyWithKubeSphere } from '../features/wizard/verify';
import { PROBE_PATH_PREFIX } from '../domain/registry/probe';

const SRC = join(__dirname, '..');
const seen: Array<{ method: string; url: string }> = [];
let saved: HttpAdapter;

beforeAll(() => {
  saved = http().defaults.adapter;
  setAdapter(async (config) => {
    const method = (config.method ?? 'get').toUpperCase();
    seen.push({ method, url: config.url ?? '' });
    const body = method === 'POST' && /reverseproxies/.test(config.url ?? '') ? { ...JSON.parse(String(config.data)), metadata: { ...JSON.parse(String(config.data)).metadata, uid: 'u' } } : { items: [], totalItems: 0 };
    const status = /\/proxy\//.test(config.url ?? '') ? 401 : 200;
    return { data: config.responseType === 'text' ? '' : body, status, statusText: '', headers: {}, config } as never;
  });
});
afterAll(() => setAdapter(saved));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });
}

describe('KubeSphere API paths', () => {
  it('every entry names the v4.1.3 source that serves it', () => {
    for (const [id, r] of Object.entries(KUBESPHERE_ROUTES)) {
      expect(r.source, id).toMatch(/^(pkg|config|staging)\/[\w./-]+\.(go|yaml)$/);
      expect(r.path, id).toMatch(/^\/(kapis|apis\/extensions\.kubesphere\.io|proxy)\//);
      expect(r.registers.length, id).toBeGreaterThan(10);
    }
  });

  it('every KubeSphere request the product makes matches an entry of the list', async () => {
    seen.length = 0;
    const member = clusterContext('member-1', true);
    const host = clusterContext('host', true);
    const addr = normalizeRegistryAddress('harbor.example.com');
    if (!addr.ok) throw new Error('address');
    await listClusters();
    await listMyProjects(host);
    await listWorkspaceProjects(member, 'ws');
    await verifyWithKubeSphere(host, { namespace: 'demo', address: addr.value, username: 'u', password: 'p' });
    await runRegistryProbe(host, { registryId: 'r', address: addr.value, paths: ['ping', 'v2'] }, { wait: () => Promise.resolve() });
    const matched = seen.map((s) => [s.method, s.url.split('?')[0], matchKubeSphereRoute(s.method, s.url)]);
    expect(matched.filter((m) => !m[2]), 'requests that match no entry').toEqual([]);
    const ids = new Set(matched.map((m) => m[2] as KubeSphereRouteId));
    expect([...ids].sort()).toEqual(Object.keys(KUBESPHERE_ROUTES).sort());
    expect(matched).toContainEqual(['GET', '/clusters/member-1/kapis/tenant.kubesphere.io/v1beta1/workspaces/ws/namespaces', 'tenant.workspaceNamespaces']);
    expect(matched).toContainEqual(['POST', '/clusters/host/kapis/resources.kubesphere.io/v1alpha3/namespaces/demo/registrysecrets/harbor-connect-verify/verify', 'resources.verifyRegistrySecret']);
  });

  it('refuses what KubeSphere does not register (e.g. /workspaces/{ws}/clusters/{c}/namespaces)', () => {
    expect(matchKubeSphereRoute('GET', '/kapis/tenant.kubesphere.io/v1beta1/workspaces/ws/clusters/host/namespaces')).toBeUndefined();
    expect(matchKubeSphereRoute('DELETE', '/kapis/tenant.kubesphere.io/v1beta1/namespaces')).toBeUndefined();
    expect(matchKubeSphereRoute('POST', '/proxy/harbor-connect/x/v2/')).toBeUndefined();
  });

  it('no KubeSphere path is written outside src/api/kubesphere-routes.ts', () => {
    const offenders: string[] = [];
    for (const f of files(SRC)) {
      const rel = relative(SRC, f);
      if (rel === join('api', 'kubesphere-routes.ts')) continue;
      const text = readFileSync(f, 'utf8');
      // The domain plans object contents (a ReverseProxy's matcher path), not requests: checked below.
      const domain = rel.startsWith(`domain${'/'}`);
      for (const [n, line] of text.split('\n').entries()) {
        if (/^\s*(\/\/|\*|\/\*)/.test(line)) continue;
        const kapis = /['"`]\/kapis\/|\/kapis\/[a-z]|kapisPath\(/.test(line);
        const other = /['"`]\/proxy\/|\/proxy\/harbor|['"`]\/apis\/extensions\.kubesphere\.io/.test(line);
        if (kapis || (other && !domain)) offenders.push(`${rel}:${n + 1}: ${line.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
    // The probe's matcher paths lie under the listed /proxy route.
    expect(matchKubeSphereRoute('GET', `${PROBE_PATH_PREFIX}/0123/v2/`)).toBe('proxy');
  });
});

// The console-facing routes over the real lab store: seeding, menus per role, tenancy filtering, lists.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KObject, LabUser, RequestContext } from '../contract';
import { MemStore } from '../store';
import { createAuthorizer } from './rbac';
import { kubesphereRoutes } from './routes';
import { seedKubeSphere } from './seed';
import { KS_TYPES } from './types';

const labDir = mkdtempSync(join(tmpdir(), 'hc-ks-routes-'));
afterAll(() => rmSync(labDir, { recursive: true, force: true }));
const store = new MemStore();
const first = seedKubeSphere(store);
const authorizer = createAuthorizer(store);

async function get(path: string, user?: string): Promise<{ status: number; body: any }> {
  const url = new URL(path, 'http://x');
  const req = { method: 'GET', url: path, headers: {} } as unknown as IncomingMessage;
  let status = 0;
  let text = '';
  const res = {
    writeHead(code: number) {
      status = code;
      return this;
    },
    end(chunk: string) {
      text = chunk;
    },
  } as unknown as ServerResponse;
  const who: LabUser | undefined = user ? { name: user, groups: ['system:authenticated'] } : undefined;
  const ctx: RequestContext = { store, authorizer, labDir, repoRoot: labDir, user: who };
  const handled = await kubesphereRoutes(req, res, url, ctx);
  return handled ? { status, body: text ? JSON.parse(text) : undefined } : { status: -1, body: undefined };
}

const names = (items: KObject[]) => items.map(item => item.metadata.name).sort();

describe('seedKubeSphere', () => {
  it('creates the projects with their workspace, and the extension as the console expects it', () => {
    expect(first.created).toEqual(expect.arrayContaining(['workspacetemplates/demo-ws', 'users/demo-viewer', 'jsbundles/harbor-connect']));
    const bundle = store.get(store.typeFor(KS_TYPES.jsbundles.group, 'jsbundles')!, undefined, 'harbor-connect')!;
    expect(bundle.status).toEqual({ link: '/dist/harbor-connect/index.js', state: 'Available' });
    expect(bundle.metadata.labels?.['kubesphere.io/extension-ref']).toBe('harbor-connect');
    const demo = store.get(store.typeFor('', 'namespaces')!, undefined, 'demo')!;
    expect(demo.metadata.labels?.['kubesphere.io/workspace']).toBe('demo-ws');
  });

  it('is idempotent', () => {
    expect(seedKubeSphere(store).created).toEqual([]);
  });
});

describe('console routes', () => {
  it('role templates per scope drive the menus: project admin gets serviceaccounts manage, viewer only view', async () => {
    const admin = await get('/kapis/iam.kubesphere.io/v1beta1/users/demo-admin/roletemplates?scope=namespace&namespace=demo', 'demo-admin');
    const rules = (items: KObject[]) => items.map(item => JSON.parse(item.metadata.annotations!['iam.kubesphere.io/role-template-rules']!));
    expect(rules(admin.body.items)).toContainEqual({ serviceaccounts: 'manage' });
    const viewer = await get('/kapis/iam.kubesphere.io/v1beta1/users/demo-viewer/roletemplates?scope=namespace&namespace=demo', 'demo-viewer');
    expect(rules(viewer.body.items)).toContainEqual({ secrets: 'view' });
    expect(rules(viewer.body.items)).not.toContainEqual({ secrets: 'manage' });
    const operator = await get('/kapis/iam.kubesphere.io/v1beta1/users/demo-operator/roletemplates?scope=namespace&namespace=demo', 'demo-operator');
    expect(rules(operator.body.items)).toContainEqual({ secrets: 'manage' });
    expect(rules(operator.body.items)).not.toContainEqual({ serviceaccounts: 'manage' });
    // Cluster-level menus (secrets view included) only for the platform admin.
    expect((await get('/clusters/host/kapis/iam.kubesphere.io/v1beta1/users/demo-viewer/roletemplates?scope=cluster', 'demo-viewer')).body.items).toEqual([]);
    const cluster = await get('/clusters/host/kapis/iam.kubesphere.io/v1beta1/users/admin/roletemplates?scope=cluster', 'admin');
    expect(rules(cluster.body.items).some(rule => rule.secrets === 'view')).toBe(true);
    // Someone else's templates need user management rights.
    expect((await get('/kapis/iam.kubesphere.io/v1beta1/users/admin/roletemplates?scope=global', 'demo-viewer')).status).toBe(403);
  });

  it('tenant lists show each user their own workspaces and projects', async () => {
    expect(names((await get('/kapis/tenant.kubesphere.io/v1beta1/workspacetemplates?limit=10', 'admin')).body.items)).toEqual(['demo-ws', 'other-ws']);
    expect(names((await get('/kapis/tenant.kubesphere.io/v1beta1/workspacetemplates', 'demo-viewer')).body.items)).toEqual(['demo-ws']);
    expect(names((await get('/kapis/tenant.kubesphere.io/v1beta1/workspaces/demo-ws/clusters/host/namespaces', 'ws-admin')).body.items)).toEqual(['demo', 'demo-2']);
    expect(names((await get('/kapis/tenant.kubesphere.io/v1beta1/workspaces/demo-ws/namespaces', 'demo-viewer')).body.items)).toEqual(['demo']);
    expect((await get('/kapis/tenant.kubesphere.io/v1beta1/workspaces/demo-ws/namespaces/demo-2', 'demo-viewer')).status).toBe(404);
    const demo = await get('/kapis/tenant.kubesphere.io/v1beta1/workspaces/demo-ws/namespaces/demo', 'demo-viewer');
    expect(demo.body.metadata.labels['kubesphere.io/workspace']).toBe('demo-ws');
  });

  it('resources.kubesphere.io lists page, sort and authorize', async () => {
    const all = await get('/kapis/resources.kubesphere.io/v1alpha3/namespaces?sortBy=name&ascending=true&limit=2&page=1', 'admin');
    expect(all.body.totalItems).toBeGreaterThanOrEqual(3);
    expect(all.body.items).toHaveLength(2);
    const page2 = await get('/kapis/resources.kubesphere.io/v1alpha3/namespaces?sortBy=name&ascending=true&limit=2&page=2', 'admin');
    expect(page2.body.items[0].metadata.name > all.body.items[1].metadata.name).toBe(true);
    expect((await get('/kapis/resources.kubesphere.io/v1alpha3/namespaces/demo/secrets', 'demo-viewer')).status).toBe(200);
    const denied = await get('/kapis/resources.kubesphere.io/v1alpha3/namespaces/other/secrets', 'demo-viewer');
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('User "demo-viewer" cannot list resource "secrets"');
    expect((await get('/kapis/resources.kubesphere.io/v1alpha3/namespaces/demo/secrets')).status).toBe(401);
  });

  it('answers the console server\'s boot calls', async () => {
    expect((await get('/kapis/version')).body.gitVersion).toBe('v4.1.1');
    expect((await get('/kapis/config.kubesphere.io/v1alpha2/configs/oauth')).body).toEqual({ identityProviders: [] });
    expect((await get('/kapis/config.kubesphere.io/v1alpha2/configs/configz', 'demo-viewer')).body.multicluster).toEqual({ clusterRole: 'none' });
    const user = await get('/kapis/iam.kubesphere.io/v1beta1/users/demo-viewer', 'demo-viewer');
    expect(user.body.metadata.annotations['iam.kubesphere.io/globalrole']).toBe('platform-regular');
    expect((await get('/kapis/iam.kubesphere.io/v1beta1/users/admin', 'demo-viewer')).status).toBe(403);
    // Anything else is left to the Kubernetes routes (and the unknown-path log).
    expect((await get('/kapis/nothing.kubesphere.io/v1/things', 'admin')).status).toBe(-1);
  });

  it('serves the extension bundle from <repo>/dist/index.js, with a clear 404 when it is not built', async () => {
    const req = { method: 'GET', url: '/dist/harbor-connect/index.js', headers: {} } as unknown as IncomingMessage;
    let status = 0;
    let text = '';
    const res = { writeHead: (code: number) => ((status = code), res), end: (chunk: string) => (text = String(chunk)) } as unknown as ServerResponse;
    const ctx: RequestContext = { store, authorizer, labDir, repoRoot: labDir };
    expect(await kubesphereRoutes(req, res, new URL('http://x/dist/harbor-connect/index.js'), ctx)).toBe(true);
    expect(status).toBe(404);
    expect(text).toContain('npm run build');
  });
});

// Registering the extension (evaluating its entry and reading the default export) makes no request,
// and the default export has the shape the console expects.
import * as Icons from '@kubed/icons';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

const toComponentName = (name: string) => name.slice(0, 1).toUpperCase() + name.slice(1).replace(/-(.)/g, (_, c: string) => c.toUpperCase());

describe('registering the extension', () => {
  it('makes no network request', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('no requests at registration')));
    const xhrSpy = vi.fn();
    vi.stubGlobal('fetch', fetchSpy);
    vi.stubGlobal('XMLHttpRequest', xhrSpy);
    const { http } = await import('../src/api/client');
    const mod = await import('../src/index');
    const ext = mod.default;
    // Touch everything the console reads.
    JSON.stringify({ menus: ext.menus, locales: ext.locales, paths: ext.routes.map((r) => r.children.map((c) => c.path)) });
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(xhrSpy).not.toHaveBeenCalled();
    // The HTTP client and the query client are created on first use, not at registration.
    expect(typeof http).toBe('function');
  });

  it('exports routes, menus and locales as KubeSphere 4.1 expects', async () => {
    const ext = (await import('../src/index')).default;
    expect(Object.keys(ext).sort()).toEqual(['locales', 'menus', 'routes']);

    const cluster = ext.menus.find((m) => m.parent === 'cluster.config');
    expect(cluster).toMatchObject({ name: 'image-registries', title: 'HARBOR_CONNECT_MENU_IMAGE_REGISTRIES', authKey: 'secrets', skipAuth: false });
    expect(typeof cluster?.order).toBe('number');
    const project = ext.menus.find((m) => m.parent === 'project.config');
    expect(project).toMatchObject({ name: 'image-registries', authKey: 'secrets', skipAuth: false });
    const workspace = ext.menus.find((m) => m.parent === 'workspace');
    expect(workspace).toMatchObject({ name: 'image-registries' });

    // The console's Icon throws on an unknown name: every menu icon must be a @kubed/icons export.
    for (const m of ext.menus) expect(Icons, m.icon).toHaveProperty(toComponentName(m.icon));

    const byParent = Object.fromEntries(ext.routes.map((r) => [r.parentRoute, r.children.map((c) => c.path)]));
    expect(byParent['/clusters/:cluster']).toEqual([
      '/clusters/:cluster/image-registries',
      '/clusters/:cluster/image-registries/new',
      '/clusters/:cluster/image-registries/:registry/edit',
      '/clusters/:cluster/image-registries/:registry',
    ]);
    expect(byParent['/:workspace/clusters/:cluster/projects/:namespace']).toEqual(['/:workspace/clusters/:cluster/projects/:namespace/image-registries']);
    expect(byParent['/workspaces/:workspace']).toEqual([
      '/workspaces/:workspace/image-registries',
      '/workspaces/:workspace/image-registries/:cluster/:namespace',
    ]);
    // Menu links are `${prefix}/${name}`: each menu must land on a route.
    expect(byParent['/clusters/:cluster']).toContain(`/clusters/:cluster/${cluster?.name}`);
    expect(byParent['/workspaces/:workspace']).toContain(`/workspaces/:workspace/${workspace?.name}`);

    expect(ext.locales.en.HARBOR_CONNECT_MENU_IMAGE_REGISTRIES).toBe('Image Registries');
    expect(ext.locales.zh.HARBOR_CONNECT_MENU_IMAGE_REGISTRIES).toBe('镜像仓库');
  });
});

// Server-render each route element inside a router and the @kubed theme: catches render-time errors
// and checks the test ids e2e relies on. Effects do not run in renderToString, so nothing is fetched.
import React from 'react';
import { renderToString } from 'react-dom/server';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { KubedConfigProvider } from '@kubed/components';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import ext from '../src/index';

function render(url: string): string {
  const routes = ext.routes.flatMap((r) => r.children);
  return renderToString(
    <KubedConfigProvider>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          {routes.map((r) => (
            <Route key={r.path} path={r.path} element={r.element} />
          ))}
        </Routes>
      </MemoryRouter>
    </KubedConfigProvider>,
  );
}

// React warns that useLayoutEffect does nothing on the server: expected here, and noise.
const realError = console.error;
beforeAll(() => {
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (String(args[0]).includes('useLayoutEffect does nothing on the server')) return;
    realError(...args);
  });
});
afterAll(() => vi.restoreAllMocks());

describe('pages', () => {
  it.each([
    ['/clusters/host/image-registries', 'hc-registries'],
    ['/clusters/host/image-registries/new', 'hc-wizard'],
    ['/clusters/host/image-registries/harbor', 'hc-registry-detail'],
    ['/ws1/clusters/host/projects/demo/image-registries', 'hc-project-registries'],
    ['/workspaces/ws1/image-registries', 'hc-workspace-registries'],
    ['/workspaces/ws1/image-registries/host/demo', 'hc-workspace-registries'],
  ])('%s renders %s without a request', (url, testId) => {
    const fetchSpy = vi.fn();
    vi.stubGlobal('fetch', fetchSpy);
    const html = render(url);
    vi.unstubAllGlobals();
    expect(html).toContain(`data-testid="${testId}"`);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('translates through the global t()', () => {
    const g = globalThis as { t?: unknown };
    g.t = (key: string) => (ext.locales.en as Record<string, string>)[key] ?? key;
    try {
      const html = render('/clusters/host/image-registries/new');
      expect(html).toContain('Add Image Registry');
      expect(html).not.toMatch(/HARBOR_CONNECT_[A-Z_]+/);
    } finally {
      delete g.t;
    }
  });
});

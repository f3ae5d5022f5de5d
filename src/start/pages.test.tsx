// The page stand-ins as a user meets them: the console's spinner while the pages load, a translated error with
// its remedy when they cannot be had, then the real page.
import React from 'react';
import { renderToString } from 'react-dom/server';
import { KubedConfigProvider } from '@kubed/components';
import { afterEach, describe, expect, it, vi } from 'vitest';
import en from '../../locales/en/start.json';
import zh from '../../locales/zh/start.json';
import type { PagesModule } from './load-pages';
import { createPagesLoader } from './pages-loader';
import { lazyPage } from './pages';

afterEach(() => vi.unstubAllGlobals());

const BUILD = 'f'.repeat(64);
const render = (Page: React.ComponentType) => renderToString(<KubedConfigProvider><Page /></KubedConfigProvider>);
const answer = (code: number, data?: Record<string, string>) => async () => new Response(JSON.stringify({ data }), { status: code });
const pages = {
  page: (C: React.ComponentType) => C,
  RegistriesPage: () => <div data-testid="real-page">registries</div>,
} as unknown as PagesModule;

async function settled(loader: ReturnType<typeof createPagesLoader>) {
  loader.start();
  await vi.waitFor(() => expect(['ready', 'failed']).toContain(loader.state().status));
}

/** The stand-in in `strings`' language, rendered once (which starts the load) and again once `fetchPages` answered. */
async function renderAfterLoad(strings: Record<string, string>, fetchPages: () => Promise<Response>): Promise<string> {
  vi.stubGlobal('t', (key: string) => strings[key] ?? key);
  const loader = createPagesLoader({ build: BUILD, evaluate: () => pages }, fetchPages);
  const Page = lazyPage('RegistriesPage', loader);
  render(Page);
  await settled(loader);
  return render(Page);
}

describe('lazyPage', () => {
  it('shows the spinner and starts loading on its first render, then renders the real page', async () => {
    const loader = createPagesLoader({ build: BUILD, evaluate: () => pages }, answer(200, { build: BUILD, 'pages.js': 'x' }));
    const Page = lazyPage('RegistriesPage', loader);
    expect(render(Page)).toContain('data-testid="hc-pages-loading"');
    expect(loader.state().status).toBe('loading');
    await settled(loader);
    expect(render(Page)).toContain('data-testid="real-page"');
  });

  it.each([
    ['en', en],
    ['zh', zh],
  ] as const)('explains a refused read in %s, with the ConfigMap and the role template to check, and offers to try again', async (lang, strings) => {
    const html = await renderAfterLoad(strings, answer(403));
    expect(html).toContain('data-failure="forbidden"');
    expect(html).toContain(strings.HARBOR_CONNECT_PAGES_FAILED);
    expect(html).toContain(strings.HARBOR_CONNECT_PAGES_FORBIDDEN);
    expect(strings.HARBOR_CONNECT_PAGES_FORBIDDEN).toContain('extension-harbor-connect/harbor-connect-pages');
    expect(html).toContain(strings.HARBOR_CONNECT_PAGES_RETRY);
  });

  it('asks for a reload when the cluster has pages of another version', async () => {
    const html = await renderAfterLoad(en, answer(200, { build: '0'.repeat(64), 'pages.js': 'x' }));
    expect(html).toContain('data-failure="stale"');
    expect(html).toContain(en.HARBOR_CONNECT_PAGES_STALE);
    expect(html).toContain(en.HARBOR_CONNECT_PAGES_RELOAD);
  });
});

// Loads the built dist/index.js with a REAL SystemJS loader the way the KubeSphere console does (./system-host.ts:
// the console's import map and module shapes), then renders the bundle's pages with those modules.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOST_MODULES } from '../vite.config';
import { startLocales } from '../src/i18n/start-locales';
import { PAGES_PATH } from '../src/start/pages-configmap';
import { bundlePath, importBundle, pagesConfigMapResponse, renderRoute, type Extension } from './system-host';

let source = '';
let ext: Extension;
const fetchSpy = vi.fn(() => Promise.reject(new Error('the bundle must not request anything at registration')));
const xhrSpy = vi.fn();

/** The dependency list of System.register([...], ...). */
function registeredDeps(code: string): string[] {
  const m = /^System\.register\((\[[^\]]*\])/.exec(code);
  if (!m) throw new Error('dist/index.js is not a System.register module');
  return JSON.parse(m[1]);
}

beforeAll(async () => {
  if (!existsSync(bundlePath)) throw new Error('dist/index.js is missing: run `npm run build` first (npm test does)');
  source = readFileSync(bundlePath, 'utf8');
  vi.stubGlobal('fetch', fetchSpy);
  vi.stubGlobal('XMLHttpRequest', xhrSpy);
  ext = await importBundle();
});

afterAll(() => vi.unstubAllGlobals());

describe('dist/index.js (and the pages it fetches)', () => {
  it('is one System.register module importing only host modules', () => {
    const deps = registeredDeps(source);
    expect(deps.length).toBeGreaterThan(0);
    for (const d of deps) expect(HOST_MODULES as readonly string[]).toContain(d);
    expect(source.match(/System\.register\(/g)).toHaveLength(1);
  });

  it('reads a default export only from react (the console gives no other shared module one)', () => {
    const deps = registeredDeps(source);
    const setters = /setters:\[(.*?)\],execute:/s.exec(source)?.[1];
    expect(setters, 'setters list').toBeTruthy();
    const bodies = [...(setters as string).matchAll(/(\w+)=>\{([^}]*)\}/g)].map((m) => ({ arg: m[1], body: m[2] }));
    expect(bodies).toHaveLength(deps.length);
    bodies.forEach(({ arg, body }, i) => {
      if (deps[i] !== 'react') expect(body.includes(`${arg}.default`), `${deps[i]} setter reads .default`).toBe(false);
    });
  });

  it('has no React-18-only entry points, no JSX runtime, no CSS, and NODE_ENV replaced (start file and pages)', () => {
    const both = `${source}\n${readFileSync(join(__dirname, '..', 'dist', 'pages.js'), 'utf8')}`;
    for (const banned of ['react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'jsx-runtime', 'createRoot', 'hydrateRoot']) {
      expect(both.includes(banned), banned).toBe(false);
    }
    expect(both).not.toMatch(/\.(useId|useInsertionEffect|useTransition|useDeferredValue|startTransition)\b/);
    // TanStack Query's shim may READ React.useSyncExternalStore but must fall back when it is missing (React 17).
    // (esbuild writes `x.useSyncExternalStore!==void 0?...`, terser `void 0!==x.useSyncExternalStore?...`.)
    expect(both).toMatch(/(?:useSyncExternalStore!==void 0|void 0!==\w+\.useSyncExternalStore)\?\w+\.useSyncExternalStore:\w+/);
    expect(both.includes('process.env')).toBe(false);
    expect(existsSync(join(__dirname, '..', 'dist', 'style.css'))).toBe(false);
  });

  it('registers without any request', () => {
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(xhrSpy).not.toHaveBeenCalled();
  });

  it('exports routes, menus and locales', () => {
    expect(Object.keys(ext).sort()).toEqual(['locales', 'menus', 'routes']);
    expect(ext.menus.map((m) => `${m.parent}/${m.name}`)).toEqual([
      'cluster.config/image-registries',
      'project.config/image-registries',
      'workspace/image-registries',
    ]);
    expect(ext.menus[0]).toMatchObject({ authKey: 'secrets', skipAuth: false, title: 'HARBOR_CONNECT_MENU_IMAGE_REGISTRIES' });
    expect(ext.routes.map((r) => r.parentRoute)).toEqual([
      '/clusters/:cluster',
      '/:workspace/clusters/:cluster/projects/:namespace',
      '/workspaces/:workspace',
    ]);
    // Only the menu titles, the stand-ins' strings (locales/<lang>/start.json) and the language marker tr() asks
    // i18next for are registered at start.
    expect(ext.locales).toEqual(startLocales);
    expect(ext.locales.en).toMatchObject({ HARBOR_CONNECT_MENU_IMAGE_REGISTRIES: 'Image Registries', HARBOR_CONNECT_LANG: 'en' });
    expect(ext.locales.zh).toMatchObject({ HARBOR_CONNECT_MENU_IMAGE_REGISTRIES: '镜像仓库', HARBOR_CONNECT_LANG: 'zh' });
    const start = (lang: string) => JSON.parse(readFileSync(join(__dirname, '..', 'locales', lang, 'start.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(ext.locales.en).sort()).toEqual(['HARBOR_CONNECT_LANG', 'HARBOR_CONNECT_MENU_IMAGE_REGISTRIES', ...Object.keys(start('en'))].sort());
    expect(Object.keys(start('zh')).sort()).toEqual(Object.keys(start('en')).sort());
  });

  it('renders its pages, fetched from ConfigMap harbor-connect-pages, with the host modules it was given', async () => {
    fetchSpy.mockImplementation(((url: string) => (url === PAGES_PATH ? Promise.resolve(pagesConfigMapResponse()) : Promise.reject(new Error(`unexpected request ${url}`)))) as never);
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(renderRoute(ext, '/clusters/host/image-registries')).toContain('data-testid="hc-pages-loading"');
      await vi.waitFor(() => expect(renderRoute(ext, '/clusters/host/image-registries')).toContain('data-testid="hc-registries"'));
      expect(renderRoute(ext, '/ws/clusters/host/projects/demo/image-registries')).toContain('data-testid="hc-project-registries"');
      expect(renderRoute(ext, '/workspaces/ws/image-registries/host/demo')).toContain('data-testid="hc-project-registries"');
    } finally {
      quiet.mockRestore();
    }
    // One GET, of the pages: rendering the pages themselves requests nothing on the server.
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect((fetchSpy.mock.calls[0] as unknown[])[0]).toBe(PAGES_PATH);
  });

  it('carries every locale file: the pages resolve their strings in the language the console resolved', () => {
    const strings = (lang: string) =>
      Object.assign({}, ...readdirSync(join(__dirname, '..', 'locales', lang)).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(__dirname, '..', 'locales', lang, f), 'utf8'))));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (const lang of ['en', 'zh']) {
        // The console's i18next knows only what the bundle registered at start: the language marker resolves,
        // every page key comes back as the key.
        vi.stubGlobal('t', (key: string) => ((ext.locales as Record<string, Record<string, string>>)[lang][key] ?? key));
        const html = renderRoute(ext, '/clusters/host/image-registries');
        const title = strings(lang).HARBOR_CONNECT_REGISTRIES_DESC as string;
        expect(title).toBeTruthy();
        expect(html, lang).toContain(title);
        expect(html).not.toContain('HARBOR_CONNECT_REGISTRIES_DESC');
      }
    } finally {
      vi.unstubAllGlobals();
      vi.stubGlobal('fetch', fetchSpy);
      vi.stubGlobal('XMLHttpRequest', xhrSpy);
      quiet.mockRestore();
    }
  });
});

// What the console's start costs: KubeSphere loads dist/index.js for every user at every console start, so it holds
// the routes, menus, the strings of those and of the page stand-ins, and nothing of the pages. The pages are
// dist/pages.js, fetched and evaluated when a page of ours first renders (src/start/pages-loader.ts); a real
// SystemJS loader registers the start file here as the console does.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PAGES_PATH } from '../src/start/pages-configmap';
import { bundlePath, importBundle, pagesConfigMapResponse, renderRoute, type Extension } from './system-host';

const pagesPath = join(__dirname, '..', 'dist', 'pages.js');
const fetchSpy = vi.fn((url: string) => (url === PAGES_PATH ? Promise.resolve(pagesConfigMapResponse()) : Promise.reject(new Error(`unexpected request ${url}`))));
let start = '';
let pages = '';
let ext: Extension;

beforeAll(async () => {
  for (const p of [bundlePath, pagesPath]) if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm run build\` first (npm test does)`);
  start = readFileSync(bundlePath, 'utf8');
  pages = readFileSync(pagesPath, 'utf8');
  vi.stubGlobal('fetch', fetchSpy);
  ext = await importBundle();
});

afterAll(() => vi.unstubAllGlobals());

describe('console start', () => {
  it('downloads none of the pages: their code, strings and libraries are in dist/pages.js only', () => {
    console.log(`dist/index.js ${start.length} bytes; dist/pages.js ${pages.length} bytes`);
    const markers = [
      // TanStack Query (its error text survives minification)
      'No QueryClient set',
      // a page string, and the certificate inspection's OID table
      'Connect private HTTPS registries',
      '1.2.840.113549.1.1.11',
    ];
    for (const m of markers) {
      expect(pages, m).toContain(m);
      expect(start, m).not.toContain(m);
    }
    expect(start.length).toBeLessThan(16 * 1024);
  });

  it('registers without fetching the pages, and fetches them once, when a page of ours first renders', async () => {
    expect(fetchSpy).not.toHaveBeenCalled();
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(renderRoute(ext, '/clusters/host/image-registries')).toContain('data-testid="hc-pages-loading"');
      await vi.waitFor(() => expect(renderRoute(ext, '/clusters/host/image-registries')).toContain('data-testid="hc-registries"'));
      expect(renderRoute(ext, '/ws/clusters/host/projects/demo/image-registries')).toContain('data-testid="hc-project-registries"');
    } finally {
      quiet.mockRestore();
    }
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(fetchSpy.mock.calls[0]![0]).toBe(PAGES_PATH);
  });
});

// Loading dist/index.js as the KubeSphere console does, for the tests that read the built bundle
// (bundle.test.ts, start.test.ts): a REAL SystemJS loader, an import map from each shared module to
// `core:<name>`, and System.set for each with the console's exact shapes (@ks-console/bootstrap
// webpack/systemjs-imports-loader.js: only `react` gets a `default`, every other module is `require(name)` as is).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { DEFAULT_EXTENSION_NAMESPACE } from '../src/domain/record/namespace';
import { PAGES_BUILD_KEY, PAGES_CODE_KEY, PAGES_CONFIGMAP } from '../src/start/pages-configmap';
import { HOST_MODULES, pagesBuildId } from '../vite.config';

const require = createRequire(import.meta.url);

export const bundlePath = join(__dirname, '..', 'dist', 'index.js');
export const bundleUrl = pathToFileURL(bundlePath).href;

export interface Extension {
  routes: Array<{ parentRoute: string; children: Array<{ path: string; element: unknown }> }>;
  menus: Array<Record<string, unknown>>;
  locales: { en: Record<string, string>; zh: Record<string, string> };
}

/** The module each host id maps to, shaped as the console shapes it. */
export function hostModule(name: string): Record<string, unknown> {
  if (name === 'react') {
    const React = require('react');
    return { default: React, ...React };
  }
  if (['react-dom', 'react-router-dom', 'styled-components', '@kubed/components', '@kubed/icons', '@kubed/hooks'].includes(name)) return require(name);
  // Not installed here (@ks-console/shared, @kubed/charts, @kubed/code-editor, react-query v3, wujie-react):
  // the bundle must not import them, so an empty module is enough to prove it never reads them.
  return {};
}

/** System.import of dist/index.js with the console's import map; resolves to the default export. */
export async function importBundle(): Promise<Extension> {
  require('systemjs');
  const System = (globalThis as unknown as { System: any }).System;
  const imports: Record<string, string> = {};
  for (const name of HOST_MODULES) {
    // The console maps @ks-console/shared to 'core:@kubed/@ks-console/shared'; the id does not matter here.
    imports[name] = `core:${name}`;
    System.set(`core:${name}`, hostModule(name));
  }
  System.addImportMap({ imports });
  return (await System.import(bundleUrl)).default;
}

/** Server-renders the extension's routes at `url` inside a router and the @kubed theme. */
export function renderRoute(ext: Extension, url: string): string {
  const React = require('react');
  const { renderToString } = require('react-dom/server');
  const { MemoryRouter, Routes, Route } = require('react-router-dom');
  const { KubedConfigProvider } = require('@kubed/components');
  const all = ext.routes.flatMap((r) => r.children);
  return renderToString(
    React.createElement(
      KubedConfigProvider,
      null,
      React.createElement(
        MemoryRouter,
        { initialEntries: [url] },
        React.createElement(Routes, null, ...all.map((r) => React.createElement(Route, { key: r.path, path: r.path, element: r.element }))),
      ),
    ),
  );
}

/**
 * What `GET PAGES_PATH` answers on a cluster where the chart is installed: ConfigMap harbor-connect-pages with
 * dist/pages.js and the SHA-256 Helm writes beside it (extension/charts/frontend/templates/configmap-pages.yaml).
 */
export function pagesConfigMapResponse(code = readFileSync(join(__dirname, '..', 'dist', 'pages.js'), 'utf8'), build = pagesBuildId(code)): Response {
  const body = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: PAGES_CONFIGMAP, namespace: DEFAULT_EXTENSION_NAMESPACE }, data: { [PAGES_BUILD_KEY]: build, [PAGES_CODE_KEY]: code } };
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
}

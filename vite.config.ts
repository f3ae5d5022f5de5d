// Library build of the console extension: dist/index.js, ONE System.register module (the console loads
// extensions with SystemJS, and KubeSphere 4.1 serves one file per JSBundle). The start path (src/index.ts: routes,
// menus, menu titles) is all that runs when the console loads the extension; the pages (src/pages.ts and everything
// it imports) are compiled by a second build into a factory inside the same file, evaluated when a page of ours
// first renders (lazyPages). Host-shared modules stay external: exactly the console's import-map keys
// (docs/kubesphere.md). Everything else, including TanStack Query, is bundled. Vite 7 (Rollup) is required:
// Rolldown (Vite 8) cannot emit the system format.
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, defineConfig, type InlineConfig, type Plugin, type PluginOption, type Rollup, type UserConfig } from 'vite';

/** The console's import map. Deep paths (e.g. '@kubed/components/lib/...') are NOT mapped: they must not be external. */
export const HOST_MODULES = [
  '@ks-console/shared',
  '@kubed/charts',
  '@kubed/code-editor',
  '@kubed/components',
  '@kubed/hooks',
  '@kubed/icons',
  'react',
  'react-dom',
  'react-query',
  'react-router-dom',
  'styled-components',
  'wujie-react',
] as const;

/**
 * Raw C0 control characters (and DEL) that survive minification inside string and regular-expression literals
 * (node-forge has "\x01" and "\x02" literals that esbuild prints raw), written as \xNN escapes, which mean the same
 * character in both. A raw one anywhere else would already be a syntax error, so nothing else can change.
 */
export function escapeControlCharacters(code: string): string {
  return code.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const printableAscii: PluginOption = {
  name: 'harbor-connect:printable-ascii',
  enforce: 'post',
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type === 'chunk') chunk.code = escapeControlCharacters(chunk.code);
    }
  },
};

/** Treemap + raw data of one build under dist/ (npm run build:report; scripts/bundle-size.ts reads the JSON). */
async function reportPlugins(name: string, dir = 'dist'): Promise<PluginOption[]> {
  const { visualizer } = await import('rollup-plugin-visualizer');
  return [
    visualizer({ filename: `${dir}/${name}.html`, gzipSize: true, template: 'treemap' }) as PluginOption,
    visualizer({ filename: `${dir}/${name}.json`, gzipSize: true, template: 'raw-data' }) as PluginOption,
  ];
}

/** The page build's report is written here first: the outer build empties dist/ after the page build ran. */
const PAGES_REPORT_DIR = 'node_modules/.cache/harbor-connect';

// Classic runtime: React.createElement, so no 'react/jsx-runtime' import (not in the import map, and
// React 17's host would need it bundled).
// charset 'ascii': every non-ASCII character is written as an escape, so dist/index.js is printable ASCII.
// Helm puts the bundle into a ConfigMap with toJson, which leaves U+0080..U+009F raw (node-forge had them),
// and go-yaml refuses those ("control characters are not allowed"): the install would fail.
const esbuildOptions = { jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment', charset: 'ascii' } as const;
const define = { 'process.env.NODE_ENV': JSON.stringify('production') };
// es2020: 5.7 KB gzip less than es2019 (native ?. and ??), and the BigInt literals of src/domain/cert need it.
// KubeSphere 4.1's supported browsers all run ES2020.
const TARGET = 'es2020';

/** The locale lists (src/i18n/locale-table.ts) as literals: the same merge as that file does with import.meta.glob. */
export const LOCALE_TABLE = 'src/i18n/locale-table.ts';
export function localeTableSource(root: string): string {
  const prefix = 'HARBOR_CONNECT_';
  const merged: Record<string, Record<string, string>> = {};
  const langs = ['en', 'zh'];
  for (const lang of langs) {
    const dir = join(root, 'locales', lang);
    merged[lang] = Object.assign({}, ...readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))));
  }
  const all = [...new Set(langs.flatMap((l) => Object.keys(merged[l]!)))];
  for (const k of all) if (!k.startsWith(prefix)) throw new Error(`locale key without ${prefix}: ${k}`);
  const files = Object.fromEntries(langs.map((l) => [l, readdirSync(join(root, 'locales', l)).filter((f) => f.endsWith('.json')).sort()]));
  return [
    `export const KEY_PREFIX = ${JSON.stringify(prefix)};`,
    `export const keys = ${JSON.stringify(all.map((k) => k.slice(prefix.length)))};`,
    `export const values = { ${langs.map((l) => `${l}: [${all.map((k) => (merged[l]![k] === undefined ? 'void 0' : JSON.stringify(merged[l]![k]))).join(',')}]`).join(', ')} };`,
    `export const localeFiles = ${JSON.stringify(files)};`,
  ].join('\n');
}

/**
 * A plugin that gives one source file (root-relative `file`) the contents `source(root)` in `vite build`; tests and
 * tsc keep reading the file itself. `extra`: more hooks (they see the same root).
 */
function replaceFile(name: string, file: string, source: (root: string) => string | Promise<string>, extra: (root: () => string) => Partial<Plugin> = () => ({})): Plugin {
  let root = process.cwd();
  return {
    name,
    apply: 'build',
    enforce: 'pre',
    configResolved(config) {
      root = config.root;
    },
    load(id) {
      if (id.replace(/\\/g, '/') !== `${root.replace(/\\/g, '/')}/${file}`) return null;
      return source(root);
    },
    ...extra(() => root),
  };
}

const compactLocales = (): Plugin => replaceFile('harbor-connect:compact-locales', LOCALE_TABLE, localeTableSource);

/** The file whose contents the build replaces with the page factory; tests and tsc see its static import. */
export const LOAD_PAGES = 'src/start/load-pages.ts';
export const PAGES_ENTRY = 'src/pages.ts';

/**
 * Compiles src/pages.ts (and everything it imports) as CommonJS with the host modules external, and wraps it in a
 * function: `loadPages()` runs it once, on first call, with `require(id)` answering the host modules the outer
 * System.register module imported. Rollup's `interop: 'esModule'` reads `default` and named exports straight off
 * those namespaces, exactly as the System.register setters do.
 */
export async function pagesFactory(root: string, mode: string): Promise<string> {
  const config: InlineConfig = {
    configFile: false,
    root,
    mode,
    logLevel: 'warn',
    plugins: [compactLocales(), ...(mode === 'report' ? await reportPlugins('stats-pages', `${root}/${PAGES_REPORT_DIR}`) : [])],
    esbuild: esbuildOptions,
    define,
    publicDir: false,
    build: {
      write: false,
      target: TARGET,
      minify: false,
      sourcemap: false,
      emptyOutDir: false,
      lib: { entry: PAGES_ENTRY, formats: ['cjs'], fileName: () => 'pages.js' },
      rollupOptions: {
        external: [...HOST_MODULES],
        onwarn(warning, warn) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
          warn(warning);
        },
        output: { format: 'cjs', exports: 'named', interop: 'esModule', inlineDynamicImports: true, strict: false },
      },
    },
  };
  const out = (await build(config)) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
  if (chunks.length !== 1) throw new Error(`page build: expected one chunk, got ${chunks.length}`);
  const [chunk] = chunks;
  const hosts = chunk.imports;
  for (const h of hosts) if (!(HOST_MODULES as readonly string[]).includes(h)) throw new Error(`page build imports ${h}, not a host module`);
  const lines = hosts.map((h, i) => `import * as host${i} from ${JSON.stringify(h)};`);
  lines.push(
    `const hosts = { ${hosts.map((h, i) => `${JSON.stringify(h)}: host${i}`).join(', ')} };`,
    'let pages;',
    '/** The page module (src/pages.ts), evaluated on the first call. */',
    'export function loadPages() {',
    '  if (!pages) {',
    '    const module = { exports: {} };',
    '    pagesModule(module, module.exports, (id) => hosts[id]);',
    '    pages = module.exports;',
    '  }',
    '  return pages;',
    '}',
    'function pagesModule(module, exports, require) {',
    chunk.code,
    '}',
  );
  return lines.join('\n');
}

const lazyPages = (mode: string): Plugin =>
  replaceFile('harbor-connect:lazy-pages', LOAD_PAGES, (root) => pagesFactory(root, mode), (root) => ({
    closeBundle() {
      if (mode !== 'report') return;
      for (const ext of ['html', 'json']) copyFileSync(`${root()}/${PAGES_REPORT_DIR}/stats-pages.${ext}`, `${root()}/dist/stats-pages.${ext}`);
    },
  }));

export default defineConfig(async ({ mode }): Promise<UserConfig> => {
  const plugins: PluginOption[] = [printableAscii, lazyPages(mode)];
  if (mode === 'report') plugins.push(...(await reportPlugins('stats')));
  return {
    plugins,
    esbuild: esbuildOptions,
    define,
    publicDir: false,
    build: {
      target: TARGET,
      outDir: 'dist',
      emptyOutDir: true,
      sourcemap: false,
      // terser: 3.1 KB gzip less than esbuild's minifier (measured 140.5 -> 137.4 KB); ascii_only keeps the
      // bundle printable ASCII (the escape plugin above still covers raw control characters).
      minify: 'terser',
      terserOptions: { format: { ascii_only: true }, compress: { passes: 2 } },
      cssCodeSplit: false,
      lib: {
        entry: 'src/index.ts',
        formats: ['system'],
        fileName: () => 'index.js',
      },
      rollupOptions: {
        // Exact ids only: a function would be needed to externalise subpaths, which is what we must NOT do.
        external: [...HOST_MODULES],
        onwarn(warning, warn) {
          // TanStack Query's "use client" directives mean nothing in a SystemJS bundle.
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
          warn(warning);
        },
        output: {
          format: 'system',
          exports: 'named',
          inlineDynamicImports: true,
        },
      },
    },
  };
});

// Library build of the console extension, two files:
// - dist/index.js, the start file: ONE System.register module (the console loads extensions with SystemJS, and
//   KubeSphere 4.1 serves one file per JSBundle and loads every JSBundle at every console start). It holds the
//   routes, menus, menu titles and the page stand-ins (src/index.ts), nothing else.
// - dist/pages.js, the pages (src/pages.ts and everything it imports), compiled by a second build into a factory.
//   The chart puts it into ConfigMap harbor-connect-pages; the start file fetches it through the API when a page of
//   ours first renders (src/start/pages-loader.ts, docs/architecture.md "Two files").
// Host-shared modules stay external: exactly the console's import-map keys (docs/kubesphere.md). Everything else,
// including TanStack Query, is bundled. Vite 7 (Rollup) is required: Rolldown (Vite 8) cannot emit the system format.
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';
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

/** The file whose contents the build replaces with the page source; tests and tsc see its static import. */
export const LOAD_PAGES = 'src/start/load-pages.ts';
export const PAGES_ENTRY = 'src/pages.ts';
/** The page module, a file of its own: the chart puts it into ConfigMap harbor-connect-pages (docs/architecture.md). */
export const PAGES_FILE = 'pages.js';

/** The SHA-256 (hex) of a built pages.js: what the start file expects and Helm writes beside it (`sha256sum`). */
export function pagesBuildId(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

export interface PagesBuild {
  /** The contents of src/start/load-pages.ts in the build: host imports, the build id, the evaluator. */
  startModule: string;
  /** dist/pages.js: `return function (module, exports, require) { ... }`, minified, printable ASCII. */
  pagesCode: string;
}

/**
 * Compiles src/pages.ts (and everything it imports) as CommonJS with the host modules external, wrapped in a
 * function and minified: dist/pages.js, which the console fetches when a page of ours first renders
 * (src/start/pages-loader.ts) and evaluates with `require(id)` answering the host modules the start module imported.
 * Rollup's `interop: 'esModule'` reads `default` and named exports straight off those namespaces, exactly as the
 * System.register setters do.
 */
export async function buildPages(root: string, mode: string): Promise<PagesBuild> {
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
  // A bare `return` of the factory: `new Function(code)()` gives it back, and terser mangles every name inside.
  const minified = await minify(`return function (module, exports, require) {\n${chunk.code}\n}`, {
    ...TERSER_OPTIONS,
    parse: { bare_returns: true },
  });
  if (!minified.code) throw new Error('page build: terser returned no code');
  const pagesCode = escapeControlCharacters(minified.code);
  const lines = hosts.map((h, i) => `import * as host${i} from ${JSON.stringify(h)};`);
  lines.push(
    `const hosts = { ${hosts.map((h, i) => `${JSON.stringify(h)}: host${i}`).join(', ')} };`,
    '/** The pages this start file was built with (src/start/load-pages.ts). */',
    'export const pagesSource = {',
    `  build: ${JSON.stringify(pagesBuildId(pagesCode))},`,
    '  evaluate(code) {',
    '    const module = { exports: {} };',
    '    new Function(code)()(module, module.exports, (id) => hosts[id]);',
    '    return module.exports;',
    '  },',
    '};',
  );
  return { startModule: lines.join('\n'), pagesCode };
}

const splitPages = (mode: string): Plugin => {
  let pagesCode: string | undefined;
  return replaceFile(
    'harbor-connect:split-pages',
    LOAD_PAGES,
    async (root) => {
      const built = await buildPages(root, mode);
      pagesCode = built.pagesCode;
      return built.startModule;
    },
    (root) => ({
      generateBundle() {
        if (pagesCode === undefined) throw new Error(`${LOAD_PAGES} was not loaded: the page build did not run`);
        this.emitFile({ type: 'asset', fileName: PAGES_FILE, source: pagesCode });
      },
      closeBundle() {
        if (mode !== 'report') return;
        for (const ext of ['html', 'json']) copyFileSync(`${root()}/${PAGES_REPORT_DIR}/stats-pages.${ext}`, `${root()}/dist/stats-pages.${ext}`);
      },
    }),
  );
};

// terser: 3.1 KB gzip less than esbuild's minifier (measured on the one-file bundle, 140.5 -> 137.4 KB);
// ascii_only keeps both files printable ASCII (the escape plugin still covers raw control characters).
const TERSER_OPTIONS = { format: { ascii_only: true }, compress: { passes: 2 } } as const;

export default defineConfig(async ({ mode }): Promise<UserConfig> => {
  const plugins: PluginOption[] = [printableAscii, splitPages(mode)];
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
      minify: 'terser',
      terserOptions: TERSER_OPTIONS,
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

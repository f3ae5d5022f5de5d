// Library build of the console extension: dist/index.js, ONE System.register module
// (the console loads extensions with SystemJS). Host-shared modules stay external: exactly the
// console's import-map keys (shared/KUBESPHERE.md). Everything else, including TanStack Query and
// axios, is bundled. Vite 7 (Rollup) is required: Rolldown (Vite 8) cannot emit the system format.
import { defineConfig, type PluginOption, type UserConfig } from 'vite';

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

export default defineConfig(async ({ mode }): Promise<UserConfig> => {
  const plugins: PluginOption[] = [printableAscii];
  if (mode === 'report') {
    const { visualizer } = await import('rollup-plugin-visualizer');
    plugins.push(visualizer({ filename: 'dist/stats.html', gzipSize: true, template: 'treemap' }) as PluginOption);
    plugins.push(visualizer({ filename: 'dist/stats.json', gzipSize: true, template: 'raw-data' }) as PluginOption);
  }
  return {
    plugins,
    // Classic runtime: React.createElement, so no 'react/jsx-runtime' import (not in the import map, and
    // React 17's host would need it bundled).
    // charset 'ascii': every non-ASCII character is written as an escape, so dist/index.js is printable ASCII.
    // Helm puts the bundle into a ConfigMap with toJson, which leaves U+0080..U+009F raw (node-forge has them),
    // and go-yaml refuses those ("control characters are not allowed"): the install would fail.
    esbuild: { jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment', charset: 'ascii' },
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    publicDir: false,
    build: {
      target: 'es2019',
      outDir: 'dist',
      emptyOutDir: true,
      sourcemap: false,
      minify: 'esbuild',
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

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

export default defineConfig(async ({ mode }): Promise<UserConfig> => {
  const plugins: PluginOption[] = [];
  if (mode === 'report') {
    const { visualizer } = await import('rollup-plugin-visualizer');
    plugins.push(visualizer({ filename: 'dist/stats.html', gzipSize: true, template: 'treemap' }) as PluginOption);
    plugins.push(visualizer({ filename: 'dist/stats.json', gzipSize: true, template: 'raw-data' }) as PluginOption);
  }
  return {
    plugins,
    // Classic runtime: React.createElement, so no 'react/jsx-runtime' import (not in the import map, and
    // React 17's host would need it bundled).
    esbuild: { jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment' },
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

// Two Vitest projects. "unit": pure and component tests (src, tests), no lab. "lab": integration tests against
// the running lab (real Kubernetes, real nodes, the KubeSphere gateway, real registries), one file at a time.
// e2e/ is Playwright and runs separately: never collected here.
import { defineConfig } from 'vitest/config';

// Same JSX handling as the build (classic runtime), so components can be rendered in tests.
const esbuild = { jsx: 'transform' as const, jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment' };

export default defineConfig({
  esbuild,
  test: {
    // 2 shared cores: keep parallelism modest.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        esbuild,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'tests/**/*.test.ts', 'tests/**/*.test.tsx'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        esbuild,
        test: {
          name: 'lab',
          include: ['lab/**/*.test.ts'],
          exclude: ['lab/console/**', '**/node_modules/**'],
          environment: 'node',
          globalSetup: ['lab/testing/global-setup.ts'],
          // The lab is one shared cluster: one file at a time, in one process.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});

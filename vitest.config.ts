// Unit and lab tests (Node). e2e/ is Playwright and runs separately: never collected here.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Same JSX handling as the build (classic runtime), so components can be rendered in tests.
  esbuild: { jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment' },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'lab/**/*.test.ts', 'tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['e2e/**', '**/node_modules/**', 'lab/console/**', 'dist/**', 'dist-package/**'],
    environment: 'node',
    // 2 shared cores: lab tests start servers; keep parallelism modest.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 20_000,
  },
});

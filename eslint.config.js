// ESLint (flat config): typescript-eslint's recommended rules and React's rules of hooks, on the extension's
// sources, its tests, the scripts and the benches. `npm run lint`; `npm test` runs it with the typecheck.
// Not type-aware (no parserOptions.project): fast enough for the shared 2-core machines; tsc does the typing.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-package/**', 'node_modules/**', 'lab/**', 'e2e/**', 'extension/**', '**/*.d.ts'] },
  {
    files: ['src/**/*.{ts,tsx}', 'tests/**/*.{ts,tsx}', 'scripts/**/*.ts', 'bench/**/*.ts', '*.config.{ts,js}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // TypeScript checks these (and knows the console's and Node's globals).
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Certificate, PEM and shell-text checks match control bytes on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests build partial objects and stubs.
    files: ['**/*.test.{ts,tsx}', '**/*.testutil.ts', 'tests/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);

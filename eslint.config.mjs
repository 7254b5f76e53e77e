import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.next/**', 'node_modules/**', 'data/**', '.e2e/**', '.tmp/**', 'next-env.d.ts', 'db/migrations/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { '@next/next': nextPlugin, 'react-hooks': reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-console': 'error',
    },
  },
  {
    files: ['scripts/**', 'e2e/**', 'bench/**', 'tests/**', '*.config.*', 'server.mjs', 'public/sw.js'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['public/sw.js'],
    languageOptions: { globals: { self: 'readonly', clients: 'readonly', registration: 'readonly' } },
  },
);

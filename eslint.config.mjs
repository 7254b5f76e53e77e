import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      'data/**',
      '.e2e/**',
      '.tmp/**',
      'next-env.d.ts',
      'db/migrations/**',
      'test-results/**',
      'playwright-report/**',
      'bench/results/**',
    ],
  },
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
  // Promises: an un-awaited one loses its error (an unhandled rejection takes the process down),
  // and a promise where a callback's void is expected runs unobserved. Type-aware, so these two
  // rules read the TypeScript program (tsconfig.json).
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  // Layers (ARCHITECTURE.md): lib is the bottom and knows nothing of the app; components are
  // presentational and reach data only through the props and server actions a page gives them.
  {
    files: ['lib/**/*.{ts,tsx,mjs}'],
    ignores: ['lib/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '@/server/*', '**/app/**', '@/app/*'], message: 'lib/ is the bottom layer: it must not import server/ or app/.' },
          ],
        },
      ],
    },
  },
  {
    // Edges resolve the caller through server/ (sessions, the route wrappers in server/http.ts)
    // and reach data only through services; the schema's types and enums are fine.
    files: ['app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@/|(\\.\\./)+)db(/index)?$',
              allowTypeImports: true,
              message: 'app/ reaches the database through services (server/), which take a Ctx.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '@/server/*', '**/db', '**/db/**', '@/db', '@/db/*'],
              message: 'components/ are presentational: take data as props, actions from the page.',
            },
          ],
        },
      ],
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

import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { isDriverTypeFetchFailure } from './lib/errors';
import { testTrustBundle } from './tests/push-service/cert';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Three projects:
 *  - unit:     pure logic next to the code (lib/**), nothing external;
 *  - pglite:   integration tests (server/**, app/**) on an embedded PGlite per test file;
 *  - postgres: the same integration tests on a fresh database per test file, cloned from a
 *              migrated template on the PostgreSQL at TEST_DATABASE_URL.
 */
// The push-service test server's certificate must be trusted by the worker processes when they
// start (NODE_EXTRA_CA_CERTS is read once, at process start): set it before vitest forks them.
process.env.NODE_EXTRA_CA_CERTS = testTrustBundle();

const integration = [
  'server/**/*.test.ts',
  'app/**/*.test.ts',
  'tests/integration/**/*.test.ts',
  'tests/reliability/**/*.test.ts',
  'tests/security/**/*.test.ts',
];

export default defineConfig({
  resolve: {
    alias: {
      '@': here('./'),
      // The real package throws outside React Server Components; tests are trusted server code.
      'server-only': here('./tests/support/empty.ts'),
    },
  },
  test: {
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    // postgres.js's dropped catalog-query promise (lib/errors.ts isDriverTypeFetchFailure): the app
    // logs it and carries on; tests that restart the database meet it at random, so do the same.
    onUnhandledError: (err) => !isDriverTypeFetchFailure(err),
    hookTimeout: 60_000,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      PUSHDECK_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      DATA_DIR: here('./.tmp/test-data'),
      TEST_SCRYPT_LOG_N: '12',
      // The push-service test server listens on 127.0.0.1 with a random port.
      PUSH_ALLOWED_HOSTS: 'default,127.0.0.1:*',
    },
    projects: [
      // `*.unit.test.ts` beside server code: pure logic (the retry policy, the claim queue), no database.
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'lib/**/*.test.ts',
            'components/**/*.test.ts',
            'scripts/**/*.test.ts',
            'tests/unit/**/*.test.ts',
            'server/**/*.unit.test.ts',
            'sdk/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: integration,
          exclude: [...configDefaults.exclude, '**/*.unit.test.ts'],
          globalSetup: [here('./tests/support/global-pglite.ts')],
          env: { TEST_DB: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: integration,
          exclude: [...configDefaults.exclude, '**/*.unit.test.ts'],
          globalSetup: [here('./tests/support/global-postgres.ts')],
          env: { TEST_DB: 'postgres' },
        },
      },
    ],
  },
});

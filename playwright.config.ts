import { defineConfig } from '@playwright/test';
import { testTrustBundle } from './tests/push-service/cert';

/**
 * End-to-end tests: the production build, served by server.mjs on a fresh embedded database,
 * driven in Debian's Chromium (never a downloaded browser).
 * Run `npm run build` first (`npm test` does).
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
export const baseURL = `http://127.0.0.1:${PORT}`;
/** The push-service test server (tests/push-service) the app sends to during e2e. */
export const PUSH_PORT = Number(process.env.E2E_PUSH_PORT ?? PORT + 90);
export const pushOrigin = `https://127.0.0.1:${PUSH_PORT}`;
const caBundle = testTrustBundle();

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  outputDir: '.tmp/test-results',
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'first-run', testMatch: /00-first-run\.spec\.ts/ },
    { name: 'chromium', testIgnore: /00-first-run\.spec\.ts/, dependencies: ['first-run'] },
  ],
  webServer: [
    {
      command: `node --import tsx tests/push-service/main.ts --port ${PUSH_PORT}`,
      url: `${pushOrigin}/_control/health`,
      ignoreHTTPSErrors: true,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: 'rm -rf .e2e/data && node server.mjs',
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        PORT: String(PORT),
        PUBLIC_URL: baseURL,
        HOSTNAME: '127.0.0.1',
        DATA_DIR: '.e2e/data',
        NEXT_TELEMETRY_DISABLED: '1',
        LOG_LEVEL: 'warn',
        DATABASE_URL: '',
        // Every e2e sign-in comes from 127.0.0.1; per-IP throttling has its own integration test.
        LOGIN_MAX_FAILURES_PER_IP: '1000',
        PUBLIC_API_RATE_PER_MINUTE: '100000',
        // The access matrix sends forged credentials from 127.0.0.1 on purpose (tested in server/api).
        API_AUTH_FAILURES_PER_MINUTE: '100000',
        // Real push services plus the local test push service, trusted like a public CA would be.
        PUSH_ALLOWED_HOSTS: `default,127.0.0.1:${PUSH_PORT}`,
        NODE_EXTRA_CA_CERTS: caBundle,
        RECONCILE_SECONDS: '5',
        // One proxy in front: the cookie test says "https" in X-Forwarded-Proto, as a TLS proxy would.
        // With no proxy (the default) forwarded headers are dropped: tests/unit/front.test.ts.
        TRUST_PROXY_HOPS: '1',
      },
    },
  ],
});

import { defineConfig } from '@playwright/test';
import chromiumConfig from './playwright.config';

/**
 * End-to-end push delivery to a real browser: Debian's Firefox ESR subscribes on the public page
 * and receives campaigns through Pushdeck's service worker, while Playwright's Chromium drives
 * the dashboard. Firefox is driven by puppeteer-core over WebDriver BiDi (e2e-firefox/support/firefox.ts).
 *
 * The same two servers as the Chromium suite (the push-service test server, whose port also
 * carries Firefox's push WebSocket, and the production build on a fresh embedded database),
 * taken from playwright.config.ts as they are. Run `npm run build` first (`npm test` does).
 */
export default defineConfig({
  testDir: './e2e-firefox',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // One app, one database, one push service: the scenarios run one after another.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  outputDir: '.tmp/test-results-firefox',
  use: chromiumConfig.use,
  projects: [
    { name: 'owner', testMatch: /owner\.setup\.ts/ },
    { name: 'firefox', testMatch: /\.spec\.ts$/, dependencies: ['owner'] },
  ],
  webServer: chromiumConfig.webServer,
});

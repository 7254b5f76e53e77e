/**
 * Playwright fixtures of the Firefox suite:
 * - `page` (Playwright's Chromium, as everywhere) drives the dashboard;
 * - `firefox(name)` starts a real Firefox subscriber; each one is closed, its profile deleted and
 *   its subscriptions ended on the server when the test ends, pass or fail, so the next test
 *   counts only its own subscribers;
 * - `push` controls the push-service test server that Playwright started (its request log, the
 *   browsers' registrations and their acks).
 */
import { test as base } from '@playwright/test';
import { baseURL, pushOrigin } from '../../playwright.config';
import { PushServiceClient } from '../../tests/push-service/client';
import { FirefoxSubscriber } from './firefox';

/** Firefox's `dom.push.serverURL`: the push service's own port, spoken to as plain ws:// (see tests/push-service/server.ts). */
export const pushServerURL = `${pushOrigin.replace(/^https:/, 'ws:')}/`;

// Fixture bodies call their second argument `provide`: the React hooks lint would take `use` for React's hook.
export const test = base.extend<{ firefox: (name: string) => Promise<FirefoxSubscriber> }, { push: PushServiceClient }>({
  push: [
    async ({}, provide) => {
      const client = new PushServiceClient({ origin: pushOrigin });
      await provide(client);
      await client.close();
    },
    { scope: 'worker' },
  ],

  firefox: async ({ request }, provide) => {
    const started: FirefoxSubscriber[] = [];
    await provide(async (name) => {
      const subscriber = await FirefoxSubscriber.launch({ baseURL, pushServerURL, name });
      started.push(subscriber);
      return subscriber;
    });
    await Promise.all(
      started.map(async (subscriber) => {
        for (const endpoint of subscriber.endpointsSeen) {
          // Unsubscribing an endpoint that is already gone is fine (204 or 404).
          await request.delete('/api/push/subscriptions', { data: { endpoint } }).catch(() => undefined);
        }
        await subscriber.dispose();
      }),
    );
  },
});

export { expect } from '@playwright/test';

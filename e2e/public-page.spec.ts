/**
 * The public subscribe page in Chromium. Chromium cannot complete a real subscription offline
 * (its push service is Google's; the Firefox suite covers real subscriptions), so the subscribe
 * flow here replaces only the browser's PushManager with a stand-in that hands out
 * subscriptions with real P-256 keys. Everything of ours — the page, the service worker
 * registration, the API, the database — is real.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { OWNER, apiLogin } from './support/auth';
import { subscriptionPool } from './support/push-pool';

async function seedTopics(page: Page, stamp: string) {
  await apiLogin(page.request, OWNER.email, OWNER.password);
  await page.goto('/admin/topics');
  const seeds: [string, string][] = [
    [`news-${stamp}`, `News ${stamp}`],
    [`deals-${stamp}`, `Deals ${stamp}`],
  ];
  for (const [slug, name] of seeds) {
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Slug').fill(slug);
    await page.getByRole('button', { name: 'Create topic' }).click();
    await expect(page.getByText(slug, { exact: true })).toBeVisible();
  }
  await page.context().clearCookies();
}

/** Replaces PushManager with a stand-in; records subscribe calls on window.__push. */
async function standInPushManager(context: BrowserContext) {
  const pool = subscriptionPool(4);
  await context.addInitScript((pool) => {
    const w = window as unknown as { __push: { subscribeCalls: string[]; current: unknown } };
    const stored = sessionStorage.getItem('__push');
    w.__push = stored ? JSON.parse(stored) : { subscribeCalls: [], current: null, used: 0 };
    const persist = () => sessionStorage.setItem('__push', JSON.stringify(w.__push));
    const b64 = (buf: ArrayBuffer | Uint8Array) =>
      btoa(String.fromCharCode(...new Uint8Array(buf as ArrayBuffer)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    const unb64 = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));
    type Rec = { endpoint: string; p256dh: string; auth: string; key: string };
    const make = (rec: Rec) => ({
      endpoint: rec.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: unb64(rec.key).buffer },
      toJSON: () => ({ endpoint: rec.endpoint, expirationTime: null, keys: { p256dh: rec.p256dh, auth: rec.auth } }),
      unsubscribe: async () => {
        (w.__push as unknown as { current: unknown }).current = null;
        persist();
        return true;
      },
    });
    const pm = PushManager.prototype as unknown as Record<string, unknown>;
    pm.getSubscription = async () => (w.__push.current ? make(w.__push.current as Rec) : null);
    pm.subscribe = async (opts: { applicationServerKey: Uint8Array }) => {
      const state = w.__push as unknown as { used: number; current: Rec | null; subscribeCalls: string[] };
      const next = pool[state.used++ % pool.length]!;
      const key = b64(opts.applicationServerKey);
      state.current = { ...next, key };
      state.subscribeCalls.push(key);
      persist();
      return make(state.current);
    };
  }, pool);
}

async function lookup(page: Page, endpoint: string) {
  const res = await page.request.post('/api/push/subscriptions/lookup', { data: { endpoint } });
  return res.status() === 404 ? null : await res.json();
}

test('never prompts on load; subscribes on click with the chosen topics; changes topics; turns off', async ({ browser, page }) => {
  const stamp = Date.now().toString(36);
  await seedTopics(page, stamp);

  const context = await browser.newContext();
  await context.grantPermissions(['notifications']);
  await standInPushManager(context);
  const visitor = await context.newPage();
  await visitor.goto('/');
  const panel = visitor.getByTestId('subscribe-panel');
  await expect(panel).toHaveAttribute('data-state', 'ready');
  expect(await visitor.evaluate(() => (window as unknown as { __push: { subscribeCalls: string[] } }).__push.subscribeCalls.length)).toBe(0);

  // Choose only the news topic (other specs may have created public topics too), then enable.
  for (const box of await visitor.getByRole('checkbox').all()) await box.uncheck();
  await visitor.getByRole('checkbox', { name: new RegExp(`News ${stamp}`) }).check();
  await visitor.getByRole('button', { name: 'Enable notifications' }).click();
  await expect(panel).toHaveAttribute('data-state', 'subscribed');
  await expect(visitor.getByTestId('subscribed-banner')).toBeVisible();

  const state = await visitor.evaluate(() => (window as unknown as { __push: { current: { endpoint: string; key: string } } }).__push.current);
  const { publicKey } = await (await visitor.request.get('/api/push/vapid-public-key')).json();
  expect(state.key).toBe(publicKey); // subscribed with our VAPID key
  expect(await lookup(visitor, state.endpoint)).toMatchObject({ status: 'active', topics: [`news-${stamp}`], vapidPublicKey: publicKey });

  // A reload shows the stored choice; changing topics saves them.
  await visitor.reload();
  await expect(panel).toHaveAttribute('data-state', 'subscribed');
  await expect(visitor.getByRole('checkbox', { name: new RegExp(`News ${stamp}`) })).toBeChecked();
  await visitor.getByRole('checkbox', { name: new RegExp(`Deals ${stamp}`) }).check();
  await visitor.getByRole('button', { name: 'Save topics' }).click();
  await expect(visitor.getByTestId('panel-message')).toHaveText('Your topics are saved.');
  expect((await lookup(visitor, state.endpoint)).topics).toEqual([`deals-${stamp}`, `news-${stamp}`]);

  await visitor.getByRole('button', { name: 'Turn off notifications' }).click();
  await expect(panel).toHaveAttribute('data-state', 'ready');
  expect(await lookup(visitor, state.endpoint)).toMatchObject({ status: 'unsubscribed', topics: [] });
  await context.close();
});

test('explains a browser that blocks notifications', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto('/');
  const { targetInfo } = await cdp.send('Target.getTargetInfo');
  await cdp.send('Browser.setPermission', {
    permission: { name: 'notifications' },
    setting: 'denied',
    origin: new URL(page.url()).origin,
    browserContextId: targetInfo.browserContextId,
  });
  await page.reload();
  await expect(page.getByTestId('subscribe-panel')).toHaveAttribute('data-state', 'denied');
  await expect(page.getByText('Notifications are blocked for this site')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enable notifications' })).toHaveCount(0);
  await context.close();
});

test('explains a browser without Web Push, and iOS Safari outside the Home Screen', async ({ browser }) => {
  const plain = await browser.newContext();
  await plain.addInitScript(() => {
    delete (window as unknown as Record<string, unknown>).PushManager;
  });
  const p1 = await plain.newPage();
  await p1.goto('/');
  await expect(p1.getByTestId('subscribe-panel')).toHaveAttribute('data-state', 'unsupported');
  await expect(p1.getByText('This browser cannot receive push notifications')).toBeVisible();
  await plain.close();

  const ios = await browser.newContext({
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  });
  await ios.addInitScript(() => {
    delete (window as unknown as Record<string, unknown>).PushManager;
  });
  const p2 = await ios.newPage();
  await p2.goto('/');
  await expect(p2.getByTestId('subscribe-panel')).toHaveAttribute('data-state', 'ios');
  await expect(p2.getByText('Add to Home Screen')).toBeVisible();
  await ios.close();
});

test('after a VAPID key rotation, revisiting the page re-subscribes with the new key and keeps the topics', async ({ browser, page }) => {
  const stamp = Date.now().toString(36);
  await seedTopics(page, stamp);

  const context = await browser.newContext();
  await context.grantPermissions(['notifications']);
  await standInPushManager(context);
  const visitor = await context.newPage();
  await visitor.goto('/');
  await visitor.getByRole('button', { name: 'Enable notifications' }).click();
  await expect(visitor.getByTestId('subscribe-panel')).toHaveAttribute('data-state', 'subscribed');
  const before = await visitor.evaluate(() => (window as unknown as { __push: { current: { endpoint: string; key: string } } }).__push.current);
  const topicsBefore = (await lookup(visitor, before.endpoint)).topics;

  // An admin generates and activates a new key.
  await apiLogin(page.request, OWNER.email, OWNER.password);
  await page.goto('/admin/vapid');
  const form = page.getByRole('form', { name: 'Generate a key' });
  await form.getByLabel('Name').fill(`Rotation ${stamp}`);
  await form.getByLabel('Contact').fill('mailto:ops@example.com');
  await form.getByLabel('Make it the active key').check();
  await form.getByRole('button', { name: 'Generate key' }).click();
  let newKey = before.key;
  await expect
    .poll(async () => (newKey = (await (await page.request.get('/api/push/vapid-public-key')).json()).publicKey), { timeout: 10_000 })
    .not.toBe(before.key);

  // The visitor comes back: the page notices the old key and moves the subscription.
  await visitor.reload();
  await expect(visitor.getByTestId('subscribe-panel')).toHaveAttribute('data-state', 'subscribed');
  await expect.poll(() => visitor.evaluate(() => (window as unknown as { __push: { current: { key: string } } }).__push.current.key)).toBe(newKey);
  const after = await visitor.evaluate(() => (window as unknown as { __push: { current: { endpoint: string } } }).__push.current);
  expect(after.endpoint).not.toBe(before.endpoint);
  await expect.poll(async () => (await lookup(visitor, after.endpoint))?.vapidPublicKey).toBe(newKey);
  expect((await lookup(visitor, after.endpoint)).topics).toEqual(topicsBefore);
  expect(await lookup(visitor, before.endpoint)).toMatchObject({ status: 'unsubscribed' });
  await context.close();
});

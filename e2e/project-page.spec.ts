/**
 * A project's own public page, /p/<slug>, in Chromium: its name and public topics (and none of the
 * default project's), a subscription stored in that project with its VAPID key and made through
 * a service worker registered at /p/<slug>/, the worker's receipts sent to that project, and a 404
 * for a slug no project has.
 *
 * As in public-page.spec.ts, Chromium cannot complete a real subscription offline, so the
 * browser's PushManager is replaced by a stand-in with real P-256 keys. This one keeps one
 * subscription per service worker registration, as browsers do, and records the scope of each
 * subscribe call. Everything of ours (the page, the registration, the worker, the API, the
 * database) is real.
 */
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { baseURL } from '../playwright.config';
import { OWNER, apiLogin } from './support/auth';
import { subscriptionPool } from './support/push-pool';

type Rec = { endpoint: string; p256dh: string; auth: string; key: string };
type PushState = { subs: Record<string, Rec>; calls: { scope: string; key: string }[]; used: number };

/** A project made through the v1 API with an `admin` key the owner creates on the API page. */
async function createProject(page: Page, project: { slug: string; name: string }) {
  await page.goto('/admin/api');
  const create = page.getByRole('form', { name: 'Create an API key' });
  await create.getByLabel('Name').fill(`E2E projects ${project.slug}`);
  await create.getByRole('checkbox', { name: 'send', exact: true }).uncheck();
  await create.getByRole('checkbox', { name: 'admin (the installation’s projects)' }).check();
  await create.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-api-key-value').textContent())!.trim();
  const res = await page.request.post('/api/v1/projects', { headers: { authorization: `Bearer ${key}` }, data: { ...project, origins: [] } });
  expect(res.status(), await res.text()).toBe(201);
}

/** A public topic, created on the topics page of the project `adminBase` (`/admin` or `/admin/p/<slug>`) opens. */
async function createTopic(page: Page, adminBase: string, topic: { slug: string; name: string }) {
  await page.goto(`${adminBase}/topics`);
  await page.getByLabel('Name', { exact: true }).fill(topic.name);
  await page.getByLabel('Slug').fill(topic.slug);
  await page.getByRole('button', { name: 'Create topic' }).click();
  await expect(page.getByText(topic.slug, { exact: true })).toBeVisible();
}

/** Replaces each registration's PushManager with a stand-in: one subscription per scope, kept in sessionStorage. */
async function standInPushManager(context: BrowserContext) {
  const pool = subscriptionPool(4);
  await context.addInitScript((pool) => {
    const load = (): PushState => JSON.parse(sessionStorage.getItem('__push') ?? '{"subs":{},"calls":[],"used":0}');
    const save = (s: PushState) => sessionStorage.setItem('__push', JSON.stringify(s));
    const b64 = (buf: ArrayBuffer | Uint8Array) =>
      btoa(String.fromCharCode(...new Uint8Array(buf as ArrayBuffer)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    const unb64 = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const make = (scope: string, rec: Rec) => ({
      endpoint: rec.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: unb64(rec.key).buffer },
      toJSON: () => ({ endpoint: rec.endpoint, expirationTime: null, keys: { p256dh: rec.p256dh, auth: rec.auth } }),
      unsubscribe: async () => {
        const s = load();
        delete s.subs[scope];
        save(s);
        return true;
      },
    });
    Object.defineProperty(ServiceWorkerRegistration.prototype, 'pushManager', {
      configurable: true,
      get(this: ServiceWorkerRegistration) {
        const scope = this.scope;
        return {
          permissionState: async () => 'granted',
          getSubscription: async () => {
            const rec = load().subs[scope];
            return rec ? make(scope, rec) : null;
          },
          subscribe: async (opts: { applicationServerKey: Uint8Array }) => {
            const s = load();
            const key = b64(opts.applicationServerKey);
            const rec = { ...pool[s.used++ % pool.length]!, key };
            s.subs[scope] = rec;
            s.calls.push({ scope, key });
            save(s);
            return make(scope, rec);
          },
        };
      },
    });
  }, pool);
}

const pushState = (page: Page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('__push') ?? 'null') as PushState | null);

async function lookup(request: APIRequestContext, endpoint: string, project?: string) {
  const res = await request.post(`/api/push/subscriptions/lookup${project ? `?project=${project}` : ''}`, { data: { endpoint } });
  return res.status() === 404 ? null : await res.json();
}

test('a project’s page shows its topics, subscribes in that project through a /p/<slug>/ worker, and its receipts go there', async ({ browser, page }) => {
  const stamp = Date.now().toString(36);
  const slug = `shop-${stamp}`;
  const name = `Shop ${stamp}`;
  const shopTopic = { slug: `deals-${stamp}`, name: `Deals ${stamp}` };
  const defaultTopic = { slug: `elsewhere-${stamp}`, name: `Elsewhere ${stamp}` };
  await apiLogin(page.request, OWNER.email, OWNER.password);
  await createProject(page, { slug, name });
  await createTopic(page, `/admin/p/${slug}`, shopTopic);
  await createTopic(page, '/admin', defaultTopic);
  await page.context().clearCookies();
  const topicsOf = async (query: string) =>
    ((await (await page.request.get(`/api/push/topics${query}`)).json()).topics as { slug: string }[]).map((t) => t.slug);
  expect(await topicsOf(`?project=${slug}`), 'the dashboard at /admin/p/<slug> made the topic in that project').toEqual([shopTopic.slug]);
  expect(await topicsOf('')).not.toContain(shopTopic.slug);

  const shopKey = (await (await page.request.get(`/api/push/vapid-public-key?project=${slug}`)).json()).publicKey as string;
  const defaultKey = (await (await page.request.get('/api/push/vapid-public-key')).json()).publicKey as string;
  expect(shopKey).not.toBe(defaultKey);

  const context = await browser.newContext();
  await context.grantPermissions(['notifications']);
  await standInPushManager(context);
  const visitor = await context.newPage();
  const inboxCall = visitor.waitForRequest((r) => new URL(r.url()).pathname === '/api/inbox');
  await visitor.goto(`/p/${slug}`);

  // The project's name and its public topics; none of the default project's.
  await expect(visitor).toHaveTitle(`Get notified by ${name} · Pushdeck`);
  await expect(visitor.getByTestId('project-name')).toHaveText(name);
  const panel = visitor.getByTestId('subscribe-panel');
  await expect(panel).toHaveAttribute('data-state', 'ready');
  await expect(visitor.getByRole('checkbox')).toHaveCount(1);
  await expect(visitor.getByRole('checkbox', { name: new RegExp(shopTopic.name) })).toBeChecked();
  await expect(visitor.getByText(defaultTopic.name)).toHaveCount(0);
  // The inbox follows the project's topics in the project.
  expect(new URL((await inboxCall).url()).searchParams.get('project')).toBe(slug);

  // Subscribing: with the project's key, under the /p/<slug>/ registration, stored in the project only.
  await visitor.getByRole('button', { name: 'Enable notifications' }).click();
  await expect(panel).toHaveAttribute('data-state', 'subscribed');
  const scope = `${baseURL}/p/${slug}/`;
  const state = (await pushState(visitor))!;
  expect(state.calls).toEqual([{ scope, key: shopKey }]);
  expect(Object.keys(state.subs)).toEqual([scope]);
  const registrations = await visitor.evaluate(async () =>
    (await navigator.serviceWorker.getRegistrations()).map((r) => ({ scope: r.scope, script: r.active?.scriptURL ?? null })),
  );
  expect(registrations).toEqual([{ scope, script: `${baseURL}/sw.js` }]);
  const endpoint = state.subs[scope]!.endpoint;
  expect(await lookup(visitor.request, endpoint, slug)).toMatchObject({ status: 'active', topics: [shopTopic.slug], vapidPublicKey: shopKey });
  expect(await lookup(visitor.request, endpoint)).toBeNull();

  // A reload finds the subscription in the project again.
  await visitor.reload();
  await expect(panel).toHaveAttribute('data-state', 'subscribed');

  // A push to that worker: its "shown" receipt names the project.
  const cdp = await context.newCDPSession(visitor);
  const registrationIds = new Map<string, string>();
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
    for (const r of e.registrations) registrationIds.set(r.scopeURL, r.registrationId);
  });
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => registrationIds.get(scope)).toBeTruthy();
  const receipt = context.waitForEvent('request', (r) => new URL(r.url()).pathname === '/api/push/receipts');
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: baseURL,
    registrationId: registrationIds.get(scope)!,
    data: JSON.stringify({ title: `Hello from ${name}`, ref: 'e2e-not-a-signed-ref' }),
  });
  const sent = await receipt;
  expect(new URL(sent.url()).searchParams.get('project')).toBe(slug);
  expect(sent.postDataJSON()).toEqual({ ref: 'e2e-not-a-signed-ref', kind: 'shown' });
  await expect
    .poll(() => visitor.evaluate(async (s) => (await (await navigator.serviceWorker.getRegistration(s))!.getNotifications()).map((n) => n.data.url), scope))
    .toEqual([`${baseURL}/p/${slug}`]); // a notification without a link opens the project's page

  // Turning off unsubscribes in the project.
  await visitor.getByRole('button', { name: 'Turn off notifications' }).click();
  await expect(panel).toHaveAttribute('data-state', 'ready');
  expect(await lookup(visitor.request, endpoint, slug)).toMatchObject({ status: 'unsubscribed', topics: [] });
  await context.close();
});

test('a slug no project has is a 404; the default project’s page is /', async ({ page }) => {
  for (const path of ['/p/nope', '/p/Not_A_Slug', `/p/${'x'.repeat(65)}`]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'There is nothing here' })).toBeVisible();
    await expect(page.getByTestId('subscribe-panel')).toHaveCount(0);
  }
  await page.goto('/p/default');
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.getByTestId('subscribe-panel')).toBeVisible();
});

/**
 * Two projects side by side: nothing of one is readable, countable or changeable through the
 * other, whatever id a caller names. VAPID keys, subscribers (the same browser in both), campaigns
 * and their deliveries, API keys (a key acts only in its project; naming another is a 403),
 * the store, the audit trail, the overview and the inbox. Through the services and, for the API,
 * the real route handlers.
 */
import { generateKeyPairSync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as listSubscribersRoute } from '../../app/api/v1/subscribers/route';
import { GET as listTopicsRoute } from '../../app/api/v1/topics/route';
import { GET as listProjectsRoute, POST as createProjectRoute } from '../../app/api/v1/projects/route';
import { GET as vapidKeyRoute, OPTIONS as vapidKeyOptions } from '../../app/api/push/vapid-public-key/route';
import { campaigns, deliveries, vapidKeys } from '../../db/schema';
import { ctxFor, openTestDatabase, owner, useAsProcessDatabase, type TestDatabase } from '../../tests/support/db';
import { addTokenKey, createApiKey, revokeApiKey } from '../api-keys/mutations';
import { es256Token } from '../../tests/support/tokens';
import { listApiKeys } from '../api-keys/queries';
import { listAuditLogs } from '../audit/queries';
import { createCampaign, deleteCampaign, sendCampaignNow, updateCampaign } from '../campaigns/mutations';
import { getCampaign, getDelivery, listCampaigns, listDeliveries } from '../campaigns/queries';
import { DEFAULT_PROJECT, type Ctx, type ProjectRef } from '../context';
import { countAudience } from '../delivery/audience';
import { pollInbox } from '../inbox/long-poll';
import { getOverview } from '../overview/queries';
import { storeRead, storeWrite } from '../store/pushbox';
import { deleteSubscriber } from '../subscribers/mutations';
import { getSubscriber, listSubscribers } from '../subscribers/queries';
import { lookupSubscription, subscribe, subscribeBrowser, unsubscribe } from '../subscribers/subscribe';
import { createTopic } from '../topics/mutations';
import { activePublicKey } from '../vapid/keys';
import { activateVapidKey, deleteVapidKey, ensureActiveVapidKey, generateVapidKey } from '../vapid/mutations';
import { listVapidKeys } from '../vapid/queries';
import { createProject } from './mutations';
import { projectBySlug } from './queries';
import { fakeBrowserSubscription } from '../../tests/support/browser';

let tdb: TestDatabase;
let shop: ProjectRef;
const inDefault = (): Ctx => ctxFor(tdb);
const inShop = (): Ctx => ctxFor(tdb, owner, shop);
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );

const browser = fakeBrowserSubscription;

const ids = { defaultSub: '', shopSub: '', defaultCampaign: '', shopCampaign: '', defaultKeyId: '' };
let shopKey = '';
let defaultKey = '';
/** One browser, subscribed to both projects' sites. */
const both = browser();

beforeAll(async () => {
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await ensureActiveVapidKey(tdb.db, 'mailto:ops@example.com');
  const p = await createProject(inDefault(), { slug: 'shop', name: 'Shop', origins: ['https://shop.example'] });
  shop = { id: p.id, slug: p.slug };
  await createTopic(inDefault(), { slug: 'news', name: 'News' });
  await createTopic(inShop(), { slug: 'news', name: 'Shop news' });
  ids.defaultSub = (await subscribe(inDefault(), { subscription: both, topics: ['news'] })).id;
  ids.shopSub = (await subscribe(inShop(), { subscription: both, topics: ['news'] })).id;
  await subscribe(inShop(), { subscription: browser(), topics: [] });
  ids.defaultCampaign = (await createCampaign(inDefault(), { name: 'Default launch', content: { title: 'Hello' }, audience: 'all' })).id;
  ids.shopCampaign = (await createCampaign(inShop(), { name: 'Shop sale', content: { title: 'Sale' }, audience: 'all' })).id;
  defaultKey = (await createApiKey(inDefault(), { name: 'Default sender', scopes: ['send', 'manage'] })).key;
  shopKey = (await createApiKey(inShop(), { name: 'Shop sender', scopes: ['send', 'manage'] })).key;
}, 60_000);

afterAll(async () => tdb?.dispose());

describe('VAPID keys per project', () => {
  it('gives a new project its own active key, so its site works at once', async () => {
    const a = await activePublicKey(inDefault());
    const b = await activePublicKey(inShop());
    expect(a && b).toBeTruthy();
    expect(a!.publicKey).not.toBe(b!.publicKey);
    expect((await listVapidKeys(inShop())).map((k) => k.publicKey)).toEqual([b!.publicKey]);
  });

  it("activating a key in one project leaves the other's active key alone", async () => {
    const before = (await activePublicKey(inDefault()))!.id;
    const next = await generateVapidKey(inShop(), { name: 'Rotated', subject: 'mailto:shop@example.com', activate: true });
    expect((await activePublicKey(inShop()))!.id).toBe(next.id);
    expect((await activePublicKey(inDefault()))!.id).toBe(before);
    const [row] = await tdb.db.select({ status: vapidKeys.status }).from(vapidKeys).where(eq(vapidKeys.id, before));
    expect(row!.status).toBe('active');
  });

  it("cannot activate or delete another project's key", async () => {
    const standby = await generateVapidKey(inShop(), { name: 'Standby', subject: 'mailto:shop@example.com' });
    expect(await code(activateVapidKey(inDefault(), { id: standby.id }))).toBe('not_found');
    expect(await code(deleteVapidKey(inDefault(), { id: standby.id }))).toBe('not_found');
    expect((await listVapidKeys(inDefault())).some((k) => k.id === standby.id)).toBe(false);
  });
});

describe('subscribers per project', () => {
  it('keeps one row per project for the same browser, each with its own key', async () => {
    expect(ids.defaultSub).not.toBe(ids.shopSub);
    const a = await lookupSubscription(inDefault(), { endpoint: both.endpoint });
    const b = await lookupSubscription(inShop(), { endpoint: both.endpoint });
    expect(a.id).toBe(ids.defaultSub);
    expect(b.id).toBe(ids.shopSub);
    expect(a.vapidPublicKey).not.toBe(b.vapidPublicKey);
  });

  it("refuses to subscribe with another project's key", async () => {
    const defaultPublic = (await activePublicKey(inDefault()))!.publicKey;
    expect(await code(subscribe(inShop(), { subscription: browser(), topics: [], vapidPublicKey: defaultPublic }))).toBe('unprocessable');
  });

  it('lists, shows and deletes only its own', async () => {
    const listed = (await listSubscribers(inDefault(), {})).items.map((s) => s.id);
    expect(listed).toEqual([ids.defaultSub]);
    expect((await listSubscribers(inShop(), {})).items).toHaveLength(2);
    expect(await code(getSubscriber(inDefault(), ids.shopSub))).toBe('not_found');
    expect(await code(deleteSubscriber(inDefault(), { id: ids.shopSub }))).toBe('not_found');
    expect((await getSubscriber(inShop(), ids.shopSub)).id).toBe(ids.shopSub);
  });

  it("unsubscribing from one project's site leaves the other subscription active", async () => {
    const other = browser();
    await subscribe(inDefault(), { subscription: other, topics: [] });
    const shopId = (await subscribe(inShop(), { subscription: other, topics: [] })).id;
    await unsubscribe(inDefault(), { endpoint: other.endpoint });
    expect((await lookupSubscription(inDefault(), { endpoint: other.endpoint })).status).toBe('unsubscribed');
    expect((await lookupSubscription(inShop(), { endpoint: other.endpoint })).status).toBe('active');
    await deleteSubscriber(inShop(), { id: shopId });
  });

  it("refuses a signed token of another project's key, and subscribes with it in its own", async () => {
    const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await addTokenKey(inShop(), { name: 'Shop signer', publicKey: signer.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const now = Math.floor(Date.now() / 1000);
    const token = () => es256Token({ scope: ['subscribe'], topics: ['news'], iat: now, exp: now + 300 }, signer.privateKey);
    const body = () => ({ subscription: browser(), topics: ['news'], token: token() });
    expect(await code(subscribeBrowser(inDefault(), body(), null))).toBe('forbidden');
    const made = await subscribeBrowser(inShop(), body(), null);
    expect(made.topics).toEqual(['news']);
    await deleteSubscriber(inShop(), { id: made.id });
  });

  it('counts an audience within the project only', async () => {
    expect(await countAudience(inDefault(), { audience: 'all', topicIds: [], excludeTopicIds: [] })).toBe(1);
    expect(await countAudience(inShop(), { audience: 'all', topicIds: [], excludeTopicIds: [] })).toBe(2);
  });
});

describe('campaigns per project', () => {
  it("does not read, list, change, send or delete another project's campaign", async () => {
    expect(await code(getCampaign(inDefault(), ids.shopCampaign))).toBe('not_found');
    expect((await listCampaigns(inDefault(), {})).items.map((c) => c.name)).toEqual(['Default launch']);
    expect(await code(updateCampaign(inDefault(), ids.shopCampaign, { name: 'Taken', content: { title: 'x' }, audience: 'all' }))).toBe('not_found');
    expect(await code(sendCampaignNow(inDefault(), { id: ids.shopCampaign }))).toBe('not_found');
    expect(await code(deleteCampaign(inDefault(), { id: ids.shopCampaign }))).toBe('not_found');
    expect((await getCampaign(inShop(), ids.shopCampaign)).name).toBe('Shop sale');
  });

  it("does not show another project's deliveries, even by naming the campaign", async () => {
    await tdb.db.insert(deliveries).values({ campaignId: ids.shopCampaign, subscriptionId: ids.shopSub, status: 'sent', pushService: 'fcm.googleapis.com' });
    expect((await listDeliveries(inShop(), ids.shopCampaign, {})).items).toHaveLength(1);
    expect((await listDeliveries(inDefault(), ids.shopCampaign, {})).items).toEqual([]);
    expect(await code(getDelivery(inDefault(), ids.shopCampaign, ids.shopSub))).toBe('not_found');
  });

  it('counts only its own campaigns and subscribers on the overview', async () => {
    const a = await getOverview(inDefault());
    const b = await getOverview(inShop());
    expect(a.subscribers.active).toBe(1);
    expect(b.subscribers.active).toBe(2);
    expect(a.recentCampaigns.map((c) => c.name)).toEqual(['Default launch']);
    expect(b.subscribers.byTopic.map((t) => t.name)).toEqual(['Shop news']);
  });
});

describe('API keys per project', () => {
  const get = (path: string, key: string, headers: Record<string, string> = {}) =>
    new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${key}`, 'x-pushdeck-client-ip': '192.0.2.30', ...headers } });

  it("acts in its own project: the shop's key lists the shop's topics and subscribers", async () => {
    const topics = (await (await listTopicsRoute(get('/api/v1/topics', shopKey))).json()) as { topics: { name: string }[] };
    expect(topics.topics.map((t) => t.name)).toEqual(['Shop news']);
    const subs = (await (await listSubscribersRoute(get('/api/v1/subscribers?status=active', defaultKey))).json()) as { subscribers: { id: string }[] };
    expect(subs.subscribers.map((s) => s.id)).toEqual([ids.defaultSub]);
  });

  it('refuses a request naming another project with a 403 that says so, an unknown one with a 404', async () => {
    const wrong = await listTopicsRoute(get('/api/v1/topics', shopKey, { 'pushdeck-project': 'default' }));
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/belongs to the project "shop"/);
    expect((await listTopicsRoute(get('/api/v1/topics?project=nope', shopKey))).status).toBe(404);
    expect((await listTopicsRoute(get('/api/v1/topics?project=shop', shopKey))).status).toBe(200);
  });

  it("lists and revokes only the project's keys", async () => {
    const shopKeys = await listApiKeys(inShop());
    expect(shopKeys.map((k) => k.name)).toEqual(['Shop sender']);
    const defaultKeyRow = (await listApiKeys(inDefault()))[0]!;
    expect(await code(revokeApiKey(inShop(), { id: defaultKeyRow.id }))).toBe('not_found');
  });

  it("keeps the store inside the project: a key cannot write to another project's subscriber", async () => {
    const asShopKey: Ctx = { ...inShop(), actor: { kind: 'api-key', id: 'k-shop', name: 'Shop sender', topicIds: null, scopes: ['send'] } };
    const asDefaultKey: Ctx = { ...inDefault(), actor: { kind: 'api-key', id: 'k-shop', name: 'Shop sender', topicIds: null, scopes: ['send'] } };
    await storeWrite(asShopKey, ids.shopSub, { ttl: 60, data: 'for the shop' });
    expect(await code(storeWrite(asShopKey, ids.defaultSub, { ttl: 60, data: 'x' }))).toBe('not_found');
    expect(await code(storeRead(asDefaultKey, ids.shopSub, {}))).toBe('not_found');
    expect((await storeRead(asShopKey, ids.shopSub, {})).messages.map((m) => m.data)).toEqual(['for the shop']);
  });
});

describe('audit trail and inbox per project', () => {
  it("shows a project's entries and the installation's, never another project's", async () => {
    const shopEntries = (await listAuditLogs(inShop(), { limit: 200 })).items;
    const defaultEntries = (await listAuditLogs(inDefault(), { limit: 200 })).items;
    expect(shopEntries.some((e) => e.targetLabel === 'Rotated')).toBe(true);
    expect(defaultEntries.some((e) => e.targetLabel === 'Rotated')).toBe(false);
    // project.create is installation-wide: both see it.
    expect(shopEntries.some((e) => e.action === 'project.create')).toBe(true);
    expect(defaultEntries.some((e) => e.action === 'project.create')).toBe(true);
    expect(defaultEntries.every((e) => e.projectId === null || e.projectId === DEFAULT_PROJECT.id)).toBe(true);
  });

  it("lists only the project's sent campaigns in its inbox", async () => {
    await tdb.db.update(campaigns).set({ status: 'sending', publishedSeq: 1, startedAt: new Date() });
    const a = await pollInbox(inDefault(), { topics: null, since: null });
    const b = await pollInbox(inShop(), { topics: null, since: null });
    expect(a.kind === 'changed' && a.messages.map((i) => i.title)).toEqual(['Hello']);
    expect(b.kind === 'changed' && b.messages.map((i) => i.title)).toEqual(['Sale']);
  });
});

describe('public API per project', () => {
  const call = (path: string, origin?: string) =>
    new Request(`http://localhost${path}`, { headers: { 'x-pushdeck-client-ip': '192.0.2.40', ...(origin ? { origin } : {}) } });

  it("hands out each project's own key, with CORS for its listed origins only", async () => {
    const shopRes = await vapidKeyRoute(call('/api/push/vapid-public-key?project=shop', 'https://shop.example'));
    expect(shopRes.status).toBe(200);
    expect(shopRes.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(((await shopRes.json()) as { publicKey: string }).publicKey).toBe((await activePublicKey(inShop()))!.publicKey);
    // Another site gets no key: a 403 it can read (so the site SDK can print it), naming the origin.
    const evil = await vapidKeyRoute(call('/api/push/vapid-public-key?project=shop', 'https://evil.example'));
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect(((await evil.json()) as { error: { message: string } }).error.message).toContain(
      'The origin https://evil.example is not allowed for project "shop"',
    );
    const preflight = await vapidKeyOptions(
      new Request('http://localhost/api/push/vapid-public-key?project=shop', { method: 'OPTIONS', headers: { origin: 'https://shop.example' } }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });

  it('keeps the default project open to any origin, as before projects, and 404s an unknown project', async () => {
    const res = await vapidKeyRoute(call('/api/push/vapid-public-key', 'https://anywhere.example'));
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await res.json()) as { publicKey: string }).publicKey).toBe((await activePublicKey(inDefault()))!.publicKey);
    const unknown = await vapidKeyRoute(call('/api/push/vapid-public-key?project=nope', 'https://shop.example'));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe('There is no project "nope".');
  });
});

describe('GET/POST /api/v1/projects', () => {
  const call = (key: string, body?: unknown) =>
    new Request('http://localhost/api/v1/projects', {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-pushdeck-client-ip': '192.0.2.50' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('lists and creates projects with an admin key, refuses others, and only owners grant the scope', async () => {
    const admin = (await createApiKey(inDefault(), { name: 'Installation admin', scopes: ['admin'] })).key;
    const listed = (await (await listProjectsRoute(call(admin))).json()) as { projects: { slug: string }[] };
    expect(listed.projects.map((p) => p.slug)).toEqual(['default', 'shop']);
    const created = await createProjectRoute(call(admin, { slug: 'blog', name: 'Blog', origins: ['https://blog.example'] }));
    expect(created.status).toBe(201);
    expect(await activePublicKey(ctxFor(tdb, owner, { id: (await projectBySlug(tdb.db, 'blog')).id, slug: 'blog' }))).not.toBeNull();
    expect((await createProjectRoute(call(admin, { slug: 'blog', name: 'Again' }))).status).toBe(409);
    expect((await listProjectsRoute(call(defaultKey))).status).toBe(403);
    const siteAdmin: Ctx = {
      ...inDefault(),
      actor: { kind: 'user', id: '01900000-0000-7000-8000-0000000000ee', email: 'm@example.com', name: 'M', role: 'admin' },
    };
    expect(await code(createApiKey(siteAdmin, { name: 'Sneaky', scopes: ['admin'] }))).toBe('forbidden');
  });
});

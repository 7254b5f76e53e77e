/**
 * Web Push end to end with a real browser: Firefox ESR subscribes on the public page, Pushdeck's
 * delivery engine sends to the endpoint Firefox got from the push-service test server, the push
 * service forwards the still-encrypted message over Firefox's WebSocket, and Pushdeck's service
 * worker decrypts it and shows the notification. Each scenario is checked in the browser (what
 * `registration.getNotifications()` reports), in the database (through the app's API) and at the
 * push service (its request log and the browser's acks).
 */
import { baseURL, pushOrigin } from '../playwright.config';
import {
  activeVapidKey,
  createTopic,
  lookup,
  rotateVapidKey,
  sendCampaign,
  campaignProgress,
  signIn,
  vapidKeySubscriptions,
  waitForCampaignCompleted,
  type CampaignInput,
} from './support/dashboard';
import { expect, test } from './support/fixtures';

/** The channelID in `https://127.0.0.1:PORT/wpush/<channelID>`. */
const channelOf = (endpoint: string) => new URL(endpoint).pathname.split('/').pop() ?? '';

/** Names no other test (or earlier run on a kept database) uses. */
const uniq = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

/** Two public topics, made through the dashboard. */
async function twoTopics(page: Parameters<typeof signIn>[0]) {
  const s = uniq();
  await signIn(page);
  const news = { name: `News ${s}`, slug: await createTopic(page, `News ${s}`, `news-${s}`) };
  const deals = { name: `Deals ${s}`, slug: await createTopic(page, `Deals ${s}`, `deals-${s}`) };
  return { s, news, deals };
}

function campaignFor(topicNames: string[], s: string, title: string): CampaignInput {
  return {
    title: `${title} ${s}`,
    body: `Everything is 20% off until Sunday (${s}).`,
    url: `https://shop.example.com/spring?ref=${s}`,
    icon: '/icon-192.png',
    buttons: [
      { label: 'Shop now', url: `https://shop.example.com/now?ref=${s}` },
      { label: 'Remind me', url: `/remind?ref=${s}` },
    ],
    topics: topicNames,
  };
}

test('visitors in Firefox get the campaigns of their topics, and nothing once they turn notifications off', async ({ page, request, firefox, push }) => {
  const [{ s, news, deals }, [reader, outsider]] = await Promise.all([twoTopics(page), Promise.all([firefox('reader'), firefox('outsider')])]);
  const key = await activeVapidKey(request);

  const [readerSub, outsiderSub] = await test.step('each visitor picks a topic and enables notifications', async () => {
    const subs = await Promise.all([reader.subscribe([news.slug]), outsider.subscribe([deals.slug])]);
    for (const sub of subs) expect(sub.endpoint).toMatch(new RegExp(`^${pushOrigin}/wpush/[0-9a-f-]{36}$`));
    expect(await reader.serviceWorkerReady()).toBe(`${baseURL}/sw.js`);
    // Stored with the topic picked and the key the browser subscribed with…
    expect(await lookup(request, subs[0].endpoint)).toEqual({ id: expect.any(String), status: 'active', topics: [news.slug], vapidPublicKey: key });
    expect(await lookup(request, subs[1].endpoint)).toEqual({ id: expect.any(String), status: 'active', topics: [deals.slug], vapidPublicKey: key });
    // …which is the key Firefox registered with at the push service.
    const channels = await push.browserChannels();
    for (const sub of subs) expect(channels.find((c) => c.endpoint === sub.endpoint)).toMatchObject({ applicationServerKey: key, unregisteredAt: null });
    // Coming back, the page recognises the subscription and its topic.
    await reader.openPublicPage();
    expect(await reader.panelState()).toBe('subscribed');
    expect(await reader.page.$$eval('input[name="topic"]:checked', (els) => els.map((el) => (el as HTMLInputElement).value))).toEqual([news.slug]);
    return subs;
  });

  await test.step('a campaign for one topic is shown as composed; the visitor outside it gets nothing', async () => {
    const campaign = campaignFor([news.name], s, 'Spring sale');
    const id = await sendCampaign(page, campaign);
    const shown = await reader.waitForNotification(campaign.title);
    expect(shown).toMatchObject({
      title: campaign.title,
      body: campaign.body,
      icon: `${baseURL}/icon-192.png`,
      actions: [
        { action: 'a0', title: 'Shop now' },
        { action: 'a1', title: 'Remind me' },
      ],
      data: {
        url: campaign.url,
        actionUrls: { a0: `https://shop.example.com/now?ref=${s}`, a1: `${baseURL}/remind?ref=${s}` },
      },
    });
    expect(shown.actions).toHaveLength(2);
    expect(await waitForCampaignCompleted(page, id)).toMatchObject({ targeted: 1, sent: 1, failed: 0 });
    // Pushdeck's service worker in Firefox reported the notification as shown (receipts).
    await expect.poll(async () => (await campaignProgress(page.request, id)).shown, { timeout: 15_000 }).toBe(1);
    // A click on the notification reaches the service worker, which reports it (receipts).
    await reader.clickNotification(campaign.title);
    await expect.poll(async () => (await campaignProgress(page.request, id)).clicked, { timeout: 15_000 }).toBe(1);
    expect(await reader.notifications()).toEqual([]); // the click closed it
    // One request reached the reader's endpoint, and Firefox acknowledged it as delivered.
    expect((await push.requests({ endpoint: readerSub.endpoint })).map((r) => [r.status, r.vapid?.k])).toEqual([[201, key]]);
    await expect.poll(async () => (await push.browserMessages(channelOf(readerSub.endpoint))).map((m) => [m.state, m.ack?.code])).toEqual([['acked', 100]]);
    // The outsider's endpoint was never sent to, and its Firefox shows nothing.
    expect(await push.requests({ endpoint: outsiderSub.endpoint })).toEqual([]);
    expect(await outsider.notifications()).toEqual([]);
  });

  await test.step('a notification too large for one push arrives as a pointer and the service worker fetches it', async () => {
    const article = 'x'.repeat(6000);
    const campaign = { ...campaignFor([news.name], s, 'The long read'), data: JSON.stringify({ article }), throughServer: true };
    const id = await sendCampaign(page, campaign);
    const shown = await reader.waitForNotification(campaign.title);
    // The full content, fetched from the server with the pointer's token (not the fallback text).
    expect(shown).toMatchObject({ title: campaign.title, body: campaign.body, data: { url: campaign.url, custom: { article } } });
    expect(await waitForCampaignCompleted(page, id)).toMatchObject({ sent: 1 });
    // What went through the push service was small: the pointer, not the 6 KB article.
    const [request] = await push.requests({ endpoint: readerSub.endpoint }).then((all) => all.slice(-1));
    expect(request!.bodyBytes).toBeLessThan(600);
  });

  await test.step('after "Turn off notifications" the next campaign is not delivered and its endpoint gets no request', async () => {
    const before = (await push.requests({ endpoint: readerSub.endpoint })).length;
    await reader.openPublicPage();
    await reader.clickButton('Turn off notifications');
    await reader.waitForPanel((state) => state === 'ready');
    expect(await reader.subscription()).toBeNull();
    expect(await lookup(request, readerSub.endpoint)).toMatchObject({ status: 'unsubscribed' });
    // Firefox unregistered the channel at the push service too.
    await expect.poll(async () => (await push.browserChannels()).find((c) => c.endpoint === readerSub.endpoint)?.unregisteredAt).toEqual(expect.any(Number));
    const notificationsBefore = await reader.notifications();

    // Sent to both topics: the outsider, still subscribed, gets it, so the campaign did go out.
    const campaign = campaignFor([news.name, deals.name], s, 'After leaving');
    const id = await sendCampaign(page, campaign);
    await outsider.waitForNotification(campaign.title);
    expect(await waitForCampaignCompleted(page, id)).toMatchObject({ targeted: 1, sent: 1 });
    expect((await push.requests({ endpoint: outsiderSub.endpoint })).map((r) => r.status)).toEqual([201]);

    expect(await push.requests({ endpoint: readerSub.endpoint })).toHaveLength(before);
    // Nothing new on the reader's side. (Compared as a subset: Firefox's own alert windows close
    // themselves after 20 s, and a notification whose alert closed leaves the list.)
    const titlesBefore = notificationsBefore.map((n) => n.title);
    const titlesAfter = (await reader.notifications()).map((n) => n.title);
    expect(titlesAfter).not.toContain(campaign.title);
    expect(titlesAfter.filter((t) => !titlesBefore.includes(t))).toEqual([]);
  });
});

test('after a VAPID key rotation Firefox re-subscribes with the new key and receives campaigns signed with it', async ({ page, request, firefox, push }) => {
  const [{ s, news }, visitor] = await Promise.all([twoTopics(page), firefox('rotating')]);
  const oldKey = await activeVapidKey(request);
  const oldSub = await visitor.subscribe([news.slug]);
  expect(await lookup(request, oldSub.endpoint)).toMatchObject({ status: 'active', vapidPublicKey: oldKey });

  const newKey = await rotateVapidKey(page, `Rotation ${s}`);
  expect(newKey).not.toBe(oldKey);

  // Coming back to the page moves the subscription to the new key, keeping its topic.
  await visitor.openPublicPage();
  await expect.poll(async () => (await visitor.subscription())?.endpoint).not.toBe(oldSub.endpoint);
  await visitor.waitForPanel((state) => state === 'subscribed');
  const newSub = await visitor.subscription();
  if (!newSub) throw new Error('no subscription after the rotation');
  await expect.poll(() => lookup(request, newSub.endpoint)).toMatchObject({ status: 'active', topics: [news.slug], vapidPublicKey: newKey });
  expect(await lookup(request, oldSub.endpoint)).toMatchObject({ status: 'unsubscribed' });
  const channels = await push.browserChannels();
  expect(channels.find((c) => c.endpoint === newSub.endpoint)).toMatchObject({ applicationServerKey: newKey, unregisteredAt: null });
  expect(channels.find((c) => c.endpoint === oldSub.endpoint)?.unregisteredAt).toEqual(expect.any(Number));

  // Nobody active is left on the old key.
  expect(await vapidKeySubscriptions(page, oldKey)).toBe('0');

  const campaign = campaignFor([news.name], s, 'Signed anew');
  const id = await sendCampaign(page, campaign);
  await visitor.waitForNotification(campaign.title);
  expect(await waitForCampaignCompleted(page, id)).toMatchObject({ targeted: 1, sent: 1 });
  const requests = await push.requests({ endpoint: newSub.endpoint });
  expect(requests.map((r) => [r.status, r.vapid?.k])).toEqual([[201, newKey]]);
  expect(await push.requests({ endpoint: oldSub.endpoint })).toEqual([]);
});

test('a campaign sent while Firefox is closed is shown when it starts again with the same profile', async ({ page, firefox, push }) => {
  const [{ s, news }, visitor] = await Promise.all([twoTopics(page), firefox('sleeper')]);
  const subscription = await visitor.subscribe([news.slug]);
  const channelId = channelOf(subscription.endpoint);
  const uaid = (await push.browserChannels()).find((c) => c.channelId === channelId)?.uaid;
  expect(uaid).toEqual(expect.any(String));

  await visitor.close();
  // The push service has noticed the browser left, so what comes next is stored, not forwarded.
  await expect.poll(async () => (await push.browserSessions()).filter((x) => x.uaid === uaid && x.closedAt === null)).toEqual([]);

  const campaign = campaignFor([news.name], s, 'While you were away');
  const id = await sendCampaign(page, campaign);
  expect(await waitForCampaignCompleted(page, id)).toMatchObject({ targeted: 1, sent: 1 });
  expect(await push.browserMessages(channelId)).toEqual([expect.objectContaining({ state: 'pending', deliveries: 0, ttl: 86_400 })]);

  await visitor.restart();
  // Firefox says hello as the same browser and gets the stored message, then acknowledges it.
  await expect.poll(async () => (await push.browserMessages(channelId)).map((m) => [m.state, m.deliveries, m.ack?.code])).toEqual([['acked', 1, 100]]);
  expect((await push.browserSessions()).filter((x) => x.uaid === uaid).map((x) => x.helloUaid)).toContain(uaid);

  await visitor.openPublicPage();
  expect(await visitor.panelState()).toBe('subscribed');
  expect((await visitor.subscription())?.endpoint).toBe(subscription.endpoint);
  const shown = await visitor.waitForNotification(campaign.title);
  expect(shown).toMatchObject({ body: campaign.body, data: { url: campaign.url } });
});

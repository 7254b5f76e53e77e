/**
 * Tests of the browser side of the push-service test server (tests/push-service/browser.ts):
 * Mozilla's WebPush protocol over WebSocket, driven by a real `ws` client playing Firefox, with
 * pushes sent by the `web-push` package to the `/wpush/<channelID>` endpoints it hands out.
 */
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import https from 'node:https';
import { createRequire } from 'node:module';
import webpush, { type PushSubscription, type RequestOptions } from 'web-push';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ensureTestCert } from '../push-service/cert';
import { PushServiceClient } from '../push-service/client';
import { ERRNO, PushServiceServer } from '../push-service/server';

const SUBJECT = 'mailto:test@example.com';
const cert = ensureTestCert();
const agent = new https.Agent({ ca: cert.cert, keepAlive: true });
const vapid = webpush.generateVAPIDKeys();
const otherVapid = webpush.generateVAPIDKeys();
const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: ReturnType<typeof createECDH>; authSecret: Buffer }): Buffer;
};

type Msg = Record<string, unknown>;

/** A WebSocket client speaking like Firefox's PushServiceWebSocket, with a queue of what it received. */
class FakeBrowser {
  readonly received: Msg[] = [];
  private waiting: ((m: Msg) => void) | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as Msg;
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve(msg);
      } else this.received.push(msg);
    });
  }

  static async connect(url: string, protocol: string | null = 'push-notification'): Promise<FakeBrowser> {
    const ws = new WebSocket(url, protocol === null ? [] : [protocol]);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return new FakeBrowser(ws);
  }

  send(value: Msg | string): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  next(timeoutMs = 2000): Promise<Msg> {
    const queued = this.received.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
  }

  /** Resolves once nothing arrives for `ms`; fails if something does. */
  async nothingFor(ms = 150): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    expect(this.received).toEqual([]);
  }

  async hello(uaid?: string): Promise<Msg> {
    this.send({ messageType: 'hello', broadcasts: {}, use_webpush: true, ...(uaid ? { uaid } : {}) });
    return this.next();
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((r) => this.ws.once('close', r));
    this.ws.close();
    await closed;
  }
}

/** The browser's half of a subscription: its keys, as Firefox would keep them. */
function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, auth: randomBytes(16) };
}

/** Firefox sends the applicationServerKey as base64url *with* padding. */
const padded = (key: string) => `${key}${'='.repeat((4 - (key.length % 4)) % 4)}`;

function send(subscription: PushSubscription, payload: string | null, options: RequestOptions = {}) {
  return webpush.sendNotification(subscription, payload, {
    vapidDetails: { subject: SUBJECT, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
    TTL: 60,
    contentEncoding: 'aes128gcm',
    agent,
    ...options,
  });
}

async function statusOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    const res = (await promise) as { statusCode: number };
    return res.statusCode;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode;
  }
}

describe('PushServiceServer: the browser side (WebPush over WebSocket)', () => {
  const server = new PushServiceServer();
  let origin: string;
  let wsURL: string;
  const open: FakeBrowser[] = [];

  beforeAll(async () => {
    origin = await server.start();
    wsURL = server.browserPushURL;
  });
  afterAll(async () => {
    await server.stop();
    agent.destroy();
  });
  beforeEach(() => server.reset());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  async function connect(): Promise<FakeBrowser> {
    const browser = await FakeBrowser.connect(wsURL);
    open.push(browser);
    return browser;
  }

  /** hello + register, as Firefox does for pushManager.subscribe(). */
  async function subscribed(applicationServerKey = vapid.publicKey) {
    const browser = await connect();
    const hello = await browser.hello();
    const channelID = randomUUID();
    browser.send({ channelID, messageType: 'register', key: padded(applicationServerKey) });
    const reply = await browser.next();
    const keys = browserKeys();
    const subscription: PushSubscription = {
      endpoint: String(reply.pushEndpoint),
      keys: { p256dh: keys.ecdh.getPublicKey().toString('base64url'), auth: keys.auth.toString('base64url') },
    };
    const decrypt = (data: unknown) =>
      ece.decrypt(Buffer.from(String(data), 'base64url'), { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.auth }).toString('utf8');
    return { browser, uaid: String(hello.uaid), channelID, reply, subscription, decrypt };
  }

  it('serves the WebSocket on the HTTPS port, as ws://', () => {
    expect(wsURL).toBe(`${origin.replace('https:', 'ws:')}/`);
  });

  it('answers hello with a new uaid and keeps a known one', async () => {
    const first = await connect();
    const hello = await first.hello();
    expect(hello).toEqual({ messageType: 'hello', uaid: expect.stringMatching(/^[0-9a-f]{32}$/), status: 200, use_webpush: true, broadcasts: {} });
    await first.close();

    const again = await connect();
    expect((await again.hello(String(hello.uaid))).uaid).toBe(hello.uaid);
    // A uaid this server never handed out (its registrations are unknown) is replaced.
    const stranger = await connect();
    expect((await stranger.hello('0123456789abcdef0123456789abcdef')).uaid).not.toBe('0123456789abcdef0123456789abcdef');
    expect(server.browserSessions()).toEqual([
      expect.objectContaining({ uaid: hello.uaid, helloUaid: null, closedAt: expect.any(Number) }),
      expect.objectContaining({ uaid: hello.uaid, helloUaid: hello.uaid, closedAt: null }),
      expect.objectContaining({ helloUaid: '0123456789abcdef0123456789abcdef', closedAt: null }),
    ]);
  });

  it('refuses a connection without the push-notification subprotocol, and plain HTTP requests', async () => {
    await expect(FakeBrowser.connect(wsURL, null)).rejects.toThrow('HTTP 400');
    const res = await fetch(`http://127.0.0.1:${new URL(origin).port}/_control/health`);
    expect(res.status).toBe(400);
  });

  it('registers a channel with a padded key and hands out its endpoint', async () => {
    const { reply, channelID, uaid } = await subscribed();
    expect(reply).toEqual({ messageType: 'register', channelID, status: 200, pushEndpoint: `${origin}/wpush/${channelID}` });
    expect(server.browserChannels()).toContainEqual({
      channelId: channelID,
      uaid,
      applicationServerKey: vapid.publicKey,
      endpoint: `${origin}/wpush/${channelID}`,
      registeredAt: expect.any(Number),
      unregisteredAt: null,
    });
  });

  it('refuses a register with a bad channelID or key', async () => {
    const browser = await connect();
    await browser.hello();
    browser.send({ messageType: 'register', channelID: 'nope', key: padded(vapid.publicKey) });
    expect(await browser.next()).toMatchObject({ messageType: 'register', status: 400 });
    browser.send({ messageType: 'register', channelID: randomUUID(), key: 'AAAA' });
    expect(await browser.next()).toMatchObject({ messageType: 'register', status: 400 });
  });

  it('forwards an accepted push as a notification and records the ack', async () => {
    const { browser, channelID, subscription, decrypt } = await subscribed();
    const res = await send(subscription, 'Grüße 🎉', { urgency: 'high', topic: 'greeting' });
    expect(res.statusCode).toBe(201);
    const note = await browser.next();
    expect(note).toEqual({ messageType: 'notification', channelID, version: expect.any(String), data: expect.any(String), headers: { encoding: 'aes128gcm' } });
    expect(decrypt(note.data)).toBe('Grüße 🎉');
    expect(String(res.headers.location)).toBe(`${origin}/m/${String(note.version)}`);
    expect(server.browserMessages(channelID)).toEqual([
      expect.objectContaining({
        version: note.version,
        state: 'sent',
        deliveries: 1,
        ack: null,
        ttl: 60,
        urgency: 'high',
        topic: 'greeting',
        vapid: expect.objectContaining({ aud: origin, k: vapid.publicKey }),
      }),
    ]);

    browser.send({ messageType: 'ack', updates: [{ channelID, version: note.version, code: 100 }] });
    await expect.poll(() => server.browserMessages(channelID)[0]?.state).toBe('acked');
    expect(server.browserMessages(channelID)[0]?.ack).toEqual({ code: 100, at: expect.any(Number) });
    expect(server.requests({ endpoint: subscription.endpoint })).toEqual([
      expect.objectContaining({
        subscriberId: channelID,
        endpoint: subscription.endpoint,
        status: 201,
        vapid: expect.objectContaining({ k: vapid.publicKey }),
      }),
    ]);
  });

  it('forwards an empty push without data or headers, and records decryption failures and nacks', async () => {
    const { browser, channelID, subscription } = await subscribed();
    expect((await send(subscription, null)).statusCode).toBe(201);
    const note = await browser.next();
    expect(note).toEqual({ messageType: 'notification', channelID, version: expect.any(String) });
    browser.send({ messageType: 'ack', updates: [{ channelID, version: note.version, code: 101 }] });
    browser.send({ messageType: 'nack', version: note.version, code: 302 });
    await expect.poll(() => server.browserMessages(channelID)[0]?.nack?.code).toBe(302);
    expect(server.browserMessages(channelID)[0]).toMatchObject({ state: 'acked', ack: { code: 101 } });
  });

  it('checks the push like any other: the key of the registration, VAPID, TTL, size', async () => {
    const { browser, channelID, subscription } = await subscribed();
    const other = { vapidDetails: { subject: SUBJECT, publicKey: otherVapid.publicKey, privateKey: otherVapid.privateKey } };
    expect(await statusOf(send(subscription, 'wrong key', other))).toBe(403);
    expect(await statusOf(send(subscription, 'x'.repeat(4000)))).toBe(413);
    const headers = webpush.generateRequestDetails(subscription, null, { vapidDetails: { subject: SUBJECT, ...vapid }, TTL: 60 }).headers;
    const { TTL: _ttl, ...withoutTtl } = headers as Record<string, string>;
    expect(await rawPost(subscription.endpoint, withoutTtl)).toBe(400);
    expect(await rawPost(subscription.endpoint, { TTL: '60' })).toBe(401);
    await browser.nothingFor();
    expect(server.browserMessages(channelID)).toEqual([]);
    expect(server.requests({ endpoint: subscription.endpoint }).map((r) => r.status)).toEqual([403, 413, 400, 401]);
    expect(server.requests({ endpoint: subscription.endpoint })[0]?.reason).toMatch(/k does not match/);
  });

  it('stores pushes for a browser that is away and re-sends unacknowledged ones when it is back', async () => {
    const { browser, uaid, channelID, subscription, decrypt } = await subscribed();
    // Received but not acknowledged before the connection drops: sent again after hello.
    await send(subscription, 'unacked');
    expect(decrypt((await browser.next()).data)).toBe('unacked');
    await browser.close();

    expect((await send(subscription, 'while away', { TTL: 60 })).statusCode).toBe(201);
    // RFC 8030 5.2: TTL 0 is "now or never"; the service still answers 201.
    expect((await send(subscription, 'now or never', { TTL: 0 })).statusCode).toBe(201);
    expect(server.browserMessages(channelID).map((m) => [m.state, m.deliveries])).toEqual([
      ['sent', 1],
      ['pending', 0],
      ['expired', 0],
    ]);

    const back = await connect();
    expect((await back.hello(uaid)).uaid).toBe(uaid);
    const first = await back.next();
    const second = await back.next();
    expect([decrypt(first.data), decrypt(second.data)]).toEqual(['unacked', 'while away']);
    await back.nothingFor();
    back.send({ messageType: 'ack', updates: [first, second].map((n) => ({ channelID, version: n.version, code: 100 })) });
    await expect
      .poll(() => server.browserMessages(channelID).map((m) => [m.state, m.deliveries]))
      .toEqual([
        ['acked', 2],
        ['acked', 1],
        ['expired', 0],
      ]);
  });

  it('lets a newer message with the same Topic replace one still waiting', async () => {
    const { browser, uaid, channelID, subscription, decrypt } = await subscribed();
    await browser.close();
    await send(subscription, 'old score', { topic: 'score' });
    await send(subscription, 'new score', { topic: 'score' });
    const back = await connect();
    await back.hello(uaid);
    expect(decrypt((await back.next()).data)).toBe('new score');
    await back.nothingFor();
    expect(server.browserMessages(channelID).map((m) => m.state)).toEqual(['replaced', 'sent']);
  });

  it('expires stored pushes whose TTL ran out while the browser was away', async () => {
    const { browser, uaid, channelID, subscription } = await subscribed();
    await browser.close();
    await send(subscription, 'short-lived', { TTL: 1 });
    await new Promise((r) => setTimeout(r, 1100));
    const back = await connect();
    await back.hello(uaid);
    await back.nothingFor();
    expect(server.browserMessages(channelID).map((m) => m.state)).toEqual(['expired']);
  });

  it('unregisters: the endpoint then answers 410 and nothing is forwarded', async () => {
    const { browser, channelID, subscription } = await subscribed();
    browser.send({ messageType: 'unregister', channelID, code: 200 });
    expect(await browser.next()).toEqual({ messageType: 'unregister', channelID, status: 200 });
    expect(server.browserChannels().find((c) => c.channelId === channelID)?.unregisteredAt).toEqual(expect.any(Number));
    const rejected = (await send(subscription, 'too late').catch((e: unknown) => e)) as { statusCode: number; body: string };
    expect(rejected.statusCode).toBe(410);
    expect(JSON.parse(rejected.body)).toMatchObject({ code: 410, errno: ERRNO.gone });
    await browser.nothingFor();
    // A channel nobody registered answers 410 too.
    expect(await statusOf(send({ ...subscription, endpoint: `${origin}/wpush/${randomUUID()}` }, 'nobody'))).toBe(410);
  });

  it('answers the {} ping and broadcast_subscribe', async () => {
    const browser = await connect();
    await browser.hello();
    browser.send('{}');
    expect(await browser.next()).toEqual({});
    browser.send({ messageType: 'broadcast_subscribe', broadcasts: { 'remote-settings/monitor_changes': 'v1' } });
    expect(await browser.next()).toEqual({ messageType: 'broadcast', broadcasts: {} });
  });

  it('closes a connection that does not start with hello', async () => {
    const browser = await connect();
    const closed = new Promise<number>((r) => browser.ws.once('close', (code) => r(code)));
    browser.send({ messageType: 'register', channelID: randomUUID() });
    expect(await closed).toBe(1008);
  });

  it('replaces an older connection of the same browser', async () => {
    const { browser, uaid, subscription, decrypt } = await subscribed();
    const closed = new Promise<number>((r) => browser.ws.once('close', (code) => r(code)));
    const newer = await connect();
    await newer.hello(uaid);
    expect(await closed).toBe(4000);
    await send(subscription, 'to the newer one');
    expect(decrypt((await newer.next()).data)).toBe('to the newer one');
  });

  it('offers the same over the control API', async () => {
    const client = new PushServiceClient({ origin });
    try {
      const { browser, uaid, channelID, subscription } = await subscribed();
      await send(subscription, 'over control');
      const note = await browser.next();
      browser.send({ messageType: 'ack', updates: [{ channelID, version: note.version, code: 100 }] });
      await expect.poll(async () => (await client.browserMessages(channelID))[0]?.ack?.code).toBe(100);
      expect(await client.browserChannels()).toContainEqual(expect.objectContaining({ channelId: channelID, uaid, endpoint: subscription.endpoint }));
      expect(await client.browserMessages()).toHaveLength(1);
      expect(await client.browserSessions()).toContainEqual(expect.objectContaining({ uaid, closedAt: null }));
      expect(await client.requests({ endpoint: subscription.endpoint })).toEqual([expect.objectContaining({ status: 201 })]);
      expect(await client.requests({ endpoint: `${origin}/wpush/${randomUUID()}` })).toEqual([]);
      await client.setBehaviour(channelID, { status: 503, times: 1 });
      expect(await statusOf(send(subscription, 'unavailable'))).toBe(503);
      await client.reset();
      expect(await client.browserMessages()).toEqual([]);
      expect(await client.browserChannels()).toContainEqual(expect.objectContaining({ channelId: channelID, unregisteredAt: null }));
    } finally {
      await client.close();
    }
  });
});

/** POSTs an empty body with exactly these headers, trusting only the test certificate. */
function rawPost(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': '0' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Tests of the push-service test server (tests/push-service) over real HTTPS, with the `web-push`
 * package as an independent sender and hand-made VAPID tokens for what web-push will not send.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { once } from 'node:events';
import https from 'node:https';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import webpush, { type PushSubscription, type RequestOptions } from 'web-push';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTestCert } from '../push-service/cert';
import { PushServiceClient } from '../push-service/client';
import { ERRNO, PushServiceServer, type PushServiceControl } from '../push-service/server';

const repoRoot = resolve(import.meta.dirname, '../..');
const SUBJECT = 'mailto:test@example.com';
const cert = ensureTestCert();
const agent = new https.Agent({ ca: cert.cert, keepAlive: true });
const vapid = webpush.generateVAPIDKeys();
const otherVapid = webpush.generateVAPIDKeys();

afterAll(() => agent.destroy());

function send(subscription: PushSubscription, payload: string | null, options: RequestOptions = {}) {
  return webpush.sendNotification(subscription, payload, {
    vapidDetails: { subject: SUBJECT, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
    TTL: 60,
    contentEncoding: 'aes128gcm',
    agent,
    ...options,
  });
}

/** web-push rejects non-2xx answers with a WebPushError carrying statusCode, headers and body. */
async function sendRejection(subscription: PushSubscription, payload: string | null, options: RequestOptions = {}) {
  const err = (await send(subscription, payload, options).then(
    () => {
      throw new Error('expected the push service to reject the message');
    },
    (e: unknown) => e,
  )) as { statusCode?: number; headers?: Record<string, string>; body?: string; code?: string; message?: string };
  return { ...err, json: err.body ? (JSON.parse(err.body) as { code: number; errno: number; error: string; message: string }) : undefined };
}

const b64u = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A VAPID Authorization header made with node:crypto, so claims web-push would not produce can be tested. */
function vapidHeader(claims: { aud: string; exp?: number; sub?: string }, options: { alg?: string; keys?: typeof vapid } = {}) {
  const keys = options.keys ?? vapid;
  const header = b64u({ typ: 'JWT', alg: options.alg ?? 'ES256' });
  const payload = b64u({ exp: Math.floor(Date.now() / 1000) + 3600, sub: SUBJECT, ...claims });
  const data = `${header}.${payload}`;
  let signature: Buffer;
  if (options.alg === 'HS256') {
    signature = createHmac('sha256', Buffer.from(keys.privateKey, 'base64url')).update(data).digest();
  } else {
    const point = Buffer.from(keys.publicKey, 'base64url');
    const privateKey = createPrivateKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
        d: keys.privateKey,
      },
      format: 'jwk',
    });
    signature = sign('sha256', Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  }
  return `vapid t=${data}.${signature.toString('base64url')}, k=${vapid.publicKey}`;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function post(url: string, headers: Record<string, string>, body: Buffer = Buffer.alloc(0)): Promise<RawResponse> {
  return new Promise((resolvePost, reject) => {
    const req = https.request(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolvePost({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function encrypt(subscription: PushSubscription, payload: string): Buffer {
  return webpush.encrypt(subscription.keys.p256dh, subscription.keys.auth, payload, 'aes128gcm').cipherText;
}

describe('PushServiceServer in process', () => {
  const server = new PushServiceServer();
  let origin: string;
  let control: PushServiceControl;

  beforeAll(async () => {
    origin = await server.start();
    control = server;
  });
  afterAll(() => server.stop());
  beforeEach(() => server.reset());

  const subscribe = (applicationServerKey = vapid.publicKey) => server.createSubscriber({ applicationServerKey });

  describe('accepting messages', () => {
    it('creates subscriptions a browser would hand out', () => {
      const { id, subscription } = subscribe();
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(subscription.endpoint).toBe(`${origin}/push/${id}`);
      expect(subscription.expirationTime).toBeNull();
      expect(Buffer.from(subscription.keys.p256dh, 'base64url')).toHaveLength(65);
      expect(Buffer.from(subscription.keys.auth, 'base64url')).toHaveLength(16);
      expect(() => server.createSubscriber({ applicationServerKey: 'not-a-key' })).toThrow(/applicationServerKey/);
    });

    it('accepts a message signed with the subscription key and records its decrypted plaintext', async () => {
      const { id, subscription } = subscribe();
      const res = await send(subscription, 'Grüße 🎉', { urgency: 'high', topic: 'greeting' });
      expect(res.statusCode).toBe(201);
      expect(res.body).toBe('');
      expect(res.headers.ttl).toBe('60');
      expect(String(res.headers.location)).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/m\/[A-Za-z0-9_-]+$/);
      expect(String(res.headers.location).startsWith(`${origin}/m/`)).toBe(true);

      const messages = await control.messages(id);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({
        subscriberId: id,
        plaintext: 'Grüße 🎉',
        ttl: 60,
        urgency: 'high',
        topic: 'greeting',
        vapid: { aud: origin, sub: SUBJECT, k: vapid.publicKey },
      });
      expect(messages[0]?.decryptError).toBeUndefined();
      expect(String(res.headers.location).endsWith(`/m/${messages[0]?.messageId}`)).toBe(true);
      expect(await control.requests({ subscriberId: id })).toEqual([
        expect.objectContaining({
          status: 201,
          headers: { ttl: '60', urgency: 'high', topic: 'greeting', contentEncoding: 'aes128gcm' },
          vapid: expect.objectContaining({ aud: origin, sub: SUBJECT }),
        }),
      ]);
    });

    it('records a message without a body with null plaintext', async () => {
      const { id, subscription } = subscribe();
      expect((await send(subscription, null)).statusCode).toBe(201);
      expect(server.messages(id)).toEqual([expect.objectContaining({ plaintext: null, ttl: 60 })]);
    });

    it('waits for messages sent concurrently, in arrival order per subscriber', async () => {
      const a = subscribe();
      const b = subscribe();
      const waiting = server.waitForMessages(a.id, 3);
      await Promise.all([send(a.subscription, 'a1'), send(b.subscription, 'b1'), send(a.subscription, 'a2'), send(a.subscription, 'a3')]);
      const got = await waiting;
      expect(got.map((m) => m.plaintext).sort()).toEqual(['a1', 'a2', 'a3']);
      expect(server.allMessages()).toHaveLength(4);
      expect(server.requests({ subscriberId: b.id })).toHaveLength(1);
      await expect(server.waitForMessages(b.id, 2, 50)).rejects.toThrow(`subscriber ${b.id} got 1 of 2 message(s) within 50 ms`);
    });

    it('accepts but flags a body that does not decrypt, as a real service would', async () => {
      const { id } = subscribe();
      const res = await post(
        `${origin}/push/${id}`,
        { Authorization: vapidHeader({ aud: origin }), TTL: '0', 'Content-Encoding': 'aes128gcm' },
        randomBytes(200),
      );
      expect(res.status).toBe(201);
      expect(server.messages(id)).toEqual([expect.objectContaining({ plaintext: null, decryptError: expect.any(String), ttl: 0 })]);
    });

    it('accepts a hand-made token, so the rejections below are down to the one thing changed', async () => {
      const { id, subscription } = subscribe();
      const headers = { Authorization: vapidHeader({ aud: origin }), TTL: '5', 'Content-Encoding': 'AES128GCM', Topic: 'x'.repeat(32) };
      const res = await post(subscription.endpoint, headers, encrypt(subscription, 'hand made'));
      expect(res.status).toBe(201);
      expect(server.messages(id)).toEqual([expect.objectContaining({ plaintext: 'hand made', ttl: 5, topic: 'x'.repeat(32) })]);
    });
  });

  describe('rejecting messages', () => {
    /** Sends with a valid token and headers except for `change`, expects `status` and no message. */
    async function expectRejected(change: Record<string, string | null>, status: number, errno: number, body?: Buffer) {
      const { id, subscription } = subscribe();
      const headers: Record<string, string | null> = {
        Authorization: vapidHeader({ aud: origin }),
        TTL: '60',
        'Content-Encoding': 'aes128gcm',
        ...change,
      };
      const sent = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== null));
      const res = await post(subscription.endpoint, sent, body ?? encrypt(subscription, 'never stored'));
      expect(JSON.parse(res.body)).toMatchObject({ code: status, errno, error: expect.any(String), message: expect.any(String) });
      expect(res.status).toBe(status);
      expect(server.messages(id)).toEqual([]);
      const [record] = server.requests({ subscriberId: id });
      expect(record).toMatchObject({ status, reason: expect.any(String) });
      return record;
    }

    it('answers 404 for an unknown subscription', async () => {
      const res = await post(`${origin}/push/nope`, { Authorization: vapidHeader({ aud: origin }), TTL: '60' });
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body)).toEqual({ code: 404, errno: ERRNO.noSuchSubscription, error: 'Not Found', message: 'No such subscription' });
      expect(server.requests()).toEqual([expect.objectContaining({ subscriberId: 'nope', status: 404, reason: 'No such subscription' })]);
    });

    it('answers 403 to a message signed with another VAPID key', async () => {
      const { id, subscription } = subscribe();
      const rejected = await sendRejection(subscription, 'hi', {
        vapidDetails: { subject: SUBJECT, publicKey: otherVapid.publicKey, privateKey: otherVapid.privateKey },
      });
      expect(rejected.statusCode).toBe(403);
      expect(rejected.json).toMatchObject({ code: 403, errno: ERRNO.authentication, error: 'Forbidden' });
      expect(server.messages(id)).toEqual([]);
      expect(server.requests({ subscriberId: id })).toEqual([
        expect.objectContaining({ status: 403, vapid: expect.objectContaining({ k: otherVapid.publicKey }) }),
      ]);
    });

    it('answers 401 to a token for another audience', async () => {
      const record = await expectRejected({ Authorization: vapidHeader({ aud: 'https://push.example.net' }) }, 401, ERRNO.authentication);
      expect(record?.vapid?.aud).toBe('https://push.example.net');
      expect(record?.reason).toMatch(/aud/);
    });

    it('answers 401 to an expired token', async () => {
      await expectRejected({ Authorization: vapidHeader({ aud: origin, exp: Math.floor(Date.now() / 1000) - 120 }) }, 401, ERRNO.authentication);
    });

    it('answers 401 to a token expiring more than 24 hours ahead', async () => {
      await expectRejected({ Authorization: vapidHeader({ aud: origin, exp: Math.floor(Date.now() / 1000) + 25 * 3600 }) }, 401, ERRNO.authentication);
    });

    it('answers 401 to an HS256 token', async () => {
      const record = await expectRejected({ Authorization: vapidHeader({ aud: origin }, { alg: 'HS256' }) }, 401, ERRNO.authentication);
      expect(record?.reason).toMatch(/ES256/);
    });

    it('answers 401 to a signature that k does not verify', async () => {
      const forged = vapidHeader({ aud: origin }, { keys: { publicKey: otherVapid.publicKey, privateKey: otherVapid.privateKey } });
      const record = await expectRejected({ Authorization: forged }, 401, ERRNO.authentication);
      expect(record?.reason).toMatch(/signature/);
    });

    it('answers 401 to a missing or non-vapid Authorization and to a bad sub', async () => {
      await expectRejected({ Authorization: null }, 401, ERRNO.authentication);
      await expectRejected({ Authorization: vapidHeader({ aud: origin }).replace(/^vapid/, 'WebPush') }, 401, ERRNO.authentication);
      await expectRejected({ Authorization: vapidHeader({ aud: origin, sub: 'test@example.com' }) }, 401, ERRNO.authentication);
    });

    it('parses the vapid parameters in any order and case', async () => {
      const { id, subscription } = subscribe();
      const [, t, k] = /t=(\S+), k=(\S+)/.exec(vapidHeader({ aud: origin })) ?? [];
      const res = await post(subscription.endpoint, { Authorization: `VAPID   k=${k} ,t=${t}`, TTL: '60' });
      expect(res.status).toBe(201);
      expect(server.messages(id)).toHaveLength(1);
    });

    it('answers 400 to a missing TTL', async () => {
      await expectRejected({ TTL: null }, 400, ERRNO.missingTtl);
    });

    it('answers 400 to a negative TTL, an unknown Urgency and a 33-character Topic', async () => {
      await expectRejected({ TTL: '-1' }, 400, ERRNO.invalidTtl);
      await expectRejected({ Urgency: 'urgent' }, 400, ERRNO.invalidUrgency);
      await expectRejected({ Topic: 'x'.repeat(33) }, 400, ERRNO.invalidTopic);
    });

    it('answers 413 to a 4097-byte body', async () => {
      const record = await expectRejected({}, 413, ERRNO.payloadTooLarge, randomBytes(4097));
      expect(record?.bodyBytes).toBe(4097);
    });

    it('answers 415 to aesgcm and 400 to a body without Content-Encoding', async () => {
      // Not through web-push: for aesgcm it switches to the pre-RFC `WebPush` Authorization scheme,
      // which this service refuses with 401 before it looks at the encoding.
      await expectRejected({ 'Content-Encoding': 'aesgcm' }, 415, ERRNO.encryption);
      await expectRejected({ 'Content-Encoding': null }, 400, ERRNO.encryption);
    });
  });

  describe('behaviours', () => {
    it('answers 410 once, then normally', async () => {
      const { id, subscription } = subscribe();
      await control.setBehaviour(id, { status: 410, times: 1 });
      const rejected = await sendRejection(subscription, 'first');
      expect(rejected.statusCode).toBe(410);
      expect(rejected.json).toMatchObject({ code: 410, errno: ERRNO.gone, error: 'Gone' });
      expect((await send(subscription, 'second')).statusCode).toBe(201);
      expect(server.messages(id).map((m) => m.plaintext)).toEqual(['second']);
      expect(server.requests({ subscriberId: id }).map((r) => [r.status, r.reason])).toEqual([
        [410, 'behaviour'],
        [201, undefined],
      ]);
    });

    it('answers 429 with Retry-After until cleared', async () => {
      const { id, subscription } = subscribe();
      server.setBehaviour(id, { status: 429, retryAfter: 2 });
      for (let i = 0; i < 2; i++) {
        const rejected = await sendRejection(subscription, 'slow down');
        expect(rejected.statusCode).toBe(429);
        expect(rejected.headers?.['retry-after']).toBe('2');
      }
      server.setBehaviour(id, null);
      expect((await send(subscription, 'ok')).statusCode).toBe(201);
    });

    it('delays before answering normally', async () => {
      const { id, subscription } = subscribe();
      server.setBehaviour(id, { delayMs: 400, times: 1 });
      const started = Date.now();
      expect((await send(subscription, 'late')).statusCode).toBe(201);
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      const again = Date.now();
      await send(subscription, 'on time');
      expect(Date.now() - again).toBeLessThan(390);
      expect(server.messages(id).map((m) => m.plaintext)).toEqual(['late', 'on time']);
    });

    it('resets the connection without answering', async () => {
      const { id, subscription } = subscribe();
      server.setBehaviour(id, { reset: true, times: 1 });
      const rejected = await sendRejection(subscription, 'lost');
      expect(rejected.statusCode).toBeUndefined();
      expect(rejected.code).toBe('ECONNRESET');
      expect(server.requests({ subscriberId: id })).toEqual([expect.objectContaining({ status: 0, reason: 'behaviour' })]);
      expect((await send(subscription, 'after')).statusCode).toBe(201);
      expect(server.messages(id).map((m) => m.plaintext)).toEqual(['after']);
    });

    it('follows a script of behaviours in order, then answers normally', async () => {
      const { id, subscription } = subscribe();
      server.setBehaviours(id, [{ status: 503 }, { status: 429, retryAfter: 3, times: 2 }, { reset: true }]);
      expect((await sendRejection(subscription, 'a')).statusCode).toBe(503);
      expect((await sendRejection(subscription, 'b')).headers?.['retry-after']).toBe('3');
      expect((await sendRejection(subscription, 'c')).statusCode).toBe(429);
      expect((await sendRejection(subscription, 'd')).code).toBe('ECONNRESET');
      expect((await send(subscription, 'e')).statusCode).toBe(201);
      expect(server.requests({ subscriberId: id }).map((r) => [r.status, r.retryAfter])).toEqual([
        [503, undefined],
        [429, 3],
        [429, 3],
        [0, undefined],
        [201, undefined],
      ]);
      expect(server.messages(id).map((m) => m.plaintext)).toEqual(['e']);
    });

    it('hangs without answering until the client gives up, accepting nothing', async () => {
      const { id, subscription } = subscribe();
      server.setBehaviours(id, [{ hang: true }]);
      const rejected = await sendRejection(subscription, 'never', { timeout: 300 });
      expect(rejected.statusCode).toBeUndefined();
      expect(server.requests({ subscriberId: id })).toEqual([expect.objectContaining({ status: 0, reason: 'behaviour' })]);
      expect((await send(subscription, 'after')).statusCode).toBe(201);
      expect(server.messages(id).map((m) => m.plaintext)).toEqual(['after']);
    });

    it('refuses behaviours for unknown subscribers or of unknown shape', () => {
      const { id } = subscribe();
      expect(() => server.setBehaviour('nope', { status: 500 })).toThrow(/No such subscriber/);
      expect(() => server.setBehaviour(id, { status: 418 } as never)).toThrow(/Invalid behaviour/);
      expect(() => server.setBehaviour(id, { status: 429 } as never)).toThrow(/Invalid behaviour/);
    });

    it('forgets behaviours, messages and requests on reset but keeps subscribers', async () => {
      const { id, subscription } = subscribe();
      await send(subscription, 'before');
      server.setBehaviour(id, { status: 500 });
      server.reset();
      expect(server.messages(id)).toEqual([]);
      expect(server.requests()).toEqual([]);
      expect((await send(subscription, 'after')).statusCode).toBe(201);
    });
  });
});

describe('PushServiceServer as a separate process (main.ts + PushServiceClient)', () => {
  let child: ChildProcess | undefined;
  let client: PushServiceClient;
  let started: { origin: string; certPath: string; pid: number };

  beforeAll(async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/push-service/main.ts', '--port', '0'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: proc.stdout });
    const first = once(lines, 'line') as Promise<[string]>;
    const exited = once(proc, 'exit').then(([code]) => {
      throw new Error(`main.ts exited with ${String(code)} before listening: ${stderr}`);
    });
    const [line] = await Promise.race([first, exited]);
    started = JSON.parse(line) as typeof started;
    client = new PushServiceClient({ origin: started.origin, certPath: started.certPath });
  });

  afterAll(async () => {
    await client?.close();
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('prints where it listens', () => {
    expect(started.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(started.certPath).toBe(cert.certPath);
    expect(started.pid).toBe(child?.pid);
  });

  it('is driven through the control API', async () => {
    const control: PushServiceControl = client;
    expect(await client.health()).toBe(true);
    const { id, subscription } = await control.createSubscriber({ applicationServerKey: vapid.publicKey, label: 'remote' });
    expect(subscription.endpoint).toBe(`${started.origin}/push/${id}`);

    expect((await send(subscription, 'über the wire')).statusCode).toBe(201);
    const [message] = await control.waitForMessages(id, 1, 5_000);
    expect(message).toMatchObject({ plaintext: 'über the wire', vapid: { aud: started.origin, sub: SUBJECT } });
    expect(await control.allMessages()).toHaveLength(1);

    await control.setBehaviour(id, { status: 503, times: 1 });
    const rejected = await sendRejection(subscription, 'unavailable');
    expect(rejected.statusCode).toBe(503);
    expect(rejected.json).toMatchObject({ errno: ERRNO.unavailable });
    expect((await control.requests({ subscriberId: id })).map((r) => r.status)).toEqual([201, 503]);
    expect(await control.requests({ subscriberId: 'someone-else' })).toEqual([]);

    await control.reset();
    expect(await control.messages(id)).toEqual([]);
    expect(await control.requests()).toEqual([]);
    await expect(control.messages('nope')).rejects.toThrow(/404/);
    await expect(control.setBehaviour(id, { status: 299 } as never)).rejects.toThrow(/400/);
    await expect(control.createSubscriber({ applicationServerKey: 'short' })).rejects.toThrow(/400/);
    await expect(control.waitForMessages(id, 1, 100)).rejects.toThrow(/got 0 of 1/);
  });

  it('stops cleanly on SIGTERM', async () => {
    const proc = child!;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });
});

/**
 * The sender against the push-service test server over real HTTPS: the server checks VAPID and
 * the RFC 8030 headers as Mozilla's push service does and decrypts every message with an
 * implementation independent of ours (http_ece).
 */
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PushServiceServer } from '../../tests/push-service/server';
import { PushAllowlist } from './allowlist';
import { MAX_PAYLOAD_BYTES } from './ece';
import { generateKeyPair, privateKeyObject } from './p256';
import { PushSender, type PushTarget } from './sender';
import { VapidSigner, type VapidClaims } from './vapid';

const server = new PushServiceServer();
let sender: PushSender;
let allowlist: PushAllowlist;
const keyA = generateKeyPair();
const keyB = generateKeyPair();
const issued: VapidClaims[] = [];
const signerA = new VapidSigner(
  { id: 'a', publicKey: keyA.publicKey, privateKey: privateKeyObject(keyA), subject: 'mailto:ops@example.com' },
  async (_id, c) => (issued.push(c), issued.length),
);
const signerB = new VapidSigner({ id: 'b', publicKey: keyB.publicKey, privateKey: privateKeyObject(keyB), subject: 'https://example.com/contact' });

beforeAll(async () => {
  const origin = await server.start();
  allowlist = new PushAllowlist(`default, 127.0.0.1:${new URL(origin).port}`);
  sender = new PushSender({ allowlist, timeoutMs: 800 });
});
afterAll(async () => {
  await sender.close();
  await server.stop();
});
beforeEach(() => server.reset());

function subscriber(key = keyA.publicKey) {
  const s = server.createSubscriber({ applicationServerKey: key });
  const target: PushTarget = { endpoint: s.subscription.endpoint, ...s.subscription.keys };
  return { id: s.id, target };
}

describe('sending to a push service', () => {
  it('delivers an encrypted message with TTL, Urgency and Topic, signed for the service origin', async () => {
    const { id, target } = subscriber();
    const text = JSON.stringify({ title: 'Grüße 🎉', body: 'Zwölf Boxkämpfer jagen Viktor' });
    const r = await sender.send(target, { payload: Buffer.from(text), ttl: 3600, urgency: 'high', topic: 'price-drop_7' }, signerA);
    expect(r).toMatchObject({ outcome: 'delivered', status: 201, pushService: '127.0.0.1' });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    const [m] = server.messages(id);
    expect(m!.plaintext).toBe(text);
    expect(m!.decryptError).toBeUndefined();
    expect(m).toMatchObject({ ttl: 3600, urgency: 'high', topic: 'price-drop_7' });
    expect(m!.vapid).toMatchObject({ aud: server.origin, sub: 'mailto:ops@example.com', k: keyA.publicKey });
    expect(m!.vapid.exp * 1000 - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
    expect(r.claim).toMatchObject({ aud: server.origin, sub: 'mailto:ops@example.com' });
  });

  it('signs one JWT per push-service origin, not one per message', async () => {
    const before = issued.length;
    const subs = Array.from({ length: 20 }, () => subscriber());
    const results = await Promise.all(subs.map((s) => sender.send(s.target, { payload: Buffer.from('x'), ttl: 60 }, signerA)));
    expect(results.every((r) => r.outcome === 'delivered')).toBe(true);
    expect(new Set(results.map((r) => r.claim!.id)).size).toBe(1);
    expect(issued.length - before).toBeLessThanOrEqual(1);
  });

  it('sends a push without payload (no body, no Content-Encoding)', async () => {
    const { id, target } = subscriber();
    const r = await sender.send(target, { payload: null, ttl: 0 }, signerA);
    expect(r.outcome).toBe('delivered');
    expect(server.messages(id)[0]!.plaintext).toBeNull();
  });

  it('gets 403 when signing with another key than the subscription was made with, and keeps the reason', async () => {
    const { id, target } = subscriber(keyA.publicKey);
    const r = await sender.send(target, { payload: Buffer.from('x'), ttl: 60 }, signerB);
    expect(r).toMatchObject({ outcome: 'rejected', status: 403 });
    expect(r.reason).toMatch(/errno 109/);
    expect(server.messages(id)).toHaveLength(0);
  });

  it.each([
    [{ status: 404 as const }, 'gone', 404],
    [{ status: 410 as const }, 'gone', 410],
    [{ status: 413 as const }, 'too_large', 413],
    [{ status: 400 as const }, 'rejected', 400],
    [{ status: 500 as const }, 'retry', 500],
    [{ status: 503 as const }, 'retry', 503],
  ])('classifies %j as %s', async (behaviour, outcome, status) => {
    const { id, target } = subscriber();
    server.setBehaviour(id, { ...behaviour, times: 1 });
    const r = await sender.send(target, { payload: Buffer.from('x'), ttl: 60 }, signerA);
    expect(r).toMatchObject({ outcome, status });
    const again = await sender.send(target, { payload: Buffer.from('x'), ttl: 60 }, signerA);
    expect(again.outcome).toBe('delivered');
  });

  it('passes Retry-After on 429', async () => {
    const { id, target } = subscriber();
    server.setBehaviour(id, { status: 429, retryAfter: 2, times: 1 });
    const r = await sender.send(target, { payload: Buffer.from('x'), ttl: 60 }, signerA);
    expect(r).toMatchObject({ outcome: 'rate_limited', status: 429, retryAfterMs: 2000 });
  });

  it('treats a slow service and a reset connection as retryable', async () => {
    const slow = subscriber();
    server.setBehaviour(slow.id, { delayMs: 2000, times: 1 });
    const r1 = await sender.send(slow.target, { payload: Buffer.from('x'), ttl: 60 }, signerA);
    expect(r1).toMatchObject({ outcome: 'retry', status: null });
    expect(r1.reason).toMatch(/Timed out/);
    const reset = subscriber();
    server.setBehaviour(reset.id, { reset: true, times: 1 });
    const r2 = await sender.send(reset.target, { payload: Buffer.from('x'), ttl: 60 }, signerA);
    expect(r2).toMatchObject({ outcome: 'retry', status: null });
  });

  it('refuses a payload that does not fit one record, before any request', async () => {
    const { id, target } = subscriber();
    const r = await sender.send(target, { payload: Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x61), ttl: 60 }, signerA);
    expect(r).toMatchObject({ outcome: 'too_large', status: null });
    expect(r.reason).toMatch(/3993/);
    expect(server.requests({ subscriberId: id })).toHaveLength(0);
  });

  it('re-checks the allowlist at send time', async () => {
    const { id, target } = subscriber();
    const strict = new PushSender({ allowlist: new PushAllowlist('default') });
    const r = await strict.send(target, { payload: Buffer.from('x'), ttl: 60 }, signerA);
    await strict.close();
    expect(r).toMatchObject({ outcome: 'rejected', status: null });
    expect(r.reason).toMatch(/not a push service/);
    expect(server.requests({ subscriberId: id })).toHaveLength(0);
  });

  it('refuses to connect when an allowed name resolves to a private address', async () => {
    const { id, target } = subscriber();
    const port = new URL(server.origin).port;
    const guarded = new PushSender({
      allowlist: new PushAllowlist(`*.pushdeck-test.example:${port}`),
      lookup: ((_h: string, _o: unknown, cb: (e: null, a: LookupAddress[]) => void) => cb(null, [{ address: '127.0.0.1', family: 4 }])) as never,
    });
    const r = await guarded.send(
      { ...target, endpoint: target.endpoint.replace('127.0.0.1', 'push.pushdeck-test.example') },
      { payload: Buffer.from('x'), ttl: 60 },
      signerA,
    );
    await guarded.close();
    expect(r).toMatchObject({ outcome: 'retry', status: null });
    expect(r.reason).toMatch(/EPUSHBLOCKED/);
    expect(server.requests({ subscriberId: id })).toHaveLength(0);
  });
});

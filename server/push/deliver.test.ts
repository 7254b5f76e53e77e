/**
 * Sending to stored subscriptions through the push-service test server, across a VAPID key
 * rotation: every subscription is sent with the key it was made with.
 */
import { eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptions, vapidClaims, vapidKeys } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { PushAllowlist } from '../../lib/push/allowlist';
import { PushSender } from '../../lib/push/sender';
import { PushServiceServer } from '../../tests/push-service/server';
import { ctxFor, openTestDatabase, type TestDatabase } from '../../tests/support/db';
import { subscribe, unsubscribe } from '../subscribers/subscribe';
import { forgetActiveKeyCache, Keyring } from '../vapid/keys';
import { deleteVapidKey, ensureActiveVapidKey, generateVapidKey } from '../vapid/mutations';
import { listVapidKeys } from '../vapid/queries';
import { markExpired, sendToRecipients, type Recipient } from './deliver';

let tdb: TestDatabase;
const server = new PushServiceServer();
let sender: PushSender;

beforeAll(async () => {
  tdb = await openTestDatabase();
  await server.start();
  sender = new PushSender({ allowlist: new PushAllowlist(`127.0.0.1:${new URL(server.origin).port}`) });
  await ensureActiveVapidKey(tdb.db, 'mailto:ops@example.com');
});
afterAll(async () => {
  await sender?.close();
  await server.stop();
  await tdb?.dispose();
});

async function activeKey() {
  const [k] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
  return k!;
}

/** A browser subscribing through the public API with the server's active key. */
async function browserSubscribes() {
  forgetActiveKeyCache();
  const key = await activeKey();
  const s = server.createSubscriber({ applicationServerKey: key.publicKey });
  const res = await subscribe(tdb, { subscription: s.subscription, topics: [], vapidPublicKey: key.publicKey });
  return { testId: s.id, subscriptionId: res.id, keyId: key.id };
}

async function recipients(ids: string[]): Promise<Recipient[]> {
  const rows = await tdb.db.select().from(subscriptions);
  return rows.filter((r) => ids.includes(r.id)).map((r) => ({ id: r.id, endpoint: r.endpoint, p256dh: r.p256dh, auth: r.auth, vapidKeyId: r.vapidKeyId }));
}

describe('delivery across a key rotation', () => {
  it('sends old subscriptions with the old key and new ones with the new key', async () => {
    const before = await browserSubscribes();
    const oldKey = await activeKey();
    const newKey = await generateVapidKey(ctxFor(tdb), { name: 'Rotated', subject: 'mailto:ops@example.com', activate: 'on' });
    const after = await browserSubscribes();
    expect(after.keyId).toBe(newKey.id);

    const keyring = new Keyring(tdb.db);
    const payload = Buffer.from(JSON.stringify({ title: 'Rotation', body: 'Both arrive' }));
    const results = await sendToRecipients({ keyring, sender }, await recipients([before.subscriptionId, after.subscriptionId]), { payload, ttl: 60 });
    expect([...results.values()].map((r) => r.outcome)).toEqual(['delivered', 'delivered']);

    const [m1] = server.messages(before.testId);
    const [m2] = server.messages(after.testId);
    expect(m1!.vapid.k).toBe(oldKey.publicKey);
    expect(m2!.vapid.k).toBe(newKey.publicKey);
    expect(JSON.parse(m1!.plaintext!)).toEqual({ title: 'Rotation', body: 'Both arrive' });
    expect(JSON.parse(m2!.plaintext!)).toEqual({ title: 'Rotation', body: 'Both arrive' });

    // Each JWT issued is on record: key, aud, sub, exp.
    const claims = await tdb.db.select().from(vapidClaims);
    expect(claims.map((c) => c.publicKey).sort()).toEqual([oldKey.publicKey, newKey.publicKey].sort());
    for (const c of claims) {
      expect(c.aud).toBe(server.origin);
      expect(c.sub).toBe('mailto:ops@example.com');
      expect(c.exp.getTime() - c.issuedAt.getTime()).toBeLessThanOrEqual(24 * 3600 * 1000);
    }
    expect(results.get(before.subscriptionId)!.claim!.id).toBe(claims.find((c) => c.publicKey === oldKey.publicKey)!.id);

    // The keys page counts who still uses each key; the old one cannot go while it is used.
    const listed = await listVapidKeys(ctxFor(tdb));
    expect(listed.find((k) => k.id === oldKey.id)).toMatchObject({ status: 'retired', activeSubscriptions: 1 });
    expect(listed.find((k) => k.id === newKey.id)).toMatchObject({ status: 'active', activeSubscriptions: 1 });
    const refused = await deleteVapidKey(ctxFor(tdb), { id: oldKey.id }).catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('conflict');

    // Once its last subscription is gone it can be deleted; its claims stay on record.
    const [old] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, before.subscriptionId));
    await unsubscribe(tdb, { endpoint: old!.endpoint });
    await deleteVapidKey(ctxFor(tdb), { id: oldKey.id });
    const orphaned = await tdb.db.select().from(vapidClaims).where(isNull(vapidClaims.vapidKeyId));
    expect(orphaned.map((c) => c.publicKey)).toEqual([oldKey.publicKey]);
  });

  it('marks 404/410 subscriptions expired', async () => {
    const a = await browserSubscribes();
    const b = await browserSubscribes();
    server.setBehaviour(a.testId, { status: 410 });
    const results = await sendToRecipients({ keyring: new Keyring(tdb.db), sender }, await recipients([a.subscriptionId, b.subscriptionId]), {
      payload: Buffer.from('{}'),
      ttl: 60,
    });
    const gone = [...results].filter(([, r]) => r.outcome === 'gone').map(([id]) => id);
    expect(gone).toEqual([a.subscriptionId]);
    await markExpired(tdb.db, gone);
    const rows = await tdb.db.select().from(subscriptions);
    expect(rows.find((r) => r.id === a.subscriptionId)!.status).toBe('expired');
    expect(rows.find((r) => r.id === b.subscriptionId)!.status).toBe('active');
  });
});

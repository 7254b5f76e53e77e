/**
 * Secrets stay secret: with logging at `debug`, everything the process writes while users sign in
 * (right and wrong passwords), passwords are set and reset, API keys are created, used, revoked
 * and forged, VAPID keys are imported (base64url and PEM, valid and broken) and a campaign is sent
 * is captured, and none of those secrets appears in it. In the database, passwords and API keys
 * are stored only as hashes, and VAPID private keys only encrypted.
 */
import { generateKeyPairSync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { POST as notificationsRoute } from '../../app/api/v1/notifications/route';
import { apiKeys, campaigns, subscriptions, users, vapidKeys, DEFAULT_PROJECT_ID } from '../../db/schema';
import { errorText, logger } from '../../lib/logger';
import { generateKeyPair } from '../../lib/push/p256';
import { createApiKey, revokeApiKey } from '../../server/api-keys/mutations';
import { authenticate } from '../../server/auth/login';
import { getRuntime, stopRuntime } from '../../server/runtime';
import { subscribe } from '../../server/subscribers/subscribe';
import { createTopic } from '../../server/topics/mutations';
import { changeOwnPassword, createUser, resetUserPassword } from '../../server/users/mutations';
import { importVapidKey } from '../../server/vapid/mutations';
import { PushServiceServer } from '../push-service/server';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../support/db';
import { until } from '../reliability/support';

process.env.LOG_LEVEL = 'debug';
process.env.RECONCILE_SECONDS = '2';

let tdb: TestDatabase;
const server = new PushServiceServer();
const written: string[] = [];
const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

beforeAll(async () => {
  const capture = (chunk: unknown) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await server.start();
  await getRuntime('web');
}, 60_000);

afterAll(async () => {
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
  await stopRuntime();
  await server.stop();
  await tdb?.dispose();
});

it(
  'never writes passwords, API keys, VAPID private keys or the root secret to the log, and stores them hashed or encrypted',
  { timeout: 120_000 },
  async () => {
    const root = ctxFor(tdb);
    const secrets: string[] = [process.env.PUSHDECK_SECRET!];

    const password = 'Correct-Horse-Battery-9173';
    const wrong = 'Wrong-Password-Guess-4410';
    const reset = 'Reset-Password-Value-5521';
    const changed = 'Changed-Password-Value-6632';
    secrets.push(password, wrong, reset, changed);
    const user = await createUser(root, { email: 'secret-owner@example.com', name: 'S', password, role: 'owner' });
    await expect(authenticate(tdb.db, { email: user.email, password: wrong, ip: '192.0.2.1' })).rejects.toThrow();
    await authenticate(tdb.db, { email: user.email, password, ip: '192.0.2.1' });
    await resetUserPassword(root, { userId: user.id, password: reset });
    const asUser = ctxFor(tdb, { kind: 'user', id: user.id, email: user.email, name: 'S', role: 'owner' });
    await expect(changeOwnPassword(asUser, { current: wrong, password: changed, confirm: changed })).rejects.toThrow();
    await changeOwnPassword(asUser, { current: reset, password: changed, confirm: changed });

    const raw = generateKeyPair();
    const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    secrets.push(raw.privateKey, pem.split('\n')[1]!);
    await importVapidKey(root, { name: 'raw', subject: 'mailto:ops@example.com', publicKey: raw.publicKey, privateKey: raw.privateKey });
    await importVapidKey(root, { name: 'pem', subject: 'mailto:ops@example.com', privateKey: pem });
    await expect(
      importVapidKey(root, { name: 'bad', subject: 'mailto:ops@example.com', publicKey: generateKeyPair().publicKey, privateKey: raw.privateKey }),
    ).rejects.toThrow();

    const topic = await createTopic(root, { slug: 'secrets', name: 'Secrets' });
    const { key, apiKey } = await createApiKey(root, { name: 'logged?', scopes: ['send'], topicIds: [] });
    secrets.push(key);
    const [active] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
    const s = server.createSubscriber({ applicationServerKey: active!.publicKey });
    secrets.push(s.subscription.keys.auth);
    await subscribe(tdb, { subscription: s.subscription, topics: ['secrets'] });
    const send = (bearer: string) =>
      notificationsRoute(
        new Request('http://localhost/api/v1/notifications', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, 'x-pushdeck-client-ip': '192.0.2.9' },
          body: JSON.stringify({ topics: [topic.slug], title: 'Hello' }),
        }),
      );
    const ok = await send(key);
    expect(ok.status).toBe(202);
    const { campaignId } = (await ok.json()) as { campaignId: string };
    await until(async () => (await tdb.db.select().from(campaigns).where(eq(campaigns.id, campaignId)))[0]!.status === 'completed', 'the campaign', 60_000);
    expect((await send(`${key.slice(0, -2)}zz`)).status).toBe(401);
    await revokeApiKey(root, { id: apiKey.id });
    expect((await send(key)).status).toBe(401);

    const log = written.join('');
    expect(log.length).toBeGreaterThan(500); // debug logging really ran
    for (const secret of secrets) expect(log.includes(secret), `a secret (${secret.slice(0, 4)}…) in the log`).toBe(false);

    // Stored hashed or encrypted, never as given.
    const [u] = await tdb.db.select().from(users).where(eq(users.id, user.id));
    expect(u!.passwordHash).toMatch(/^scrypt\$/);
    for (const p of [password, reset, changed]) expect(u!.passwordHash).not.toContain(p);
    const [k] = await tdb.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(k!.keyHash).not.toContain(key);
    expect(k!.keyHash).not.toContain(key.slice(3, 20));
    for (const v of await tdb.db.select().from(vapidKeys)) {
      expect(v.privateKeyEnc).not.toContain(raw.privateKey);
      expect(v.privateKeyEnc).not.toMatch(/BEGIN|PRIVATE KEY/);
    }
  },
);

it('logs a failed query by its code and message, never its parameters (endpoints, keys)', async () => {
  const [active] = await tdb.db.select().from(vapidKeys).where(eq(vapidKeys.status, 'active'));
  const s = server.createSubscriber({ applicationServerKey: active!.publicKey });
  await subscribe(tdb, { subscription: s.subscription, topics: [] });
  const row = {
    projectId: DEFAULT_PROJECT_ID,
    endpoint: s.subscription.endpoint,
    p256dh: s.subscription.keys.p256dh,
    auth: s.subscription.keys.auth,
    pushService: '127.0.0.1',
    vapidKeyId: active!.id,
  };
  // The same endpoint again: a unique violation, with the whole row in drizzle's `params`.
  const err = await tdb.db
    .insert(subscriptions)
    .values(row)
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(Error);
  expect(String((err as Error).message)).toContain(row.p256dh); // what drizzle puts in the message
  const from = written.length;
  logger.error('test.failed-query', { err });
  const line = written.slice(from).join('');
  expect(line).toContain('23505');
  expect(line).toContain('[4 withheld]'.replace('4', String((err as { params: unknown[] }).params.length)));
  for (const secret of [row.endpoint, row.p256dh, row.auth]) expect(line.includes(secret), secret.slice(0, 20)).toBe(false);
  const text = errorText(err);
  expect(text).toMatch(/^Database query failed \(23505\): duplicate key/);
  for (const secret of [row.endpoint, row.p256dh, row.auth]) expect(text.includes(secret)).toBe(false);
});

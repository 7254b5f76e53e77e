/**
 * What the outside penetration test of the production build found (issue 14), one case per
 * finding, through the real route handlers and services on a real database, so none can come
 * back. What needs HTTP in front of Next (methods, malformed paths, body limits, forwarded
 * headers, stray server actions, sign-out) is in tests/unit/front.test.ts and
 * e2e/security.spec.ts; the sign-in race in server/users/users.test.ts; logged query parameters in
 * tests/security/secrets.test.ts; merging stored spellings in server/subscribers/merge.test.ts.
 */
import { createECDH, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { es256Token } from '../support/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db';
import { campaigns, subscriptions } from '../../db/schema';
import { POST as notify } from '../../app/api/v1/notifications/route';
import { GET as listCampaigns } from '../../app/api/v1/campaigns/route';
import { GET as listSubscribers } from '../../app/api/v1/subscribers/route';
import { DELETE as unsubscribeRoute, POST as subscribeRoute } from '../../app/api/push/subscriptions/route';
import { POST as lookupRoute } from '../../app/api/push/subscriptions/lookup/route';
import { DELETE as storeDelete, GET as storeGet, POST as storePost } from '../../app/api/v1/store/[subscriptionId]/route';
import { addTokenKey, createApiKey } from '../../server/api-keys/mutations';
import { resolveSchedule, updateCampaign } from '../../server/campaigns/mutations';
import { importSubscribers } from '../../server/subscribers/import';
import { decodeImportFile } from '../../server/subscribers/import-file';
import { getRuntime, stopRuntime } from '../../server/runtime';
import { createTopic } from '../../server/topics/mutations';
import { importVapidKey } from '../../server/vapid/mutations';
import { generateKeyPair } from '../../lib/push/p256';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../support/db';

process.env.PUSH_ALLOWED_HOSTS = 'default';
process.env.PUBLIC_API_RATE_PER_MINUTE = '1000000';
process.env.API_RATE_PER_MINUTE = '1000000';

let tdb: TestDatabase;
let keyA = '';
let keyB = '';
let limitedKey = '';
let vapidKeyId = '';
let signing: KeyObject;

let ip = 0;
const nextIp = () => `198.51.100.${(ip++ % 250) + 1}`;
function request(path: string, method: string, opts: { body?: unknown; key?: string; ip?: string } = {}) {
  const headers: Record<string, string> = { 'x-pushdeck-client-ip': opts.ip ?? nextIp(), 'content-type': 'application/json' };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  return new Request(`http://localhost/${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
}
const sub = (subscriptionId: string) => ({ params: Promise.resolve({ subscriptionId }) });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; fieldErrors?: Record<string, string[]> } }).error;

/** An ES256 token; `s: 'high'` or `'low'` picks which of the two valid signatures it carries. */
const token = (payload: Record<string, unknown>, s?: 'high' | 'low') => es256Token(payload, signing, { s });
const now = () => Math.floor(Date.now() / 1000);

function browserKeys() {
  const e = createECDH('prime256v1');
  e.generateKeys();
  return { p256dh: e.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

beforeAll(async () => {
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await getRuntime('web');
  const root = ctxFor(tdb);
  const news = await createTopic(root, { slug: 'news', name: 'News', isPublic: 'true' });
  await createTopic(root, { slug: 'vip', name: 'VIP', isPublic: 'false' });
  keyA = (await createApiKey(root, { name: 'key a', scopes: ['send', 'manage'], topicIds: [] })).key;
  keyB = (await createApiKey(root, { name: 'key b', scopes: ['send', 'manage'], topicIds: [] })).key;
  limitedKey = (await createApiKey(root, { name: 'news only', scopes: ['send', 'manage'], topicIds: [news.id] })).key;
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  signing = pair.privateKey;
  await addTokenKey(root, { name: 'notiflux', publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  const vapid = generateKeyPair();
  vapidKeyId = (await importVapidKey(root, { name: 'Imported', subject: 'mailto:ops@example.com', publicKey: vapid.publicKey, privateKey: vapid.privateKey }))
    .id;
}, 60_000);

afterAll(async () => {
  await stopRuntime();
  await tdb?.dispose();
});

async function subscriptionCount(): Promise<number> {
  return Number(rowsOf<{ n: number }>(await tdb.db.execute(sql`select count(*)::int as n from subscriptions`))[0]!.n);
}

describe('1. one device, one subscription', () => {
  it('every spelling of an endpoint is the same subscriber: subscribe, re-subscribe, lookup and unsubscribe', async () => {
    const id = randomBytes(12).toString('base64url');
    const canonical = `https://fcm.googleapis.com/fcm/send/${id}`;
    const spellings = [
      canonical,
      `https://fcm.googleapis.com:443/fcm/send/${id}`,
      `https://fcm.googleapis.com:0443/fcm/send/${id}`,
      `HTTPS://FCM.GOOGLEAPIS.COM/fcm/send/${id}`,
      `https://fcm.googleapis.com/fcm/send/${id}?`,
      `https://fcm.googleapis.com/fcm/send/${id}?x=1`,
      `https://fcm.googleapis.com/fcm/send/${id}#fragment`,
      `https://fcm.googleapis.com/./fcm/send/${id}`,
      `https://fcm.googleapis.com/fcm/x/../send/${id}`,
      `https://:@fcm.googleapis.com/fcm/send/${id}`,
      `https://fcm.googleapis.com/%66cm/send/${id}`,
    ];
    const before = await subscriptionCount();
    const ids = new Set<string>();
    for (const [i, endpoint] of spellings.entries()) {
      const res = await subscribeRoute(
        request('api/push/subscriptions', 'POST', { body: { subscription: { endpoint, keys: browserKeys() }, topics: ['news'] } }),
      );
      expect(res.status, endpoint).toBe(i === 0 ? 201 : 200);
      ids.add(((await res.json()) as { id: string }).id);
    }
    expect(ids.size).toBe(1);
    expect(await subscriptionCount()).toBe(before + 1);
    const [row] = await tdb.db
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.id, [...ids][0]!));
    expect(row!.endpoint).toBe(canonical);
    // A real push service's endpoint never needs credentials: they are refused, not dropped.
    const creds = await subscribeRoute(
      request('api/push/subscriptions', 'POST', {
        body: { subscription: { endpoint: `https://user:pw@fcm.googleapis.com/fcm/send/${id}`, keys: browserKeys() }, topics: ['news'] },
      }),
    );
    expect([400, 422]).toContain(creds.status);

    const look = await lookupRoute(request('api/push/subscriptions/lookup', 'POST', { body: { endpoint: spellings[6] } }));
    expect(look.status).toBe(200);
    expect(await unsubscribeRoute(request('api/push/subscriptions', 'DELETE', { body: { endpoint: spellings[2] } }))).toHaveProperty('status', 204);
    const [after] = await tdb.db.select().from(subscriptions).where(eq(subscriptions.id, row!.id));
    expect(after!.status).toBe('unsubscribed');
  });

  it('the import sees the same spellings as one row', async () => {
    const id = randomBytes(12).toString('base64url');
    const keys = browserKeys();
    const rows = [
      `https://fcm.googleapis.com/fcm/send/${id}`,
      `https://fcm.googleapis.com:443/fcm/send/${id}#x`,
      `https://fcm.googleapis.com/./fcm/send/${id}?`,
    ].map((endpoint) => ({ endpoint, keys }));
    const before = await subscriptionCount();
    const report = await importSubscribers(ctxFor(tdb), { vapidKeyId, content: JSON.stringify(rows), filename: 'spellings.json' });
    expect(report.rows.filter((r) => r.status === 'accepted')).toHaveLength(1);
    expect(await subscriptionCount()).toBe(before + 1);
  });
});

describe('2. the programs’ store belongs to its writer', () => {
  it('another key, a limited key and a token read none of the records they did not write, and delete none', async () => {
    const s = await subscribeRoute(
      request('api/push/subscriptions', 'POST', {
        body: {
          subscription: { endpoint: `https://fcm.googleapis.com/fcm/send/${randomBytes(12).toString('base64url')}`, keys: browserKeys() },
          topics: ['news'],
        },
      }),
    );
    expect(s.status).toBe(201);
    const { id } = (await s.json()) as { id: string };
    expect((await storePost(request(`api/v1/store/${id}`, 'POST', { key: keyA, body: { ttl: 600, data: 'for a only' } }), sub(id))).status).toBe(201);
    // A caller who may see the subscriber gets an empty store; one who may not (a token for
    // other topics) gets the 404 of a subscriber that does not exist.
    const others: [string, string, number][] = [
      ['another key', keyB, 200],
      ['a key limited to the subscriber’s topic', limitedKey, 200],
      ['a token for other topics', token({ sub: 'notiflux', exp: now() + 60, topics: ['vip'], scope: 'broadcast' }), 404],
    ];
    for (const [who, key, status] of others) {
      const read = await storeGet(request(`api/v1/store/${id}`, 'GET', { key }), sub(id));
      expect(read.status, who).toBe(status);
      if (status === 200) expect(((await read.json()) as { messages: unknown[] }).messages, who).toEqual([]);
      expect((await storeDelete(request(`api/v1/store/${id}`, 'DELETE', { key }), sub(id))).status, who).toBe(status === 200 ? 204 : 404);
    }
    const mine = await storeGet(request(`api/v1/store/${id}`, 'GET', { key: keyA }), sub(id));
    expect(((await mine.json()) as { messages: { data: string }[] }).messages.map((m) => m.data)).toEqual(['for a only']);
  });
});

describe('4, 6, 13. bounds and strict numbers', () => {
  it('expirationTime at or past year 10000 is a 400 naming the field, on subscribe and in the import dry run alike', async () => {
    const far = Date.UTC(10000, 0, 1);
    for (const expirationTime of [far, 1e300, -1, 2 ** 64]) {
      const res = await subscribeRoute(
        request('api/push/subscriptions', 'POST', {
          body: {
            subscription: { endpoint: `https://fcm.googleapis.com/fcm/send/${randomBytes(8).toString('hex')}`, expirationTime, keys: browserKeys() },
            topics: ['news'],
          },
        }),
      );
      expect(res.status, String(expirationTime)).toBe(400);
      expect(JSON.stringify(await errorOf(res))).toMatch(/expirationTime/);
    }
    const row = { endpoint: `https://fcm.googleapis.com/fcm/send/${randomBytes(8).toString('hex')}`, expirationTime: far, keys: browserKeys() };
    const dry = await importSubscribers(ctxFor(tdb), { vapidKeyId, content: JSON.stringify([row]), filename: 'far.json', dryRun: 'on' });
    expect(dry.rows[0]!.status).toBe('rejected');
    expect(JSON.stringify(dry.rows[0])).toMatch(/expirationTime/);
  });

  it('out-of-range dates and cursors are a 400, not a 500', async () => {
    for (const q of ['createdFrom=0000-01-01', 'createdTo=275760-09-13', 'createdFrom=2026-02-30', 'createdFrom=-000001-01-01']) {
      const res = await listSubscribers(request(`api/v1/subscribers?${q}`, 'GET', { key: keyA }));
      expect(res.status, q).toBe(400);
    }
    const id = '0190f0f0-0000-7000-8000-000000000000';
    for (const at of ['0000-01-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', 'not a date']) {
      const cursor = Buffer.from(`${at}|${id}`).toString('base64url');
      const res = await listCampaigns(request(`api/v1/campaigns?cursor=${cursor}`, 'GET', { key: keyA }));
      expect(res.status, at).toBe(400);
    }
    for (const limit of ['0x10', '1e2', ' 5'])
      expect((await listCampaigns(request(`api/v1/campaigns?limit=${encodeURIComponent(limit)}`, 'GET', { key: keyA }))).status, limit).toBe(400);
  });

  it('JSON numbers are numbers: ttl null, true, "0x10" or [60] is a 400; the store index is plain digits', async () => {
    const before = Number(rowsOf<{ n: number }>(await tdb.db.execute(sql`select count(*)::int as n from campaigns`))[0]!.n);
    for (const ttl of [null, true, '0x10', [60], '60', 1.5]) {
      const res = await notify(request('api/v1/notifications', 'POST', { key: keyA, body: { topics: ['news'], title: 'Strict', ttl } }));
      expect(res.status, JSON.stringify(ttl)).toBe(400);
      expect((await errorOf(res)).message).toMatch(/ttl/i);
    }
    expect(Number(rowsOf<{ n: number }>(await tdb.db.execute(sql`select count(*)::int as n from campaigns`))[0]!.n)).toBe(before);
    const id = '0190f0f0-0000-7000-8000-000000000000';
    for (const index of ['0x10', '1e1', '-1', '16.0']) {
      expect((await storeGet(request(`api/v1/store/${id}?index=${index}`, 'GET', { key: keyA }), sub(id))).status, index).toBe(400);
    }
  });
});

describe('12, 15. titles and paths', () => {
  it('a title of 121–200 characters sends, and the derived campaign name is cut to 120', async () => {
    for (const n of [121, 160, 200]) {
      const title = 'é'.repeat(n);
      const res = await notify(request('api/v1/notifications', 'POST', { key: keyA, body: { topics: ['news'], title } }));
      expect(res.status, String(n)).toBe(202);
      const { campaignId } = (await res.json()) as { campaignId: string };
      const [c] = await tdb.db.select().from(campaigns).where(eq(campaigns.id, campaignId));
      expect([...c!.name].length).toBeLessThanOrEqual(120);
      expect(c!.name.endsWith('…')).toBe(true);
      expect((c!.content as { title: string }).title).toBe(title);
    }
  });

  it('links and icons that browsers would resolve off-site are refused', async () => {
    for (const path of ['/\\evil.example/x', '//evil.example/x', '/\tevil', '/x\ny', '\\\\evil.example']) {
      for (const field of ['url', 'icon']) {
        const res = await notify(request('api/v1/notifications', 'POST', { key: keyA, body: { topics: ['news'], title: 'Paths', [field]: path } }));
        expect(res.status, `${field} ${JSON.stringify(path)}`).toBe(400);
      }
    }
    expect(
      (await notify(request('api/v1/notifications', 'POST', { key: keyA, body: { topics: ['news'], title: 'Paths', url: '/orders/42?x=1#y' } }))).status,
    ).toBe(202);
  });
});

describe('14. token claims', () => {
  it('refuses non-numeric nbf and iat, lifetimes over the cap, and a malformed jti', async () => {
    const base = { sub: 'notiflux', topics: ['news'], scope: 'broadcast' };
    const cases: [string, Record<string, unknown>][] = [
      ['nbf "x"', { ...base, exp: now() + 60, nbf: 'x' }],
      ['iat "yesterday"', { ...base, exp: now() + 60, iat: 'yesterday' }],
      ['exp 1e300', { ...base, exp: 1e300 }],
      ['exp in 2 days', { ...base, exp: now() + 2 * 86400 }],
      ['iat a week before exp', { ...base, iat: now() - 7 * 86400, exp: now() + 60 }],
      ['iat in the future', { ...base, iat: now() + 3600, exp: now() + 7200 }],
      ['jti 7', { ...base, exp: now() + 60, jti: 7 }],
      ['jti with a space', { ...base, exp: now() + 60, jti: 'a b' }],
    ];
    for (const [what, claims] of cases) {
      const res = await notify(request('api/v1/notifications', 'POST', { key: token(claims), body: { topics: ['news'], title: what } }));
      expect(res.status, what).toBe(401);
    }
  });

  it('accepts a high-S signature as its low-S twin, and sends once per jti', async () => {
    const claims = { sub: 'notiflux', exp: now() + 60, topics: ['news'], scope: 'broadcast', jti: `order-${randomBytes(6).toString('hex')}` };
    const high = token(claims, 'high');
    const low = token(claims, 'low');
    expect(high).not.toBe(low);
    const first = await notify(request('api/v1/notifications', 'POST', { key: high, body: { topics: ['news'], title: 'Once' } }));
    expect(first.status).toBe(202);
    const before = Number(rowsOf<{ n: number }>(await tdb.db.execute(sql`select count(*)::int as n from campaigns`))[0]!.n);
    for (const t of [high, low]) {
      const again = await notify(request('api/v1/notifications', 'POST', { key: t, body: { topics: ['news'], title: 'Once' } }));
      expect(again.status).toBe(409);
      expect((await errorOf(again)).message).toMatch(/jti|already/i);
    }
    expect(Number(rowsOf<{ n: number }>(await tdb.db.execute(sql`select count(*)::int as n from campaigns`))[0]!.n)).toBe(before);
    // Without a jti a token may send until it expires (notiflux's tokens carry none).
    const plain = token({ sub: 'notiflux', exp: now() + 60, topics: ['news'], scope: 'broadcast' });
    for (let i = 0; i < 2; i++)
      expect((await notify(request('api/v1/notifications', 'POST', { key: plain, body: { topics: ['news'], title: 'Many' } }))).status).toBe(202);
  });
});

describe('16, 19. API authentication', () => {
  it('failed authentication is limited per address; a missing credential and other addresses are not affected', async () => {
    const from = '203.0.113.99';
    for (let i = 0; i < 5; i++) expect((await notify(request('api/v1/notifications', 'POST', { ip: from, body: {} }))).status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await notify(request('api/v1/notifications', 'POST', { ip: from, key: `pd_wrong_${i}`, body: {} }))).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    // Now even the right key from that address waits; from another it works.
    expect((await notify(request('api/v1/notifications', 'POST', { ip: from, key: keyA, body: { topics: ['news'], title: 'x' } }))).status).toBe(429);
    expect((await notify(request('api/v1/notifications', 'POST', { ip: '203.0.113.100', key: keyA, body: { topics: ['news'], title: 'x' } }))).status).toBe(
      202,
    );
  });

  it('a key limited to some topics cannot tell other topics from topics that do not exist', async () => {
    const answers = [];
    for (const topic of ['vip', 'no-such-topic']) {
      const res = await notify(request('api/v1/notifications', 'POST', { key: limitedKey, body: { topics: [topic], title: 'Probe' } }));
      // The answer names what was asked for, so compare it with the name taken out.
      answers.push(JSON.parse(JSON.stringify({ status: res.status, error: await errorOf(res) }).replaceAll(topic, 'TOPIC')) as unknown);
    }
    expect(answers[0]).toMatchObject({ status: 403, error: { code: 'forbidden' } });
    expect(answers[1]).toEqual(answers[0]);
  });

  it('a NUL in an API key name is a validation error', async () => {
    await expect(createApiKey(ctxFor(tdb), { name: 'a\u0000b', scopes: ['send'], topicIds: [] })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

describe('8, 18. what the dashboard sends', () => {
  it('a non-UUID campaign id is not found, not an internal error', async () => {
    await expect(updateCampaign(ctxFor(tdb), 'not-a-uuid', {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('impossible local times are refused; a DST gap moves forward', async () => {
    // resolveSchedule is what the save-and-schedule action runs before it saves anything.
    const id = '0190f0f0-0000-7000-8000-000000000000';
    const past = new Date('2026-12-01T00:00:00Z');
    for (const localTime of ['2027-02-30T10:00', '2027-01-01T25:00', '2027-01-01T10:61', '2027-13-01T10:00', '2027-02-29T10:00']) {
      expect(() => resolveSchedule({ id, localTime, timeZone: 'Europe/Berlin' }, past), localTime).toThrow(/exist|valid|date|time/i);
    }
    // 02:30 on 2027-03-28 does not exist in Berlin (clocks go 02:00 → 03:00): 03:30 CEST.
    expect(resolveSchedule({ id, localTime: '2027-03-28T02:30', timeZone: 'Europe/Berlin' }, past).at.toISOString()).toBe('2027-03-28T01:30:00.000Z');
  });

  it('an import file in UTF-16 or with NUL bytes is named for what it is', () => {
    const text = '[{"endpoint":"https://fcm.googleapis.com/fcm/send/x"}]';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(() => decodeImportFile(utf16)).toThrow(/UTF-16/);
    expect(() => decodeImportFile(Buffer.from(text, 'utf16le'))).toThrow(/UTF-16/);
    expect(() => decodeImportFile(Buffer.from(`${text}\n\u0000`))).toThrow(/NUL|line 2/i);
    expect(decodeImportFile(Buffer.from(text))).toBe(text);
  });
});

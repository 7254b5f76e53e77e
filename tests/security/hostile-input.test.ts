/**
 * Hostile input against every public and API route handler, through the real handlers on a real
 * database: malformed JSON, wrong media types, wrong types, huge and deeply nested bodies, odd
 * Unicode (NUL, unpaired surrogates, bidi overrides, zero-width), HTML/script and SQL-looking
 * strings, hostile path parameters and query strings, and fast-check generated bodies. Every one
 * gets a clear 4xx with the JSON error shape, nothing is stored, and the server stays healthy.
 * Where a request is valid (a notification whose title is `<script>…`), it is stored verbatim —
 * as data — and nothing else.
 *
 * Routes are discovered from app/**\/route.ts; the test fails when one has no entry in ROUTES.
 * Session routes (the dashboard's) and next-auth's need a browser session: e2e/security.spec.ts
 * covers those over HTTP.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db';
import { campaigns } from '../../db/schema';
import { createApiKey } from '../../server/api-keys/mutations';
import { getRuntime, stopRuntime } from '../../server/runtime';
import { createTopic } from '../../server/topics/mutations';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../support/db';

// Only the real push services: the suite's default also allows the local test server (127.0.0.1).
process.env.PUSH_ALLOWED_HOSTS = 'default';
process.env.PUBLIC_API_RATE_PER_MINUTE = '1000000';
process.env.API_RATE_PER_MINUTE = '1000000';
process.env.INBOX_WAIT_SECONDS = '0.05';

type Kind = 'public' | 'api' | 'session' | 'next-auth';
/**
 * Every route file, by who may call it. Adding a route means adding one line here (and, for
 * session routes, one in e2e/security.spec.ts's access table).
 */
const ROUTES: Record<string, Kind> = {
  'admin/subscribers/export': 'session',
  'api/admin/campaigns/[id]/progress': 'session',
  'api/auth/[...nextauth]': 'next-auth',
  'api/health': 'public',
  'api/health/lb': 'public',
  'api/inbox': 'public',
  'api/openapi.json': 'public',
  'api/push/optin': 'public',
  'api/push/receipts': 'public',
  'api/push/subscriptions': 'public',
  'api/push/subscriptions/lookup': 'public',
  'api/push/topics': 'public',
  'api/push/vapid-public-key': 'public',
  'api/v1/campaigns': 'api',
  'api/v1/campaigns/[id]': 'api',
  'api/v1/messages/[id]': 'public',
  'api/v1/notifications': 'api',
  'api/v1/projects': 'api',
  'api/v1/store/[subscriptionId]': 'api',
  'api/v1/subscribers': 'api',
  'api/v1/subscribers/[id]': 'api',
  'api/v1/topics': 'api',
  'api/v1/topics/[slug]': 'api',
  'api/version': 'public',
  broadcast: 'public',
  'c/[ref]': 'public',
  'c/[ref]/[action]': 'public',
};

const root = path.resolve(import.meta.dirname, '../..');
function routeFiles(): string[] {
  return (readdirSync(path.join(root, 'app'), { recursive: true }) as string[])
    .filter((f) => f.endsWith(`${path.sep}route.ts`) || f === 'route.ts')
    .map((f) =>
      path
        .dirname(f)
        .split(path.sep)
        .filter((s) => !/^\(.*\)$/.test(s))
        .join('/'),
    )
    .sort();
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response> | Response;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const HTML = `<script>alert(1)</script><img src=x onerror=alert(2)>"'><svg onload=alert(3)>`;
const SQL = `'; drop table subscriptions; -- " or 1=1 /*`;
const ODD = [
  '\u0000',
  'a\ud800b',
  '\udfff',
  '\u202etxt.exe',
  'zero\u200bwidth',
  '🎉'.repeat(500),
  'e\u0301\u0301\u0301',
  '\uFEFF',
  '\r\nSet-Cookie: x=1',
  '../../etc/passwd',
  '%00%27',
  HTML,
  SQL,
];

/** Bodies every body-taking route must refuse (none is a valid request to any of them). */
const BAD_BODIES: [string, string, string?][] = [
  ['malformed JSON', '{"a":'],
  ['empty', ''],
  ['null', 'null'],
  ['a number', '42'],
  ['a string', '"hello"'],
  ['an array', '[1,2,3]'],
  ['prototype pollution', '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}'],
  ['wrong types', '{"subscription":1,"topics":"news","title":[],"topic":{},"message":false,"token":7,"ref":null,"kind":9,"ttl":"x","data":"y","endpoint":[]}'],
  ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ['a NUL in a key', '{"\\u0000":1}'],
  [
    'HTML and SQL',
    JSON.stringify({
      subscription: { endpoint: HTML, keys: { p256dh: SQL, auth: HTML } },
      topics: [SQL],
      title: HTML,
      topic: SQL,
      message: HTML,
      token: SQL,
      ref: SQL,
      kind: HTML,
      endpoint: SQL,
    }),
  ],
  ['a huge body', JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) })],
  ['text/plain', '{"title":"x"}', 'text/plain'],
  ['form data', 'title=x&topics=news', 'application/x-www-form-urlencoded'],
  ['no media type', '{"title":"x"}', ''],
];

let tdb: TestDatabase;
let apiKey = '';
const modules: Record<string, Partial<Record<(typeof METHODS)[number], Handler>>> = {};

async function counts(): Promise<Record<string, number>> {
  const tables = rowsOf<{ t: string }>(
    await tdb.db.execute(sql`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`),
  ).map((r) => r.t);
  const out: Record<string, number> = {};
  for (const t of tables) {
    // api_keys' last-used time and rate windows change on reads; counts must not.
    out[t] = Number(rowsOf<{ n: number }>(await tdb.db.execute(sql`select count(*)::int as n from ${sql.identifier(t)}`))[0]!.n);
  }
  delete out.__drizzle_migrations;
  return out;
}

/** Whether `route` takes no parameter named in `query` (so a 2xx is right). */
function ignores(route: string, query: string): boolean {
  const name = query.split('=')[0]!;
  const takes: Record<string, string[]> = {
    'api/health': [],
    'api/health/lb': [],
    'api/openapi.json': [],
    'api/push/topics': [],
    'api/push/vapid-public-key': [],
    'api/version': [],
    'api/inbox': ['topics'],
    'api/v1/campaigns': ['limit', 'cursor'],
    'api/v1/topics': [],
  };
  return route in takes && !takes[route]!.includes(name);
}

let ip = 0;
function request(url: string, method: string, opts: { body?: string; type?: string; auth?: boolean; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'x-pushdeck-client-ip': `198.51.100.${(ip++ % 250) + 1}`, ...opts.headers };
  if (opts.type !== '') headers['content-type'] = opts.type ?? 'application/json';
  if (opts.auth) headers.authorization = `Bearer ${apiKey}`;
  return new Request(`http://localhost/${url}`, { method, headers, body: opts.body === undefined || method === 'GET' ? undefined : opts.body });
}

/** Path parameters for a route pattern, filled with `value`. */
function params(route: string, value: string) {
  const out: Record<string, string | string[]> = {};
  for (const m of route.matchAll(/\[(\.\.\.)?([^\]]+)\]/g)) out[m[2]!] = m[1] ? [value] : value;
  return { params: Promise.resolve(out) };
}

async function expectRefused(res: Response, what: string) {
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
  if (res.status === 499) return; // a client that went away (long poll)
  if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
    // A link people's browsers follow (the click redirect) fails with a short page that says why.
    expect(await res.text(), what).toMatch(/<p>[^<]{6,}<\/p>/);
    return;
  }
  const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, what).toBe('string');
  expect(String(body.error?.message).length, what).toBeGreaterThan(5);
}

beforeAll(async () => {
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await getRuntime('web');
  await createTopic(ctxFor(tdb), { slug: 'news', name: 'News' });
  apiKey = (await createApiKey(ctxFor(tdb), { name: 'hostile', scopes: ['send', 'manage'], topicIds: [] })).key;
  for (const r of Object.keys(ROUTES)) {
    if (ROUTES[r] === 'session' || ROUTES[r] === 'next-auth') continue;
    modules[r] = (await import(path.join(root, 'app', ...(r === 'broadcast' ? ['broadcast'] : r.split('/')), 'route.ts'))) as (typeof modules)[string];
  }
}, 60_000);

afterAll(async () => {
  await stopRuntime();
  await tdb?.dispose();
});

it('has an entry for every route file', () => {
  expect(routeFiles()).toEqual(Object.keys(ROUTES).sort());
});

describe('every public and API route', () => {
  it('refuses malformed, mistyped, huge and hostile bodies with a clear 4xx and stores nothing', { timeout: 120_000 }, async () => {
    const before = await counts();
    let probes = 0;
    for (const [route, mod] of Object.entries(modules)) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        const handler = mod[method];
        if (!handler) continue;
        for (const [what, body, type] of BAD_BODIES) {
          const url = route.replace(/\[[^\]]+\]/g, '0190f0f0-0000-7000-8000-000000000000');
          const res = await handler(request(url, method, { body, type, auth: ROUTES[route] === 'api' }), params(route, '0190f0f0-0000-7000-8000-000000000000'));
          await expectRefused(res, `${method} /${route} with ${what}`);
          probes++;
        }
      }
    }
    expect(probes).toBeGreaterThan(80);
    expect(await counts()).toEqual(before);
  });

  it('refuses hostile path parameters and query strings, and answers plain GETs normally', { timeout: 120_000 }, async () => {
    const before = await counts();
    const queries = [
      'limit=-1',
      'limit=1e309',
      'limit=9999999999999999999',
      'cursor=%00',
      `cursor=${encodeURIComponent(SQL)}`,
      'index=-5',
      'index=abc',
      `topics=${encodeURIComponent(HTML)}`,
      'topics=%00',
      `token=${encodeURIComponent(SQL)}`,
      'topics=a,'.repeat(60),
    ];
    for (const [route, mod] of Object.entries(modules)) {
      const handler = mod.GET;
      if (!handler) continue;
      const dynamic = /\[/.test(route);
      for (const value of dynamic ? ODD : ['']) {
        for (const q of queries) {
          // The raw value goes in as the parameter; the URL carries what a URL can (no lone surrogates).
          const url = `${route.replace(/\[[^\]]+\]/g, encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '\ufffd')))}?${q}`;
          const res = await handler(request(url, 'GET', { auth: ROUTES[route] === 'api' }), params(route, value));
          if (res.status < 400) {
            // Plain public GETs ignore parameters they do not take; nothing may succeed on garbage it does take.
            expect(ignores(route, q), `${url} answered ${res.status}`).toBe(true);
            await res.arrayBuffer();
          } else await expectRefused(res, `GET /${url}`);
        }
      }
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses requests to the API without, or with a forged, credential', async () => {
    for (const [route, mod] of Object.entries(modules)) {
      if (ROUTES[route] !== 'api') continue;
      for (const method of METHODS) {
        const handler = mod[method];
        if (!handler) continue;
        for (const auth of [
          undefined,
          'Bearer',
          `Bearer ${apiKey}x`,
          `Bearer ${apiKey.slice(0, -1)}`,
          'Basic YWRtaW46YWRtaW4=',
          `Bearer ${SQL}`,
          'Bearer eyJhbGciOiJub25lIn0.eyJzY29wZSI6WyJicm9hZGNhc3QiXX0.',
        ]) {
          const res = await handler(
            request(route.replace(/\[[^\]]+\]/g, 'x'), method, { body: '{}', headers: auth ? { authorization: auth } : {} }),
            params(route, 'x'),
          );
          expect(res.status, `${method} /${route} with ${auth}`).toBe(401);
        }
      }
    }
  });
});

describe('property-based', () => {
  const bodyRoutes = () =>
    Object.entries(modules).flatMap(([route, mod]) => (['POST', 'DELETE'] as const).filter((m) => mod[m]).map((m) => ({ route, method: m, handler: mod[m]! })));

  it('any JSON value or string as a body is refused with a 4xx, never a 5xx, and stores nothing', { timeout: 120_000 }, async () => {
    const before = await counts();
    const routes = bodyRoutes();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }).map((s) =>
            JSON.stringify({
              title: s,
              topics: [s],
              subscription: { endpoint: s, keys: { p256dh: s, auth: s } },
              endpoint: s,
              ref: s,
              kind: s,
              topic: s,
              message: s,
              token: s,
            }),
          ),
        ),
        async ({ route, method, handler }, body) => {
          const res = await handler(request(route.replace(/\[[^\]]+\]/g, 'x'), method, { body, auth: ROUTES[route] === 'api' }), params(route, 'x'));
          await expectRefused(res, `${method} /${route} with ${JSON.stringify(body).slice(0, 200)}`);
        },
      ),
      { numRuns: 300 },
    );
    expect(await counts()).toEqual(before);
  });

  it('subscriptions with a hostile endpoint or keys are refused and stored nowhere', { timeout: 120_000 }, async () => {
    const { POST } = modules['api/push/subscriptions']!;
    const before = await counts();
    const good = () => {
      const e = createECDH('prime256v1');
      e.generateKeys();
      return { p256dh: e.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
    };
    const hostileEndpoint = fc.oneof(
      fc.constantFrom(
        'http://fcm.googleapis.com/fcm/send/x',
        'https://127.0.0.1/x',
        'https://2130706433/x',
        'https://0x7f000001/x',
        'https://0177.0.0.1/x',
        'https://127.1/x',
        'https://[::1]/x',
        'https://[::ffff:127.0.0.1]/x',
        'https://[::ffff:a9fe:a9fe]/x',
        'https://169.254.169.254/latest/meta-data',
        'https://10.0.0.1/x',
        'https://192.168.1.1/x',
        'https://[fd00::1]/x',
        'https://metadata.google.internal/x',
        'https://fcm.googleapis.com.evil.example/x',
        'https://user:pw@fcm.googleapis.com/x',
        'https://fcm.googleapis.com:8443/x',
        'javascript:alert(1)',
        'file:///etc/passwd',
        'https://localhost/x',
      ),
      fc
        .webUrl({ validSchemes: ['http', 'https', 'ftp'] })
        .filter((u) => !/^https:\/\/(fcm|android)\.googleapis\.com\/|push\.services\.mozilla\.com|push\.apple\.com|notify\.windows\.com/.test(u)),
    );
    const hostileKeys = fc.oneof(
      fc.constant({ p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url'), auth: randomBytes(16).toString('base64url') }), // not on the curve
      fc
        .integer({ min: 0, max: 130 })
        .filter((n) => n !== 65)
        .map((n) => ({ p256dh: randomBytes(n).toString('base64url'), auth: randomBytes(16).toString('base64url') })),
      fc
        .integer({ min: 0, max: 64 })
        .filter((n) => n !== 16)
        .map((n) => ({ p256dh: good().p256dh, auth: randomBytes(n).toString('base64url') })),
      fc.constant({ p256dh: `${good().p256dh.slice(0, -2)}!!`, auth: randomBytes(16).toString('base64url') }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileEndpoint.map((endpoint) => ({ endpoint, keys: good() })),
          hostileKeys.map((keys) => ({ endpoint: `https://fcm.googleapis.com/fcm/send/${randomBytes(8).toString('hex')}`, keys })),
        ),
        async (subscription) => {
          const res = await POST!(request('api/push/subscriptions', 'POST', { body: JSON.stringify({ subscription, topics: ['news'] }) }), params('', ''));
          await expectRefused(res, JSON.stringify(subscription));
        },
      ),
      { numRuns: 250 },
    );
    expect(await counts()).toEqual(before);
  });

  it('stores HTML, SQL and odd Unicode in a valid notification verbatim, as data', { timeout: 120_000 }, async () => {
    const { POST } = modules['api/v1/notifications']!;
    const text = fc.oneof(
      fc.constantFrom(HTML, SQL, '\u202eevil', 'zero\u200bwidth', '🎉 ✿ 𝕏', '${7*7}{{7*7}}', '</title><script>x</script>'),
      fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }),
    );
    await fc.assert(
      fc.asyncProperty(text, text, async (title, body) => {
        const res = await POST!(
          request('api/v1/notifications', 'POST', { auth: true, body: JSON.stringify({ topics: ['news'], title, body }) }),
          params('', ''),
        );
        if (title.trim() === '') return void (await expectRefused(res, 'a blank title'));
        expect(res.status).toBe(202);
        const { campaignId } = (await res.json()) as { campaignId: string };
        const [c] = await tdb.db.select().from(campaigns).where(eq(campaigns.id, campaignId));
        expect(c!.content).toMatchObject({ title: title.trim(), ...(body.trim() ? { body: body.trim() } : {}) });
      }),
      { numRuns: 40 },
    );
  });
});

it('is still healthy afterwards', async () => {
  const res = await modules['api/health']!.GET!(request('api/health', 'GET'), params('', ''));
  expect(res.status).toBe(200);
});

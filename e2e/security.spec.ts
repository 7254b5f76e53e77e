/**
 * Security over real HTTP against the production build:
 *  - the access matrix: every server action, route handler method and admin page, called as
 *    anonymous, each role and each API key scope, is allowed or denied exactly as the role table
 *    says (e2e/support/access.ts → lib/auth/roles.ts); a new action, route or page without an
 *    entry fails the test;
 *  - server actions refuse cross-origin calls and hostile input (NUL, HTML, huge values) with a
 *    validation error, never a server error;
 *  - session cookies are HttpOnly and SameSite, and Secure behind https;
 *  - security headers (CSP with a nonce, frame-ancestors, referrer policy, nosniff);
 *  - neither the client bundle nor any rendered page carries private key material.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import { generateKeyPair } from '../lib/push/p256';
import { baseURL } from '../playwright.config';
import { ACTIONS, allowed, PAGES, ROUTES, type Principal, type Rule } from './support/access';
import { callAction, deniedAction, discoverActions, errorCode, INVALID_ARG, INVALID_FORM, type ActionInfo } from './support/actions';
import { adminPath } from '../lib/http/project-path';
import { apiLogin, OWNER } from './support/auth';

const root = path.resolve(import.meta.dirname, '..');
const appDir = path.join(root, 'app');
const walk = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f));
/** app/(auth)/login/page.tsx → /login */
const urlOf = (file: string) =>
  `/${path
    .relative(appDir, path.dirname(file))
    .split(path.sep)
    .filter((s) => s && !/^\(.*\)$/.test(s))
    .join('/')}`;

function discoverRoutes(): string[] {
  const out: string[] = [];
  for (const file of walk(appDir).filter((f) => f.endsWith(`${path.sep}route.ts`))) {
    const src = readFileSync(file, 'utf8');
    const methods = new Set<string>();
    for (const m of src.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD)\b/g)) methods.add(m[1]!);
    for (const m of src.matchAll(/export\s*\{([^}]*)\}/g))
      for (const n of m[1]!.matchAll(/as\s+(GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD)\b/g)) methods.add(n[1]!);
    for (const method of methods) out.push(`${method} ${urlOf(file)}`);
  }
  return out.sort();
}

const discoverPages = () =>
  walk(appDir)
    .filter((f) => f.endsWith(`${path.sep}page.tsx`))
    .map(urlOf)
    .sort();

let owner: APIRequestContext;
const principals: { who: Principal; ctx: APIRequestContext; bearer?: string }[] = [];
let actions: ActionInfo[];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  actions = discoverActions();
  owner = await playwrightRequest.newContext({ baseURL });
  await apiLogin(owner, OWNER.email, OWNER.password);
  const byName = (n: string) => actions.find((a) => a.name === n)!;
  const run = Date.now().toString(36);
  principals.push({ who: { name: 'anonymous', kind: 'anonymous' }, ctx: await playwrightRequest.newContext({ baseURL }) });
  principals.push({ who: { name: 'owner', kind: 'user', role: 'owner' }, ctx: owner });
  for (const role of ['admin', 'marketer', 'viewer'] as const) {
    const email = `matrix-${role}-${run}@e2e.test`;
    const r = await callAction(owner, byName('createUserAction'), { form: { email, name: `Matrix ${role}`, password: 'matrix-password-123', role } });
    expect(r.text, `creating the ${role}`).toContain('"ok":true');
    const ctx = await playwrightRequest.newContext({ baseURL });
    await apiLogin(ctx, email, 'matrix-password-123');
    principals.push({ who: { name: role, kind: 'user', role }, ctx });
  }
  for (const scope of ['send', 'manage', 'admin'] as const) {
    const r = await callAction(owner, byName('createApiKeyAction'), { form: { name: `matrix-${scope}-${run}`, scopes: scope, expiresAt: '' } });
    const key = /"key":"(pd_[^"]+)"/.exec(r.text)?.[1];
    expect(key, `creating the ${scope} key: ${r.text.slice(0, 300)}`).toBeTruthy();
    principals.push({
      who: { name: `api key (${scope})`, kind: 'api-key', scopes: [scope] },
      ctx: await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } }),
      bearer: key,
    });
  }
});

test.afterAll(async () => {
  for (const p of principals) await p.ctx.dispose();
});

test('every action, route and page has an entry in the access table', () => {
  expect(actions.map((a) => a.name).sort()).toEqual(Object.keys(ACTIONS).sort());
  expect(discoverRoutes()).toEqual(Object.keys(ROUTES).sort());
  expect(discoverPages()).toEqual(Object.keys(PAGES).sort());
});

test('every action, route and page allows and denies exactly as the role table says', async () => {
  test.setTimeout(240_000);
  const mismatches: string[] = [];
  let checks = 0;
  const judge = async (what: string, rule: Rule, probe: (p: (typeof principals)[number]) => Promise<{ denied: boolean; status: number }>, alike = true) => {
    const seen: number[] = [];
    for (const p of principals) {
      const r = await probe(p);
      checks++;
      seen.push(r.status);
      if ('public' in rule) {
        if (r.status === 401 || (r.status === 403 && !what.includes('receipts') && !what.includes('messages')))
          mismatches.push(`${what} refused ${p.who.name} (${r.status}) but is public`);
      } else if (r.denied === allowed(rule, p.who)) {
        mismatches.push(
          `${what}: ${p.who.name} was ${r.denied ? 'denied' : 'allowed'} (${r.status}) but the table says ${allowed(rule, p.who) ? 'allow' : 'deny'}`,
        );
      }
    }
    // Public doors answer everyone alike (pages may differ: sign-in sends signed-in users on).
    if (alike && 'public' in rule && new Set(seen).size > 1) mismatches.push(`${what} answered differently by caller: ${seen.join(', ')}`);
  };

  for (const a of actions) {
    await judge(`action ${a.name}`, ACTIONS[a.name]!, async (p) => {
      const r = await callAction(p.ctx, a);
      return { denied: deniedAction(r), status: r.status };
    });
  }
  const sample = '0190f0f0-0000-7000-8000-000000000000';
  for (const key of discoverRoutes()) {
    const [method, pattern] = key.split(' ') as [string, string];
    let url = pattern.replace(/\[\.\.\.[^\]]+\]/, 'session').replace(/\[[^\]]+\]/g, sample);
    if (pattern === '/api/inbox') url += '?topics=nothing-here';
    await judge(key, ROUTES[key]!, async (p) => {
      const res = await p.ctx.fetch(url, {
        method,
        headers: { 'content-type': 'application/json' },
        data: method === 'GET' || method === 'OPTIONS' ? undefined : '{}',
        maxRedirects: 0,
      });
      await res.body().catch(() => null);
      const to = res.headers().location ?? '';
      const toSignIn = res.status() >= 300 && res.status() < 400 && to.includes('/login');
      return { denied: res.status() === 401 || res.status() === 403 || toSignIn, status: res.status() };
    });
  }
  for (const pattern of discoverPages()) {
    await judge(
      `page ${pattern}`,
      PAGES[pattern]!,
      async (p) => {
        const res = await p.ctx.get(pattern.replace(/\[[^\]]+\]/g, sample), { maxRedirects: 0 });
        const to = res.headers().location ?? '';
        const denied = res.status() === 403 || (res.status() >= 300 && res.status() < 400 && to.includes('/login'));
        // Public pages redirect by state (setup is closed once an owner exists): same for everyone.
        return { denied: 'public' in PAGES[pattern]! ? false : denied, status: res.status() };
      },
      false,
    );
  }
  console.info(
    `access matrix: ${actions.length} actions, ${discoverRoutes().length} route methods, ${discoverPages().length} pages × ${principals.length} callers = ${checks} checks`,
  );
  expect(mismatches).toEqual([]);
});

test('a member of one project opens nothing of another: every page, action and route of the dashboard answers 404 there', async () => {
  test.setTimeout(240_000);
  const run = Date.now().toString(36);
  const slug = `xp-${run}`;
  const adminKey = principals.find((p) => p.who.name === 'api key (admin)')!;
  const made = await adminKey.ctx.post('/api/v1/projects', { data: { slug, name: `Cross ${run}` } });
  expect(made.status(), await made.text()).toBe(201);
  // Someone who is admin of that project only, made there by the owner.
  const byName = (n: string) => actions.find((a) => a.name === n)!;
  const email = `xp-admin-${run}@e2e.test`;
  const r = await callAction(owner, byName('createUserAction'), {
    form: { email, name: 'XP admin', password: 'matrix-password-123', role: 'admin' },
    project: slug,
  });
  expect(r.text, 'creating the project admin').toContain('"ok":true');
  const xpAdmin = await playwrightRequest.newContext({ baseURL });
  await apiLogin(xpAdmin, email, 'matrix-password-123');

  // The default project's people in the other project, and the other project's admin in the default one.
  const outsiders = [
    ...principals.filter((p) => p.who.kind === 'user' && p.who.role !== 'owner').map((p) => ({ name: `${p.who.name} of default`, ctx: p.ctx, in: slug })),
    { name: 'admin of xp', ctx: xpAdmin, in: 'default' },
  ];
  const mismatches: string[] = [];
  let checks = 0;
  const sample = '0190f0f0-0000-7000-8000-000000000000';
  const inProject = (project: string, pattern: string) => adminPath(project, pattern.replace(/^\/admin/, '').replace(/\[[^\]]+\]/g, sample));
  for (const a of actions) {
    const rule = ACTIONS[a.name]!;
    if (!('session' in rule)) continue; // public and account-level actions name no project
    for (const o of outsiders) {
      const res = await callAction(o.ctx, a, { project: o.in });
      checks++;
      if (errorCode(res.text) !== 'not_found') mismatches.push(`action ${a.name} in ${o.in} answered ${o.name}: ${res.status} ${res.text.slice(0, 120)}`);
    }
  }
  for (const key of discoverRoutes()) {
    const rule = ROUTES[key]!;
    if (!('session' in rule)) continue;
    const [method, pattern] = key.split(' ') as [string, string];
    for (const o of outsiders) {
      const url = pattern.startsWith('/admin') ? inProject(o.in, pattern) : `${pattern.replace(/\[[^\]]+\]/g, sample)}?project=${encodeURIComponent(o.in)}`;
      const res = await o.ctx.fetch(url, { method, maxRedirects: 0 });
      await res.body().catch(() => null);
      checks++;
      if (res.status() !== 404) mismatches.push(`${key} in ${o.in} answered ${o.name} with ${res.status()}`);
    }
  }
  for (const pattern of discoverPages().filter((p) => p.startsWith('/admin'))) {
    const rule = PAGES[pattern]!;
    for (const o of outsiders) {
      const res = await o.ctx.get(inProject(o.in, pattern), { maxRedirects: 0 });
      checks++;
      // `/admin` (the default project's overview) sends someone who is not in it to their own project.
      if (pattern === '/admin' && o.in === 'default') {
        if (res.status() !== 307 || res.headers().location !== `/admin/p/${slug}`)
          mismatches.push(`/admin answered ${o.name} with ${res.status()} ${res.headers().location ?? ''}, not a redirect to their project`);
        continue;
      }
      const want = 'account' in rule ? 200 : 404;
      if (res.status() !== want) mismatches.push(`page ${pattern} in ${o.in} answered ${o.name} with ${res.status()}, not ${want}`);
    }
  }
  // Inside, the same doors open as the role table says: the project's admin, and the owner.
  for (const pattern of discoverPages().filter((p) => p.startsWith('/admin') && !p.includes('['))) {
    const rule = PAGES[pattern]!;
    for (const [name, ctx, role] of [
      ['admin of xp', xpAdmin, 'admin'],
      ['owner', owner, 'owner'],
    ] as const) {
      const res = await ctx.get(inProject(slug, pattern), { maxRedirects: 0 });
      checks++;
      const want = allowed(rule, { name, kind: 'user', role }) ? 200 : 403;
      if (res.status() !== want) mismatches.push(`page ${pattern} in ${slug} answered ${name} with ${res.status()}, not ${want}`);
    }
  }
  // The project comes from the URL only: a header naming it, bare or with a made-up signature, is dropped.
  for (const value of [slug, `${slug}.AAAA`]) {
    const res = await xpAdmin.get('/admin/campaigns', { headers: { 'x-pushdeck-project': value }, maxRedirects: 0 });
    checks++;
    if (res.status() !== 404) mismatches.push(`a client's x-pushdeck-project: ${value} opened the default project's page as ${slug}'s (${res.status()})`);
  }
  // An unknown project is a 404 for everyone, the owner too.
  expect((await owner.get('/admin/p/no-such-project/campaigns', { maxRedirects: 0 })).status()).toBe(404);
  await xpAdmin.dispose();
  console.info(`cross-project matrix: ${checks} checks`);
  expect(mismatches).toEqual([]);
});

test('server actions refuse calls from another origin, and nothing happens', async () => {
  const create = actions.find((a) => a.name === 'createTopicAction')!;
  const slug = `xorigin-${Date.now().toString(36)}`;
  for (const origin of ['https://evil.example', 'null', `${baseURL.replace('127.0.0.1', 'localhost')}`]) {
    const r = await callAction(owner, create, { form: { slug, name: 'Cross origin', description: '', isPublic: 'true' }, origin });
    expect(r.status, `origin ${origin}`).toBe(403);
    expect(r.text).toMatch(/Cross-origin request refused/);
  }
  const topics = (await (await owner.get('/api/push/topics')).json()) as { topics: { slug: string }[] };
  expect(topics.topics.map((t) => t.slug)).not.toContain(slug);
  // The same call from the app's own origin works (the refusal above was about the origin).
  const ok = await callAction(owner, create, { form: { slug, name: 'Same origin', description: '', isPublic: 'false' } });
  expect(ok.text).toContain('"ok":true');
});

test('server actions answer hostile input with a validation error, never a server error', async () => {
  test.setTimeout(120_000);
  const hostile = ['a\u0000b', '\ud800', `<script>alert(1)</script>`, `'; drop table users; --`, 'x'.repeat(50_000), '\u202e\u200b🎉'];
  const codes = new Map<string, number>();
  for (const a of actions.filter((x) => x.form && x.name !== 'createOwnerAction')) {
    for (const value of hostile) {
      const form = Object.fromEntries(Object.keys(INVALID_FORM).map((k) => [k, value]));
      const r = await callAction(owner, a, { form });
      const code = errorCode(r.text);
      expect(code, `${a.name} with ${JSON.stringify(value.slice(0, 30))}: ${r.status} ${r.text.slice(0, 200)}`).not.toBeNull();
      expect(code).not.toBe('internal');
      codes.set(code!, (codes.get(code!) ?? 0) + 1);
    }
  }
  for (const a of actions.filter((x) => !x.form)) {
    for (const value of hostile) {
      const r = await callAction(owner, a, {
        arg: a.name in INVALID_ARG ? { campaign: { content: { title: value } }, audience: value, subscriptionId: value } : value,
      });
      if (a.name === 'findTestSubscribersAction') expect(r.text).toContain('"ok":true');
      else expect(errorCode(r.text), `${a.name}: ${r.text.slice(0, 200)}`).toMatch(/validation_failed|bad_request|not_found|unprocessable/);
    }
  }
  // Over the 11 MB body limit (lib/http/limits.mjs): refused before the action runs.
  const huge = await callAction(
    owner,
    actions.find((a) => a.name === 'createTopicAction')!,
    { form: { slug: 'huge', name: 'x'.repeat(12 * 1024 * 1024) } },
  );
  expect(huge.status).toBe(413);
  expect((await owner.get('/api/health')).status()).toBe(200);
  console.info(`hostile action input: ${[...codes].map(([c, n]) => `${c} ×${n}`).join(', ')}`);
});

test('an action posted where no page carries it, or a form action sent one JSON value, gets a typed error', async () => {
  const anonymous = principals.find((p) => p.who.kind === 'anonymous')!.ctx;
  const checked: string[] = [];
  for (const a of actions) {
    for (const page of ['/', '/login', '/setup'].filter((p) => p !== a.page)) {
      const anon = await callAction(anonymous, { ...a, page });
      expect(anon.status, `${a.name} at ${page}, anonymous: ${anon.text.slice(0, 200)}`).toBe(401);
      expect(errorCode(anon.text)).toBe('unauthorized');
      const signedIn = await callAction(owner, { ...a, page });
      expect(signedIn.status, `${a.name} at ${page}, signed in`).toBe(404);
      expect(errorCode(signedIn.text)).toBe('not_found');
      checked.push(`${a.name}@${page}`);
    }
    if (a.form) {
      // React would send a form; a hand-made call can send anything. The setup action is public
      // and refuses a non-form before it looks at anything else.
      const r = await callAction(owner, { ...a, form: false }, { arg: 'not a form' });
      expect(errorCode(r.text), `${a.name} with a JSON value: ${r.status} ${r.text.slice(0, 200)}`).toBe('bad_request');
    }
  }
  expect(checked.length).toBeGreaterThan(actions.length);
});

test('session cookies are HttpOnly and SameSite, and Secure behind https', async () => {
  for (const proto of ['http', 'https']) {
    const ctx = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: proto === 'https' ? { 'x-forwarded-proto': 'https' } : {} });
    const csrfRes = await ctx.get('/api/auth/csrf');
    const csrf = (await csrfRes.json()) as { csrfToken: string };
    const res = await ctx.post('/api/auth/callback/credentials', {
      form: { csrfToken: csrf.csrfToken, email: OWNER.email, password: OWNER.password, json: 'true' },
      maxRedirects: 0,
    });
    const cookies = res
      .headersArray()
      .filter((h) => h.name.toLowerCase() === 'set-cookie')
      .map((h) => h.value);
    const session = cookies.find((c) => /session-token=/.test(c));
    expect(session, `${proto}: ${cookies.join(' | ')}`).toBeTruthy();
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    if (proto === 'https') expect(session).toMatch(/^__Secure-.*;\s*Secure/i);
    else expect(session).not.toMatch(/;\s*Secure/i);
    await ctx.dispose();
  }
});

test('the front server answers what Next would turn into a 500: methods, malformed paths, the credentials callback, HSTS', async () => {
  const ctx = await playwrightRequest.newContext({ baseURL });
  const trace = await ctx.fetch('/api/health', { method: 'TRACE' });
  expect(trace.status()).toBe(405);
  expect(trace.headers().allow).toContain('GET');
  const malformed = await ctx.get('/api/v1/topics/%E0%A4%A');
  expect(malformed.status()).toBe(400);
  expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  expect((await ctx.get('/api/auth/callback/credentials', { maxRedirects: 0 })).status()).toBe(405);
  expect((await ctx.get('/api/health')).headers()['strict-transport-security']).toBeUndefined();
  expect((await ctx.get('/api/health', { headers: { 'x-forwarded-proto': 'https' } })).headers()['strict-transport-security']).toBe('max-age=31536000');
  await ctx.dispose();
});

test('signing out ends the session: a copied cookie stops working at once', async () => {
  const ctx = await playwrightRequest.newContext({ baseURL });
  await apiLogin(ctx, OWNER.email, OWNER.password);
  const copy = await playwrightRequest.newContext({ baseURL, storageState: await ctx.storageState() });
  const account = async (c: APIRequestContext) => {
    const res = await c.get('/admin/account');
    return new URL(res.url()).pathname;
  };
  expect(await account(copy)).toBe('/admin/account');
  const { csrfToken } = (await (await ctx.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const out = await ctx.post('/api/auth/signout', { form: { csrfToken, json: 'true' }, maxRedirects: 0 });
  expect(out.status()).toBeLessThan(400);
  expect(await account(copy)).toBe('/login');
  // A server action with the copied cookie is refused too.
  const r = await callAction(
    copy,
    actions.find((a) => a.name === 'createTopicAction')!,
    { form: { slug: `copied-${Date.now()}`, name: 'Copied cookie' } },
  );
  expect(deniedAction(r), r.text.slice(0, 300)).toBe(true);
  // Another session of the same user is untouched.
  expect(await account(owner)).toBe('/admin/account');
  await ctx.dispose();
  await copy.dispose();
});

test('pages carry a nonce CSP, frame-ancestors, a referrer policy and nosniff', async () => {
  const anonymous = principals.find((p) => p.who.kind === 'anonymous')!.ctx;
  for (const [url, ctx] of [
    ['/', anonymous],
    ['/login', anonymous],
    ['/admin', owner],
    ['/admin/campaigns/new', owner],
    ['/admin/users', owner],
  ] as const) {
    const res = await ctx.get(url, { maxRedirects: 0 });
    expect(res.status(), url).toBe(200);
    const h = res.headers();
    const csp = h['content-security-policy'] ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, `${url}: ${csp}`).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(h['x-content-type-options']).toBe('nosniff');
    // Every script tag in the page carries this response's nonce.
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s, url).toContain(`nonce="${nonce}"`);
  }
  const again = (await owner.get('/admin')).headers()['content-security-policy'];
  const first = (await owner.get('/admin')).headers()['content-security-policy'];
  expect(again).not.toBe(first); // a fresh nonce per response
  for (const url of ['/', '/api/health']) expect((await owner.get(url)).headers()['x-frame-options'], url).toBe('DENY');
});

test('no private key material in the client bundle or in any page', async () => {
  const secret = readFileSync(path.join(root, '.e2e/data/secret.key'), 'utf8').trim();
  const pair = generateKeyPair();
  const importAction = actions.find((a) => a.name === 'importVapidKeyAction')!;
  const r = await callAction(owner, importAction, {
    form: {
      name: `bundle-check-${Date.now().toString(36)}`,
      subject: 'mailto:ops@example.com',
      publicKey: pair.publicKey,
      privateKey: pair.privateKey,
      activate: '',
    },
  });
  expect(r.text).toContain('"ok":true');
  expect(r.text).not.toContain(pair.privateKey);

  // Key material and the server's secret handling (help text may name "BEGIN PRIVATE KEY" and show a public PEM).
  const needles = [secret, pair.privateKey, 'PRIVATE KEY-----', 'PUSHDECK_SECRET', 'vapid-at-rest', 'private_key_enc', 'DATABASE_URL'];
  let files = 0;
  for (const file of walk(path.join(root, '.next/static')).filter((f) => /\.(js|css|json|txt|map)$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    files++;
    for (const n of needles) expect(text.includes(n), `${n.slice(0, 12)}… in ${path.relative(root, file)}`).toBe(false);
  }
  expect(files).toBeGreaterThan(5);
  for (const url of ['/admin/vapid', '/admin/api', '/admin/settings', '/admin', '/']) {
    const html = await (await owner.get(url)).text();
    for (const n of [secret, pair.privateKey, 'PRIVATE KEY-----']) expect(html.includes(n), `${url} holds ${n.slice(0, 6)}…`).toBe(false);
  }
});

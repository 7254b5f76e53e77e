/** The Install page's services: prompt settings and origins (validation, permission, audit) and the installation check against a local site. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLogs, projects, users } from '../../db/schema';
import { DEFAULT_PROMPT_SETTINGS } from '../../lib/sdk/prompt-settings';
import { ctxFor, openTestDatabase, useAsProcessDatabase, type TestDatabase } from '../../tests/support/db';
import type { Actor, ProjectRef } from '../context';
import { createProject } from '../projects/mutations';
import { projectBySlug } from '../projects/queries';
import { checkInstallation } from './install-check';
import { getInstallView, updatePromptSettings, updateSiteOrigins } from './install';
import { promptSettingsFromForm } from './install-schemas';

let tdb: TestDatabase;
let shop: ProjectRef;
let site: Server;
let siteOrigin = '';
const BASE = 'https://pushdeck.example';
const USER_ID = '01900000-0000-7000-8000-0000000000aa';
/** One account acting in each role (the audit row names it). */
const user = (role: 'admin' | 'marketer' | 'viewer'): Actor => ({ kind: 'user', id: USER_ID, email: 'member@example.com', name: role, role });
const as = (a: Actor) => ctxFor(tdb, a, shop);

/** The tiny site: each path answers as a real misconfigured (or good) site would. */
const pages: Record<string, { status?: number; type?: string; body: string; headers?: Record<string, string> }> = {
  '/pushdeck-sw.js': { type: 'text/javascript', body: `importScripts('${BASE}/sdk/v1/sw.js?project=shop');\n` },
  '/html.js': { type: 'text/html', body: `importScripts('${BASE}/sdk/v1/sw.js?project=shop');` },
  '/wrong.js': { type: 'application/javascript', body: `importScripts('${BASE}/sdk/v1/sw.js?project=blog');` },
  '/server.js': { type: 'text/javascript', body: `importScripts('https://elsewhere.example/sdk/v1/sw.js?project=shop');` },
  '/copy.js': { type: 'text/javascript', body: `self.PUSHDECK_CONFIG={"base":"${BASE}","project":"shop"};\nself.addEventListener('push', () => {});` },
  '/js/sw.js': { type: 'text/javascript', body: `importScripts('${BASE}/sdk/v1/sw.js?project=shop');` },
  '/js/allowed.js': { type: 'text/javascript', body: `importScripts('${BASE}/sdk/v1/sw.js?project=shop');`, headers: { 'service-worker-allowed': '/' } },
  '/moved.js': { status: 302, body: '', headers: { location: 'https://elsewhere.example/pushdeck-sw.js' } },
  '/big.js': { type: 'text/javascript', body: '//'.padEnd(70 * 1024, 'x') },
};

beforeAll(async () => {
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await tdb.db.insert(users).values({ id: USER_ID, email: 'member@example.com', passwordHash: 'x', role: 'admin' });
  site = createServer((req, res) => {
    const p = pages[new URL(req.url ?? '/', 'http://x').pathname];
    if (!p) return res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    res.writeHead(p.status ?? 200, { ...(p.type ? { 'content-type': p.type } : {}), ...p.headers }).end(p.body);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  await createProject(ctxFor(tdb), { slug: 'shop', name: 'Shop', origins: [siteOrigin] });
  shop = await projectBySlug(tdb.db, 'shop');
});
afterAll(async () => {
  site.close();
  await tdb.dispose();
});

describe('updatePromptSettings', () => {
  it('starts from the defaults, saves valid settings with an audit row, refuses bad ones and non-admins', async () => {
    expect((await getInstallView(as(user('viewer')))).prompt).toEqual(DEFAULT_PROMPT_SETTINGS);
    const form = {
      style: 'bell',
      delaySeconds: '12',
      pageViews: '2',
      reaskDays: '3',
      topicChoice: 'on',
      headline: ' News! ',
      body: 'Hear first.',
      acceptLabel: 'Yes',
      laterLabel: 'Later',
    };
    const saved = await updatePromptSettings(as(user('admin')), promptSettingsFromForm(form));
    expect(saved).toEqual({
      style: 'bell',
      delaySeconds: 12,
      pageViews: 2,
      reaskDays: 3,
      topicChoice: true,
      headline: 'News!',
      body: 'Hear first.',
      acceptLabel: 'Yes',
      laterLabel: 'Later',
    });
    expect((await tdb.db.select({ prompt: projects.prompt }).from(projects).where(eq(projects.id, shop.id)))[0]!.prompt).toEqual(saved);
    const audit = await tdb.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'install.update-prompt'), eq(auditLogs.projectId, shop.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toEqual(saved);

    const bad = await updatePromptSettings(as(user('admin')), promptSettingsFromForm({ ...form, delaySeconds: '0', style: 'popup', headline: '' })).catch(
      (e: unknown) => e,
    );
    expect(bad).toMatchObject({ code: 'validation_failed' });
    expect(Object.keys((bad as { fieldErrors: object }).fieldErrors).sort()).toEqual(['delaySeconds', 'headline', 'style']);
    await expect(updatePromptSettings(as(user('marketer')), promptSettingsFromForm(form))).rejects.toMatchObject({ code: 'forbidden' });
    // Nothing half written: still what was saved, and one audit row.
    expect((await getInstallView(as(user('viewer')))).prompt).toEqual(saved);
  });
});

describe('updateSiteOrigins', () => {
  it("replaces the project's origins (deduplicated, audited), refuses non-origins and non-admins", async () => {
    expect(await updateSiteOrigins(as(user('admin')), { origins: [siteOrigin, 'https://shop.example', 'https://SHOP.example/'] })).toEqual([
      siteOrigin,
      'https://shop.example',
    ]);
    expect((await getInstallView(as(user('viewer')))).origins).toEqual([siteOrigin, 'https://shop.example']);
    expect(
      await tdb.db
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.action, 'install.update-origins'), eq(auditLogs.projectId, shop.id))),
    ).toHaveLength(1);
    await expect(updateSiteOrigins(as(user('admin')), { origins: ['https://shop.example/path'] })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(updateSiteOrigins(as(user('viewer')), { origins: [] })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('checkInstallation', () => {
  const check = async (url: string) => {
    const r = await checkInstallation(as(user('viewer')), { url }, BASE);
    return { ok: r.ok, codes: r.findings.map((f) => f.code), text: r.findings.map((f) => f.message).join(' | ') };
  };

  it('reports each problem in plain words, and all good for the one-line file at the root', async () => {
    const good = await check(siteOrigin);
    expect(good).toMatchObject({ ok: true, codes: ['ok'] });
    expect(good.text).toContain(`${siteOrigin}/pushdeck-sw.js loads Pushdeck's worker for project "shop"`);
    expect(await check(`${siteOrigin}/copy.js`)).toMatchObject({ ok: true, codes: ['ok'] });
    expect(await check(`${siteOrigin}/js/allowed.js`)).toMatchObject({ ok: true, codes: ['ok'] });

    const missing = await check(`${siteOrigin}/nothing.js`);
    expect(missing).toMatchObject({ ok: false, codes: ['not-found'] });
    expect(missing.text).toContain('(the site answered 404)');
    const html = await check(`${siteOrigin}/html.js`);
    expect(html).toMatchObject({ ok: false, codes: ['content-type'] });
    expect(html.text).toContain('served as text/html');
    const wrong = await check(`${siteOrigin}/wrong.js`);
    expect(wrong).toMatchObject({ ok: false, codes: ['wrong-worker'] });
    expect(wrong.text).toContain('for project "shop"');
    expect((await check(`${siteOrigin}/server.js`)).text).toContain('not from this Pushdeck server (https://pushdeck.example)');
    expect(await check(`${siteOrigin}/js/sw.js`)).toMatchObject({ ok: false, codes: ['scope'] });
    expect(await check(`${siteOrigin}/moved.js`)).toMatchObject({ ok: false, codes: ['redirect'] });
    expect(await check(`${siteOrigin}/big.js`)).toMatchObject({ ok: false, codes: ['too-large'] });
  });

  it('fetches nothing from an origin the project does not list, nor a non-http address', async () => {
    const other = await check('http://127.0.0.1:1/pushdeck-sw.js');
    expect(other).toMatchObject({ ok: false, codes: ['origin-not-listed'] });
    expect(other.text).toBe('The origin http://127.0.0.1:1 is not allowed for project "shop": add it to the project\'s allowed origins (Install page).');
    await expect(checkInstallation(as(user('viewer')), { url: 'file:///etc/passwd' }, BASE)).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(checkInstallation(ctxFor(tdb, { kind: 'public', ip: null }, shop), { url: siteOrigin }, BASE)).rejects.toMatchObject({ code: 'forbidden' });
  });
});

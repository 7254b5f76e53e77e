/** The opt-in funnel: exact counts after a scripted sequence, per project, through the real route (and its origin check). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as optinRoute } from '../../app/api/push/optin/route';
import { ctxFor, openTestDatabase, owner, useAsProcessDatabase, type TestDatabase } from '../../tests/support/db';
import type { ProjectRef } from '../context';
import { createProject } from '../projects/mutations';
import { projectBySlug } from '../projects/queries';
import { optinSeries, recordOptinEvent } from './optin';

process.env.PUBLIC_API_RATE_PER_MINUTE = '1000000';
let tdb: TestDatabase;
let shop: ProjectRef;
const day = (d: string) => new Date(`${d}T12:00:00Z`);
const post = (project: string, body: unknown, origin?: string) =>
  optinRoute(
    new Request(`http://localhost/api/push/optin?project=${project}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pushdeck-client-ip': '192.0.2.9', ...(origin ? { origin } : {}) },
      body: JSON.stringify(body),
    }),
  );

beforeAll(async () => {
  tdb = await openTestDatabase();
  useAsProcessDatabase(tdb);
  await createProject(ctxFor(tdb), { slug: 'shop', name: 'Shop', origins: ['https://shop.example'] });
  await createProject(ctxFor(tdb), { slug: 'other', name: 'Other', origins: [] });
  shop = await projectBySlug(tdb.db, 'shop');
});
afterAll(() => tdb.dispose());

describe('recordOptinEvent and optinSeries', () => {
  it('counts exactly, per day, style and event, and only in its project', async () => {
    const inShop = ctxFor(tdb, owner, shop);
    const script: [string, string, string][] = [
      ['2026-03-01', 'prompt_shown', 'slidedown'],
      ['2026-03-01', 'prompt_shown', 'slidedown'],
      ['2026-03-01', 'prompt_shown', 'slidedown'],
      ['2026-03-01', 'accepted', 'slidedown'],
      ['2026-03-01', 'dismissed', 'slidedown'],
      ['2026-03-02', 'prompt_shown', 'bell'],
      ['2026-03-02', 'denied', 'bell'],
      ['2026-03-02', 'accepted', 'direct'],
      ['2026-03-03', 'unsubscribed', 'direct'],
    ];
    for (const [d, event, style] of script) await recordOptinEvent(inShop, { event, style }, day(d));
    const s = await optinSeries(inShop, { days: 3, now: day('2026-03-03') });
    expect(s.daily.map((d) => d.day)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect(s.daily[0]).toEqual({ day: '2026-03-01', prompt_shown: 3, accepted: 1, dismissed: 1, denied: 0, unsubscribed: 0 });
    expect(s.daily[1]).toEqual({ day: '2026-03-02', prompt_shown: 1, accepted: 1, dismissed: 0, denied: 1, unsubscribed: 0 });
    expect(s.daily[2]).toEqual({ day: '2026-03-03', prompt_shown: 0, accepted: 0, dismissed: 0, denied: 0, unsubscribed: 1 });
    expect(s.byStyle.map((b) => [b.style, b.prompt_shown, b.accepted, b.rate])).toEqual([
      ['slidedown', 3, 1, 1 / 3],
      ['bell', 1, 0, 0],
      ['direct', 0, 1, null],
    ]);
    // Accepted through a prompt (1) over prompts shown (4): the site's own button is not a prompt.
    expect(s.totals).toEqual({ prompt_shown: 4, accepted: 2, dismissed: 1, denied: 1, unsubscribed: 1, rate: 0.25 });
    // A day outside the window is not counted; the other project sees nothing.
    expect((await optinSeries(inShop, { days: 1, now: day('2026-03-03') })).totals.prompt_shown).toBe(0);
    expect((await optinSeries(ctxFor(tdb, owner, await projectBySlug(tdb.db, 'other')), { days: 3, now: day('2026-03-03') })).totals).toEqual({
      prompt_shown: 0,
      accepted: 0,
      dismissed: 0,
      denied: 0,
      unsubscribed: 0,
      rate: null,
    });
  });

  it('refuses an unknown event or style, and a visitor reading the series', async () => {
    const inShop = ctxFor(tdb, owner, shop);
    await expect(recordOptinEvent(inShop, { event: 'clicked', style: 'bell' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(recordOptinEvent(inShop, { event: 'accepted', style: 'popup' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(optinSeries(ctxFor(tdb, { kind: 'public', ip: null }, shop))).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('POST /api/push/optin', () => {
  it('counts from a listed origin (204), refuses bad bodies (400) and unlisted origins with a readable 403', async () => {
    const today = new Date();
    const before = (await optinSeries(ctxFor(tdb, owner, shop), { days: 1, now: today })).totals.prompt_shown;
    const ok = await post('shop', { event: 'prompt_shown', style: 'inline' }, 'https://shop.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect((await optinSeries(ctxFor(tdb, owner, shop), { days: 1, now: today })).totals.prompt_shown).toBe(before + 1);

    const bad = await post('shop', { event: 'nope', style: 'inline' }, 'https://shop.example');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('validation_failed');

    const evil = await post('shop', { event: 'prompt_shown', style: 'inline' }, 'https://x.example');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBe('https://x.example');
    expect(await evil.json()).toEqual({
      error: {
        code: 'forbidden',
        message: 'The origin https://x.example is not allowed for project "shop": add it to the project\'s allowed origins (Install page).',
      },
    });
    // Pushdeck's own pages: the Origin's host is the request's own, whatever the scheme (a TLS proxy).
    expect((await post('shop', { event: 'prompt_shown', style: 'inline' }, 'https://localhost')).status).toBe(204);
    expect((await optinSeries(ctxFor(tdb, owner, shop), { days: 1, now: today })).totals.prompt_shown).toBe(before + 2);
  });
});

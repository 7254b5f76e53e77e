/**
 * The opt-in funnel of a project's sites: the SDK reports each prompt shown, accepted, put off
 * ("not now"), refused by the browser and each unsubscribe (`recordOptinEvent`, a visitor's call),
 * counted per UTC day, prompt style and event in one row incremented in place; the overview charts
 * the last days of it (`optinSeries`). Counts only: nothing about the visitor is stored.
 */
import 'server-only';
import { and, gte, lte, sql } from 'drizzle-orm';
import { optinEvents } from '../../db/schema';
import { validationError } from '../../lib/errors';
import { OPTIN_EVENTS, type OptinEvent } from '../../lib/sdk/prompt-settings';
import { assertCan, type Ctx, type DbCtx } from '../context';
import { ofProject } from '../projects/scope';
import { OPTIN_STYLES, optinEventSchema, type OptinStyle } from './schemas';

const DAY_MS = 86_400_000;
const utcDay = (t: Date) => t.toISOString().slice(0, 10);

/** Counts one event for today (UTC) in the caller's project. Public: the SDK reports for visitors. */
export async function recordOptinEvent(ctx: DbCtx, input: unknown, now: Date = new Date()): Promise<void> {
  const parsed = optinEventSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message);
  // One statement: concurrent reports of the same event add up instead of overwriting each other.
  await ctx.db
    .insert(optinEvents)
    .values({ projectId: ctx.project.id, day: utcDay(now), style: parsed.data.style, event: parsed.data.event, count: 1 })
    .onConflictDoUpdate({
      target: [optinEvents.projectId, optinEvents.day, optinEvents.style, optinEvents.event],
      set: { count: sql`${optinEvents.count} + 1` },
    });
}

export type OptinCounts = Record<OptinEvent, number>;

export interface OptinSeries {
  /** One entry per UTC day, oldest first, `days` of them ending today (zeros included). */
  daily: ({ day: string } & OptinCounts)[];
  /** Per style (the soft prompts and `direct`) over the period, only styles with any event. */
  byStyle: ({ style: OptinStyle; rate: number | null } & OptinCounts)[];
  /** The whole period; `rate` = accepted through a prompt ÷ prompts shown (null: none shown). */
  totals: OptinCounts & { rate: number | null };
}

const zero = (): OptinCounts => Object.fromEntries(OPTIN_EVENTS.map((e) => [e, 0])) as OptinCounts;
const rateOf = (accepted: number, shown: number) => (shown > 0 ? accepted / shown : null);

/** The funnel of the caller's project over the last `days` UTC days up to `now`'s day. */
export async function optinSeries(ctx: Ctx, opts: { days?: number; now?: Date } = {}): Promise<OptinSeries> {
  assertCan(ctx, 'dashboard.read');
  const days = Math.min(Math.max(Math.trunc(opts.days ?? 30), 1), 366);
  const now = opts.now ?? new Date();
  const last = utcDay(now);
  const first = utcDay(new Date(Date.parse(`${last}T00:00:00Z`) - (days - 1) * DAY_MS));
  const rows = await ctx.db
    .select({ day: optinEvents.day, style: optinEvents.style, event: optinEvents.event, count: optinEvents.count })
    .from(optinEvents)
    .where(and(ofProject(optinEvents, ctx), gte(optinEvents.day, first), lte(optinEvents.day, last)));

  const daily = Array.from({ length: days }, (_, i) => ({ day: utcDay(new Date(Date.parse(`${first}T00:00:00Z`) + i * DAY_MS)), ...zero() }));
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const styles = new Map<OptinStyle, OptinCounts>();
  const totals = zero();
  let acceptedByPrompt = 0;
  for (const r of rows) {
    // Rows are written only through the schema; anything else (a style retired later) is not counted.
    if (!(OPTIN_EVENTS as readonly string[]).includes(r.event) || !(OPTIN_STYLES as readonly string[]).includes(r.style)) continue;
    const event = r.event as OptinEvent;
    const style = r.style as OptinStyle;
    const n = Number(r.count);
    const d = byDay.get(String(r.day));
    if (d) d[event] += n;
    const s = styles.get(style) ?? zero();
    s[event] += n;
    styles.set(style, s);
    totals[event] += n;
    if (event === 'accepted' && style !== 'direct') acceptedByPrompt += n;
  }
  const byStyle = OPTIN_STYLES.filter((s) => styles.has(s)).map((style) => {
    const c = styles.get(style)!;
    return { style, ...c, rate: style === 'direct' ? null : rateOf(c.accepted, c.prompt_shown) };
  });
  return { daily, byStyle, totals: { ...totals, rate: rateOf(acceptedByPrompt, totals.prompt_shown) } };
}

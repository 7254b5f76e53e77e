/**
 * Parsers for values that arrive as untrusted strings (query strings, path segments, form fields,
 * cursors), shared so every edge refuses the same things the same way: a clear 400 instead of a
 * value the database cannot hold (year 0, year 275760) or one JavaScript quietly coerced
 * (`0x10`, `1e3`, ` 7`). Safe for the browser bundle.
 */
import { z } from 'zod';
import { AppError } from './errors';

/** The instants Pushdeck accepts from outside: 1970-01-01 to the end of 9999, in UTC. */
export const MIN_INSTANT_MS = 0;
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
export const INSTANT_RANGE = 'between 1970 and 9999';

export function instantInRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** `YYYY-MM-DD` naming a real calendar day (no 2027-02-30) within the accepted range. */
export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo);
}

/** A date field: `YYYY-MM-DD`, a real day, 1970–9999. */
export const dateParam = (message = `Use a date like 2025-01-31, ${INSTANT_RANGE}.`) => z.string({ error: message }).refine(isCalendarDate, message);

/** An ISO 8601 date-time with an offset, within 1970–9999. */
export const dateTimeParam = (message: string) =>
  z.iso.datetime({ offset: true, error: message }).refine((v) => instantInRange(Date.parse(v)), `${message} (${INSTANT_RANGE})`);

/**
 * Wall-clock fields `YYYY-MM-DDTHH:mm[:ss]` that name a real moment on the calendar: no February
 * 30th, no 25:61. (Whether it exists in a time zone is lib/time.ts's business.)
 */
export function parseWallClock(v: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  if (!isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`) || h > 23 || mi > 59 || s > 59) return null;
  return { y, mo, d, h, mi, s };
}

/** A whole number in a query string, in plain decimal digits only. */
export const intParam = (min: number, max: number, message: string) =>
  z
    .string({ error: message })
    .regex(/^[0-9]{1,15}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));

/** A keyset cursor's instant: an ISO string a Date can hold and the database can compare. */
export function cursorInstant(v: string | undefined): Date | null {
  if (!v || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(v)) return null;
  const ms = Date.parse(v);
  return instantInRange(ms) ? new Date(ms) : null;
}

/** A record id (UUID) from a path, form or argument; anything else is simply not found. */
export const isId = (v: unknown): v is string => typeof v === 'string' && z.uuid().safeParse(v).success;

/**
 * The shared id parser for services: a path segment, argument or form field that is not a UUID
 * names nothing, so it answers `not_found` (with the caller's wording), never a 400 or a 500.
 */
export function requireId(v: unknown, notFound: string): string {
  if (!isId(v)) throw new AppError('not_found', notFound);
  return v;
}

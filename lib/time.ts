/**
 * Wall-clock time in a named time zone → an instant, without a date library: guess the UTC
 * instant, measure the zone's offset there with Intl, correct, and measure again (DST edges).
 */
import { parseWallClock } from './params';

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * `local` is `YYYY-MM-DDTHH:mm[:ss]` (an <input type="datetime-local"> value) in `timeZone`. Null
 * when it names no moment on the calendar (2027-02-30, 25:61) or the zone is unknown.
 *
 * Daylight-saving edges, as calendars (and RFC 5545, and Temporal's "compatible") handle them:
 * a time the clocks skip (02:30 when they jump from 02:00 to 03:00) moves forward by the jump
 * (03:30); a time that happens twice (02:30 when they fall back) is the first of the two.
 */
export function zonedToUtc(local: string, timeZone: string): Date | null {
  const w = parseWallClock(local);
  if (!w || !isTimeZone(timeZone)) return null;
  const wall = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  const day = 86_400_000;
  // The zone's offsets a day either side of the wall time; at most one transition lies between.
  const before = offsetMs(wall - day, timeZone);
  const after = offsetMs(wall + day, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => offsetMs(t, timeZone) === wall - t);
  if (candidates.length) return new Date(Math.min(...candidates));
  // Skipped by the clocks: read with the offset from before the jump, which lands after it.
  return new Date(wall - before);
}

const wallClock = (timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** An instant shown as wall-clock time in a zone, e.g. "2026-11-23 14:05 (Europe/Berlin)". */
export function formatInZone(d: Date, timeZone: string): string {
  return `${wallClock(timeZone).format(d).replace(',', '')} (${timeZone})`;
}

/** An instant as a datetime-local value in a zone: "YYYY-MM-DDTHH:mm". */
export function wallClockInput(d: Date, timeZone: string): string {
  const parts = wallClock(timeZone).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

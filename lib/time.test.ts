import { describe, expect, it } from 'vitest';
import { formatInZone, zonedToUtc } from './time';

describe('time zones', () => {
  it('converts wall-clock time in a zone to the instant', () => {
    expect(zonedToUtc('2026-07-01T09:30', 'Europe/Berlin')!.toISOString()).toBe('2026-07-01T07:30:00.000Z'); // CEST
    expect(zonedToUtc('2026-01-15T09:30', 'Europe/Berlin')!.toISOString()).toBe('2026-01-15T08:30:00.000Z'); // CET
    expect(zonedToUtc('2026-03-10T12:00', 'America/New_York')!.toISOString()).toBe('2026-03-10T16:00:00.000Z');
    expect(zonedToUtc('2026-03-10T12:00', 'UTC')!.toISOString()).toBe('2026-03-10T12:00:00.000Z');
    expect(zonedToUtc('2026-06-01T00:00', 'Asia/Kolkata')!.toISOString()).toBe('2026-05-31T18:30:00.000Z');
  });
  it('refuses unknown zones and malformed times', () => {
    expect(zonedToUtc('2026-03-10T12:00', 'Mars/Olympus')).toBeNull();
    expect(zonedToUtc('10/03/2026 12:00', 'UTC')).toBeNull();
  });
  it('formats back in the zone', () => {
    expect(formatInZone(new Date('2026-07-01T07:30:00Z'), 'Europe/Berlin')).toBe('2026-07-01 09:30 (Europe/Berlin)');
  });
});

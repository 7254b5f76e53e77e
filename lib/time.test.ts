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
  it('refuses unknown zones, malformed times and moments the calendar does not have', () => {
    expect(zonedToUtc('2026-03-10T12:00', 'Mars/Olympus')).toBeNull();
    expect(zonedToUtc('10/03/2026 12:00', 'UTC')).toBeNull();
    for (const impossible of [
      '2027-02-30T10:00',
      '2027-02-29T10:00',
      '2027-13-01T10:00',
      '2027-00-10T10:00',
      '2027-04-31T10:00',
      '2027-01-01T25:00',
      '2027-01-01T10:61',
      '2027-01-01T24:00',
      '2027-01-01T10:00:60',
      '0000-01-01T10:00',
    ]) {
      expect(zonedToUtc(impossible, 'UTC'), impossible).toBeNull();
    }
    expect(zonedToUtc('2028-02-29T10:00', 'UTC')!.toISOString()).toBe('2028-02-29T10:00:00.000Z'); // a leap year
  });
  it('moves a time the clocks skip forward by the jump, and takes the first of a time that happens twice', () => {
    // Europe/Berlin, 2027-03-28: 02:00 CET becomes 03:00 CEST.
    expect(zonedToUtc('2027-03-28T02:30', 'Europe/Berlin')!.toISOString()).toBe('2027-03-28T01:30:00.000Z'); // 03:30 CEST
    expect(zonedToUtc('2027-03-28T03:00', 'Europe/Berlin')!.toISOString()).toBe('2027-03-28T01:00:00.000Z');
    expect(zonedToUtc('2027-03-28T01:59', 'Europe/Berlin')!.toISOString()).toBe('2027-03-28T00:59:00.000Z');
    // 2027-10-31: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice; the first is CEST.
    expect(zonedToUtc('2027-10-31T02:30', 'Europe/Berlin')!.toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(zonedToUtc('2027-10-31T03:30', 'Europe/Berlin')!.toISOString()).toBe('2027-10-31T02:30:00.000Z');
    // America/New_York, 2027-03-14: 02:00 EST becomes 03:00 EDT.
    expect(zonedToUtc('2027-03-14T02:15', 'America/New_York')!.toISOString()).toBe('2027-03-14T07:15:00.000Z'); // 03:15 EDT
    // Lord Howe moves by half an hour.
    expect(zonedToUtc('2027-10-03T02:10', 'Australia/Lord_Howe')!.toISOString()).toBe(new Date(Date.UTC(2027, 9, 2, 15, 40)).toISOString()); // 02:40 +11
  });
  it('formats back in the zone', () => {
    expect(formatInZone(new Date('2026-07-01T07:30:00Z'), 'Europe/Berlin')).toBe('2026-07-01 09:30 (Europe/Berlin)');
  });
});

import { describe, expect, it } from 'vitest';
import { isConnectionRefused, isDatabaseUnavailable, isDriverTypeFetchFailure } from './errors';

const coded = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });

describe('database connection errors', () => {
  it('finds a connection failure anywhere in the cause chain, and in aggregate errors', () => {
    expect(isDatabaseUnavailable(new Error('query failed', { cause: coded('57P01') }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]))).toBe(true);
    expect(isDatabaseUnavailable(coded('CONNECTION_CLOSED'))).toBe(true);
  });

  it('does not take a query error for an outage', () => {
    expect(isDatabaseUnavailable(coded('23505'))).toBe(false); // unique violation
    expect(isDatabaseUnavailable(new Error('plain'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it('tells a server that refuses connections from a connection a restart cut', () => {
    expect(isConnectionRefused(new Error('wrapped', { cause: coded('ECONNREFUSED') }))).toBe(true);
    expect(isConnectionRefused(coded('57P03'))).toBe(true); // starting up
    expect(isConnectionRefused(coded('57P01'))).toBe(false); // admin shutdown cut this connection
    expect(isConnectionRefused(coded('CONNECTION_CLOSED'))).toBe(false);
  });

  it("recognises the driver's own catalog query failing, and nothing else", () => {
    const query =
      "\n      select b.oid, b.typarray\n      from pg_catalog.pg_type a\n      left join pg_catalog.pg_type b on b.oid = a.typelem\n      where a.typcategory = 'A'\n";
    expect(isDriverTypeFetchFailure(Object.assign(coded('ECONNREFUSED'), { query }))).toBe(true);
    expect(isDriverTypeFetchFailure(Object.assign(coded('57P01'), { query }))).toBe(true);
    expect(isDriverTypeFetchFailure(Object.assign(coded('57014'), { query }))).toBe(true); // cancelled by statement_timeout
    expect(isDriverTypeFetchFailure(Object.assign(coded('ECONNREFUSED'), { query: 'select 1' }))).toBe(false);
    expect(isDriverTypeFetchFailure(undefined)).toBe(false);
  });
});

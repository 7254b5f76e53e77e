import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env';
import { pickForwarded } from './http/client-ip';
import { uuidv7 } from './ids';
import { redact, serializeError } from './logger';

describe('configuration', () => {
  it('applies defaults and resolves paths against the project root', () => {
    const c = loadConfig({ PUSHDECK_ROOT: '/srv/app' });
    expect(c.PORT).toBe(3000);
    expect(c.DATA_DIR).toBe('/srv/app/data');
    expect(c.PGLITE_DIR).toBe('/srv/app/data/pglite');
    expect(c.DATABASE_URL).toBeUndefined();
  });
  it('names every bad variable at once, without echoing secret values', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PUSHDECK_SECRET: 'short-secret', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const key of ['PORT', 'DATABASE_URL', 'PUSHDECK_SECRET', 'LOG_LEVEL']) expect(msg).toContain(`${key}:`);
    expect(msg).not.toContain('short-secret');
  });
  it('keeps the worker lease above twice the push timeout (a slow request must end before a takeover)', () => {
    expect(() => loadConfig({ WORKER_LEASE_SECONDS: '60', PUSH_TIMEOUT_SECONDS: '30' })).toThrow(
      /WORKER_LEASE_SECONDS: must be more than twice PUSH_TIMEOUT_SECONDS/,
    );
    expect(loadConfig({ WORKER_LEASE_SECONDS: '61', PUSH_TIMEOUT_SECONDS: '30' }).PUSH_TIMEOUT_SECONDS).toBe(30);
    expect(loadConfig({})).toMatchObject({ WORKER_LEASE_SECONDS: 25, PUSH_TIMEOUT_SECONDS: 10 });
  });
  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).DATABASE_URL).toBeUndefined();
  });
});

describe('client IP', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(pickForwarded('6.6.6.6', '10.0.0.5', 0)).toBe('10.0.0.5');
  });
  it('takes the address the outermost trusted proxy saw', () => {
    expect(pickForwarded('6.6.6.6, 198.51.100.7', '10.0.0.5', 1)).toBe('198.51.100.7');
    expect(pickForwarded('6.6.6.6, 198.51.100.7, 10.0.0.9', '10.0.0.5', 2)).toBe('198.51.100.7');
  });
  it('unwraps IPv4-mapped IPv6', () => {
    expect(pickForwarded(null, '::ffff:127.0.0.1', 0)).toBe('127.0.0.1');
  });
});

describe('uuidv7', () => {
  it('is a v7 UUID and sorts by creation time', () => {
    const ids = Array.from({ length: 2000 }, () => uuidv7());
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('logger', () => {
  it('redacts secret-looking keys at any depth', () => {
    const out = redact({ user: 'a', password: 'hunter2', nested: { privateKey: 'k', list: [{ apiKey: 'x', token: 't' }] }, authorization: 'Bearer y' });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|"k"|"x"|"t"|Bearer/);
    expect(out).toMatchObject({ user: 'a', password: '[redacted]' });
  });
  it('keeps the cause chain of errors', () => {
    const e = new Error('outer', { cause: new Error('inner') });
    expect(serializeError(e)).toMatchObject({ message: 'outer', cause: { message: 'inner' } });
  });
});

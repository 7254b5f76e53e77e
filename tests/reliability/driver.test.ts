/**
 * postgres.js runs a catalog query on every new connection and drops its promise, so when that
 * query fails its rejection is unhandled — and Node ends the process (porsager/postgres#1192).
 * A statement_timeout of 1 ms cancels that query every time: the process must live, log a
 * warning, and go on answering queries. Run in a child process, as the app and the worker run.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminUrl } from '../support/global-postgres';

const onPostgres = process.env.TEST_DB === 'postgres';

describe.runIf(onPostgres)("the driver's uncatchable catalog-query rejection", () => {
  it('is logged, and the process goes on', () => {
    const url = new URL(adminUrl());
    url.searchParams.set('statement_timeout', '1');
    const child = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'tests/support/driver-probe.ts', url.toString()], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const lines = `${child.stdout}${child.stderr}`.split('\n').filter(Boolean);
    expect(lines.some((l) => l.includes('"database.driver-type-query-failed"'))).toBe(true);
    const result = JSON.parse(lines.find((l) => l.startsWith('{"ok"'))!) as { ok: number; failed: number };
    expect(result.ok).toBeGreaterThan(0);
  });
});

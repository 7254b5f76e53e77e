/**
 * The database handle: PostgreSQL through postgres.js when DATABASE_URL is set, otherwise the
 * embedded PGlite in PGLITE_DIR. One handle per process (a globalThis singleton that survives
 * dev hot reloads); services receive it through their context rather than importing it.
 *
 * PGlite has no cross-process lock of its own and a second process opening the same folder
 * corrupts it silently, so we hold `<dir>.lock` for as long as the database is open.
 */
import 'server-only';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';
import { isDriverTypeFetchFailure } from '../lib/errors';
import { config } from '../lib/env';
import { logger } from '../lib/logger';
import { runMigrations } from './migrate';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  pglite?: PGlite;
  sql?: Sql;
  /** The connection URL (PostgreSQL only). */
  url?: string;
  close(): Promise<void>;
}

export class DatabaseLockedError extends Error {
  constructor(dir: string, holder: string) {
    super(
      `The embedded database at ${dir} is in use by ${holder}. ` +
        'Only one process may open it: stop that process first (or point this one at PostgreSQL with DATABASE_URL).',
    );
    this.name = 'DatabaseLockedError';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>.lock`; returns its release function. A lock left by a dead process is taken over. */
export function lockDataDir(dir: string): () => void {
  const lockPath = `${dir.replace(/\/+$/, '')}.lock`;
  const me = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), argv: process.argv.slice(1, 3).join(' ') };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const held = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number };
          if (held.pid === process.pid) unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: { pid?: number; host?: string; since?: string; argv?: string } = {};
      try {
        holder = JSON.parse(readFileSync(lockPath, 'utf8'));
      } catch {
        // Being written right now by another process, or garbage: look again shortly.
        if (attempt < 2) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
          continue;
        }
      }
      const samehost = !holder.host || holder.host === os.hostname();
      if (holder.pid && (!samehost || pidAlive(holder.pid))) {
        throw new DatabaseLockedError(
          dir,
          `process ${holder.pid}${samehost ? '' : ` on ${holder.host}`} (${holder.argv ?? 'unknown'}, since ${holder.since ?? '?'})`,
        );
      }
      logger.warn('db.stale-lock', { lockPath, pid: holder.pid });
      try {
        unlinkSync(lockPath);
      } catch {
        /* someone else took it over first; the next attempt will tell */
      }
    }
  }
  throw new DatabaseLockedError(dir, 'another process (the lock file keeps reappearing)');
}

export interface OpenOptions {
  /** postgres:// URL; when absent, PGlite. */
  url?: string;
  /** PGlite data folder, or 'memory'. */
  pgliteDir?: string;
  /** A PGlite dump to start from (tests: a pre-migrated snapshot). */
  loadDataDir?: Blob | File;
  poolMax?: number;
  migrate?: boolean;
  migrationsFolder?: string;
}

/**
 * Logs postgres.js's one uncatchable rejection (see isDriverTypeFetchFailure) instead of letting
 * it end the process. Every other unhandled rejection keeps Node's default: it is rethrown, and the
 * process exits — unless something else (a test runner) listens and decides.
 */
function guardDriverRejections() {
  const g = globalThis as { __pushdeckRejectionGuard?: boolean };
  if (g.__pushdeckRejectionGuard) return;
  g.__pushdeckRejectionGuard = true;
  process.on('unhandledRejection', (reason) => {
    if (isDriverTypeFetchFailure(reason)) {
      logger.warn('database.driver-type-query-failed', { err: reason });
      return;
    }
    if (process.listenerCount('unhandledRejection') > 1) return;
    throw reason;
  });
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const migrationsFolder = opts.migrationsFolder ?? path.join(config().ROOT, 'db', 'migrations');
  if (opts.url) {
    guardDriverRejections();
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const sql = postgres(opts.url, {
      max: opts.poolMax ?? 10,
      // postgres.js waits up to 20 s between reconnects once a few have failed (3^n/100 s), and
      // queries queue behind that wait: during an outage a visitor waited 15 s for a 503, and after
      // it the pool took seconds to notice the server was back. At most ~1 s between attempts
      // answers both at once; one connection attempt a second is nothing to a server.
      backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1),
      onnotice: () => {},
      connection: { application_name: 'pushdeck' },
    });
    const db = drizzle(sql, { schema }) as unknown as Db;
    const database: Database = { db, kind: 'postgres', sql, url: opts.url, close: () => sql.end({ timeout: 5 }) };
    if (opts.migrate !== false) await runMigrations(database, migrationsFolder);
    return database;
  }

  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dir = opts.pgliteDir ?? 'memory';
  let release = () => {};
  let client: PGlite;
  if (dir === 'memory') {
    client = await PGlite.create(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {});
  } else {
    mkdirSync(path.dirname(dir), { recursive: true });
    mkdirSync(dir, { recursive: true }); // PGlite does not create missing parents
    release = lockDataDir(dir);
    try {
      client = await PGlite.create(dir);
    } catch (e) {
      release();
      throw e;
    }
  }
  const db = drizzle(client, { schema }) as unknown as Db;
  const database: Database = {
    db,
    kind: 'pglite',
    pglite: client,
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
  if (opts.migrate !== false) await runMigrations(database, migrationsFolder);
  return database;
}

const g = globalThis as unknown as { __pushdeckDb?: Promise<Database> };

/** The process-wide database, opened (and migrated) on first use. */
export function getDatabase(): Promise<Database> {
  if (!g.__pushdeckDb) {
    const cfg = config();
    g.__pushdeckDb = openDatabase({
      url: cfg.DATABASE_URL,
      pgliteDir: cfg.PGLITE_DIR,
      poolMax: cfg.DATABASE_POOL_MAX,
      migrate: !cfg.SKIP_MIGRATIONS,
    }).catch((e) => {
      g.__pushdeckDb = undefined; // never cache a failed open
      throw e;
    });
  }
  return g.__pushdeckDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/** Closes the process-wide database (graceful shutdown). */
export async function closeDatabase(): Promise<void> {
  const p = g.__pushdeckDb;
  g.__pushdeckDb = undefined;
  if (p) await (await p).close();
}

/** `db.execute()` returns an array on postgres.js and `{ rows }` on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export { schema };

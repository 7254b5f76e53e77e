/**
 * Applies the committed drizzle-kit migrations (db/migrations) to either driver, then the data
 * migrations written in TypeScript (db/code-migrations.ts).
 *
 * On PostgreSQL several app and worker processes may start at once; a session-level advisory
 * lock on a dedicated connection makes them take turns, so a migration never runs twice
 * concurrently. PGlite is single-process (see the data-folder lock in db/index.ts).
 */
import { runCodeMigrations } from './code-migrations';
import type { Database, Db } from './index';

const MIGRATION_LOCK = 0x70757368; // 'push'

/**
 * `code: false` stops after the SQL: data migrations use this release's Drizzle schema, so they
 * only run on a database migrated to the end (tests that stop at an older release pass it).
 */
export async function runMigrations(database: Database, migrationsFolder: string, opts: { code?: boolean } = {}): Promise<void> {
  const code = opts.code ?? true;
  if (database.kind === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrate(database.db as any, { migrationsFolder });
    if (code) await runCodeMigrations(database.db);
    return;
  }
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const sql = postgres(database.url!, { max: 1, onnotice: () => {}, connection: { application_name: 'pushdeck-migrate' } });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    const db = drizzle(sql);
    await migrate(db, { migrationsFolder });
    if (code) await runCodeMigrations(db as unknown as Db);
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

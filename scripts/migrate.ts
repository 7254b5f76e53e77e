/** `npm run db:migrate`: applies pending migrations to DATABASE_URL or the embedded database. */
import { openDatabase, DatabaseLockedError } from '../db';
import { config, ConfigError } from '../lib/env';

try {
  const cfg = config();
  const t0 = Date.now();
  const db = await openDatabase({ url: cfg.DATABASE_URL, pgliteDir: cfg.PGLITE_DIR, poolMax: 1, migrate: true });
  await db.close();
  process.stdout.write(`Migrations applied to ${cfg.DATABASE_URL ? 'PostgreSQL' : cfg.PGLITE_DIR} in ${Date.now() - t0} ms.\n`);
} catch (e) {
  process.stderr.write(`${e instanceof ConfigError || e instanceof DatabaseLockedError ? e.message : (e as Error).stack}\n`);
  process.exit(1);
}

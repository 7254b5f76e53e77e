/**
 * Run as its own process by tests/reliability/driver.test.ts: opens the database at argv[2] the
 * way the app does, runs queries, and prints what happened. Exits 0 only if the process lived.
 */
import { openDatabase } from '../../db';

const database = await openDatabase({ url: process.argv[2]!, migrate: false, poolMax: 3 });
let ok = 0;
let failed = 0;
for (let i = 0; i < 20; i++) {
  try {
    await database.sql!`select 1`;
    ok++;
  } catch {
    failed++;
  }
}
await new Promise((r) => setTimeout(r, 300)); // time for a late rejection to surface
process.stdout.write(`${JSON.stringify({ ok, failed })}\n`);
await database.close();

// Exit 0 when the PostgreSQL at argv[2] answers within 3 s, 1 otherwise (prints why).
import postgres from 'postgres';

const url = process.argv[2];
const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
try {
  const [{ v }] = await sql`select current_setting('server_version') as v`;
  process.stdout.write(`${v}\n`);
  await sql.end();
  process.exit(0);
} catch (e) {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
}

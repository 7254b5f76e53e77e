import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL here; `npm run db:migrate` and every app start apply it.
// Generation needs no database connection.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
  strict: true,
});

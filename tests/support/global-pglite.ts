/**
 * Migrates one in-memory PGlite and saves it as a snapshot; each test file starts from a copy
 * (a fresh migrate per file costs seconds, loading the snapshot a fraction of that).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  const root = path.resolve(import.meta.dirname, '../..');
  const dir = path.join(root, '.tmp');
  mkdirSync(dir, { recursive: true });
  const client = await PGlite.create();
  await migrate(drizzle(client), { migrationsFolder: path.join(root, 'db/migrations') });
  const dump = await client.dumpDataDir('none');
  await client.close();
  const file = path.join(dir, `pglite-snapshot-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteSnapshot', file);
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    pgTemplate: string;
    pgAdminUrl: string;
  }
}

/**
 * Creates a migrated template database on the test PostgreSQL; each test file clones it
 * (CREATE DATABASE … TEMPLATE is far faster than migrating). Everything is dropped afterwards.
 */
import path from 'node:path';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { TestProject } from 'vitest/node';

export const adminUrl = () => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export default async function setup(project: TestProject) {
  const root = path.resolve(import.meta.dirname, '../..');
  const url = adminUrl();
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin`select 1`;
  } catch (e) {
    await admin.end();
    throw new Error(
      `PostgreSQL is not reachable at ${url.replace(/:[^:@/]*@/, ':***@')}: ${(e as Error).message}. Set TEST_DATABASE_URL, or run only the unit and pglite projects.`,
    );
  }
  const tpl = `pushdeck_tpl_${process.pid}_${Date.now().toString(36)}`;
  await admin.unsafe(`create database ${tpl}`);
  const tplUrl = new URL(url);
  tplUrl.pathname = `/${tpl}`;
  const c = postgres(tplUrl.toString(), { max: 1, onnotice: () => {} });
  await migrate(drizzle(c), { migrationsFolder: path.join(root, 'db/migrations') });
  await c.end();
  project.provide('pgTemplate', tpl);
  project.provide('pgAdminUrl', url);
  return async () => {
    const dbs = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`pushdeck_t_${tpl.slice(13)}%`} or datname = ${tpl}`;
    for (const { datname } of dbs) await admin.unsafe(`drop database if exists ${datname} with (force)`);
    await admin.end();
  };
}

/**
 * A fresh, migrated database for one test file, on whichever engine the project runs
 * (TEST_DB=pglite|postgres). Tests talk to it through the same `Database` the app uses.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { inject } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../../db';
import { campaigns, type Campaign } from '../../db/schema';
import { DEFAULT_PROJECT, makeCtx, type Actor, type Ctx, type ProjectRef } from '../../server/context';

export interface TestDatabase extends Database {
  /** Passed where a service takes a `DbCtx`, the test database acts in the default project. */
  project: ProjectRef;
  dispose(): Promise<void>;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  if (process.env.TEST_DB === 'postgres') {
    const tpl = inject('pgTemplate');
    const adminUrl = inject('pgAdminUrl');
    const name = `pushdeck_t_${tpl.slice(13)}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database ${name} template ${tpl}`);
        break;
      } catch (e) {
        // Two files cloning the template at the same instant: PostgreSQL refuses one; retry.
        if (attempt > 20 || !/being accessed by other users/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase({ url: url.toString(), migrate: false, poolMax: 5 });
    return {
      ...db,
      project: DEFAULT_PROJECT,
      async dispose() {
        await db.close().catch(() => {});
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const snapshot = new Blob([readFileSync(inject('pgliteSnapshot'))]);
  const db = await openDatabase({ pgliteDir: 'memory', loadDataDir: snapshot, migrate: false });
  return { ...db, project: DEFAULT_PROJECT, dispose: () => db.close().catch(() => {}) };
}

export const owner: Actor = { kind: 'system', label: 'cli' };

export function ctxFor(db: Database, actor: Actor = owner, project?: ProjectRef): Ctx {
  return makeCtx(db.db, actor, { project });
}

/** Makes route handlers and actions (which call getDb()) use this test database. */
export function useAsProcessDatabase(db: Database): void {
  (globalThis as unknown as { __pushdeckDb?: Promise<Database> }).__pushdeckDb = Promise.resolve(db);
}

/** The campaign's row once it has completed (polls for up to 30 s). */
export async function completedCampaign(db: Database, id: string): Promise<Campaign> {
  for (let i = 0; i < 300; i++) {
    const [c] = await db.db.select().from(campaigns).where(eq(campaigns.id, id));
    if (c?.status === 'completed') return c;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('campaign did not complete');
}

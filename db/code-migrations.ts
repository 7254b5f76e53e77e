/**
 * Data migrations that SQL cannot express well, written in TypeScript and run once each, in order,
 * after the SQL migrations (db/migrate.ts, under the same advisory lock). Each runs in one
 * transaction together with the row in `code_migrations` that marks it done: it happens wholly
 * or not at all, and never twice.
 */
import { asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { canonicalEndpoint } from '../lib/push/endpoint';
import { logger } from '../lib/logger';
import type { Db } from './index';
import { codeMigrations, deliveries, receipts, storeMessages, subscriptions, subscriptionTopics } from './schema';

export interface CodeMigration {
  name: string;
  run(tx: Db): Promise<Record<string, number>>;
}

/**
 * Endpoints stored as typed → one canonical spelling (lib/push/endpoint.ts). Rows whose spellings
 * name the same endpoint become one: the oldest row stays (its id, creation time and history),
 * gains the union of the topics and the deliveries, receipts and stored records of the others
 * (where it has none of its own for that campaign), and takes the keys, status, VAPID key, expiry
 * and user agent of the most recently updated row, which is what the browser last said.
 */
export async function mergeEndpointSpellings(tx: Db): Promise<Record<string, number>> {
  // Only the rows not already canonical are kept in memory: in practice a handful.
  // Per project: the same browser may be subscribed to two projects (one row in each).
  const respelled = new Map<string, { projectId: string; canonical: string; ids: string[] }>(); // project + canonical → rows spelled otherwise
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await tx
      .select({ id: subscriptions.id, projectId: subscriptions.projectId, endpoint: subscriptions.endpoint })
      .from(subscriptions)
      .where(gt(subscriptions.id, after))
      .orderBy(asc(subscriptions.id))
      .limit(5000);
    for (const r of page) {
      const canonical = canonicalEndpoint(r.endpoint);
      if (!canonical || canonical === r.endpoint) continue;
      const k = `${r.projectId} ${canonical}`;
      const entry = respelled.get(k) ?? { projectId: r.projectId, canonical, ids: [] };
      entry.ids.push(r.id);
      respelled.set(k, entry);
    }
    if (page.length < 5000) break;
    after = page[page.length - 1]!.id;
  }
  let merged = 0;
  let rewritten = 0;
  for (const { projectId, canonical, ids } of respelled.values()) {
    const group = await tx
      .select()
      .from(subscriptions)
      .where(sql`${subscriptions.projectId} = ${projectId} and (${subscriptions.endpoint} = ${canonical} or ${inArray(subscriptions.id, ids)})`)
      .orderBy(asc(subscriptions.createdAt), asc(subscriptions.id));
    const keeper = group[0]!;
    const latest = [...group].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())[0]!;
    const others = group.slice(1);
    for (const dup of others) {
      await tx.execute(sql`
        insert into ${subscriptionTopics} (subscription_id, topic_id)
        select ${keeper.id}, topic_id from ${subscriptionTopics} where subscription_id = ${dup.id}
        on conflict do nothing`);
      // One statement per duplicate: each sees what the previous one moved.
      await tx.execute(sql`
        update ${deliveries} d set subscription_id = ${keeper.id}
        where d.subscription_id = ${dup.id}
          and not exists (select 1 from ${deliveries} k where k.subscription_id = ${keeper.id} and k.campaign_id = d.campaign_id)`);
      await tx.execute(sql`
        update ${receipts} r set subscription_id = ${keeper.id}
        where r.subscription_id = ${dup.id}
          and not exists (select 1 from ${receipts} k where k.subscription_id = ${keeper.id} and k.campaign_id = r.campaign_id and k.kind = r.kind)`);
      await tx.update(storeMessages).set({ subscriptionId: keeper.id }).where(eq(storeMessages.subscriptionId, dup.id));
    }
    // What is left on the duplicates (a delivery the keeper also had) goes with them.
    if (others.length)
      await tx.delete(subscriptions).where(
        inArray(
          subscriptions.id,
          others.map((o) => o.id),
        ),
      );
    await tx
      .update(subscriptions)
      .set({
        endpoint: canonical,
        p256dh: latest.p256dh,
        auth: latest.auth,
        vapidKeyId: latest.vapidKeyId,
        status: latest.status,
        endedAt: latest.endedAt,
        expiresAt: latest.expiresAt,
        userAgent: latest.userAgent,
        updatedAt: latest.updatedAt,
      })
      .where(eq(subscriptions.id, keeper.id));
    // An ended subscription keeps no topics (as unsubscribing leaves it).
    if (latest.status !== 'active') await tx.delete(subscriptionTopics).where(eq(subscriptionTopics.subscriptionId, keeper.id));
    merged += others.length;
    rewritten++;
  }
  return { endpoints: rewritten, merged };
}

export const CODE_MIGRATIONS: CodeMigration[] = [{ name: '0005_canonical_endpoints', run: mergeEndpointSpellings }];

/** Runs every code migration not yet recorded, each in one transaction with its record. */
export async function runCodeMigrations(db: Db, migrations: CodeMigration[] = CODE_MIGRATIONS): Promise<void> {
  for (const m of migrations) {
    await db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const [fresh] = await tx.insert(codeMigrations).values({ name: m.name }).onConflictDoNothing().returning({ name: codeMigrations.name });
      if (!fresh) return;
      const t0 = Date.now();
      const result = await m.run(tx);
      logger.info('db.code-migration', { name: m.name, ms: Date.now() - t0, ...result });
    });
  }
}

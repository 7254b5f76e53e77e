/**
 * Delivery engine tuning, stored in the database (settings.delivery) so every worker process
 * reads the same values; workers pick up changes at their next batch.
 */
import 'server-only';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db';
import { settings } from '../../db/schema';
import { validationError } from '../../lib/errors';
import { recordAudit } from '../audit/record';
import { assertCan, inTx, type Ctx } from '../context';

export const deliverySettingsSchema = z.object({
  /** Requests in flight per worker process. */
  concurrency: z.coerce.number({ error: 'Enter a number.' }).int('Whole numbers only.').min(1, 'At least 1.').max(1000, 'At most 1000.').default(100),
  /** Messages per second per push service and worker process; 0 means no limit. */
  ratePerService: z.coerce
    .number({ error: 'Enter a number.' })
    .int('Whole numbers only.')
    .min(0, 'Cannot be negative.')
    .max(100_000, 'At most 100000.')
    .default(0),
  /** Subscriptions per fan-out step (one transaction: their delivery rows and the checkpoint). */
  batchSize: z.coerce.number({ error: 'Enter a number.' }).int('Whole numbers only.').min(10, 'At least 10.').max(10_000, 'At most 10000.').default(500),
  /** Attempts per message before it counts as failed (retryable errors only). */
  maxAttempts: z.coerce.number({ error: 'Enter a number.' }).int('Whole numbers only.').min(1, 'At least 1.').max(20, 'At most 20.').default(5),
  /** First retry delay; later ones double, with jitter. */
  retryBaseSeconds: z.coerce
    .number({ error: 'Enter a number.' })
    .int('Whole numbers only.')
    .min(1, 'At least 1 second.')
    .max(3600, 'At most an hour.')
    .default(30),
});
export type DeliverySettings = z.infer<typeof deliverySettingsSchema>;

const KEY = 'delivery';

export async function getDeliverySettings(db: Db): Promise<DeliverySettings> {
  const [row] = await db.select().from(settings).where(eq(settings.key, KEY));
  const parsed = deliverySettingsSchema.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : deliverySettingsSchema.parse({});
}

export async function updateDeliverySettings(ctx: Ctx, input: unknown): Promise<DeliverySettings> {
  assertCan(ctx, 'settings.manage');
  const parsed = deliverySettingsSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues);
  return inTx(ctx, async (tx) => {
    const before = await getDeliverySettings(tx.db);
    await tx.db
      .insert(settings)
      .values({ key: KEY, value: parsed.data })
      .onConflictDoUpdate({ target: settings.key, set: { value: parsed.data, updatedAt: new Date() } });
    await recordAudit(tx, { action: 'settings.update', targetType: 'settings', targetId: KEY, targetLabel: 'Delivery', before, after: parsed.data });
    return parsed.data;
  });
}

/**
 * Recording what service workers report. Each kind counts once per delivery: the first report
 * inserts the receipt and bumps the campaign counter in the same statement; repeats change nothing.
 */
import 'server-only';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rowsOf } from '../../db';
import { receiptKinds } from '../../db/schema';
import { AppError, validationError } from '../../lib/errors';
import type { DbCtx } from '../context';
import { parseRef } from './ref';

/** A receipt is a few short fields. */
export const RECEIPT_BODY_BYTES = 1024;

export const receiptSchema = z.object({
  ref: z.string({ error: 'ref is required.' }).max(100),
  kind: z.enum(receiptKinds, { error: 'kind is shown, clicked or closed.' }),
  /** The action button clicked (absent: the notification itself). */
  action: z.string().max(64).optional(),
});

/**
 * The signed ref is the scope: it names one delivery and only our key can make one, so a receipt
 * is recorded in that delivery's campaign whichever project's worker sends it.
 */
export async function recordReceipt({ db }: DbCtx, input: unknown): Promise<'recorded' | 'duplicate'> {
  const parsed = receiptSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error.issues, parsed.error.issues[0]?.message ?? 'Invalid receipt.');
  const ref = parseRef(parsed.data.ref);
  if (!ref) throw new AppError('forbidden', 'That receipt reference is not valid.');
  const { kind, action } = parsed.data;
  const column = sql.raw(kind); // one of three known column names
  const [r] = rowsOf<{ inserted: number; bumped: number; known: number }>(
    await db.execute(sql`
      with d as (
        select 1 from deliveries where campaign_id = ${ref.campaignId} and subscription_id = ${ref.subscriptionId}
      ), ins as (
        insert into receipts (campaign_id, subscription_id, kind, action)
        select ${ref.campaignId}, ${ref.subscriptionId}, ${kind}, ${action ?? null} from d
        on conflict do nothing
        returning 1
      ), bump as (
        update campaigns set ${column} = ${column} + 1 where id = ${ref.campaignId} and exists (select 1 from ins)
        returning 1
      )
      select (select count(*) from ins)::int as inserted, (select count(*) from bump)::int as bumped, (select count(*) from d)::int as known`),
  );
  if (!r || Number(r.known) === 0) throw new AppError('not_found', 'No such delivery (the campaign or subscriber may have been deleted).');
  return Number(r.inserted) > 0 ? 'recorded' : 'duplicate';
}

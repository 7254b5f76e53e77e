/**
 * The click-tracking redirect (`/c/<ref>`, `/c/<ref>/<action>`): the link a Declarative Web Push
 * message opens when the browser shows it without running the service worker (Safari), so the
 * worker's "clicked" receipt never comes. It records the click like that receipt would and
 * answers with where the notification (or that action button) leads.
 *
 * Not an open redirect: the signed ref names a delivery, and the target is the campaign's own
 * link, read from the campaign; nothing in the URL says where to go.
 */
import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db';
import { AppError } from '../../lib/errors';
import type { NotificationContent } from '../../lib/push/payload';
import type { DbCtx } from '../context';
import { linksFor } from '../push/links';
import { recordReceipt } from './record';
import { parseRef } from './ref';

export async function followClick(ctx: DbCtx, ref: string, action: string | null): Promise<string> {
  const ids = parseRef(ref);
  if (!ids) throw new AppError('not_found', 'This notification link is not valid.');
  const index = action === null ? null : /^[0-9]$/.test(action) ? Number(action) : -1;
  if (index === -1) throw new AppError('not_found', 'This notification has no such button.');
  const [row] = rowsOf<{ content: NotificationContent; slug: string; origins: string[] }>(
    await ctx.db.execute(sql`
      select c.content, p.slug, p.origins from campaigns c join projects p on p.id = c.project_id
      where c.id = ${ids.campaignId}`),
  );
  if (!row) throw new AppError('not_found', 'The campaign this notification came from was deleted.');
  const home = linksFor(row).home;
  let target: string | undefined;
  if (index === null) target = row.content.url ?? home;
  else target = row.content.actions?.[index]?.url;
  if (!target) throw new AppError('not_found', 'This notification has no such button.');
  try {
    await recordReceipt(ctx, { ref, kind: 'clicked', ...(index === null ? {} : { action: `a${index}` }) });
  } catch (e) {
    // The subscriber may have been deleted since: the person still gets where they clicked.
    if (!(e instanceof AppError && e.code === 'not_found')) throw e;
  }
  return new URL(target, home).href;
}

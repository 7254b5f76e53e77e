'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { validationError } from '@/lib/errors';
import { formObject, runAction, type ActionState } from '@/server/actions';
import { adminUrl } from '@/server/auth/session';
import { importSubscribers, type ImportReport, type ImportRowResult } from '@/server/subscribers/import';
import { decodeImportFile } from '@/server/subscribers/import-file';
import { deleteSubscriber } from '@/server/subscribers/mutations';
import { importUploadSchema } from '@/server/subscribers/schemas';

type Result = ActionState<{ id: string }>;

/** Deletes one subscriber (admins and owners), then returns to the list with a notice. */
export async function deleteSubscriberAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('deleteSubscriberAction', 'subscribers.manage', (ctx) => deleteSubscriber(ctx, formObject(fd)));
  if (!res.ok) return res;
  revalidatePath('/admin/subscribers');
  revalidatePath('/admin');
  redirect(await adminUrl(`/subscribers?deleted=${encodeURIComponent(res.data.id)}`));
}

/** Rows the page lists: the ones that need a look (rejected) or changed (updated). */
const IMPORT_LISTED_ROWS = 500;

export type ImportSummary = Omit<ImportReport, 'rows'> & { listed: ImportRowResult[]; listedTotal: number };
export type ImportState = ActionState<ImportSummary>;

/**
 * Imports (or, with dryRun, checks) an uploaded JSON or CSV file of subscriptions (admins and
 * owners). The report is the CLI's; the page lists at most IMPORT_LISTED_ROWS of its rows.
 */
export async function importSubscribersAction(_prev: ImportState, fd: FormData): Promise<ImportState> {
  const res = await runAction('importSubscribersAction', 'subscribers.manage', async (ctx): Promise<ImportSummary> => {
    const form = formObject(fd);
    const upload = importUploadSchema.safeParse({ file: fd.get('file'), vapidKeyId: form.vapidKeyId });
    if (!upload.success) throw validationError(upload.error.issues, upload.error.issues[0]?.message);
    const { file, vapidKeyId } = upload.data;
    const { rows, ...report } = await importSubscribers(ctx, {
      vapidKeyId,
      format: form.format,
      dryRun: form.dryRun,
      filename: file.name,
      content: decodeImportFile(new Uint8Array(await file.arrayBuffer())),
    });
    const listed = rows.filter((r) => r.status === 'rejected' || r.status === 'updated');
    return { ...report, listed: listed.slice(0, IMPORT_LISTED_ROWS), listedTotal: listed.length };
  });
  if (res.ok && !res.data.dryRun && (res.data.accepted || res.data.updated)) {
    revalidatePath('/admin/subscribers');
    revalidatePath('/admin');
  }
  return res;
}

'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { formObject, runAction, type ActionState } from '@/server/actions';
import { deleteSubscriber } from '@/server/subscribers/mutations';

type Result = ActionState<{ id: string }>;

/** Deletes one subscriber (admins and owners), then returns to the list with a notice. */
export async function deleteSubscriberAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('deleteSubscriberAction', 'subscribers.manage', (ctx) => deleteSubscriber(ctx, formObject(fd)));
  if (!res.ok) return res;
  revalidatePath('/admin/subscribers');
  revalidatePath('/admin');
  redirect(`/admin/subscribers?deleted=${encodeURIComponent(res.data.id)}`);
}

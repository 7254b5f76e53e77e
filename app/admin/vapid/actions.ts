'use server';
import { revalidatePath } from 'next/cache';
import { formObject, runAction, type ActionState } from '@/server/actions';
import {
  activateVapidKey,
  deleteVapidKey,
  generateVapidKey,
  importVapidKey,
  retireVapidKey,
  updateVapidKey,
  type PublicVapidKey,
} from '@/server/vapid/mutations';

type Result = ActionState<PublicVapidKey>;

const label = (k: PublicVapidKey) => (k.name ? `“${k.name}”` : 'The key');

export async function generateVapidKeyAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('generateVapidKeyAction', 'vapid.manage', (ctx) => generateVapidKey(ctx, formObject(fd)), {
    message: (k) => `${label(k)} was generated${k.status === 'active' ? ' and is now the active key' : ' and is on standby'}.`,
    form: fd,
  });
  if (res.ok) revalidatePath('/admin/vapid');
  return res;
}

export async function importVapidKeyAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('importVapidKeyAction', 'vapid.manage', (ctx) => importVapidKey(ctx, formObject(fd)), {
    message: (k) => `${label(k)} was imported${k.status === 'active' ? ' and is now the active key' : ' and is on standby'}.`,
    form: fd,
  });
  if (res.ok) revalidatePath('/admin/vapid');
  // runAction drops every field ending in "key" from the echo; the public half is not secret and
  // pasting it again after a typo elsewhere is a chore. The private key is never sent back.
  else if (res.error.values) res.error.values.publicKey = String(fd.get('publicKey') ?? '');
  return res;
}

export async function activateVapidKeyAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('activateVapidKeyAction', 'vapid.manage', (ctx) => activateVapidKey(ctx, formObject(fd)), {
    message: (k) => `${label(k)} is now the active key; new subscriptions use it.`,
    form: fd,
  });
  if (res.ok) revalidatePath('/admin/vapid');
  return res;
}

export async function retireVapidKeyAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('retireVapidKeyAction', 'vapid.manage', (ctx) => retireVapidKey(ctx, formObject(fd)), {
    message: (k) => `${label(k)} is retired.`,
    form: fd,
  });
  if (res.ok) revalidatePath('/admin/vapid');
  return res;
}

export async function updateVapidKeyAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('updateVapidKeyAction', 'vapid.manage', (ctx) => updateVapidKey(ctx, formObject(fd)), {
    message: (k) => `${label(k)} was saved.`,
    form: fd,
  });
  if (res.ok) revalidatePath('/admin/vapid');
  return res;
}

export async function deleteVapidKeyAction(_prev: ActionState<null>, fd: FormData): Promise<ActionState<null>> {
  const res = await runAction(
    'deleteVapidKeyAction',
    'vapid.manage',
    async (ctx) => {
      await deleteVapidKey(ctx, formObject(fd));
      return null;
    },
    { message: 'The key was deleted.', form: fd },
  );
  if (res.ok) revalidatePath('/admin/vapid');
  return res;
}

'use server';
import { revalidatePath } from 'next/cache';
import { formObject, runAction, type ActionState } from '@/server/actions';
import { addTokenKey, createApiKey, revokeApiKey, revokeTokenKey } from '@/server/api-keys/mutations';

/**
 * What the create action hands back: the plaintext key, this once. It lives only in this action's
 * response (and the form's state in memory): never in the URL, a cookie or the rendered page.
 */
export type NewApiKey = { key: string; name: string; prefix: string };
export type KeyRef = { id: string; name: string };

/** Checkbox lists arrive as repeated fields; formObject keeps only the first of each. */
function createInput(fd: FormData) {
  return {
    name: String(fd.get('name') ?? ''),
    scopes: fd.getAll('scopes').map(String),
    topicIds: fd.getAll('topicIds').map(String),
    expiresAt: String(fd.get('expiresAt') ?? ''),
  };
}

export async function createApiKeyAction(_prev: ActionState<NewApiKey>, fd: FormData): Promise<ActionState<NewApiKey>> {
  const res = await runAction(
    'createApiKeyAction',
    'api-keys.manage',
    async (ctx) => {
      const { key, apiKey } = await createApiKey(ctx, createInput(fd));
      return { key, name: apiKey.name, prefix: apiKey.prefix };
    },
    { message: (k) => `“${k.name}” was created.`, form: fd },
  );
  if (res.ok) revalidatePath('/admin/api');
  // Echo every ticked box, not just the first (none of these is secret).
  else if (res.error.values) {
    res.error.values.scopes = fd.getAll('scopes').map(String).join(',');
    res.error.values.topicIds = fd.getAll('topicIds').map(String).join(',');
  }
  return res;
}

export async function revokeApiKeyAction(_prev: ActionState<KeyRef>, fd: FormData): Promise<ActionState<KeyRef>> {
  const res = await runAction(
    'revokeApiKeyAction',
    'api-keys.manage',
    async (ctx) => {
      const k = await revokeApiKey(ctx, formObject(fd));
      return { id: k.id, name: k.name };
    },
    { message: (k) => `“${k.name}” was revoked; requests with it now get 401.`, form: fd },
  );
  if (res.ok) revalidatePath('/admin/api');
  return res;
}

export async function addTokenKeyAction(_prev: ActionState<KeyRef>, fd: FormData): Promise<ActionState<KeyRef>> {
  const res = await runAction(
    'addTokenKeyAction',
    'api-keys.manage',
    async (ctx) => {
      const k = await addTokenKey(ctx, formObject(fd));
      return { id: k.id, name: k.name };
    },
    { message: (k) => `“${k.name}” was added; tokens it signs are accepted now.`, form: fd },
  );
  if (res.ok) revalidatePath('/admin/api');
  // runAction drops fields ending in "key" from the echo; a public key is not secret, and pasting
  // it again after a typo in the name is a chore.
  else if (res.error.values) res.error.values.publicKey = String(fd.get('publicKey') ?? '');
  return res;
}

export async function revokeTokenKeyAction(_prev: ActionState<KeyRef>, fd: FormData): Promise<ActionState<KeyRef>> {
  const res = await runAction(
    'revokeTokenKeyAction',
    'api-keys.manage',
    async (ctx) => {
      const k = await revokeTokenKey(ctx, formObject(fd));
      return { id: k.id, name: k.name };
    },
    { message: (k) => `“${k.name}” was revoked; tokens it signed are refused now.`, form: fd },
  );
  if (res.ok) revalidatePath('/admin/api');
  return res;
}

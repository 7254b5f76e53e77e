'use server';
import { echoValues, formObject, toActionError, type ActionState } from '@/server/actions';
import { setupCtx } from '@/server/auth/session';
import { createFirstOwner } from '@/server/users/mutations';

/**
 * First-run setup. Public by design while no user exists; the service refuses atomically once
 * one does, so calling this action directly afterwards achieves nothing.
 */
export async function createOwnerAction(_prev: ActionState<{ email: string }>, formData: FormData): Promise<ActionState<{ email: string }>> {
  try {
    const ctx = await setupCtx();
    const user = await createFirstOwner(ctx, formObject(formData));
    return { ok: true, data: { email: user.email } };
  } catch (e) {
    return { ok: false, error: { ...toActionError(e, 'createOwnerAction'), values: echoValues(formData) } };
  }
}

'use server';
import { formObject, runAction, type ActionState } from '@/server/actions';
import { changeOwnPassword } from '@/server/users/mutations';

export async function changeOwnPasswordAction(_prev: ActionState<null>, fd: FormData): Promise<ActionState<null>> {
  return runAction('changeOwnPasswordAction', 'account', async (ctx) => {
    await changeOwnPassword(ctx, formObject(fd));
    return null;
  });
}

'use server';
import { revalidatePath } from 'next/cache';
import { formObject, runAction, type ActionState } from '@/server/actions';
import { changeUserRole, createUser, resetUserPassword, setUserDisabled, type PublicUser } from '@/server/users/mutations';

type Result = ActionState<PublicUser>;

export async function createUserAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('createUserAction', 'users.manage', (ctx) => createUser(ctx, formObject(fd)), {
    message: (u) => `${u.email} can now sign in.`,
    form: fd,
  });
  if (res.ok) revalidatePath('/admin/users');
  return res;
}

export async function changeUserRoleAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('changeUserRoleAction', 'users.manage', (ctx) => changeUserRole(ctx, formObject(fd)), {
    message: (u) => `${u.email} is now ${u.role}.`,
  });
  if (res.ok) revalidatePath('/admin/users');
  return res;
}

export async function setUserDisabledAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('setUserDisabledAction', 'users.manage', (ctx) => setUserDisabled(ctx, formObject(fd)), {
    message: (u) => (u.disabledAt ? `${u.email} is disabled and signed out.` : `${u.email} is enabled.`),
  });
  if (res.ok) revalidatePath('/admin/users');
  return res;
}

export async function resetUserPasswordAction(_prev: Result, fd: FormData): Promise<Result> {
  return runAction('resetUserPasswordAction', 'users.manage', (ctx) => resetUserPassword(ctx, formObject(fd)), {
    message: (u) => `New password set for ${u.email}; their sessions have ended.`,
  });
}

'use server';
import { revalidatePath } from 'next/cache';
import { formObject, runAction, type ActionState } from '@/server/actions';
import { addMember, changeUserRole, createUser, removeMember, resetUserPassword, setUserDisabled, type PublicUser } from '@/server/users/mutations';

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

export async function addMemberAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('addMemberAction', 'users.manage', (ctx) => addMember(ctx, formObject(fd)), {
    message: (u) => `${u.email} is now a member of this project (${u.role}).`,
    form: fd,
  });
  if (res.ok) revalidatePath('/admin/users');
  return res;
}

export async function removeMemberAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('removeMemberAction', 'users.manage', (ctx) => removeMember(ctx, formObject(fd)), {
    message: (u) => `${u.email} is no longer a member of this project.`,
  });
  if (res.ok) revalidatePath('/admin/users');
  return res;
}

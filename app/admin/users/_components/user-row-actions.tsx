'use client';
import { useState } from 'react';
import { buttonClass } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/form';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/ui/use-action-form';
import { roleLabel, type Role } from '@/lib/auth/roles';
import { changeUserRoleAction, removeMemberAction, resetUserPasswordAction, setUserDisabledAction } from '../actions';

type Props = { user: { id: string; email: string; role: Role; disabled: boolean }; grantable: Role[] };

export function UserRowActions({ user, grantable }: Props) {
  const role = useActionForm(changeUserRoleAction);
  const disable = useActionForm(setUserDisabledAction);
  const password = useActionForm(resetUserPasswordAction);
  const remove = useActionForm(removeMemberAction);
  const [showReset, setShowReset] = useState(false);
  // Feedback belongs to the form submitted last.
  const [lastForm, setLastForm] = useState<'role' | 'disable' | 'password' | 'remove' | null>(null);
  const last = lastForm ? { role, disable, password, remove }[lastForm] : null;

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex items-center justify-end gap-2">
        <form action={role.formAction} onSubmit={() => setLastForm('role')} className="flex items-center gap-1.5">
          <input type="hidden" name="userId" value={user.id} />
          <label className="sr-only" htmlFor={`role-${user.id}`}>
            Role for {user.email}
          </label>
          <Select id={`role-${user.id}`} name="role" defaultValue={user.role} className="w-32 py-1.5 text-xs">
            {grantable.map((r) => (
              <option key={r} value={r}>
                {roleLabel[r]}
              </option>
            ))}
          </Select>
          <SubmitButton variant="secondary" size="sm" pendingText="Saving…">
            Save role
          </SubmitButton>
        </form>
        <form action={disable.formAction} onSubmit={() => setLastForm('disable')}>
          <input type="hidden" name="userId" value={user.id} />
          <input type="hidden" name="disabled" value={user.disabled ? 'false' : 'true'} />
          <SubmitButton variant={user.disabled ? 'secondary' : 'ghost'} size="sm">
            {user.disabled ? 'Enable' : 'Disable'}
          </SubmitButton>
        </form>
        <button type="button" className={buttonClass('ghost', 'sm')} onClick={() => setShowReset((v) => !v)} aria-expanded={showReset}>
          Reset password
        </button>
        {user.role !== 'owner' && (
          <form action={remove.formAction} onSubmit={() => setLastForm('remove')}>
            <input type="hidden" name="userId" value={user.id} />
            <SubmitButton variant="ghost" size="sm" pendingText="Removing…" aria-label={`Remove ${user.email} from this project`}>
              Remove
            </SubmitButton>
          </form>
        )}
      </div>
      {showReset && (
        <form action={password.formAction} onSubmit={() => setLastForm('password')} className="flex items-center gap-1.5">
          <input type="hidden" name="userId" value={user.id} />
          <label className="sr-only" htmlFor={`pw-${user.id}`}>
            New password for {user.email}
          </label>
          <Input id={`pw-${user.id}`} name="password" type="password" autoComplete="new-password" placeholder="New password" className="w-44 py-1.5 text-xs" />
          <SubmitButton size="sm">Set</SubmitButton>
        </form>
      )}
      {last?.firstError ? (
        <p className="text-xs font-medium text-red-600" role="alert">
          {last.firstError}
        </p>
      ) : last?.state?.ok ? (
        <p className="text-xs text-emerald-700" role="status">
          {last.state.message}
        </p>
      ) : null}
    </div>
  );
}

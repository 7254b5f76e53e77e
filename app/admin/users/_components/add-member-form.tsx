'use client';
import { Field, Input, Select } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/ui/use-action-form';
import { roleLabel, type Role } from '@/lib/auth/roles';
import { addMemberAction } from '../actions';

/** Someone who already signs in here (for another project) joins this one: no new password. */
export function AddMemberForm({ grantable }: { grantable: Role[] }) {
  const { state, formAction: action, fieldErrors: fe, values, formError } = useActionForm(addMemberAction);
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.ok && <Notice tone="success">{state.message}</Notice>}
      {formError && <Notice tone="error">{formError}</Notice>}
      <Field label="Their e-mail" htmlFor="member-email" errors={fe?.email}>
        <Input id="member-email" name="email" type="email" autoComplete="off" required defaultValue={values?.email} />
      </Field>
      <Field label="Role in this project" htmlFor="member-role" errors={fe?.role}>
        <Select id="member-role" name="role" defaultValue={values?.role ?? 'marketer'}>
          {grantable
            .filter((r) => r !== 'owner')
            .map((r) => (
              <option key={r} value={r}>
                {roleLabel[r]}
              </option>
            ))}
        </Select>
      </Field>
      <SubmitButton pendingText="Adding…">Add to project</SubmitButton>
    </form>
  );
}

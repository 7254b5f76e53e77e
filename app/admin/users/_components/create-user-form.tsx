'use client';
import { Field, Input, Select } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/ui/use-action-form';
import { roleLabel, type Role } from '@/lib/auth/roles';
import { createUserAction } from '../actions';

export function CreateUserForm({ grantable }: { grantable: Role[] }) {
  const { state, formAction: action, fieldErrors: fe, values, formError } = useActionForm(createUserAction);
  return (
    <form action={action} className="space-y-4" noValidate>
      {state?.ok && <Notice tone="success">{state.message}</Notice>}
      {formError && <Notice tone="error">{formError}</Notice>}
      <Field label="E-mail" htmlFor="new-email" errors={fe?.email}>
        <Input name="email" type="email" autoComplete="off" required defaultValue={values?.email} />
      </Field>
      <Field label="Name" htmlFor="new-name" errors={fe?.name}>
        <Input name="name" autoComplete="off" defaultValue={values?.name} />
      </Field>
      <Field label="Initial password" htmlFor="new-password" hint="At least 10 characters." errors={fe?.password}>
        <Input name="password" type="password" autoComplete="new-password" required />
      </Field>
      <Field label="Role" htmlFor="new-role" errors={fe?.role}>
        <Select name="role" defaultValue={values?.role ?? 'marketer'}>
          {grantable.map((r) => (
            <option key={r} value={r}>
              {roleLabel[r]}
            </option>
          ))}
        </Select>
      </Field>
      <SubmitButton pendingText="Adding…">Add user</SubmitButton>
    </form>
  );
}

'use client';
import { Checkbox } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/ui/use-action-form';
import { generateVapidKeyAction } from '../actions';
import { KeyIdentityFields } from './key-fields';

export function GenerateKeyForm({ defaultSubject }: { defaultSubject: string }) {
  const { state, formAction: action, fieldErrors: fe, values, formError } = useActionForm(generateVapidKeyAction);
  return (
    <form action={action} className="space-y-4" noValidate aria-label="Generate a key">
      {state?.ok && <Notice tone="success">{state.message}</Notice>}
      {formError && <Notice tone="error">{formError}</Notice>}
      <KeyIdentityFields idPrefix="gen" nameHint="Only shown here, e.g. “2025 rotation”." defaultSubject={defaultSubject} fieldErrors={fe} values={values} />
      <Checkbox name="activate" label="Make it the active key" defaultChecked={values?.activate === 'on'} />
      <div>
        <SubmitButton pendingText="Generating…">Generate key</SubmitButton>
      </div>
    </form>
  );
}

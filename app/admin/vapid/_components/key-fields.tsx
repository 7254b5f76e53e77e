import { Field, Input } from '@/components/ui/form';

/** What the VAPID contact (the JWT `sub` claim) is for, shown under every contact field. */
export function ContactHint() {
  return (
    <>
      <code className="font-mono">mailto:</code> an address you read, or an <code className="font-mono">https:</code> URL. Push services use it to reach you
      about problems; Apple refuses placeholder and localhost addresses.
    </>
  );
}

/**
 * The name and contact fields every key form starts with (generate, import), under an id
 * prefix of the form's own, with their errors and the values to restore after a refusal.
 */
export function KeyIdentityFields({
  idPrefix,
  nameHint,
  defaultSubject,
  fieldErrors: fe,
  values,
}: {
  idPrefix: string;
  nameHint: string;
  defaultSubject: string;
  fieldErrors?: Record<string, string[] | undefined>;
  values?: Record<string, string | undefined>;
}) {
  const nameId = `${idPrefix}-name`;
  const subjectId = `${idPrefix}-subject`;
  return (
    <>
      <Field label="Name" htmlFor={nameId} hint={nameHint} errors={fe?.name}>
        <Input name="name" autoComplete="off" maxLength={80} defaultValue={values?.name} />
      </Field>
      <Field label="Contact" htmlFor={subjectId} hint={<ContactHint />} errors={fe?.subject}>
        <Input name="subject" autoComplete="off" spellCheck={false} placeholder="mailto:push@example.com" defaultValue={values?.subject ?? defaultSubject} />
      </Field>
    </>
  );
}

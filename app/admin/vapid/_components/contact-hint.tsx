/** What the VAPID contact (the JWT `sub` claim) is for, shown under every contact field. */
export function ContactHint() {
  return (
    <>
      <code className="font-mono">mailto:</code> an address you read, or an <code className="font-mono">https:</code> URL. Push services use it to reach you about
      problems; Apple refuses placeholder and localhost addresses.
    </>
  );
}

/** The id of what describes a Field's control: its errors when there are some, else its hint. */
export function describedBy(id: string, errors: string[] | undefined, hasHint = true): string | undefined {
  if (errors?.length) return `${id}-error`;
  return hasHint ? `${id}-hint` : undefined;
}

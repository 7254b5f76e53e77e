import { cn } from './cn';

/** The id that describes a control: its errors when there are some, else its hint (or nothing). */
export function describedBy(id: string, errors: string[] | undefined, hasHint = true): string | undefined {
  if (errors?.length) return `${id}-error`;
  return hasHint ? `${id}-hint` : undefined;
}

/**
 * A field's validation messages, under the id `${id}-error` that the control's
 * `aria-describedby` names (see `describedBy`), tagged `data-field-error={id}`.
 */
export function FieldError({ id, errors, className }: { id: string; errors?: string[]; className?: string }) {
  if (!errors?.length) return null;
  return (
    <>
      {errors.map((e) => (
        <p key={e} id={`${id}-error`} className={cn('text-xs font-medium text-red-600', className)} data-field-error={id}>
          {e}
        </p>
      ))}
    </>
  );
}

'use client';
import { Button } from './button';
import { cn } from './cn';
import { SubmitButton } from './submit-button';

/** The look of a destructive ghost button (Delete, Revoke) that opens a `ConfirmAction`. */
export const dangerGhostClass = 'text-red-700 hover:bg-red-50 hover:text-red-800';

/**
 * A destructive action in two steps. Closed, it shows its children (the button that opens it);
 * open, a small form asks the question and runs the server action on confirm. The caller holds
 * `open`, so a confirmation can stay (its button pending) until the server answers: close it from
 * `useActionForm`'s `onSettled`.
 */
export function ConfirmAction({
  open,
  onCancel,
  action,
  onSubmit,
  fields,
  question,
  confirm,
  confirmLabel,
  pendingText,
  layout = 'inline',
  label,
  className,
  questionClassName,
  children,
}: {
  open: boolean;
  onCancel: () => void;
  action: (fd: FormData) => void;
  onSubmit?: () => void;
  /** Hidden fields the action reads, e.g. `{ id }`. */
  fields: Record<string, string>;
  question: React.ReactNode;
  /** The confirming button's text, and its accessible name when the text alone is ambiguous. */
  confirm: React.ReactNode;
  confirmLabel?: string;
  pendingText: string;
  /** `inline`: a compact question in a table cell; `panel`: a red panel with full-size buttons. */
  layout?: 'inline' | 'panel';
  /** The form's accessible name. */
  label?: string;
  className?: string;
  questionClassName?: string;
  children?: React.ReactNode;
}) {
  if (!open) return <>{children}</>;
  const panel = layout === 'panel';
  const size = panel ? 'md' : 'sm';
  return (
    <form
      action={action}
      onSubmit={onSubmit}
      aria-label={label}
      className={cn(panel ? 'space-y-3 rounded-lg bg-red-50 p-4 ring-1 ring-red-200 ring-inset' : 'flex max-w-xs flex-col items-end gap-1.5', className)}
    >
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <p className={cn(panel ? 'text-sm text-red-900' : 'text-right text-xs text-slate-600', questionClassName)}>{question}</p>
      <div className={panel ? 'flex flex-wrap gap-2' : 'flex gap-1.5'}>
        <SubmitButton variant="danger" size={size} pendingText={pendingText} aria-label={confirmLabel}>
          {confirm}
        </SubmitButton>
        {/* Inline, focus moves to the safe choice, so a second Enter does not confirm. */}
        <Button variant="ghost" size={size} autoFocus={!panel} onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

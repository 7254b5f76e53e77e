'use client';
import { useFormStatus } from 'react-dom';
import { Button, buttonClass } from './button';

/** A submit button that disables itself and shows progress while its form's action runs. */
export function SubmitButton({
  children,
  pendingText,
  variant = 'primary',
  size = 'md',
  className,
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & {
  pendingText?: string;
  variant?: 'primary' | 'secondary' | 'danger' | 'ghost';
  size?: 'sm' | 'md';
}) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending || props.disabled} aria-busy={pending} className={buttonClass(variant, size, className)} {...props}>
      {pending && (
        <svg className="size-3.5 animate-spin" viewBox="0 0 24 24" fill="none" aria-hidden>
          <circle cx="12" cy="12" r="10" stroke="currentColor" strokeOpacity=".25" strokeWidth="4" />
          <path d="M22 12a10 10 0 0 0-10-10" stroke="currentColor" strokeWidth="4" />
        </svg>
      )}
      {pending && pendingText ? pendingText : children}
    </button>
  );
}

/** Save and Cancel for a row being edited in place. */
export function SaveCancel({ onCancel }: { onCancel: () => void }) {
  return (
    <div className="flex items-center gap-2">
      <SubmitButton size="sm" pendingText="Saving…">
        Save
      </SubmitButton>
      <Button variant="ghost" size="sm" onClick={onCancel}>
        Cancel
      </Button>
    </div>
  );
}

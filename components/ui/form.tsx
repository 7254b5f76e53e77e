import { cloneElement, isValidElement, type ReactElement } from 'react';
import { cn } from './cn';
import { describedBy, FieldError } from './field-error';

const control =
  'block rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-brand-500 disabled:bg-slate-50 disabled:text-slate-500 aria-[invalid=true]:ring-red-400';

/** Full width unless the caller sets a width. */
const width = (className?: string) => (className && /(^|\s)(w-|max-w-|min-w-|flex-)/.test(className) ? '' : 'w-full');

export function Input({ className, ...props }: React.InputHTMLAttributes<HTMLInputElement>) {
  return <input className={cn(control, width(className), className)} {...props} />;
}

export function Textarea({ className, ...props }: React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea className={cn(control, width(className), 'min-h-20', className)} {...props} />;
}

export function Select({ className, ...props }: React.SelectHTMLAttributes<HTMLSelectElement>) {
  return <select className={cn(control, width(className), 'pr-8', className)} {...props} />;
}

export function Label({ className, ...props }: React.LabelHTMLAttributes<HTMLLabelElement>) {
  return <label className={cn('block text-sm font-medium text-slate-700', className)} {...props} />;
}

type ControlProps = { id?: string; 'aria-invalid'?: unknown; 'aria-describedby'?: string };

/**
 * Gives a field's single control its id and its aria-invalid / aria-describedby (the errors when
 * there are some, else the hint), unless the control sets them itself.
 */
function wire(children: React.ReactNode, id: string, errors: string[] | undefined, hasHint: boolean): React.ReactNode {
  if (!isValidElement(children)) return children;
  const el = children as ReactElement<ControlProps>;
  if (!(typeof el.type === 'string' || el.type === Input || el.type === Textarea || el.type === Select)) return children;
  return cloneElement(el, {
    id: el.props.id ?? id,
    'aria-invalid': el.props['aria-invalid'] ?? !!errors?.length,
    'aria-describedby': el.props['aria-describedby'] ?? describedBy(id, errors, hasHint),
  });
}

/** A labelled control with its hint and validation messages (ids wired for screen readers). */
export function Field({
  label,
  htmlFor,
  hint,
  errors,
  children,
  className,
}: {
  label: React.ReactNode;
  htmlFor: string;
  hint?: React.ReactNode;
  errors?: string[];
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <div className={cn('space-y-1.5', className)}>
      <Label htmlFor={htmlFor}>{label}</Label>
      {wire(children, htmlFor, errors, !!hint)}
      {hint && !errors?.length && (
        <p id={`${htmlFor}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      <FieldError id={htmlFor} errors={errors} />
    </div>
  );
}

export function Checkbox({ label, className, ...props }: React.InputHTMLAttributes<HTMLInputElement> & { label: React.ReactNode }) {
  return (
    <label className={cn('inline-flex items-center gap-2 text-sm text-slate-700', className)}>
      <input type="checkbox" className="size-4 rounded border-slate-300 text-brand-600 focus:ring-brand-500" {...props} />
      {label}
    </label>
  );
}

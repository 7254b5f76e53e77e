import Link from 'next/link';
import { buttonClass } from './button';
import { cn } from './cn';
import { Label, Select } from './form';

export type FilterOption = { value: string; label: React.ReactNode };

/**
 * One labelled <select> of a list page's GET filter form: its name is the search parameter, the
 * empty first option ("Any …") drops it, and the current value comes from the URL.
 */
export function FilterSelect({
  id,
  name,
  label,
  value,
  any,
  options,
  className,
  selectClassName,
}: {
  id: string;
  name: string;
  label: React.ReactNode;
  value: string | undefined;
  /** The first option's text, e.g. "Any status". */
  any: string;
  options: readonly FilterOption[];
  className?: string;
  selectClassName?: string;
}) {
  return (
    <div className={cn('space-y-1', className)}>
      <Label htmlFor={id}>{label}</Label>
      <Select id={id} name={name} defaultValue={value ?? ''} className={selectClassName}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
    </div>
  );
}

/** A list of strings as filter options, each its own label. */
export const asOptions = (values: readonly (string | number)[]): FilterOption[] => values.map((v) => ({ value: String(v), label: v }));

/** The filter form's buttons: submit, and a way back to the unfiltered list once something is filtered. */
export function FilterActions({ filtered, clearHref, className }: { filtered: boolean; clearHref: string; className?: string }) {
  return (
    <div className={cn('flex gap-2', className)}>
      <button type="submit" className={buttonClass('primary')}>
        Filter
      </button>
      {filtered && (
        <Link href={clearHref} className={buttonClass('ghost')}>
          Clear
        </Link>
      )}
    </div>
  );
}

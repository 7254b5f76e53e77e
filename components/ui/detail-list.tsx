import { cn } from './cn';

/** A definition list of a detail page's facts, one `DetailRow` each, divided by rules. */
export function DetailList({ className, ...props }: React.HTMLAttributes<HTMLDListElement>) {
  return <dl className={cn('divide-y divide-slate-100', className)} {...props} />;
}

/**
 * A term and its value: side by side from `sm` up (a 10rem term column, 9rem with `narrow`), or
 * stacked (`stack`) in a narrow column. `testId` goes on the value.
 */
export function DetailRow({
  term,
  children,
  testId,
  stack = false,
  narrow = false,
}: {
  term: React.ReactNode;
  children: React.ReactNode;
  testId?: string;
  stack?: boolean;
  narrow?: boolean;
}) {
  return (
    <div
      className={
        stack ? 'space-y-0.5 py-2.5' : cn('grid gap-0.5 py-2.5 sm:gap-4', narrow ? 'sm:grid-cols-[9rem_minmax(0,1fr)]' : 'sm:grid-cols-[10rem_minmax(0,1fr)]')
      }
    >
      <dt className={stack ? 'text-xs font-medium text-slate-500' : 'text-sm text-slate-500'}>{term}</dt>
      <dd className="min-w-0 text-sm text-slate-800" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

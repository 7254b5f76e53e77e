import { cn } from './cn';

export function Table({ className, ...props }: React.TableHTMLAttributes<HTMLTableElement>) {
  return (
    <div className="overflow-x-auto">
      <table className={cn('min-w-full divide-y divide-slate-200 text-sm', className)} {...props} />
    </div>
  );
}
export function Th({ className, ...props }: React.ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" className={cn('px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-500', className)} {...props} />;
}
/**
 * A body cell. Its padding, alignment and colour come from the `pd-cells` rule on TBody
 * (app/globals.css) rather than from classes on every cell: a 50-row page has hundreds of cells,
 * and each class string is sent twice (in the HTML and in the RSC payload Next inlines).
 * Classes given here still win (the rule sits in the components layer).
 */
export function Td(props: React.TdHTMLAttributes<HTMLTableCellElement>) {
  return <td {...props} />;
}
export function TBody({ className, ...props }: React.HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className={cn('pd-cells divide-y divide-slate-100 bg-white', className)} {...props} />;
}
export function THead({ className, ...props }: React.HTMLAttributes<HTMLTableSectionElement>) {
  return <thead className={cn('bg-slate-50', className)} {...props} />;
}

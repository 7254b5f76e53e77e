import { CopyButton } from '@/components/ui/copy-button';

/** A titled, copyable snippet. Long lines scroll inside the block instead of widening the page. */
export function CodeBlock({ title, code, children }: { title: string; code: string; children?: React.ReactNode }) {
  return (
    <section className="min-w-0 space-y-2" aria-label={title}>
      <div className="flex items-center justify-between gap-3">
        <h3 className="min-w-0 text-sm font-semibold text-slate-900">{title}</h3>
        <CopyButton text={code} label={`Copy: ${title}`} />
      </div>
      {children && <div className="text-sm text-slate-500">{children}</div>}
      <pre className="overflow-x-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-xs leading-relaxed text-slate-100">
        <code>{code}</code>
      </pre>
    </section>
  );
}

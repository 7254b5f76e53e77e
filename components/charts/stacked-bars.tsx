/**
 * Horizontal stacked bars (e.g. outcome per push service), one row per label. Bar lengths are
 * relative to the largest row; the figures behind each bar are spelled out for screen readers.
 */
export interface BarSegment {
  name: string;
  value: number;
  /** Tailwind background class, e.g. "bg-emerald-500". */
  className: string;
}

export function StackedBars({
  rows,
  empty = 'No data yet.',
  title,
}: {
  rows: { label: string; hint?: string; segments: BarSegment[] }[];
  empty?: string;
  title: string;
}) {
  if (!rows.length) return <div className="flex h-24 items-center justify-center text-sm text-slate-400">{empty}</div>;
  const max = Math.max(1, ...rows.map((r) => r.segments.reduce((a, s) => a + s.value, 0)));
  return (
    <ul aria-label={title} className="space-y-3">
      {rows.map((r) => {
        const total = r.segments.reduce((a, s) => a + s.value, 0);
        return (
          <li key={r.label}>
            <div className="mb-1 flex items-baseline justify-between gap-2 text-sm">
              <span className="min-w-0 truncate font-medium text-slate-800" title={r.label}>
                {r.label}
              </span>
              <span className="shrink-0 text-xs tabular-nums text-slate-500">
                {total.toLocaleString('en')}
                {r.hint ? ` · ${r.hint}` : ''}
              </span>
            </div>
            <div className="flex h-2.5 overflow-hidden rounded-full bg-slate-100" style={{ width: `${Math.max(4, (total / max) * 100)}%` }} aria-hidden>
              {total > 0 &&
                r.segments
                  .filter((s) => s.value > 0)
                  .map((s) => (
                    <div
                      key={s.name}
                      className={s.className}
                      style={{ width: `${(s.value / total) * 100}%` }}
                      title={`${s.name}: ${s.value.toLocaleString('en')}`}
                    />
                  ))}
            </div>
            <span className="sr-only">{r.segments.map((s) => `${s.name} ${s.value.toLocaleString('en')}`).join(', ')}</span>
          </li>
        );
      })}
    </ul>
  );
}

import { cn } from '@/components/ui/cn';

/**
 * A segmented progress bar: each finished outcome in its colour, the rest still to go.
 * `size="sm"` is the thin inline variant for table rows.
 */
export function ProgressBar({
  total,
  segments,
  label,
  size = 'md',
  className,
}: {
  total: number;
  segments: { name: string; value: number; className: string }[];
  label: string;
  size?: 'sm' | 'md';
  className?: string;
}) {
  const done = segments.reduce((a, s) => a + s.value, 0);
  // Counters can briefly run ahead of `total` while the audience is still being prepared.
  const max = Math.max(total, done);
  const pct = max > 0 ? Math.min(100, (done / max) * 100) : 0;
  return (
    <div className={className}>
      <div
        className={cn('flex overflow-hidden rounded-full bg-slate-100', size === 'sm' ? 'h-1.5' : 'h-3')}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={done}
        aria-valuetext={`${done.toLocaleString('en')} of ${max.toLocaleString('en')} (${pct.toFixed(1)} %)`}
      >
        {segments
          .filter((s) => s.value > 0)
          .map((s) => (
            <div
              key={s.name}
              className={`${s.className} transition-[width] duration-500 motion-reduce:transition-none`}
              style={{ width: `${max ? (s.value / max) * 100 : 0}%` }}
              title={`${s.name}: ${s.value.toLocaleString('en')}`}
            />
          ))}
      </div>
    </div>
  );
}

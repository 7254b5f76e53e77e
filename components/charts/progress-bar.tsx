/** A segmented progress bar: each finished outcome in its colour, the rest still to go. */
export function ProgressBar({ total, segments, label }: { total: number; segments: { name: string; value: number; className: string }[]; label: string }) {
  const done = segments.reduce((a, s) => a + s.value, 0);
  const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  return (
    <div>
      <div
        className="flex h-3 overflow-hidden rounded-full bg-slate-100"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done.toLocaleString('en')} of ${total.toLocaleString('en')} (${pct.toFixed(1)} %)`}
      >
        {segments
          .filter((s) => s.value > 0)
          .map((s) => (
            <div key={s.name} className={`${s.className} transition-[width] duration-500`} style={{ width: `${total ? (s.value / total) * 100 : 0}%` }} title={`${s.name}: ${s.value.toLocaleString('en')}`} />
          ))}
      </div>
    </div>
  );
}

/**
 * A stacked area chart over time, as plain SVG (renders on the server, no chart library).
 * Each point carries a <title> so hovering shows the exact numbers; the figures are also in a
 * screen-reader table.
 */
export interface Series {
  name: string;
  /** A Tailwind fill/stroke class pair, e.g. "fill-emerald-500 stroke-emerald-600". */
  className: string;
  values: number[];
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const pow = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= v) return m * pow;
  return 10 * pow;
}

const fmt = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));

export function TimeSeriesChart({
  labels,
  series,
  height = 220,
  title,
  empty = 'No data yet.',
}: {
  /** One label per x position (already formatted, e.g. "14:05"). */
  labels: string[];
  series: Series[];
  height?: number;
  title: string;
  empty?: string;
}) {
  const n = labels.length;
  if (n === 0) {
    return <div className="flex h-40 items-center justify-center text-sm text-slate-400">{empty}</div>;
  }
  const W = 720;
  const H = height;
  const pad = { l: 44, r: 12, t: 12, b: 28 };
  const totals = labels.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(...totals));
  const x = (i: number) => pad.l + (n === 1 ? (W - pad.l - pad.r) / 2 : (i * (W - pad.l - pad.r)) / (n - 1));
  const y = (v: number) => H - pad.b - (v / max) * (H - pad.t - pad.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * max));
  const every = Math.max(1, Math.ceil(n / 8));

  // Stack bottom-up.
  const base = new Array(n).fill(0) as number[];
  const areas = series.map((s) => {
    const lower = [...base];
    const upper = base.map((b, i) => b + (s.values[i] ?? 0));
    upper.forEach((u, i) => (base[i] = u));
    const top = upper.map((v, i) => `${x(i)},${y(v)}`).join(' ');
    const bottom = lower
      .map((v, i) => `${x(i)},${y(v)}`)
      .reverse()
      .join(' ');
    return { s, points: `${top} ${bottom}`, line: top };
  });

  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={title}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} className="stroke-slate-100" />
            <text x={pad.l - 6} y={y(t) + 4} textAnchor="end" className="fill-slate-400 text-[11px]">
              {fmt(t)}
            </text>
          </g>
        ))}
        {areas.map(({ s, points, line }) => (
          <g key={s.name}>
            <polygon points={points} className={`${s.className} opacity-25`} strokeWidth={0} />
            <polyline points={line} className={s.className} fill="none" strokeWidth={2} />
          </g>
        ))}
        {labels.map((l, i) => (
          <g key={i}>
            <rect x={x(i) - (W - pad.l - pad.r) / Math.max(1, n - 1) / 2} y={pad.t} width={(W - pad.l - pad.r) / Math.max(1, n - 1)} height={H - pad.t - pad.b} fill="transparent">
              <title>{`${l}: ${series.map((s) => `${s.name} ${s.values[i] ?? 0}`).join(', ')}`}</title>
            </rect>
            {i % every === 0 && (
              <text x={x(i)} y={H - 8} textAnchor="middle" className="fill-slate-400 text-[11px]">
                {l}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-slate-600">
        {series.map((s) => (
          <span key={s.name} className="inline-flex items-center gap-1.5">
            <svg className="size-2.5" viewBox="0 0 10 10" aria-hidden>
              <rect width="10" height="10" rx="2" className={s.className} />
            </svg>
            {s.name} <span className="tabular-nums text-slate-400">{s.values.reduce((a, b) => a + b, 0).toLocaleString('en')}</span>
          </span>
        ))}
      </figcaption>
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th>Time</th>
            {series.map((s) => (
              <th key={s.name}>{s.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((l, i) => (
            <tr key={i}>
              <td>{l}</td>
              {series.map((s) => (
                <td key={s.name}>{s.values[i] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

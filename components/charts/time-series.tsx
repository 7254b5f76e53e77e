/**
 * A stacked area chart over time, as plain SVG (renders on the server, no chart library).
 * Each point carries a <title> so hovering shows the exact numbers; the figures are also in a
 * screen-reader table.
 *
 * The plot stretches to the card's width (preserveAspectRatio="none", strokes that do not
 * scale) while the axis labels are HTML laid over it, so text keeps its real size on a phone
 * and on a wide screen alike.
 */
export interface Series {
  name: string;
  /** A Tailwind fill/stroke class pair, e.g. "fill-emerald-500 stroke-emerald-600". */
  className: string;
  values: number[];
}

/** A round, whole tick step of at least `raw` (1, 2, 5, 10, 25, 50, …). */
function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (Number.isInteger(m * pow) && m * pow >= raw) return m * pow;
  return 10 * pow;
}

const r2 = (n: number) => Math.round(n * 100) / 100;
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
  /** Height of the plot in CSS pixels (axis labels included). */
  height?: number;
  title: string;
  empty?: string;
}) {
  const n = labels.length;
  if (n === 0) {
    return <div className="flex h-40 items-center justify-center text-sm text-slate-400">{empty}</div>;
  }
  // The SVG's own coordinates: x in 0..W, y in 0..H. Margins for the HTML labels sit outside.
  const W = 1000;
  const H = 100;
  const totals = labels.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const peak = Math.max(...totals);
  const step = niceStep(peak / 4);
  const max = Math.max(step, Math.ceil(peak / step) * step);
  const x = (i: number) => (n === 1 ? W / 2 : (i * W) / (n - 1));
  const y = (v: number) => H - (v / max) * H;
  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step);
  // About six x labels; the last point is always labelled (the one before it yields if too close).
  const every = Math.max(1, Math.ceil(n / 6));
  const shown = new Set<number>();
  for (let i = 0; i < n; i += every) shown.add(i);
  const lastRegular = Math.floor((n - 1) / every) * every;
  if (lastRegular !== n - 1) {
    if (lastRegular !== 0 && n - 1 - lastRegular < every / 2) shown.delete(lastRegular);
    shown.add(n - 1);
  }
  const slot = n === 1 ? W : W / (n - 1);

  // Stack bottom-up.
  const base = new Array(n).fill(0) as number[];
  const areas = series.map((s) => {
    const lower = [...base];
    const upper = base.map((b, i) => b + (s.values[i] ?? 0));
    upper.forEach((u, i) => (base[i] = u));
    // A single point is drawn as a narrow band so it stays visible.
    const xs = n === 1 ? [W / 2 - 8, W / 2 + 8] : labels.map((_, i) => x(i));
    const up = n === 1 ? [upper[0]!, upper[0]!] : upper;
    const lo = n === 1 ? [lower[0]!, lower[0]!] : lower;
    // Two decimals are far below a pixel, and keep the page small (points are sent twice: HTML and RSC payload).
    const top = xs.map((xv, i) => `${r2(xv)},${r2(y(up[i]!))}`).join(' ');
    const bottom = xs
      .map((xv, i) => `${r2(xv)},${r2(y(lo[i]!))}`)
      .reverse()
      .join(' ');
    return { s, points: `${top} ${bottom}`, line: top };
  });

  const pct = (v: number, of: number) => `${(v / of) * 100}%`;
  const plotH = Math.max(80, height - 24);

  return (
    <figure>
      <div className="relative pl-9" style={{ height: plotH + 24 }}>
        {/* y axis */}
        <div className="absolute top-0 left-0 w-8" style={{ height: plotH }} aria-hidden>
          {ticks.map((t) => (
            <span key={t} className="absolute right-0 -translate-y-1/2 text-[11px] leading-none text-slate-400 tabular-nums" style={{ top: pct(y(t), H) }}>
              {fmt(t)}
            </span>
          ))}
        </div>
        <div className="relative" style={{ height: plotH }}>
          <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" className="absolute inset-0 size-full overflow-visible" role="img" aria-label={title}>
            {ticks.map((t) => (
              <line key={t} x1={0} x2={W} y1={y(t)} y2={y(t)} className="stroke-slate-100" vectorEffect="non-scaling-stroke" />
            ))}
            {areas.map(({ s, points, line }) => (
              <g key={s.name}>
                <polygon points={points} className={`${s.className} opacity-25`} strokeWidth={0} />
                {/* Inline: a fill-* class would otherwise beat the fill="none" attribute and fill the line. */}
                <polyline
                  points={line}
                  className={s.className}
                  style={{ fill: 'none' }}
                  strokeWidth={2}
                  vectorEffect="non-scaling-stroke"
                  strokeLinejoin="round"
                />
              </g>
            ))}
            {labels.map((l, i) => (
              <rect key={i} x={x(i) - slot / 2} y={0} width={slot} height={H} fill="transparent">
                <title>{`${l}: ${series.map((s) => `${s.name} ${s.values[i] ?? 0}`).join(', ')}`}</title>
              </rect>
            ))}
          </svg>
        </div>
        {/* x axis: the first and last labels are pinned inside the plot's edges */}
        <div className="relative h-6" aria-hidden>
          {labels.map((l, i) =>
            shown.has(i) ? (
              <span
                key={i}
                className="absolute top-1.5 text-[11px] leading-none whitespace-nowrap text-slate-400 tabular-nums"
                style={{
                  left: pct(x(i), W),
                  transform: n === 1 ? 'translateX(-50%)' : i === 0 ? 'none' : i === n - 1 ? 'translateX(-100%)' : 'translateX(-50%)',
                }}
              >
                {l}
              </span>
            ) : null,
          )}
        </div>
      </div>
      <figcaption className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
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

/** A timestamp shown in UTC on the server render, with the exact ISO value on hover. */
export function Time({ value, withSeconds = false }: { value: Date | string | null | undefined; withSeconds?: boolean }) {
  if (!value) return <span className="text-slate-400">—</span>;
  const d = typeof value === 'string' ? new Date(value) : value;
  const iso = d.toISOString();
  const text = iso.slice(0, withSeconds ? 19 : 16).replace('T', ' ') + ' UTC';
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums">
      {text}
    </time>
  );
}

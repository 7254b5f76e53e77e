import { ProgressBar } from '@/components/charts/progress-bar';

/** Sent / failed / expired for one row of the campaign list, with a bar over the audience. */
export function OutcomeCell({
  name,
  targeted,
  sent,
  failed,
  expired,
  skipped,
}: {
  name: string;
  targeted: number;
  sent: number;
  failed: number;
  expired: number;
  skipped: number;
}) {
  if (targeted === 0 && sent + failed + expired === 0) return <span className="text-slate-400">—</span>;
  const n = (v: number) => v.toLocaleString('en');
  return (
    <div className="w-36" data-testid="campaign-outcome">
      <div className="flex items-baseline gap-2 text-xs tabular-nums">
        <span className="font-medium text-emerald-700" title="Sent">
          {n(sent)}
          <span className="sr-only"> sent,</span>
        </span>
        <span className="text-slate-300" aria-hidden>
          /
        </span>
        <span className={failed ? 'font-medium text-red-700' : 'text-slate-400'} title="Failed">
          {n(failed)}
          <span className="sr-only"> failed,</span>
        </span>
        <span className="text-slate-300" aria-hidden>
          /
        </span>
        <span className={expired ? 'font-medium text-amber-700' : 'text-slate-400'} title="Expired">
          {n(expired)}
          <span className="sr-only"> expired</span>
        </span>
      </div>
      <ProgressBar
        size="sm"
        className="mt-1.5"
        total={targeted}
        label={`Delivery results of ${name}`}
        segments={[
          { name: 'Sent', value: sent, className: 'bg-emerald-500' },
          { name: 'Expired', value: expired, className: 'bg-amber-400' },
          { name: 'Failed', value: failed, className: 'bg-red-500' },
          { name: 'Skipped', value: skipped, className: 'bg-slate-400' },
        ]}
      />
    </div>
  );
}

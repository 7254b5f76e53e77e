/**
 * The two charts on a campaign: outcomes per minute (from the per-minute stats table, gaps
 * filled with zeros so quiet minutes read as quiet) and outcomes per push service.
 */
import { StackedBars } from '@/components/charts/stacked-bars';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { Card, CardBody, CardHeader } from '@/components/ui/card';

type TimelineRow = { bucket: string; sent: number; failed: number; expired: number; retrying: number };
type ServiceRow = { pushService: string; sent: number; failed: number; expired: number; retried: number; avgLatencyMs: number | null };

const MINUTE = 60_000;
/** Bucket sizes in minutes; the smallest one that keeps the chart readable wins. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 360, 720, 1440];
const MAX_POINTS = 120;

export function bucketTimeline(rows: TimelineRow[], until: number | null) {
  if (!rows.length) return null;
  const first = Date.parse(rows[0]!.bucket);
  const last = Math.max(Date.parse(rows[rows.length - 1]!.bucket), until ?? 0);
  const spanMinutes = (last - first) / MINUTE + 1;
  const step = STEPS.find((s) => spanMinutes / s <= MAX_POINTS) ?? 1440;
  const stepMs = step * MINUTE;
  // One empty bucket before the first message: the chart starts from nothing sent.
  const start = Math.floor(first / stepMs) * stepMs - stepMs;
  const end = Math.floor(last / stepMs) * stepMs;
  const count = Math.round((end - start) / stepMs) + 1;
  const sent = new Array<number>(count).fill(0);
  const expired = new Array<number>(count).fill(0);
  const failed = new Array<number>(count).fill(0);
  const retried = new Array<number>(count).fill(0);
  for (const r of rows) {
    const i = Math.floor((Date.parse(r.bucket) - start) / stepMs);
    if (i < 0 || i >= count) continue;
    sent[i]! += r.sent;
    expired[i]! += r.expired;
    failed[i]! += r.failed;
    retried[i]! += r.retrying;
  }
  const multiDay = new Date(start).toISOString().slice(0, 10) !== new Date(end).toISOString().slice(0, 10);
  const labels = Array.from({ length: count }, (_, i) => {
    const iso = new Date(start + i * stepMs).toISOString();
    return multiDay ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
  });
  return { step, labels, sent, expired, failed, retried };
}

const EMPTY = 'Charts appear once the first messages go out.';

export function CampaignCharts({ timeline, byService, until }: { timeline: TimelineRow[]; byService: ServiceRow[]; until: number | null }) {
  const t = bucketTimeline(timeline, until);
  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <Card className="min-w-0">
        <CardHeader
          title="Deliveries over time"
          description={
            t
              ? `Attempts per ${t.step === 1 ? 'minute' : t.step < 60 ? `${t.step} minutes` : t.step < 1440 ? `${t.step / 60} h` : 'day'}, in UTC.`
              : 'Attempts per minute, in UTC.'
          }
        />
        <CardBody>
          {t ? (
            <TimeSeriesChart
              title="Deliveries over time"
              labels={t.labels}
              series={[
                { name: 'Sent', className: 'fill-emerald-500 stroke-emerald-600', values: t.sent },
                { name: 'Expired', className: 'fill-amber-400 stroke-amber-500', values: t.expired },
                { name: 'Failed', className: 'fill-red-500 stroke-red-600', values: t.failed },
                { name: 'Retried', className: 'fill-orange-300 stroke-orange-400', values: t.retried },
              ]}
            />
          ) : (
            <ChartEmpty />
          )}
        </CardBody>
      </Card>
      <Card className="min-w-0">
        <CardHeader
          title="Outcome by push service"
          description="Each browser vendor runs its own push service. The figure after the total is the average response time."
        />
        <CardBody>
          {byService.length ? (
            <>
              <StackedBars
                title="Outcome by push service"
                rows={byService.map((s) => ({
                  label: s.pushService,
                  hint: s.avgLatencyMs === null ? undefined : `avg ${s.avgLatencyMs.toLocaleString('en')} ms`,
                  segments: [
                    { name: 'Sent', value: s.sent, className: 'bg-emerald-500' },
                    { name: 'Expired', value: s.expired, className: 'bg-amber-400' },
                    { name: 'Failed', value: s.failed, className: 'bg-red-500' },
                    { name: 'Retried', value: s.retried, className: 'bg-orange-300' },
                  ],
                }))}
              />
              <Legend />
            </>
          ) : (
            <ChartEmpty />
          )}
        </CardBody>
      </Card>
    </div>
  );
}

function Legend() {
  const items = [
    ['Sent', 'bg-emerald-500'],
    ['Expired', 'bg-amber-400'],
    ['Failed', 'bg-red-500'],
    ['Retried', 'bg-orange-300'],
  ] as const;
  return (
    <ul className="mt-4 flex flex-wrap gap-4 text-xs text-slate-600" aria-hidden>
      {items.map(([name, cls]) => (
        <li key={name} className="inline-flex items-center gap-1.5">
          <span className={`size-2.5 rounded-sm ${cls}`} />
          {name}
        </li>
      ))}
    </ul>
  );
}

function ChartEmpty() {
  return (
    <div
      className="flex h-40 flex-col items-center justify-center gap-2 rounded-lg border border-dashed border-slate-200 text-center text-sm text-slate-400"
      data-testid="charts-empty"
    >
      <svg viewBox="0 0 24 24" className="size-6 text-slate-300" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden>
        <path d="M4 19h16M7 15l3-4 3 2 4-6" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {EMPTY}
    </div>
  );
}

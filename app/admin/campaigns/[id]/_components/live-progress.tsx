'use client';
/**
 * The campaign's progress card. While the campaign can still move (queued, sending, paused) it
 * polls the progress endpoint every 1.5 s and redraws in place; when the status changes it asks
 * the server page to re-render once (header, buttons, charts and table follow), and when the
 * campaign has finished it stops.
 */
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useProjectSlug } from '@/components/admin/project-context';
import { ProgressBar } from '@/components/charts/progress-bar';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { Time } from '@/components/ui/time';
import type { CampaignProgress } from '@/server/campaigns/queries';
import { eta, n, shortDuration } from './format';

const POLL_MS = 1500;
const LIVE = new Set<CampaignProgress['status']>(['queued', 'sending', 'paused']);

const OUTCOMES = [
  { key: 'sent', label: 'Sent', dot: 'bg-emerald-500', bar: 'bg-emerald-500' },
  { key: 'expired', label: 'Expired', dot: 'bg-amber-400', bar: 'bg-amber-400' },
  { key: 'failed', label: 'Failed', dot: 'bg-red-500', bar: 'bg-red-500' },
  { key: 'skipped', label: 'Skipped', dot: 'bg-slate-400', bar: 'bg-slate-400' },
] as const;

const hints: Record<(typeof OUTCOMES)[number]['key'] | 'pending', string> = {
  sent: 'Accepted by the push service',
  expired: 'The subscription is gone (404/410); it will not be sent to again',
  failed: 'Refused, or still failing after the last retry',
  skipped: 'Unsubscribed before its turn',
  pending: 'Queued, being sent, or waiting to retry',
};

export function LiveProgress({ initial, scheduledFor }: { initial: CampaignProgress; scheduledFor?: string | null }) {
  const router = useRouter();
  const project = useProjectSlug();
  const [p, setP] = useState(initial);
  const [stale, setStale] = useState(false);
  const live = LIVE.has(initial.status);

  useEffect(() => {
    if (!LIVE.has(initial.status)) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      // A hidden tab does not need live numbers; it catches up when it is shown again.
      if (document.visibilityState === 'visible') {
        try {
          const res = await fetch(`/api/admin/campaigns/${initial.id}/progress?project=${encodeURIComponent(project)}`, {
            cache: 'no-store',
            headers: { accept: 'application/json' },
          });
          if (res.ok) {
            const next = (await res.json()) as CampaignProgress;
            if (stopped) return;
            setP(next);
            setStale(false);
            if (next.status !== initial.status) {
              // The rest of the page shows the old status: re-render it once. This component is
              // keyed by status, so the new render starts (or stops) polling afresh.
              stopped = true;
              router.refresh();
              return;
            }
          } else if (res.status === 401 || res.status === 403 || res.status === 404) {
            stopped = true;
            setStale(true);
            router.refresh();
            return;
          } else {
            setStale(true);
          }
        } catch {
          if (!stopped) setStale(true);
        }
      }
      if (!stopped) timer = setTimeout(() => void tick(), POLL_MS);
    };
    timer = setTimeout(() => void tick(), POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [initial.id, initial.status, router, project]);

  const done = p.sent + p.failed + p.expired + p.skipped;
  const total = Math.max(p.targeted, done);
  const pct = total > 0 ? (done / total) * 100 : 0;
  const preparing = live && !p.fanoutDone;
  const left = p.status === 'sending' ? eta(p.pending, p.perSecond) : null;
  const notStarted = p.status === 'draft' || p.status === 'scheduled' || (p.targeted === 0 && !p.startedAt && !live);

  return (
    <Card data-testid="progress-card">
      <CardHeader
        title="Progress"
        description={
          notStarted
            ? p.status === 'scheduled'
              ? 'The audience is counted, and sending starts, at the scheduled time.'
              : 'Nothing has been sent. The audience is counted when sending starts.'
            : p.status === 'paused'
              ? 'Paused: nothing more is sent until you resume.'
              : p.status === 'cancelled'
                ? 'Cancelled: messages still pending were not sent.'
                : live
                  ? 'Updates live while the campaign sends.'
                  : 'Final numbers.'
        }
        actions={
          live && (
            <span
              className={cn('inline-flex items-center gap-1.5 text-xs font-medium', stale ? 'text-amber-700' : 'text-slate-500')}
              data-testid="live-indicator"
            >
              <span
                className={cn(
                  'size-1.5 rounded-full',
                  stale ? 'bg-amber-500' : p.status === 'paused' ? 'bg-amber-400' : 'animate-pulse bg-emerald-500 motion-reduce:animate-none',
                )}
                aria-hidden
              />
              {stale ? 'Reconnecting…' : p.status === 'paused' ? 'Paused' : 'Live'}
            </span>
          )
        }
      />
      <CardBody className="space-y-5">
        {notStarted ? (
          <p className="text-sm text-slate-500">
            {p.status === 'scheduled' && scheduledFor ? (
              <>
                Scheduled for <span className="font-medium text-slate-700">{scheduledFor}</span>.
              </>
            ) : (
              'Send the campaign to see each message go out here.'
            )}
          </p>
        ) : (
          <>
            <div className="flex flex-wrap items-end justify-between gap-x-6 gap-y-2">
              <div>
                <p className="text-3xl font-semibold tracking-tight text-slate-900 tabular-nums" data-testid="progress-percent">
                  {pct >= 99.95 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)} %
                </p>
                <p className="text-sm text-slate-500 tabular-nums">
                  {n(done)} of {n(total)} {total === 1 ? 'message' : 'messages'} finished
                </p>
              </div>
              {preparing && (
                <p
                  className="inline-flex items-center gap-2 rounded-md bg-sky-50 px-2.5 py-1.5 text-sm text-sky-800 ring-1 ring-sky-200 ring-inset"
                  data-testid="preparing"
                >
                  <svg className="size-3.5 animate-spin motion-reduce:animate-none" viewBox="0 0 24 24" fill="none" aria-hidden>
                    <circle cx="12" cy="12" r="10" stroke="currentColor" strokeOpacity=".25" strokeWidth="4" />
                    <path d="M22 12a10 10 0 0 0-10-10" stroke="currentColor" strokeWidth="4" />
                  </svg>
                  Preparing the audience… <span className="font-medium tabular-nums">{n(p.targeted)}</span> so far
                </p>
              )}
            </div>
            <ProgressBar total={total} label="Campaign progress" segments={OUTCOMES.map((o) => ({ name: o.label, value: p[o.key], className: o.bar }))} />
            <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3 lg:grid-cols-5">
              {OUTCOMES.map((o) => (
                <div key={o.key} title={hints[o.key]}>
                  <dt className="flex items-center gap-1.5 text-xs font-medium text-slate-500">
                    <span className={cn('size-2 rounded-full', o.dot)} aria-hidden />
                    {o.label}
                  </dt>
                  <dd className="mt-0.5 text-lg font-semibold text-slate-900 tabular-nums" data-testid={`progress-${o.key}`}>
                    {n(p[o.key])}
                  </dd>
                </div>
              ))}
              <div title={live ? hints.pending : 'Never sent: the campaign stopped first'}>
                <dt className="flex items-center gap-1.5 text-xs font-medium text-slate-500">
                  <span className="size-2 rounded-full bg-slate-200 ring-1 ring-slate-300 ring-inset" aria-hidden />
                  {live ? 'Pending' : 'Not sent'}
                </dt>
                <dd className="mt-0.5 text-lg font-semibold text-slate-900 tabular-nums" data-testid="progress-pending">
                  {n(p.pending)}
                </dd>
              </div>
            </dl>
            <dl className="flex flex-wrap gap-x-6 gap-y-1 border-t border-slate-100 pt-4 text-sm">
              {live && (
                <div className="flex gap-1.5">
                  <dt className="text-slate-500">Rate</dt>
                  <dd className="font-medium text-slate-800 tabular-nums" data-testid="progress-rate">
                    {n(p.perSecond)} msgs/s
                  </dd>
                </div>
              )}
              {p.status === 'sending' && (
                <div className="flex gap-1.5">
                  <dt className="text-slate-500">Time left</dt>
                  <dd className="font-medium text-slate-800" title={left ? undefined : 'Needs a full minute of finished messages'}>
                    {left ?? (p.pending > 0 && p.startedAt && Date.parse(p.startedAt) > Date.now() - 120_000 ? 'estimating…' : '—')}
                  </dd>
                </div>
              )}
              {p.sent > 0 && (
                <div className="flex gap-1.5" title="Reported by the service worker on each device: shown, then clicked (notification or a button).">
                  <dt className="text-slate-500">Engagement</dt>
                  <dd className="font-medium text-slate-800 tabular-nums" data-testid="progress-engagement">
                    {n(p.shown)} shown ({share(p.shown, p.sent)} of sent) · {n(p.clicked)} clicked ({share(p.clicked, p.shown)} of shown)
                  </dd>
                </div>
              )}
              <div className="flex gap-1.5">
                <dt className="text-slate-500">Started</dt>
                <dd className="text-slate-800">
                  <Time value={p.startedAt} />
                </dd>
              </div>
              {p.completedAt && (
                <div className="flex gap-1.5">
                  <dt className="text-slate-500">{p.status === 'cancelled' ? 'Cancelled' : 'Finished'}</dt>
                  <dd className="text-slate-800">
                    <Time value={p.completedAt} />
                    {p.startedAt && <span className="text-slate-500"> · took {shortDuration(Date.parse(p.completedAt) - Date.parse(p.startedAt))}</span>}
                  </dd>
                </div>
              )}
            </dl>
          </>
        )}
      </CardBody>
    </Card>
  );
}

function share(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(part === whole || part === 0 ? 0 : 1)} %` : '—';
}

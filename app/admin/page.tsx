import type { Metadata } from 'next';
import Link from 'next/link';
import { StackedBars } from '@/components/charts/stacked-bars';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { Badge, type Tone } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Time } from '@/components/ui/time';
import type { CampaignStatus } from '@/db/schema';
import { can } from '@/lib/auth/roles';
import { redirect } from 'next/navigation';
import { currentMember, currentProjects, requestedProjectSlug, requirePageCtx } from '@/server/auth/session';
import { getEngagement } from '@/server/overview/engagement';
import { getOverview, type OverviewCampaign } from '@/server/overview/queries';
import { EngagementHealthCard } from './_components/engagement-health';
import { adminPath } from '@/lib/http/project-path';

export const metadata: Metadata = { title: 'Overview' };

const num = (n: number) => n.toLocaleString('en');

const campaignTone: Record<CampaignStatus, Tone> = {
  draft: 'gray',
  scheduled: 'blue',
  queued: 'blue',
  sending: 'brand',
  paused: 'yellow',
  completed: 'green',
  cancelled: 'gray',
  failed: 'red',
};

function StatCard({ label, value, hint, tone, testId }: { label: string; value: string; hint?: React.ReactNode; tone?: string; testId: string }) {
  return (
    <Card className="p-5" data-testid={testId}>
      <p className="text-sm font-medium text-slate-500">{label}</p>
      <p className={cn('mt-2 text-3xl font-semibold tracking-tight tabular-nums', tone ?? 'text-slate-900')} data-testid="value">
        {value}
      </p>
      {hint && <div className="mt-1 text-xs text-slate-500">{hint}</div>}
    </Card>
  );
}

function rateTone(rate: number | null): string {
  if (rate === null) return 'text-slate-400';
  if (rate >= 0.95) return 'text-emerald-600';
  if (rate >= 0.8) return 'text-amber-600';
  return 'text-red-600';
}

function CampaignItem({ c, upcoming, at }: { c: OverviewCampaign; upcoming?: boolean; at: (path?: string) => string }) {
  const when = upcoming && c.status === 'scheduled' ? c.scheduledAt : (c.completedAt ?? c.startedAt ?? c.createdAt);
  return (
    <li className="flex items-start justify-between gap-3 px-5 py-3">
      <div className="min-w-0">
        <Link href={at(`/campaigns/${c.id}`)} className="block truncate text-sm font-medium text-slate-900 hover:text-brand-700 hover:underline">
          {c.name || 'Untitled campaign'}
        </Link>
        <p className="mt-0.5 text-xs text-slate-500">
          {upcoming && c.status === 'scheduled' ? 'Sends ' : c.completedAt ? 'Finished ' : c.startedAt ? 'Started ' : 'Created '}
          <Time value={when} />
        </p>
      </div>
      <div className="shrink-0 text-right">
        <Badge tone={campaignTone[c.status]}>{c.status[0]!.toUpperCase() + c.status.slice(1)}</Badge>
        {c.targeted > 0 && (
          <p className="mt-1 text-xs tabular-nums text-slate-500">
            {num(c.sent)} / {num(c.targeted)} sent
          </p>
        )}
      </div>
    </li>
  );
}

export default async function OverviewPage() {
  // `/admin` names the default project; someone who is not in it goes to the first of their own.
  const member = await currentMember();
  if (member && !member.project && (await requestedProjectSlug()) === null) {
    const [first] = await currentProjects();
    if (first) redirect(adminPath(first.slug));
    return (
      <>
        <PageHeader title="Welcome to Pushdeck" />
        <EmptyState title="You are not a member of any project yet">
          An owner or a project&apos;s admin adds you to the projects you work on; they appear here and in the project menu as soon as they do.
        </EmptyState>
      </>
    );
  }
  const ctx = await requirePageCtx('dashboard.read', '/admin');
  const at = (path = '') => adminPath(ctx.project.slug, path);
  const [o, engagement] = await Promise.all([getOverview(ctx), getEngagement(ctx)]);
  const mayWrite = can(ctx.actor.role, 'campaigns.write');
  const { subscribers: subs, sends } = o;
  const sentInSeries = o.daily.reduce((a, d) => a + d.sent + d.failed + d.expired, 0);
  const dayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const topTopics = subs.byTopic.slice(0, 8);

  return (
    <>
      <PageHeader
        title="Overview"
        description="Your audience and what reached it, at a glance. Times and days are UTC."
        actions={
          mayWrite ? (
            <Link href={at('/campaigns/new')} className={buttonClass('primary')}>
              New campaign
            </Link>
          ) : undefined
        }
      />

      {subs.active === 0 && (
        <Card className="mb-6 border-l-4 border-brand-500 p-5" data-testid="no-subscribers">
          <h2 className="text-base font-semibold text-slate-900">No one is subscribed yet</h2>
          <p className="mt-1 max-w-2xl text-sm text-slate-600">
            Share your public page: visitors turn on notifications there and choose their topics. Link to it from your site, newsletter or social profiles.
          </p>
          <Link href="/" target="_blank" className={buttonClass('secondary', 'sm', 'mt-3')}>
            Open the public page ↗
          </Link>
        </Card>
      )}

      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <StatCard
          testId="stat-active"
          label="Active subscribers"
          value={num(subs.active)}
          hint={
            <>
              <span className="whitespace-nowrap">
                <span className="font-medium text-emerald-700">+{num(subs.new7d)}</span> in 7 days
              </span>{' '}
              ·{' '}
              <span className="whitespace-nowrap">
                <span className="font-medium text-emerald-700">+{num(subs.new30d)}</span> in 30 days
              </span>
              <br />
              <span className="whitespace-nowrap">{num(subs.expired30d)} expired</span> ·{' '}
              <span className="whitespace-nowrap">{num(subs.unsubscribed30d)} unsubscribed</span> in 30 days
            </>
          }
        />
        <StatCard testId="stat-sent-7d" label="Sent, last 7 days" value={num(sends.sent7d)} hint="Notifications accepted by the push services." />
        <StatCard
          testId="stat-sent-30d"
          label="Sent, last 30 days"
          value={num(sends.sent30d)}
          hint={`${num(sends.failed30d)} failed · ${num(sends.expired30d)} to expired subscriptions`}
        />
        <StatCard
          testId="stat-success"
          label="Delivery success, 30 days"
          value={sends.successRate30d === null ? '—' : `${(sends.successRate30d * 100).toFixed(1)} %`}
          tone={rateTone(sends.successRate30d)}
          hint={sends.successRate30d === null ? 'Nothing sent in the last 30 days.' : 'Sent ÷ (sent + failed + expired).'}
        />
      </div>

      <div className="mt-6">
        <EngagementHealthCard engagement={engagement} projectSlug={ctx.project.slug} />
      </div>

      <div className="mt-6 grid gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card className="min-w-0">
          <CardHeader title="Sends per day, last 30 days" description={sentInSeries === 0 ? 'Nothing was sent in this period.' : undefined} />
          <CardBody data-testid="sends-chart">
            <TimeSeriesChart
              title="Sends per day, last 30 days"
              labels={o.daily.map((d) => dayLabel(d.day))}
              // Stacked bottom-up: the small failure bands at the base, sent on top as the main line.
              series={[
                { name: 'Failed', className: 'fill-red-500 stroke-red-600', values: o.daily.map((d) => d.failed) },
                { name: 'Expired', className: 'fill-amber-400 stroke-amber-500', values: o.daily.map((d) => d.expired) },
                { name: 'Sent', className: 'fill-emerald-500 stroke-emerald-600', values: o.daily.map((d) => d.sent) },
              ]}
            />
          </CardBody>
        </Card>
        <Card className="min-w-0">
          <CardHeader title="Active subscribers by topic" description="One subscriber can follow several topics." />
          <CardBody data-testid="topics-chart">
            {subs.byTopic.length === 0 ? (
              <p className="py-6 text-center text-sm text-slate-500">
                No topics yet.{' '}
                <Link href={at('/topics')} className="font-medium text-brand-700 hover:underline">
                  Topics
                </Link>{' '}
                let visitors choose what they hear about.
              </p>
            ) : (
              <>
                <StackedBars
                  title="Active subscribers by topic"
                  rows={topTopics.map((t) => ({
                    label: t.name,
                    hint: subs.active ? `${Math.round((t.active / subs.active) * 100)} %` : undefined,
                    segments: [{ name: 'Active subscribers', value: t.active, className: 'bg-brand-500' }],
                  }))}
                />
                {subs.byTopic.length > topTopics.length && (
                  <p className="mt-3 text-xs text-slate-500">
                    And {subs.byTopic.length - topTopics.length} more on the{' '}
                    <Link href={at('/topics')} className="text-brand-700 hover:underline">
                      Topics page
                    </Link>
                    .
                  </p>
                )}
              </>
            )}
          </CardBody>
        </Card>
      </div>

      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Card className="min-w-0" data-testid="recent-campaigns">
          <CardHeader
            title="Recent campaigns"
            actions={
              o.recentCampaigns.length > 0 ? (
                <Link href={at('/campaigns')} className="text-sm font-medium text-brand-700 hover:underline">
                  All campaigns →
                </Link>
              ) : undefined
            }
          />
          {o.recentCampaigns.length === 0 ? (
            <EmptyState
              title="No campaigns yet"
              action={
                mayWrite ? (
                  <Link href={at('/campaigns/new')} className={buttonClass('primary', 'sm')}>
                    Create a campaign
                  </Link>
                ) : undefined
              }
            >
              {mayWrite
                ? 'Write a notification, pick the topics it goes to, and send it now or schedule it.'
                : 'Marketers and admins create campaigns; their results will appear here.'}
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {o.recentCampaigns.map((c) => (
                <CampaignItem at={at} key={c.id} c={c} />
              ))}
            </ul>
          )}
        </Card>
        <Card className="min-w-0" data-testid="upcoming-campaigns">
          <CardHeader title="Sending now and scheduled" />
          {o.upcomingCampaigns.length === 0 ? (
            <p className="px-5 py-8 text-center text-sm text-slate-500">Nothing is sending or scheduled right now.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {o.upcomingCampaigns.map((c) => (
                <CampaignItem at={at} key={c.id} c={c} upcoming />
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}

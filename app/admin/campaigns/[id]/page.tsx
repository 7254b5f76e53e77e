import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { PageHeader } from '@/components/ui/page-header';
import { Time } from '@/components/ui/time';
import { can } from '@/lib/auth/roles';
import { isAppError } from '@/lib/errors';
import type { NotificationContent } from '@/lib/push/payload';
import { formatInZone } from '@/lib/time';
import { requirePageCtx } from '@/server/auth/session';
import {
  campaignByService,
  campaignProgress,
  campaignTimeline,
  deliveryFacets,
  deliveryListSchema,
  getCampaign,
  listDeliveries,
} from '@/server/campaigns/queries';
import { CampaignStatusBadge, SourceBadge } from '../_components/list-status-badge';
import { CampaignActions } from './_components/campaign-actions';
import { allowedCampaignActions } from './_components/lifecycle';
import { CampaignCharts } from './_components/charts';
import { DeliveriesSection, type DeliveryFilters } from './_components/deliveries';
import { LiveProgress } from './_components/live-progress';
import { DeliveryOptionsCard, NotificationCard } from './_components/message-details';
import { adminPath } from '@/lib/http/project-path';

type Params = Promise<{ id: string }>;
type SP = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** While sending, the chart runs up to the last finished minute, so a stall shows as a gap. */
function lastFullMinute(): number {
  return Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
}

/** The campaign for this request (metadata and page share one read), or the 404 page. */
const load = cache(async (id: string) => {
  const ctx = await requirePageCtx('campaigns.read', `/admin/campaigns/${encodeURIComponent(id)}`);
  try {
    return { ctx, campaign: await getCampaign(ctx, id) };
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { campaign } = await load((await params).id);
  return { title: campaign.name };
}

export default async function CampaignPage({ params, searchParams }: { params: Params; searchParams: Promise<SP> }) {
  const { id } = await params;
  const { ctx, campaign: c } = await load(id);
  const at = (path = '') => adminPath(ctx.project.slug, path);
  const sp = await searchParams;

  const filters: DeliveryFilters = { status: one(sp.status), service: one(sp.service), http: one(sp.http) };
  const after = one(sp.after);
  const parsed = deliveryListSchema.safeParse({ status: filters.status, pushService: filters.service, httpStatus: filters.http, after });
  const started = c.status !== 'draft' && c.status !== 'scheduled';
  const live = c.status === 'queued' || c.status === 'sending' || c.status === 'paused';

  const [progress, timeline, byService, facets, page] = await Promise.all([
    campaignProgress(ctx, c.id),
    started ? campaignTimeline(ctx, c.id) : [],
    started ? campaignByService(ctx, c.id) : [],
    started ? deliveryFacets(ctx, c.id) : { services: [], httpStatuses: [] },
    started && parsed.success ? listDeliveries(ctx, c.id, parsed.data) : { items: [], nextAfter: null },
  ]);

  const role = ctx.actor.role;
  const scheduledFor = c.status === 'scheduled' && c.scheduledAt ? formatInZone(c.scheduledAt, c.timeZone ?? 'UTC') : null;
  const siteHost = (await headers()).get('host') ?? 'your site';

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm">
        <ol className="flex items-center gap-1.5 text-slate-500">
          <li>
            <Link href={at('/campaigns')} className="hover:text-slate-800 hover:underline">
              Campaigns
            </Link>
          </li>
          <li aria-hidden>/</li>
          <li className="truncate text-slate-700" aria-current="page">
            {c.name}
          </li>
        </ol>
      </nav>
      <PageHeader
        title={<span className="break-words">{c.name}</span>}
        description={
          <span className="flex flex-wrap items-center gap-x-2 gap-y-1.5">
            <CampaignStatusBadge status={c.status} />
            {scheduledFor && (
              <span className="text-slate-700" data-testid="scheduled-for">
                for {scheduledFor}
              </span>
            )}
            <span aria-hidden className="text-slate-300">
              ·
            </span>
            <span>
              Created by <span className="font-medium text-slate-700">{c.createdByLabel}</span>
            </span>
            <SourceBadge source={c.source} />
            <span>
              on <Time value={c.createdAt} />
            </span>
          </span>
        }
        actions={
          <CampaignActions
            id={c.id}
            name={c.name}
            status={c.status}
            allowed={allowedCampaignActions(c.status, { canSend: can(role, 'campaigns.send'), canWrite: can(role, 'campaigns.write') })}
          />
        }
      />

      <div className="space-y-6">
        <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <div className="min-w-0 space-y-6">
            {/* Keyed by status: a status change re-renders the page and restarts (or ends) polling. */}
            <LiveProgress key={progress.status} initial={progress} scheduledFor={scheduledFor} />
            <DeliveryOptionsCard
              ttl={c.ttl}
              urgency={c.urgency}
              pushTopic={c.pushTopic}
              audience={c.audience}
              topics={c.topics}
              excludedTopics={c.excludedTopics}
            />
          </div>
          <NotificationCard content={c.content as Partial<NotificationContent> & { title: string }} siteHost={siteHost} />
        </div>

        {started && (
          <>
            <CampaignCharts timeline={timeline} byService={byService} until={live ? lastFullMinute() : null} />
            <DeliveriesSection
              projectSlug={ctx.project.slug}
              campaignId={c.id}
              campaignStatus={c.status}
              filters={filters}
              after={after}
              invalid={!parsed.success}
              page={page}
              facets={facets}
            />
          </>
        )}
      </div>
    </>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClass, ButtonLink } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterActions, FilterSelect } from '@/components/ui/filter-select';
import { Input, Label } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TBody, Td, Th, THead } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import type { CampaignStatus } from '@/db/schema';
import { can } from '@/lib/auth/roles';
import { formatInZone } from '@/lib/time';
import { requirePageCtx } from '@/server/auth/session';
import { campaignListSchema, listCampaigns } from '@/server/campaigns/queries';
import { audienceSummary } from './_components/list-audience';
import { OutcomeCell } from './_components/list-outcome-cell';
import { campaignStatusLabel, CampaignStatusBadge, SourceBadge } from './_components/list-status-badge';
import { adminPath } from '@/lib/http/project-path';

export const metadata: Metadata = { title: 'Campaigns' };

type SP = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export default async function CampaignsPage({ searchParams }: { searchParams: Promise<SP> }) {
  const ctx = await requirePageCtx('campaigns.read', '/admin/campaigns');
  const at = (path = '') => adminPath(ctx.project.slug, path);
  const sp = await searchParams;
  const filters: Record<string, string> = {};
  const q = one(sp.q);
  const status = one(sp.status);
  if (q) filters.q = q;
  if (status) filters.status = status;
  const before = one(sp.before);
  const parsed = campaignListSchema.safeParse({ ...filters, before });
  const page = parsed.success ? await listCampaigns(ctx, parsed.data) : { items: [], nextBefore: null };
  const filtered = Object.keys(filters).length > 0;
  const qs = (extra: Record<string, string>) => {
    const s = new URLSearchParams({ ...filters, ...extra }).toString();
    return s ? `?${s}` : '';
  };
  const mayWrite = can(ctx.actor.role, 'campaigns.write');

  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Notifications sent, or about to be sent, to your subscribers. Open one to follow its delivery as it happens."
        actions={
          mayWrite && (
            <ButtonLink href={at('/campaigns/new')}>
              <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden>
                <path d="M10 4a.75.75 0 0 1 .75.75v4.5h4.5a.75.75 0 0 1 0 1.5h-4.5v4.5a.75.75 0 0 1-1.5 0v-4.5h-4.5a.75.75 0 0 1 0-1.5h4.5v-4.5A.75.75 0 0 1 10 4Z" />
              </svg>
              New campaign
            </ButtonLink>
          )
        }
      />
      <Card className="mb-6 p-4">
        <form method="get" role="search" aria-label="Filter campaigns" className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_auto] sm:items-end">
          <div className="space-y-1">
            <Label htmlFor="f-q">Search by name</Label>
            <Input id="f-q" name="q" type="search" placeholder="e.g. Black Friday" defaultValue={q} maxLength={100} className="h-9" />
          </div>
          <FilterSelect
            id="f-status"
            name="status"
            label="Status"
            value={status}
            any="Any status"
            options={(Object.keys(campaignStatusLabel) as CampaignStatus[]).map((s) => ({ value: s, label: campaignStatusLabel[s] }))}
            selectClassName="h-9"
          />
          <FilterActions filtered={filtered} clearHref={at('/campaigns')} />
        </form>
      </Card>
      {!parsed.success && (
        <Notice tone="error" className="mb-4">
          Those filters are not valid. Pick a status from the list.
        </Notice>
      )}
      <Card className="overflow-hidden">
        {page.items.length === 0 ? (
          filtered || before ? (
            <EmptyState
              title="No campaigns match"
              action={
                <Link href={at('/campaigns')} className={buttonClass('secondary')}>
                  Clear filters
                </Link>
              }
            >
              {before ? 'There are no older campaigns.' : 'Try another name or status, or clear the filters to see every campaign.'}
            </EmptyState>
          ) : (
            <EmptyState title="No campaigns yet" action={mayWrite && <ButtonLink href={at('/campaigns/new')}>Create your first campaign</ButtonLink>}>
              A campaign is one notification — a title, a short text and a link — sent to all your subscribers or to the topics they chose, now or at a time you
              pick. You can follow each message as it is delivered.
            </EmptyState>
          )
        ) : (
          <Table>
            <THead>
              <tr>
                <Th>Campaign</Th>
                <Th>Status</Th>
                <Th className="hidden xl:table-cell">Audience</Th>
                <Th className="hidden sm:table-cell">
                  <span className="whitespace-nowrap">Sent / failed / expired</span>
                </Th>
                <Th className="hidden xl:table-cell">Created</Th>
              </tr>
            </THead>
            <TBody>
              {page.items.map((c) => {
                // Drafts open in the composer for those who may edit them.
                const href = c.status === 'draft' && mayWrite ? at(`/campaigns/${c.id}/edit`) : at(`/campaigns/${c.id}`);
                const audience = audienceSummary(c.audience, c.topicNames, c.excludedTopicNames);
                return (
                  <tr key={c.id} data-testid="campaign-row" data-campaign-id={c.id}>
                    <Td className="max-w-64">
                      <Link href={href} className="block truncate font-medium text-slate-900 hover:text-brand-700 hover:underline" title={c.name}>
                        {c.name}
                      </Link>
                      {/* On narrow screens the hidden columns' essentials come here. */}
                      <div className="mt-1 space-y-1.5 text-xs text-slate-500 xl:hidden">
                        <p className="line-clamp-2">{audience}</p>
                        {c.targeted > 0 && (
                          <div className="sm:hidden">
                            <OutcomeCell name={c.name} targeted={c.targeted} sent={c.sent} failed={c.failed} expired={c.expired} skipped={c.skipped} />
                          </div>
                        )}
                        <p>
                          <Time value={c.createdAt} /> · {c.createdByLabel}
                        </p>
                      </div>
                    </Td>
                    <Td>
                      <CampaignStatusBadge status={c.status} />
                      {c.status === 'scheduled' && c.scheduledAt && (
                        <div className="mt-1 text-xs whitespace-nowrap text-slate-500" data-testid="scheduled-for">
                          <time dateTime={c.scheduledAt.toISOString()} title={c.scheduledAt.toISOString()}>
                            {formatInZone(c.scheduledAt, c.timeZone ?? 'UTC')}
                          </time>
                        </div>
                      )}
                    </Td>
                    <Td className="hidden max-w-64 min-w-36 xl:table-cell">
                      <span className="line-clamp-2 text-sm" title={audience}>
                        {audience}
                      </span>
                    </Td>
                    <Td className="hidden sm:table-cell">
                      <OutcomeCell name={c.name} targeted={c.targeted} sent={c.sent} failed={c.failed} expired={c.expired} skipped={c.skipped} />
                    </Td>
                    <Td className="hidden max-w-64 xl:table-cell">
                      <div className="text-xs text-slate-500">
                        <Time value={c.createdAt} />
                      </div>
                      <div className="mt-1 flex min-w-0 items-center gap-1.5">
                        <span className="truncate text-sm" title={`Created by ${c.createdByLabel}`}>
                          {c.createdByLabel}
                        </span>
                        <SourceBadge source={c.source} />
                      </div>
                    </Td>
                  </tr>
                );
              })}
            </TBody>
          </Table>
        )}
        {(page.nextBefore || before) && (
          <nav aria-label="Pages" className="flex justify-between border-t border-slate-100 px-4 py-3 text-sm">
            {before ? (
              <Link href={at(`/campaigns${qs({})}`)} className={buttonClass('secondary', 'sm')}>
                Newest
              </Link>
            ) : (
              <span />
            )}
            {page.nextBefore && (
              <Link href={at(`/campaigns${qs({ before: page.nextBefore })}`)} className={buttonClass('secondary', 'sm')}>
                Older campaigns →
              </Link>
            )}
          </nav>
        )}
      </Card>
    </>
  );
}

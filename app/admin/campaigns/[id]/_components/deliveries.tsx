/**
 * One page of a campaign's deliveries with its filters. Reads only `listDeliveries` (keyset over
 * an index per filter) and the facets: no row counts, so it stays fast at millions of rows.
 */
import Link from 'next/link';
import { adminPath } from '@/lib/http/project-path';
import { buttonClass } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { asOptions, FilterActions, FilterSelect } from '@/components/ui/filter-select';
import { Notice } from '@/components/ui/notice';
import { cn } from '@/components/ui/cn';
import { Table, TBody, THead } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import type { DeliveryStatus } from '@/db/schema';
import { deliveryStatusLabel, DeliveryStatusBadge } from '../../_components/list-status-badge';

// Eight columns in the width left beside the sidebar: cells a little tighter than the default.
const head = (align: 'left' | 'right' = 'left') =>
  cn('px-3 py-2.5 text-xs font-semibold tracking-wide text-slate-500 uppercase', align === 'right' ? 'text-right' : 'text-left');
// Padding, alignment and colour otherwise come from TBody's pd-cells rule (components/ui/table.tsx).
const cell = (extra?: string) => cn('px-3', extra);

export type DeliveryFilters = { status?: string; service?: string; http?: string };

type Row = {
  subscriptionId: string;
  status: DeliveryStatus;
  attempts: number;
  httpStatus: number | null;
  pushService: string;
  latencyMs: number | null;
  reason: string | null;
  updatedAt: Date;
  sentAt: Date | null;
  nextAttemptAt: Date | null;
};

export function DeliveriesSection({
  projectSlug,
  campaignId,
  campaignStatus,
  filters,
  after,
  invalid,
  page,
  facets,
}: {
  projectSlug: string;
  campaignId: string;
  campaignStatus: string;
  filters: DeliveryFilters;
  after?: string;
  invalid: boolean;
  page: { items: Row[]; nextAfter: string | null };
  facets: { services: string[]; httpStatuses: number[] };
}) {
  const base = adminPath(projectSlug, `/campaigns/${campaignId}`);
  const filtered = Object.values(filters).some(Boolean);
  const qs = (extra: Record<string, string>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v) p.set(k, v);
    const s = p.toString();
    return `${base}${s ? `?${s}` : ''}#deliveries`;
  };
  // A value from the URL that the facets do not list (yet) stays selectable.
  const services = filters.service && !facets.services.includes(filters.service) ? [...facets.services, filters.service] : facets.services;
  const httpStatuses =
    filters.http && /^\d+$/.test(filters.http) && !facets.httpStatuses.includes(Number(filters.http))
      ? [...facets.httpStatuses, Number(filters.http)].sort((a, b) => a - b)
      : facets.httpStatuses;
  const notStarted = campaignStatus === 'draft' || campaignStatus === 'scheduled';
  // Once a campaign has stopped, a retrying row will not be tried again.
  const live = campaignStatus === 'queued' || campaignStatus === 'sending' || campaignStatus === 'paused';

  return (
    <Card id="deliveries" className="min-w-0 scroll-mt-6">
      <CardHeader title="Deliveries" description="One row per subscriber, ordered by subscription. Open a row for its VAPID claim and full timeline." />
      <form
        method="get"
        action={`${base}#deliveries`}
        aria-label="Filter deliveries"
        className="grid gap-3 border-b border-slate-100 px-5 py-4 sm:grid-cols-3 lg:grid-cols-[repeat(3,minmax(0,14rem))_auto] lg:items-end"
      >
        <FilterSelect
          id="d-status"
          name="status"
          label="Delivery status"
          value={filters.status}
          any="Any status"
          options={(Object.keys(deliveryStatusLabel) as DeliveryStatus[]).map((s) => ({ value: s, label: deliveryStatusLabel[s] }))}
        />
        <FilterSelect id="d-service" name="service" label="Push service" value={filters.service} any="Any push service" options={asOptions(services)} />
        <FilterSelect id="d-http" name="http" label="HTTP status" value={filters.http} any="Any HTTP status" options={asOptions(httpStatuses)} />
        <FilterActions className="sm:col-span-3 lg:col-span-1" filtered={filtered} clearHref={`${base}#deliveries`} />
      </form>
      {invalid && (
        <Notice tone="error" className="m-4">
          Those filters are not valid. Pick the values from the lists.
        </Notice>
      )}
      {page.items.length === 0 ? (
        filtered || after ? (
          <EmptyState
            title={after ? 'No more deliveries' : 'No deliveries match these filters'}
            action={
              <Link href={`${base}#deliveries`} className={buttonClass('secondary')}>
                {after && !filtered ? 'First page' : 'Clear filters'}
              </Link>
            }
          >
            {after
              ? 'You reached the end of the list.'
              : filters.status
                ? `No delivery is ${deliveryStatusLabel[filters.status as DeliveryStatus]?.toLowerCase() ?? filters.status} with these filters right now.`
                : 'Try another push service or HTTP status.'}
          </EmptyState>
        ) : (
          <EmptyState title={notStarted ? 'Nothing sent yet' : 'No deliveries yet'}>
            {notStarted
              ? 'Each subscriber in the audience gets a row here once sending starts.'
              : 'The audience is being prepared; rows appear as subscribers are queued.'}
          </EmptyState>
        )
      ) : (
        <Table>
          <THead>
            <tr>
              <th scope="col" className={head()}>
                Subscriber
              </th>
              <th scope="col" className={head()}>
                Status
              </th>
              <th scope="col" className={head('right')}>
                Attempts
              </th>
              <th scope="col" className={head('right')}>
                HTTP
              </th>
              <th scope="col" className={head()}>
                Push service
              </th>
              <th scope="col" className={head('right')}>
                Latency
              </th>
              <th scope="col" className={head()}>
                Reason
              </th>
              <th scope="col" className={head()}>
                Updated
              </th>
            </tr>
          </THead>
          <TBody>
            {page.items.map((d) => {
              const short = d.subscriptionId.slice(-8);
              return (
                <tr key={d.subscriptionId} data-testid="delivery-row">
                  <td className={cell()}>
                    <Link
                      href={`${base}/deliveries/${d.subscriptionId}`}
                      className="font-mono text-xs font-medium text-brand-700 hover:underline"
                      aria-label={`Delivery to subscriber …${short}`}
                      title={d.subscriptionId}
                    >
                      …{short}
                    </Link>
                  </td>
                  <td className={cell()}>
                    <DeliveryStatusBadge status={d.status} />
                  </td>
                  <td className={cell('text-right tabular-nums')}>{d.attempts}</td>
                  <td className={cell('text-right font-mono text-xs tabular-nums')}>{d.httpStatus ?? <span className="text-slate-400">—</span>}</td>
                  <td className={cell('max-w-40 truncate text-xs')} title={d.pushService}>
                    {d.pushService}
                  </td>
                  <td className={cell('text-right text-xs whitespace-nowrap tabular-nums')}>
                    {d.latencyMs === null ? <span className="text-slate-400">—</span> : `${d.latencyMs.toLocaleString('en')} ms`}
                  </td>
                  <td className={cell('max-w-44 text-xs')}>
                    {d.reason ? (
                      <span className="block truncate" title={d.reason}>
                        {d.reason}
                      </span>
                    ) : (
                      <span className="text-slate-400">—</span>
                    )}
                  </td>
                  <td className={cell('text-xs text-slate-500')}>
                    <Time value={d.updatedAt} />
                    {d.status === 'retrying' && d.nextAttemptAt && live && (
                      <div className="mt-0.5 whitespace-nowrap text-orange-700">
                        next try{' '}
                        <time dateTime={d.nextAttemptAt.toISOString()} title={d.nextAttemptAt.toISOString()} className="tabular-nums">
                          {d.nextAttemptAt.toISOString().slice(11, 19)}
                        </time>
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </TBody>
        </Table>
      )}
      {(page.nextAfter || after) && (
        <nav aria-label="Deliveries pages" className="flex justify-between border-t border-slate-100 px-4 py-3 text-sm">
          {after ? (
            <Link href={qs({})} className={buttonClass('secondary', 'sm')}>
              First page
            </Link>
          ) : (
            <span />
          )}
          {page.nextAfter && (
            <Link href={qs({ after: page.nextAfter })} className={buttonClass('secondary', 'sm')}>
              Next page →
            </Link>
          )}
        </nav>
      )}
    </Card>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { asOptions, FilterActions, FilterSelect } from '@/components/ui/filter-select';
import { Input, Label } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TBody, Td, Th, THead } from '@/components/ui/table';
import { subscriptionStatuses } from '@/db/schema';
import { can } from '@/lib/auth/roles';
import { UUID_RE } from '@/lib/ids';
import { requirePageCtx } from '@/server/auth/session';
import { listSubscribers, subscriberFacets, type SubscriberRow } from '@/server/subscribers/queries';
import { SUBSCRIBER_FILTER_KEYS, subscriberListSchema } from '@/server/subscribers/schemas';
import { ImportSubscribers } from './_components/import-subscribers';
import { shortId, statusLabel, SubscriberStatus } from './_components/labels';
import { adminPath } from '@/lib/http/project-path';

export const metadata: Metadata = { title: 'Subscribers' };

type SP = Record<string, string | string[] | undefined>;

function pick(sp: SP, keys: readonly string[]) {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = sp[k];
    if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  }
  return out;
}

/** A host name that may wrap after its dots (push-service hosts get long), and nowhere else. */
function HostName({ host }: { host: string }) {
  const parts = host.split('.');
  return <span title={host}>{parts.flatMap((p, i) => (i < parts.length - 1 ? [`${p}.`, <wbr key={i} />] : [p]))}</span>;
}

/** The UTC day, with the exact time on hover (the detail page shows it in full). */
function Day({ value }: { value: Date | null }) {
  if (!value) return <span className="text-slate-400">—</span>;
  const iso = value.toISOString();
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums">
      {iso.slice(0, 10)}
    </time>
  );
}

export default async function SubscribersPage({ searchParams }: { searchParams: Promise<SP> }) {
  const ctx = await requirePageCtx('subscribers.read', '/admin/subscribers');
  const at = (path = '') => adminPath(ctx.project.slug, path);
  const sp = await searchParams;
  const filters = pick(sp, SUBSCRIBER_FILTER_KEYS);
  const paging = pick(sp, ['before', 'limit']);
  const parsed = subscriberListSchema.safeParse({ ...filters, ...paging });
  const [page, facets] = await Promise.all([
    parsed.success ? listSubscribers(ctx, parsed.data) : Promise.resolve({ items: [] as SubscriberRow[], nextBefore: null }),
    subscriberFacets(ctx),
  ]);
  const filtered = Object.keys(filters).length > 0;
  // Filters and page size travel together; the cursor is added per link.
  const keep = { ...filters, ...(paging.limit ? { limit: paging.limit } : {}) };
  const qs = (extra: Record<string, string> = {}) => {
    const s = new URLSearchParams({ ...keep, ...extra }).toString();
    return s ? `?${s}` : '';
  };
  const exportQs = new URLSearchParams(filters).toString();
  const deleted = typeof sp.deleted === 'string' && UUID_RE.test(sp.deleted) ? sp.deleted : null;
  const errors = parsed.success ? [] : [...new Set(parsed.error.issues.map((i) => i.message))];
  const mayImport = can(ctx.actor.role, 'subscribers.manage');
  const empty = page.items.length === 0 && !filtered && !paging.before && parsed.success;

  return (
    <>
      <PageHeader
        title="Subscribers"
        description="Browsers that turned on notifications, newest first: their status, push service, topics and the VAPID key they subscribed with."
      />

      {deleted && (
        <Notice tone="success" className="mb-4" data-testid="deleted-notice">
          Subscriber <span className="font-mono">{shortId(deleted)}</span> was deleted, with its topics and delivery history.
        </Notice>
      )}

      <Card className="mb-6 p-4">
        <form method="get" className="grid grid-cols-2 gap-3 lg:grid-cols-4 lg:items-end" aria-label="Filter subscribers">
          <FilterSelect
            id="f-topic"
            name="topic"
            label="Topic"
            value={filters.topic}
            any="Any topic"
            options={facets.topics.map((t) => ({ value: t.id, label: t.name }))}
          />
          <FilterSelect
            id="f-status"
            name="status"
            label="Status"
            value={filters.status}
            any="Any status"
            options={subscriptionStatuses.map((s) => ({ value: s, label: statusLabel[s] }))}
          />
          <FilterSelect
            id="f-service"
            name="pushService"
            label="Push service"
            value={filters.pushService}
            any="Any push service"
            options={asOptions(facets.pushServices)}
          />
          <FilterSelect
            id="f-key"
            name="vapidKeyId"
            label="VAPID key"
            value={filters.vapidKeyId}
            any="Any key"
            options={facets.vapidKeys.map((k) => ({ value: k.id, label: `${k.label} (${k.status})` }))}
          />
          <div className="space-y-1">
            <Label htmlFor="f-from">Created from</Label>
            <Input id="f-from" name="createdFrom" type="date" defaultValue={filters.createdFrom} />
          </div>
          <div className="space-y-1">
            <Label htmlFor="f-to">Created to</Label>
            <Input id="f-to" name="createdTo" type="date" defaultValue={filters.createdTo} />
          </div>
          {paging.limit && <input type="hidden" name="limit" value={paging.limit} />}
          <FilterActions
            className="col-span-2"
            filtered={filtered}
            clearHref={at(`/subscribers${paging.limit ? `?limit=${encodeURIComponent(paging.limit)}` : ''}`)}
          />
        </form>
        <div className="mt-4 flex flex-col gap-3 border-t border-slate-100 pt-4 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-xs text-slate-500">Dates are UTC days and include both ends. Newest subscribers first.</p>
          {parsed.success && (
            <div className="flex flex-col gap-2 sm:flex-row-reverse sm:items-center sm:gap-3">
              <a
                href={at(`/subscribers/export${exportQs ? `?${exportQs}` : ''}`)}
                className={buttonClass('secondary', 'md', 'self-start sm:self-auto')}
                download
                data-testid="export"
              >
                <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden>
                  <path d="M10.75 2.75a.75.75 0 0 0-1.5 0v8.614L6.295 8.235a.75.75 0 1 0-1.09 1.03l4.25 4.5a.75.75 0 0 0 1.09 0l4.25-4.5a.75.75 0 0 0-1.09-1.03l-2.955 3.129V2.75Z" />
                  <path d="M3.5 12.75a.75.75 0 0 0-1.5 0v2.5A2.75 2.75 0 0 0 4.75 18h10.5A2.75 2.75 0 0 0 18 15.25v-2.5a.75.75 0 0 0-1.5 0v2.5c0 .69-.56 1.25-1.25 1.25H4.75c-.69 0-1.25-.56-1.25-1.25v-2.5Z" />
                </svg>
                {filtered ? 'Export these as CSV' : 'Export CSV'}
              </a>
              <p className="max-w-sm text-xs text-slate-500 sm:text-right" data-testid="export-note">
                The export leaves out push endpoints and keys: whoever holds them can send notifications to these people.
              </p>
            </div>
          )}
        </div>
      </Card>

      {mayImport && (
        <Card className="mb-6">
          <ImportSubscribers keys={facets.vapidKeys.map((k) => ({ id: k.id, label: k.label, status: k.status }))} defaultOpen={empty} />
        </Card>
      )}

      {errors.length > 0 && (
        <Notice tone="error" className="mb-4" title="Those filters are not valid">
          {errors.join(' ')}
        </Notice>
      )}

      <Card className="overflow-hidden">
        {page.items.length === 0 ? (
          filtered || !parsed.success ? (
            <EmptyState
              title="No subscribers match"
              action={
                <Link href={at('/subscribers')} className={buttonClass('secondary', 'sm')}>
                  Clear the filters
                </Link>
              }
            >
              Try another topic or status, or widen the dates.
            </EmptyState>
          ) : paging.before ? (
            <EmptyState
              title="No older subscribers"
              action={
                <Link href={at(`/subscribers${qs()}`)} className={buttonClass('secondary', 'sm')}>
                  Back to the newest
                </Link>
              }
            />
          ) : (
            <EmptyState
              title="No subscribers yet"
              action={
                <Link href="/" className={buttonClass('secondary', 'sm')} target="_blank">
                  Open the public page
                </Link>
              }
            >
              Visitors subscribe on the public page, <code className="font-mono">/</code>: they turn on notifications there and pick their topics. Share its
              link where your audience already is{mayImport ? ', or import the subscribers of an earlier setup above' : ''}.
            </EmptyState>
          )
        ) : (
          <Table>
            <THead>
              <tr>
                <Th>Subscriber</Th>
                <Th>Status</Th>
                <Th>Push service</Th>
                <Th>Topics</Th>
                <Th className="whitespace-nowrap">VAPID key</Th>
                <Th>Created</Th>
                <Th>Ended</Th>
              </tr>
            </THead>
            <TBody>
              {page.items.map((s) => (
                <tr key={s.id} data-testid={`subscriber-row-${s.id}`} className="hover:bg-slate-50">
                  <Td>
                    <Link
                      href={at(`/subscribers/${s.id}`)}
                      className="font-mono text-xs font-medium whitespace-nowrap text-brand-700 hover:underline"
                      title={s.id}
                    >
                      {shortId(s.id)}
                    </Link>
                    <span className="mt-0.5 block text-xs whitespace-nowrap text-slate-500" title={s.userAgent ?? undefined}>
                      {s.browser ?? 'Unknown browser'}
                    </span>
                  </Td>
                  <Td>
                    <SubscriberStatus status={s.status} />
                  </Td>
                  <Td className="min-w-32 text-xs">
                    <HostName host={s.pushService} />
                  </Td>
                  <Td className="min-w-40">
                    {s.topics.length ? (
                      <div className="flex max-w-72 flex-wrap gap-1" data-testid="topics">
                        {s.topics.map((t) => (
                          <Badge key={t.id} tone="brand">
                            {t.name}
                          </Badge>
                        ))}
                      </div>
                    ) : (
                      <span className="text-xs text-slate-400">None</span>
                    )}
                  </Td>
                  <Td className="text-xs">{s.vapidKey?.label ?? <span className="text-slate-400">Deleted key</span>}</Td>
                  <Td className="text-xs">
                    <Day value={s.createdAt} />
                  </Td>
                  <Td className="text-xs">
                    <Day value={s.endedAt} />
                  </Td>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
        {(page.nextBefore || paging.before) && (
          <nav className="flex justify-between border-t border-slate-100 px-4 py-3 text-sm" aria-label="Pages">
            {paging.before ? (
              <Link href={at(`/subscribers${qs()}`)} className={buttonClass('secondary', 'sm')}>
                Newest
              </Link>
            ) : (
              <span />
            )}
            {page.nextBefore && (
              <Link href={at(`/subscribers${qs({ before: page.nextBefore })}`)} className={buttonClass('secondary', 'sm')}>
                Older →
              </Link>
            )}
          </nav>
        )}
      </Card>
    </>
  );
}

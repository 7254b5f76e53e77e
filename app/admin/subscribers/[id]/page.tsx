import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { Card, CardBody, CardHeader, SectionCard } from '@/components/ui/card';
import { DetailList, DetailRow } from '@/components/ui/detail-list';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TBody, Td, Th, THead } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { can } from '@/lib/auth/roles';
import { isAppError } from '@/lib/errors';
import { requirePageCtx } from '@/server/auth/session';
import { getSubscriber } from '@/server/subscribers/queries';
import { DeleteSubscriber } from '../_components/delete-subscriber';
import { DeliveryStatusBadge, shortId, SubscriberStatus } from '../_components/labels';
import { adminPath } from '@/lib/http/project-path';

export const metadata: Metadata = { title: 'Subscriber' };

export default async function SubscriberPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePageCtx('subscribers.read', `/admin/subscribers/${encodeURIComponent(id)}`);
  const at = (path = '') => adminPath(ctx.project.slug, path);
  const s = await getSubscriber(ctx, id).catch((e) => {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  });
  const mayDelete = can(ctx.actor.role, 'subscribers.manage');

  return (
    <>
      <div className="mb-3">
        <Link href={at('/subscribers')} className="text-sm text-slate-500 hover:text-slate-800">
          ← Subscribers
        </Link>
      </div>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            Subscriber <span className="font-mono text-xl text-slate-600">{shortId(s.id)}</span>
            <SubscriberStatus status={s.status} />
          </span>
        }
        description={`${s.browser ?? 'A browser'} on ${s.pushService}, subscribed ${s.createdAt.toISOString().slice(0, 10)}.`}
      />

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Card className="min-w-0">
          <CardHeader title="Details" />
          <CardBody className="py-2">
            <DetailList>
              <DetailRow term="Id">
                <span className="font-mono text-xs break-all">{s.id}</span>
              </DetailRow>
              <DetailRow term="Status">
                <SubscriberStatus status={s.status} />
              </DetailRow>
              <DetailRow term="Push service">
                <span data-testid="push-service">{s.pushService}</span>
                {s.endpointOrigin && (
                  <span className="block text-xs text-slate-500">Endpoint at {s.endpointOrigin} (the full address is a secret and is not shown)</span>
                )}
              </DetailRow>
              <DetailRow term="Browser">
                {s.browser ?? <span className="text-slate-400">Unknown</span>}
                {s.userAgent && <span className="mt-0.5 block text-xs break-words text-slate-500">{s.userAgent}</span>}
              </DetailRow>
              <DetailRow term="VAPID key">
                {s.vapidKey ? (
                  <span className="inline-flex flex-wrap items-center gap-2">
                    {s.vapidKey.label}
                    <Badge tone={s.vapidKey.status === 'active' ? 'green' : s.vapidKey.status === 'retired' ? 'gray' : 'blue'}>{s.vapidKey.status}</Badge>
                  </span>
                ) : (
                  <span className="text-slate-400">The key was deleted</span>
                )}
              </DetailRow>
              <DetailRow term="Subscribed">
                <Time value={s.createdAt} withSeconds />
              </DetailRow>
              <DetailRow term="Last changed">
                <Time value={s.updatedAt} withSeconds />
              </DetailRow>
              <DetailRow term={s.status === 'expired' ? 'Expired' : s.status === 'unsubscribed' ? 'Unsubscribed' : 'Ended'}>
                {s.endedAt ? <Time value={s.endedAt} withSeconds /> : <span className="text-slate-400">Still subscribed</span>}
              </DetailRow>
              <DetailRow term="Browser expiry">{s.expiresAt ? <Time value={s.expiresAt} /> : <span className="text-slate-400">None given</span>}</DetailRow>
            </DetailList>
          </CardBody>
        </Card>

        <div className="space-y-6">
          <SectionCard title="Topics">
            {s.topics.length ? (
              <ul className="flex flex-wrap gap-1.5" data-testid="subscriber-topics">
                {s.topics.map((t) => (
                  <li key={t.id}>
                    <Badge tone="brand" title={t.slug}>
                      {t.name}
                    </Badge>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500" data-testid="subscriber-topics">
                {s.status === 'active' ? 'No topics: only campaigns sent to all subscribers reach it.' : 'None: topics are dropped when a subscription ends.'}
              </p>
            )}
          </SectionCard>
          {mayDelete && (
            <SectionCard title="Delete" description="For removing test devices, or on request of the person.">
              <DeleteSubscriber id={s.id} label={shortId(s.id)} />
            </SectionCard>
          )}
        </div>
      </div>

      <Card className="mt-6 overflow-hidden">
        <CardHeader title="Delivery history" description="The last 50 notifications sent to this subscriber, newest first." />
        {s.deliveries.length === 0 ? (
          <EmptyState title="Nothing sent yet">Campaigns that reach this subscriber will be listed here.</EmptyState>
        ) : (
          <Table>
            <THead>
              <tr>
                <Th>Campaign</Th>
                <Th>Status</Th>
                <Th className="text-right">Attempts</Th>
                <Th className="text-right">HTTP</Th>
                <Th className="text-right">Latency</Th>
                <Th>Queued</Th>
                <Th>Sent / updated</Th>
              </tr>
            </THead>
            <TBody>
              {s.deliveries.map((d) => (
                <tr key={d.campaignId} data-testid="delivery-row">
                  <Td className="max-w-64">
                    <Link href={at(`/campaigns/${d.campaignId}/deliveries/${s.id}`)} className="font-medium text-brand-700 hover:underline">
                      {d.campaignName || 'Untitled campaign'}
                    </Link>
                    {d.reason && d.status !== 'sent' && (
                      <span className="mt-0.5 block truncate text-xs text-slate-500" title={d.reason}>
                        {d.reason}
                      </span>
                    )}
                  </Td>
                  <Td>
                    <DeliveryStatusBadge status={d.status} />
                  </Td>
                  <Td className="text-right tabular-nums">{d.attempts}</Td>
                  <Td className="text-right tabular-nums">{d.httpStatus ?? '—'}</Td>
                  <Td className="text-right whitespace-nowrap tabular-nums">{d.latencyMs != null ? `${d.latencyMs} ms` : '—'}</Td>
                  <Td className="text-xs">
                    <Time value={d.createdAt} />
                  </Td>
                  <Td className="text-xs">
                    <Time value={d.sentAt ?? d.updatedAt} />
                  </Td>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
      <div className="mt-6">
        <Link href={at('/subscribers')} className={buttonClass('ghost', 'sm')}>
          ← Back to subscribers
        </Link>
      </div>
    </>
  );
}

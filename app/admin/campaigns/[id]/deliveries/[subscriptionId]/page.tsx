import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CopyButton } from '@/components/ui/copy-button';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList, DetailRow } from '@/components/ui/detail-list';
import { Notice } from '@/components/ui/notice';
import { PageHeader } from '@/components/ui/page-header';
import { Time } from '@/components/ui/time';
import { isAppError } from '@/lib/errors';
import { requirePageCtx } from '@/server/auth/session';
import { getCampaign, getDelivery } from '@/server/campaigns/queries';
import { DeliveryStatusBadge } from '../../../_components/list-status-badge';
import { adminPath } from '@/lib/http/project-path';

type Params = Promise<{ id: string; subscriptionId: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { subscriptionId } = await params;
  return { title: `Delivery …${subscriptionId.slice(-8)}` };
}

const dash = <span className="text-slate-400">—</span>;
const subTone = { active: 'green', expired: 'yellow', unsubscribed: 'gray' } as const;
const subLabel = { active: 'Active', expired: 'Expired', unsubscribed: 'Unsubscribed' } as const;

export default async function DeliveryPage({ params }: { params: Params }) {
  const { id, subscriptionId } = await params;
  const ctx = await requirePageCtx('campaigns.read', `/admin/campaigns/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(subscriptionId)}`);
  const at = (path = '') => adminPath(ctx.project.slug, path);
  const [campaign, d] = await Promise.all([getCampaign(ctx, id), getDelivery(ctx, id, subscriptionId)]).catch((e: unknown) => {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  });
  const short = subscriptionId.slice(-8);
  const claim = d.claim;
  const expSeconds = claim ? Math.floor(claim.exp.getTime() / 1000) : null;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm">
        <ol className="flex min-w-0 items-center gap-1.5 text-slate-500">
          <li className="shrink-0">
            <Link href={at('/campaigns')} className="hover:text-slate-800 hover:underline">
              Campaigns
            </Link>
          </li>
          <li aria-hidden>/</li>
          <li className="min-w-0 truncate">
            <Link href={at(`/campaigns/${campaign.id}#deliveries`)} className="hover:text-slate-800 hover:underline">
              {campaign.name}
            </Link>
          </li>
          <li aria-hidden>/</li>
          <li className="shrink-0 text-slate-700" aria-current="page">
            Delivery …{short}
          </li>
        </ol>
      </nav>
      <PageHeader
        title={
          <>
            Delivery to <span className="font-mono">…{short}</span>
          </>
        }
        description={
          <span className="flex flex-wrap items-center gap-2">
            <DeliveryStatusBadge status={d.status} />
            <span>
              of <span className="font-medium text-slate-700">{campaign.name}</span>
            </span>
          </span>
        }
      />

      <div className="grid gap-6 lg:grid-cols-2 lg:items-start">
        <Card className="min-w-0">
          <CardHeader title="Delivery" description="The latest attempt: what the push service answered, and when." />
          <CardBody className="py-1">
            <DetailList>
              <DetailRow term="Status">
                <DeliveryStatusBadge status={d.status} />
              </DetailRow>
              <DetailRow term="Attempts" testId="attempts">
                {d.attempts}
              </DetailRow>
              <DetailRow term="HTTP status">
                {d.httpStatus === null ? <span className="text-slate-500">No answer</span> : <code className="font-mono">{d.httpStatus}</code>}
              </DetailRow>
              <DetailRow term="Push service">{d.pushService}</DetailRow>
              <DetailRow term="Latency">{d.latencyMs === null ? dash : `${d.latencyMs.toLocaleString('en')} ms`}</DetailRow>
              <DetailRow term="Reason">{d.reason ? <span className="break-words">{d.reason}</span> : dash}</DetailRow>
              <DetailRow term="Queued">
                <Time value={d.createdAt} withSeconds />
              </DetailRow>
              <DetailRow term="Last update">
                <Time value={d.updatedAt} withSeconds />
              </DetailRow>
              <DetailRow term="Sent">
                <Time value={d.sentAt} withSeconds />
              </DetailRow>
              {d.status === 'retrying' && ['queued', 'sending', 'paused'].includes(campaign.status) && (
                <DetailRow term="Next attempt">
                  <Time value={d.nextAttemptAt} withSeconds />
                </DetailRow>
              )}
            </DetailList>
          </CardBody>
        </Card>

        <div className="min-w-0 space-y-6">
          <Card>
            <CardHeader title="VAPID claim" description="The signed claim that identified this server to the push service on the latest attempt." />
            <CardBody className="py-1">
              {claim ? (
                <DetailList data-testid="vapid-claim">
                  <DetailRow term="sub (contact)">
                    <span className="break-all">{claim.sub}</span>
                  </DetailRow>
                  <DetailRow term="aud (audience)">
                    <code className="font-mono text-xs break-all">{claim.aud}</code>
                  </DetailRow>
                  <DetailRow term="exp (expires)">
                    <code className="font-mono text-xs">{expSeconds}</code>
                    <span className="block font-mono text-xs text-slate-500">{claim.exp.toISOString()}</span>
                  </DetailRow>
                  <DetailRow term="Issued at">
                    <Time value={claim.issuedAt} withSeconds />
                  </DetailRow>
                  <DetailRow term="Public key (k)">
                    <div className="flex min-w-0 items-center gap-2">
                      <code className="min-w-0 truncate font-mono text-xs text-slate-600" title={claim.publicKey} data-testid="claim-public-key">
                        {claim.publicKey}
                      </code>
                      <CopyButton text={claim.publicKey} label="Copy the VAPID public key" />
                    </div>
                    {claim.vapidKeyId ? (
                      <Link href={at('/vapid')} className="mt-1 inline-block text-xs text-brand-700 hover:underline">
                        See VAPID keys
                      </Link>
                    ) : (
                      <p className="mt-1 text-xs text-slate-500">This key has since been deleted.</p>
                    )}
                  </DetailRow>
                </DetailList>
              ) : (
                <Notice tone="info" className="my-3" data-testid="no-claim">
                  {d.attempts === 0
                    ? 'No claim yet: this message has not been sent to the push service.'
                    : 'No claim is on record: the attempt did not reach the point of signing one, or the key it was signed with has been deleted.'}
                </Notice>
              )}
            </CardBody>
          </Card>

          <Card>
            <CardHeader title="Subscription" description="Where the message goes. The full endpoint is a secret address and is not shown." />
            <CardBody className="py-1">
              <DetailList>
                <DetailRow term="Status">
                  <Badge tone={subTone[d.subscription.status]}>{subLabel[d.subscription.status]}</Badge>
                </DetailRow>
                <DetailRow term="Push service">{d.subscription.pushService}</DetailRow>
                <DetailRow term="Endpoint origin">
                  <code className="font-mono text-xs break-all" data-testid="endpoint-origin">
                    {d.subscription.endpointOrigin}
                  </code>
                </DetailRow>
                <DetailRow term="Subscribed">
                  <Time value={d.subscription.createdAt} withSeconds />
                </DetailRow>
                <DetailRow term="Subscription id">
                  <code className="font-mono text-xs break-all">{d.subscription.id}</code>
                </DetailRow>
              </DetailList>
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { PageHeader } from '@/components/ui/page-header';
import { isAppError } from '@/lib/errors';
import type { NotificationContent } from '@/lib/push/payload';
import type { Urgency } from '@/lib/push/constants';
import { requirePageCtx } from '@/server/auth/session';
import { getCampaign } from '@/server/campaigns/queries';
import { ttlToState, type DraftState } from '../../_components/draft';
import { ComposerPage } from '../../_components/composer-page';
import { adminPath } from '@/lib/http/project-path';

export const metadata: Metadata = { title: 'Edit campaign' };

export default async function EditCampaignPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const sp = await searchParams;
  const ctx = await requirePageCtx('campaigns.write', `/admin/campaigns/${id}/edit`);
  const at = (path = '') => adminPath(ctx.project.slug, path);
  const c = await getCampaign(ctx, id).catch((e) => {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  });
  if (c.status !== 'draft') redirect(at(`/campaigns/${id}`));
  const n = c.content as NotificationContent;
  const initial: DraftState = {
    name: c.name === n.title ? '' : c.name,
    title: n.title,
    body: n.body ?? '',
    url: n.url ?? '',
    icon: n.icon ?? '',
    image: n.image ?? '',
    badge: n.badge ?? '',
    tag: n.tag ?? '',
    renotify: !!n.renotify,
    requireInteraction: !!n.requireInteraction,
    silent: !!n.silent,
    actions: n.actions ?? [],
    dataText: n.data ? JSON.stringify(n.data, null, 2) : '',
    ...ttlToState(c.ttl),
    urgency: c.urgency as Urgency,
    pushTopic: c.pushTopic ?? '',
    audience: c.audience,
    topicIds: c.topics.filter((t) => t.name !== null).map((t) => t.id),
    excludeTopicIds: c.excludedTopics.filter((t) => t.name !== null).map((t) => t.id),
    when: 'now',
    localTime: '',
    timeZone: '',
    storeOnServer: c.storeContent,
  };
  return (
    <>
      <PageHeader
        title={`Edit “${c.name}”`}
        description={
          <>
            A draft: nothing has been sent.{' '}
            <Link href={at('/campaigns')} className="text-brand-600 hover:underline">
              All campaigns
            </Link>
          </>
        }
      />
      <ComposerPage ctx={ctx} campaignId={c.id} initial={initial} notice={sp.saved ? 'Draft saved.' : undefined} />
    </>
  );
}

import { headers } from 'next/headers';
import { can } from '@/lib/auth/roles';
import type { Ctx } from '@/server/context';
import type { UserActor } from '@/server/auth/session';
import { getEngagement } from '@/server/overview/engagement';
import { listTopics } from '@/server/topics/queries';
import { EngagementWarning } from '../../_components/engagement-health';
import { ComposerForm } from './composer-form';
import type { DraftState } from './draft';

/**
 * Server wrapper shared by "new" and "edit": loads topics, the site's host for the preview, and the
 * project's engagement, to warn above the form when it is low or near Chrome's line.
 */
export async function ComposerPage({
  ctx,
  campaignId,
  initial,
  notice,
}: {
  ctx: Ctx & { actor: UserActor };
  campaignId?: string;
  initial: DraftState;
  notice?: string;
}) {
  const [topics, engagement, h] = await Promise.all([listTopics(ctx), getEngagement(ctx), headers()]);
  const siteHost = h.get('x-forwarded-host') ?? h.get('host') ?? 'your-site';
  return (
    <>
      <EngagementWarning engagement={engagement} projectSlug={ctx.project.slug} className="mb-6" />
      <ComposerForm
        campaignId={campaignId}
        initial={initial}
        notice={notice}
        siteHost={siteHost}
        canSend={can(ctx.actor.role, 'campaigns.send')}
        topics={topics.map((t) => ({ id: t.id, name: t.name, slug: t.slug, isPublic: t.isPublic, activeSubscribers: t.activeSubscribers }))}
      />
    </>
  );
}

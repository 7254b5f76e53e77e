import { headers } from 'next/headers';
import { can } from '@/lib/auth/roles';
import type { Ctx } from '@/server/context';
import type { UserActor } from '@/server/auth/session';
import { listTopics } from '@/server/topics/queries';
import { ComposerForm } from './composer-form';
import type { DraftState } from './draft';

/** Server wrapper shared by "new" and "edit": loads topics and the site's host for the preview. */
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
  const topics = await listTopics(ctx);
  const h = await headers();
  const siteHost = h.get('x-forwarded-host') ?? h.get('host') ?? 'your-site';
  return (
    <ComposerForm
      campaignId={campaignId}
      initial={initial}
      notice={notice}
      siteHost={siteHost}
      canSend={can(ctx.actor.role, 'campaigns.send')}
      topics={topics.map((t) => ({ id: t.id, name: t.name, slug: t.slug, isPublic: t.isPublic, activeSubscribers: t.activeSubscribers }))}
    />
  );
}

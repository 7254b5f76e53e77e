import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { PublicPage } from '@/components/public/public-page';
import { visitorCtx } from '@/server/auth/session';
import { DEFAULT_PROJECT, type Ctx } from '@/server/context';
import { publicProjectBySlug } from '@/server/projects/queries';
import { listPublicTopics } from '@/server/topics/queries';
import { activePublicKey } from '@/server/vapid/keys';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ slug: string }> };

/**
 * A visitor in the project the URL names (once per request: the metadata and the page share it).
 * An unknown or malformed slug is a 404, never another project's page; the default project's
 * page is `/`, and a slug in another spelling goes to the one the project has.
 */
const visitorIn = cache(async (slug: string): Promise<{ ctx: Ctx; name: string }> => {
  const ctx = await visitorCtx();
  const found = await publicProjectBySlug(ctx.db, slug);
  if (!found) notFound();
  if (found.ref.id === DEFAULT_PROJECT.id) redirect('/');
  if (found.ref.slug !== slug) redirect(`/p/${found.ref.slug}`);
  return { ctx: { ...ctx, project: found.ref }, name: found.name };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await visitorIn((await params).slug);
  return { title: `Get notified by ${name}` };
}

/** Project <slug>'s public subscribe page: its name, its public topics, its active VAPID key. */
export default async function ProjectPublicPage({ params }: Props) {
  const { ctx, name } = await visitorIn((await params).slug);
  const [topics, key] = await Promise.all([listPublicTopics(ctx), activePublicKey(ctx)]);
  return <PublicPage name={name} topics={topics} publicKey={key?.publicKey ?? null} project={ctx.project.slug} />;
}

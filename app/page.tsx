import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PublicPage } from '@/components/public/public-page';
import { visitorCtx } from '@/server/auth/session';
import { listPublicTopics } from '@/server/topics/queries';
import { setupOpen } from '@/server/users/queries';
import { activePublicKey } from '@/server/vapid/keys';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Get notified' };

/** The default project's public subscribe page; every other project's is /p/<slug>. */
export default async function DefaultPublicPage() {
  const ctx = await visitorCtx();
  if (await setupOpen(ctx)) redirect('/setup');
  const [topics, key] = await Promise.all([listPublicTopics(ctx), activePublicKey(ctx)]);
  return <PublicPage name="Pushdeck" topics={topics} publicKey={key?.publicKey ?? null} project={null} />;
}

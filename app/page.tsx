import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Logo } from '@/components/brand/logo';
import { SubscribePanel } from '@/components/public/subscribe-panel';
import { visitorCtx } from '@/server/auth/session';
import { listPublicTopics } from '@/server/topics/queries';
import { setupOpen } from '@/server/users/queries';
import { activePublicKey } from '@/server/vapid/keys';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Get notified' };

/** The public subscribe page: what visitors get, which topics, one button. Never prompts on load. */
export default async function PublicPage() {
  const ctx = await visitorCtx();
  if (await setupOpen(ctx)) redirect('/setup');
  const [topics, key] = await Promise.all([listPublicTopics(ctx), activePublicKey(ctx)]);
  return (
    <div className="min-h-screen bg-gradient-to-b from-brand-50 to-slate-50">
      <header className="mx-auto flex max-w-3xl items-center gap-2.5 px-5 pt-8">
        <Logo className="size-8" />
        <span className="text-lg font-semibold tracking-tight">Pushdeck</span>
      </header>
      <main className="mx-auto max-w-3xl px-5 pb-16 pt-10">
        <h1 className="text-3xl font-semibold tracking-tight text-slate-900 sm:text-4xl">Get notified when it matters</h1>
        <p className="mt-3 max-w-2xl text-base text-slate-600">
          Turn on notifications and we will let you know about the things you choose — even when this page is closed. No account, no e-mail address: you can
          change your topics or turn notifications off here at any time.
        </p>
        <SubscribePanel topics={topics} publicKey={key?.publicKey ?? null} />
        <p className="mt-8 text-xs text-slate-500">
          Notifications are delivered through your browser&apos;s push service, encrypted end to end (RFC 8291). We store only what your browser needs to
          receive them and the topics you chose.
        </p>
      </main>
    </div>
  );
}

/**
 * A public subscribe page: what visitors get, which topics, one button. Never prompts on load.
 * The default project's page (`/`) and every other project's (`/p/<slug>`) render it with that
 * project's name, public topics and active VAPID key; `project` (null: the default one) is what
 * the panel's API calls and service worker registration act in.
 */
import { Logo } from '@/components/brand/logo';
import { SubscribePanel } from './subscribe-panel';
import type { Topic } from './push-client';

export function PublicPage({ name, topics, publicKey, project }: { name: string; topics: Topic[]; publicKey: string | null; project: string | null }) {
  return (
    <div className="min-h-screen bg-gradient-to-b from-brand-50 to-slate-50">
      <header className="mx-auto flex max-w-3xl items-center gap-2.5 px-5 pt-8">
        <Logo className="size-8" />
        <span className="text-lg font-semibold tracking-tight" data-testid="project-name">
          {name}
        </span>
      </header>
      <main className="mx-auto max-w-3xl px-5 pb-16 pt-10">
        <h1 className="text-3xl font-semibold tracking-tight text-slate-900 sm:text-4xl">Get notified when it matters</h1>
        <p className="mt-3 max-w-2xl text-base text-slate-600">
          Turn on notifications and we will let you know about the things you choose — even when this page is closed. No account, no e-mail address: you can
          change your topics or turn notifications off here at any time.
        </p>
        <SubscribePanel topics={topics} publicKey={publicKey} project={project} />
        <p className="mt-8 text-xs text-slate-500">
          Notifications are delivered through your browser&apos;s push service, encrypted end to end (RFC 8291). We store only what your browser needs to
          receive them and the topics you chose.
        </p>
      </main>
    </div>
  );
}

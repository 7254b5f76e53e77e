import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { PageHeader } from '@/components/ui/page-header';
import { listApiKeys, listTokenKeys } from '@/server/api-keys/queries';
import { requirePageCtx } from '@/server/auth/session';
import { listTopics } from '@/server/topics/queries';
import { ApiKeysSection } from './_components/api-keys-section';
import type { TopicOption } from './_components/create-api-key-form';
import { apiExamples } from './_components/examples';
import { TokenKeysSection } from './_components/token-keys-section';
import { UsingTheApiSection } from './_components/using-the-api-section';

export const metadata: Metadata = { title: 'API' };

/**
 * The origin programs should call, as this request reached us (behind a proxy: its forwarded
 * host and scheme). Header values are checked so a forged Host cannot put markup-like junk into
 * the examples; anything odd falls back to a placeholder.
 */
async function siteOrigin(): Promise<string> {
  const h = await headers();
  const host = (h.get('x-forwarded-host') ?? h.get('host') ?? '').split(',')[0]!.trim();
  const proto = (h.get('x-forwarded-proto') ?? '').split(',')[0]!.trim().toLowerCase();
  const okHost = /^([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host);
  return `${proto === 'http' || proto === 'https' ? proto : 'https'}://${okHost ? host : 'pushdeck.example.com'}`;
}

export default async function ApiPage() {
  const ctx = await requirePageCtx('api-keys.manage', '/admin/api');
  const [apiKeys, tokenKeys, topicRows, origin] = await Promise.all([listApiKeys(ctx), listTokenKeys(ctx), listTopics(ctx), siteOrigin()]);
  const now = new Date();
  const topics: TopicOption[] = topicRows.map((t) => ({ id: t.id, name: t.name, slug: t.slug, isPublic: t.isPublic }));
  // Examples use a real slug when there is one, so they work when pasted.
  const slug = (topics.find((t) => t.isPublic) ?? topics[0])?.slug ?? 'news';
  const privateSlug = topics.find((t) => !t.isPublic)?.slug ?? slug;
  const examples = apiExamples(origin, slug, privateSlug);

  return (
    <>
      <PageHeader
        title="API"
        description={
          <>
            Programs send notifications through Pushdeck’s HTTP API. Give each program its own API key, or let a service you run sign short-lived tokens (the
            notiflux format) with a key pair whose public half you add here.
          </>
        }
      />
      <div className="space-y-6">
        <ApiKeysSection apiKeys={apiKeys} topics={topics} now={now} />
        <TokenKeysSection tokenKeys={tokenKeys} now={now} examples={examples} />
        <UsingTheApiSection origin={origin} examples={examples} />
      </div>
    </>
  );
}

/** What the campaign sends, how, and to whom. */
import { NotificationPreview } from '@/components/campaigns/notification-preview';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DetailList, DetailRow } from '@/components/ui/detail-list';
import type { AudienceMode } from '@/db/schema';
import type { NotificationContent } from '@/lib/push/payload';
import { DELETED_TOPIC } from '../../_components/list-audience';
import { humanTtl, urgencyLabel } from './format';

type Topic = { id: string; name: string | null };

function UrlText({ href }: { href: string }) {
  return (
    <span className="block truncate font-mono text-xs" title={href}>
      {href}
    </span>
  );
}

export function NotificationCard({ content, siteHost }: { content: Partial<NotificationContent> & { title: string }; siteHost: string }) {
  const actions = content.actions ?? [];
  return (
    <Card className="min-w-0" data-testid="notification-card">
      <CardHeader title="The notification" description="Roughly what people see. Each browser draws it its own way." />
      <CardBody>
        <NotificationPreview
          siteHost={siteHost}
          content={{
            title: content.title,
            body: content.body,
            icon: content.icon,
            image: content.image,
            badge: content.badge,
            url: content.url,
            actions,
            requireInteraction: content.requireInteraction,
            silent: content.silent,
          }}
        />
        <DetailList className="mt-4 border-t border-slate-100">
          <DetailRow stack term="Opens">
            {content.url ? <UrlText href={content.url} /> : <span className="text-slate-500">The site’s home page</span>}
          </DetailRow>
          {actions.length > 0 && (
            <DetailRow stack term="Buttons">
              <ul className="space-y-1">
                {actions.map((a, i) => (
                  <li key={i} className="min-w-0">
                    <span className="font-medium">{a.title}</span>
                    <UrlText href={a.url} />
                  </li>
                ))}
              </ul>
            </DetailRow>
          )}
          {content.icon && (
            <DetailRow stack term="Icon">
              <UrlText href={content.icon} />
            </DetailRow>
          )}
          {content.image && (
            <DetailRow stack term="Image">
              <UrlText href={content.image} />
            </DetailRow>
          )}
          {content.tag && (
            <DetailRow stack term="Tag">
              <code className="font-mono text-xs">{content.tag}</code>
              {content.renotify && <span className="text-slate-500"> · alerts again when it replaces one</span>}
            </DetailRow>
          )}
        </DetailList>
      </CardBody>
    </Card>
  );
}

function TopicList({ topics }: { topics: Topic[] }) {
  if (!topics.length) return <span className="text-slate-500">—</span>;
  return (
    <ul className="flex flex-wrap gap-1.5" data-testid="topic-list">
      {topics.map((t) =>
        t.name === null ? (
          <li
            key={t.id}
            className="rounded-md bg-slate-50 px-2 py-0.5 text-xs text-slate-400 italic ring-1 ring-slate-200 ring-inset"
            title="This topic was deleted after the campaign was made."
          >
            {DELETED_TOPIC}
          </li>
        ) : (
          <li key={t.id} className="rounded-md bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700 ring-1 ring-brand-600/20 ring-inset">
            {t.name}
          </li>
        ),
      )}
    </ul>
  );
}

export function DeliveryOptionsCard({
  ttl,
  urgency,
  pushTopic,
  audience,
  topics,
  excludedTopics,
}: {
  ttl: number;
  urgency: string;
  pushTopic: string | null;
  audience: AudienceMode;
  topics: Topic[];
  excludedTopics: Topic[];
}) {
  return (
    <Card className="min-w-0">
      <CardHeader title="Audience and delivery" />
      <CardBody className="py-1">
        <DetailList>
          <DetailRow narrow term="Audience">
            <span data-testid="audience">
              {audience === 'all' ? 'All subscribers' : audience === 'any' ? 'Subscribers of any of these topics' : 'Subscribers of all of these topics'}
            </span>
            {audience !== 'all' && (
              <div className="mt-1.5">
                <TopicList topics={topics} />
              </div>
            )}
          </DetailRow>
          {excludedTopics.length > 0 && (
            <DetailRow narrow term="Excluding">
              <TopicList topics={excludedTopics} />
            </DetailRow>
          )}
          <DetailRow narrow term="Time to live">
            {humanTtl(ttl)}
            <span className="text-slate-500">
              {' '}
              {ttl === 0 ? '— delivered only if the device is reachable right away' : '— the push service keeps it this long for offline devices'}
            </span>
          </DetailRow>
          <DetailRow narrow term="Urgency">
            {urgencyLabel[urgency] ?? urgency}
          </DetailRow>
          <DetailRow narrow term="Replaces">
            {pushTopic ? (
              <>
                <code className="font-mono text-xs">{pushTopic}</code>
                <span className="text-slate-500"> — an undelivered message with this topic is replaced (RFC 8030)</span>
              </>
            ) : (
              <span className="text-slate-500">Nothing (no replacement topic)</span>
            )}
          </DetailRow>
        </DetailList>
      </CardBody>
    </Card>
  );
}

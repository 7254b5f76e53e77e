import { NotificationPreview } from '@/components/campaigns/notification-preview';
import { Card, CardBody, SectionCard } from '@/components/ui/card';
import { FieldError } from '@/components/ui/field-error';
import { MAX_PAYLOAD_BYTES } from '@/lib/push/constants';
import type { DraftState } from '../draft';
import { SizeMeter } from './size-meter';
import { TestSend } from './test-send';

/** The column beside the form: the live preview, the payload-size meter, and the test send. */
export function PreviewColumn({
  s,
  siteHost,
  bytes,
  storedBytes,
  onStore,
  contentErrors,
  test,
}: {
  s: DraftState;
  siteHost: string;
  /** The payload's size as one push; `storedBytes` as stored content. */
  bytes: number;
  storedBytes: number;
  onStore: (on: boolean) => void;
  contentErrors: string[] | undefined;
  /** What the test send sends; absent when the role may not send. */
  test: { content: unknown; options: unknown; disabled: boolean } | null;
}) {
  return (
    <aside className="min-w-0 space-y-6 xl:sticky xl:top-6 xl:self-start">
      <SectionCard title="Preview">
        <NotificationPreview
          siteHost={siteHost}
          content={{
            title: s.title,
            body: s.body,
            icon: s.icon,
            image: s.image,
            url: s.url,
            actions: s.actions,
            requireInteraction: s.requireInteraction,
            silent: s.silent,
          }}
        />
      </SectionCard>
      <Card>
        <CardBody>
          <SizeMeter bytes={bytes} limit={MAX_PAYLOAD_BYTES} stored={s.storeOnServer ? storedBytes : null} onStore={onStore} />
          <FieldError id="c-content" errors={contentErrors?.slice(0, 1)} className="mt-2" />
        </CardBody>
      </Card>
      {test && <TestSend content={test.content} options={test.options} disabled={test.disabled} />}
    </aside>
  );
}

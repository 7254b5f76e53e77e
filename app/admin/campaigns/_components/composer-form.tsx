'use client';
/**
 * The campaign composer: content, buttons, display and delivery options, audience, and when to
 * send — with a live preview, a payload-size meter against what fits in one push, a live count
 * of matching subscribers, and a test send to one chosen subscriber. The server validates again
 * (field by field) and checks the caller's role on every action. The sections live in composer/;
 * this form holds the draft and the save and send buttons.
 */
import { useRouter } from 'next/navigation';
import { useMemo, useState, useTransition } from 'react';
import { buttonClass } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { MAX_STORED_CONTENT_BYTES } from '@/lib/push/payload';
import { measurePayload } from '@/lib/push/payload';
import type { DraftState } from './draft';
import { saveAndSendCampaignAction, saveCampaignAction } from '../actions';
import { ActionsEditor } from './composer/actions-editor';
import { Audience } from './composer/audience';
import { useAudienceCount } from './composer/audience-count';
import { ContentFields } from './composer/content-fields';
import { DeliveryOptions } from './composer/delivery-options';
import { PreviewColumn } from './composer/preview-column';
import { isScheduleComplete, Scheduling } from './composer/scheduling';
import { parseCustomData, toInput, type ComposerTopic, type SectionProps } from './composer/shared';
import { useAdminHref } from '@/components/admin/project-context';

export function ComposerForm({
  campaignId: initialId,
  initial,
  topics,
  siteHost,
  canSend,
  notice,
}: {
  campaignId?: string;
  initial: DraftState;
  topics: ComposerTopic[];
  siteHost: string;
  canSend: boolean;
  notice?: string;
}) {
  const router = useRouter();
  const at = useAdminHref();
  const [campaignId, setCampaignId] = useState(initialId);
  const [s, setS] = useState<DraftState>(() => ({
    ...initial,
    timeZone: initial.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  }));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(notice ? { tone: 'success', text: notice } : null);
  const [pending, start] = useTransition();
  const set = <K extends keyof DraftState>(k: K, v: DraftState[K]) => setS((prev) => ({ ...prev, [k]: v }));

  const data = useMemo(() => parseCustomData(s.dataText), [s.dataText]);
  const input = useMemo(() => toInput(s, data.value), [s, data.value]);
  const size = useMemo(
    () =>
      measurePayload({
        ...input.content,
        title: input.content.title || ' ',
        actions: input.content.actions,
        data: input.content.data ?? undefined,
      }),
    [input],
  );

  const storedBytes = useMemo(() => new TextEncoder().encode(JSON.stringify(input.content)).length, [input.content]);
  const deliverable = s.storeOnServer ? storedBytes <= MAX_STORED_CONTENT_BYTES : size.fits;

  const { count, counting } = useAudienceCount(input.audience, input.topicIds, input.excludeTopicIds);

  const err = (path: string) => errors[path];
  const scheduledOk = s.when === 'schedule' && isScheduleComplete(s.localTime);
  const section: SectionProps = { s, set, update: setS, err };

  function handle(
    res: { ok: true; data: { id: string; status: string } } | { ok: false; error: { message: string; fieldErrors?: Record<string, string[]> } },
    after: (id: string) => void,
  ) {
    if (res.ok) {
      setErrors({});
      after(res.data.id);
    } else {
      setErrors(res.error.fieldErrors ?? {});
      setMessage({
        tone: 'error',
        text: res.error.fieldErrors && Object.keys(res.error.fieldErrors).length ? 'Some fields need attention (marked below).' : res.error.message,
      });
    }
  }

  function saveDraft() {
    if (data.error) return setErrors({ 'content.data': [data.error] });
    setMessage(null);
    start(async () => {
      const res = await saveCampaignAction({ id: campaignId, campaign: input });
      handle(res, (id) => {
        setMessage({ tone: 'success', text: 'Draft saved.' });
        if (!campaignId) {
          setCampaignId(id);
          router.replace(at(`/campaigns/${id}/edit?saved=1`));
        }
      });
    });
  }

  function send() {
    if (data.error) return setErrors({ 'content.data': [data.error] });
    const who = input.audience === 'all' ? 'all active subscribers' : `${count ?? 'the matching'} subscriber${count === 1 ? '' : 's'}`;
    const question =
      s.when === 'schedule'
        ? `Schedule “${s.title || 'this campaign'}” for ${s.localTime.replace('T', ' ')} (${s.timeZone})?`
        : `Send “${s.title || 'this campaign'}” to ${who} now?`;
    if (!window.confirm(question)) return;
    setMessage(null);
    start(async () => {
      const res = await saveAndSendCampaignAction({
        id: campaignId,
        campaign: input,
        when: s.when === 'schedule' ? { mode: 'schedule', localTime: s.localTime, timeZone: s.timeZone } : { mode: 'now' },
      });
      handle(res, (id) => router.push(at(`/campaigns/${id}`)));
    });
  }

  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0 space-y-6">
        {message && (
          <Notice tone={message.tone} data-testid="composer-message">
            {message.text}
          </Notice>
        )}
        <ContentFields {...section} />
        <ActionsEditor {...section} />
        <DeliveryOptions {...section} dataError={data.error} />
        <Audience {...section} topics={topics} count={count} counting={counting} />
        <Scheduling {...section} />

        <div className="sticky bottom-0 z-10 -mx-4 flex flex-wrap items-center gap-3 border-t border-slate-200 bg-slate-50/95 px-4 py-3 backdrop-blur sm:mx-0 sm:rounded-lg sm:border sm:px-4">
          <button type="button" onClick={saveDraft} disabled={pending} className={buttonClass('secondary')}>
            Save draft
          </button>
          {canSend && (
            <button
              type="button"
              onClick={send}
              disabled={pending || !deliverable || (s.when === 'schedule' && !scheduledOk)}
              className={buttonClass('primary')}
            >
              {s.when === 'schedule' ? 'Schedule' : 'Send now'}
            </button>
          )}
          {pending && <span className="text-sm text-slate-500">Working…</span>}
          {!canSend && <span className="text-sm text-slate-500">Your role can save drafts; a marketer or admin sends them.</span>}
        </div>
      </div>

      <PreviewColumn
        s={s}
        siteHost={siteHost}
        bytes={size.bytes}
        storedBytes={storedBytes}
        onStore={(on) => set('storeOnServer', on)}
        contentErrors={err('content')}
        test={canSend ? { content: input.content, options: input.options, disabled: !s.title.trim() || !size.fits || !!data.error } : null}
      />
    </div>
  );
}

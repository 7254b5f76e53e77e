'use client';
/**
 * The campaign composer: content, buttons, display and delivery options, audience, and when to
 * send — with a live preview, a payload-size meter against what fits in one push, a live count
 * of matching subscribers, and a test send to one chosen subscriber. The server validates again
 * (field by field) and checks the caller's role on every action.
 */
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, useTransition } from 'react';
import { NotificationPreview } from '@/components/campaigns/notification-preview';
import { buttonClass } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { Checkbox, Field, Input, Label, Select, Textarea } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { MAX_PAYLOAD_BYTES, URGENCIES, type Urgency } from '@/lib/push/constants';
import { MAX_STORED_CONTENT_BYTES } from '@/lib/push/payload';
import { measurePayload } from '@/lib/push/payload';
import { UNIT_SECONDS, type DraftState } from './draft';
import { countAudienceAction, findTestSubscribersAction, saveAndSendCampaignAction, saveCampaignAction, sendTestAction } from '../actions';

export interface ComposerTopic {
  id: string;
  name: string;
  slug: string;
  isPublic: boolean;
  activeSubscribers: number;
}

const blank = (v: string) => (v.trim() === '' ? undefined : v.trim());

function toInput(s: DraftState, data: Record<string, unknown> | null) {
  return {
    name: s.name.trim(),
    content: {
      title: s.title,
      body: blank(s.body),
      url: blank(s.url),
      icon: blank(s.icon),
      image: blank(s.image),
      badge: blank(s.badge),
      tag: blank(s.tag),
      renotify: s.renotify,
      requireInteraction: s.requireInteraction,
      silent: s.silent,
      actions: s.actions.filter((a) => a.title.trim() || a.url.trim()),
      data,
    },
    options: { ttl: Math.round(s.ttlValue * UNIT_SECONDS[s.ttlUnit]), urgency: s.urgency, topic: blank(s.pushTopic) },
    audience: s.audience,
    topicIds: s.audience === 'all' ? [] : s.topicIds,
    excludeTopicIds: s.excludeTopicIds,
    storeOnServer: s.storeOnServer,
  };
}

const urgencyLabel: Record<Urgency, string> = {
  'very-low': 'Very low — only when the device is charging and on Wi-Fi',
  low: 'Low — when the device is charging or on Wi-Fi',
  normal: 'Normal',
  high: 'High — wake the device now',
};

function localNowPlus(minutes: number, timeZone: string): string {
  const d = new Date(Date.now() + minutes * 60_000);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

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
  const [campaignId, setCampaignId] = useState(initialId);
  const [s, setS] = useState<DraftState>(() => ({
    ...initial,
    timeZone: initial.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  }));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(notice ? { tone: 'success', text: notice } : null);
  const [pending, start] = useTransition();
  const [count, setCount] = useState<number | null>(null);
  const [counting, setCounting] = useState(false);
  const set = <K extends keyof DraftState>(k: K, v: DraftState[K]) => setS((prev) => ({ ...prev, [k]: v }));

  // Custom data: JSON object or empty.
  const data = useMemo((): { value: Record<string, unknown> | null; error: string | null } => {
    if (!s.dataText.trim()) return { value: null, error: null };
    try {
      const v = JSON.parse(s.dataText) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) return { value: null, error: 'Custom data must be a JSON object, e.g. {"orderId": 42}.' };
      return { value: v as Record<string, unknown>, error: null };
    } catch (e) {
      return { value: null, error: `Not valid JSON: ${(e as Error).message}` };
    }
  }, [s.dataText]);

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

  // Live audience count (debounced).
  const audienceKey = JSON.stringify([input.audience, input.topicIds, input.excludeTopicIds]);
  useEffect(() => {
    const [audience, topicIds, excludeTopicIds] = JSON.parse(audienceKey) as [string, string[], string[]];
    if (audience !== 'all' && topicIds.length === 0) {
      setCount(0);
      return;
    }
    setCounting(true);
    // A slow answer for an earlier audience must not overwrite the count of the current one.
    let superseded = false;
    const t = setTimeout(async () => {
      const res = await countAudienceAction({ audience, topicIds, excludeTopicIds }).catch(() => null);
      if (superseded) return;
      setCount(res?.ok ? res.data : null);
      setCounting(false);
    }, 350);
    return () => {
      superseded = true;
      clearTimeout(t);
    };
  }, [audienceKey]);

  const err = (path: string) => errors[path];
  const scheduledOk = s.when === 'schedule' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(s.localTime);

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
          router.replace(`/admin/campaigns/${id}/edit?saved=1`);
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
      handle(res, (id) => router.push(`/admin/campaigns/${id}`));
    });
  }

  const timeZones = useMemo(() => {
    try {
      return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
    } catch {
      return ['UTC'];
    }
  }, []);

  const toggleTopic = (field: 'topicIds' | 'excludeTopicIds', id: string) =>
    setS((prev) => {
      const list = prev[field].includes(id) ? prev[field].filter((x) => x !== id) : [...prev[field], id];
      const other = field === 'topicIds' ? 'excludeTopicIds' : 'topicIds';
      return { ...prev, [field]: list, [other]: prev[other].filter((x) => x !== id) };
    });

  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0 space-y-6">
        {message && (
          <Notice tone={message.tone} data-testid="composer-message">
            {message.text}
          </Notice>
        )}
        <Card>
          <CardHeader title="Content" description="What people see. Keep the title short: most systems cut it after about 50 characters." />
          <CardBody className="space-y-4">
            <Field label="Title" htmlFor="c-title" errors={err('content.title')}>
              <Input
                id="c-title"
                value={s.title}
                maxLength={200}
                onChange={(e) => set('title', e.target.value)}
                aria-invalid={!!err('content.title')}
                placeholder="Spring sale starts today"
              />
            </Field>
            <Field label="Text" htmlFor="c-body" hint="Optional. Line breaks are kept." errors={err('content.body')}>
              <Textarea
                id="c-body"
                value={s.body}
                maxLength={1000}
                rows={3}
                onChange={(e) => set('body', e.target.value)}
                aria-invalid={!!err('content.body')}
              />
            </Field>
            <Field
              label="Link"
              htmlFor="c-url"
              hint="Opened when the notification is clicked. A full https:// URL or a path on this site."
              errors={err('content.url')}
            >
              <Input
                id="c-url"
                value={s.url}
                onChange={(e) => set('url', e.target.value)}
                aria-invalid={!!err('content.url')}
                placeholder="https://example.com/sale"
              />
            </Field>
            <div className="grid gap-4 sm:grid-cols-3">
              <Field label="Icon URL" htmlFor="c-icon" hint="Square, at least 192 px." errors={err('content.icon')}>
                <Input id="c-icon" value={s.icon} onChange={(e) => set('icon', e.target.value)} aria-invalid={!!err('content.icon')} />
              </Field>
              <Field label="Image URL" htmlFor="c-image" hint="Large picture, 2:1." errors={err('content.image')}>
                <Input id="c-image" value={s.image} onChange={(e) => set('image', e.target.value)} aria-invalid={!!err('content.image')} />
              </Field>
              <Field label="Badge URL" htmlFor="c-badge" hint="Monochrome, for Android's status bar." errors={err('content.badge')}>
                <Input id="c-badge" value={s.badge} onChange={(e) => set('badge', e.target.value)} aria-invalid={!!err('content.badge')} />
              </Field>
            </div>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Buttons" description="Up to two action buttons, each opening its own link." />
          <CardBody className="space-y-3">
            {s.actions.map((a, i) => (
              <div key={i} className="grid items-start gap-3 sm:grid-cols-[1fr_2fr_auto]">
                <Field label={`Button ${i + 1} label`} htmlFor={`c-a${i}-title`} errors={err(`content.actions.${i}.title`)}>
                  <Input
                    id={`c-a${i}-title`}
                    value={a.title}
                    maxLength={60}
                    onChange={(e) =>
                      set(
                        'actions',
                        s.actions.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)),
                      )
                    }
                  />
                </Field>
                <Field label={`Button ${i + 1} link`} htmlFor={`c-a${i}-url`} errors={err(`content.actions.${i}.url`)}>
                  <Input
                    id={`c-a${i}-url`}
                    value={a.url}
                    onChange={(e) =>
                      set(
                        'actions',
                        s.actions.map((x, j) => (j === i ? { ...x, url: e.target.value } : x)),
                      )
                    }
                  />
                </Field>
                <button
                  type="button"
                  className={buttonClass('ghost', 'sm', 'mt-7')}
                  onClick={() =>
                    set(
                      'actions',
                      s.actions.filter((_, j) => j !== i),
                    )
                  }
                  aria-label={`Remove button ${i + 1}`}
                >
                  Remove
                </button>
              </div>
            ))}
            {err('content.actions') && <p className="text-xs font-medium text-red-600">{err('content.actions')![0]}</p>}
            {s.actions.length < 2 && (
              <button type="button" className={buttonClass('secondary', 'sm')} onClick={() => set('actions', [...s.actions, { title: '', url: '' }])}>
                Add a button
              </button>
            )}
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Display and delivery" />
          <CardBody className="space-y-4">
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Tag" htmlFor="c-tag" hint="Notifications with the same tag replace each other on the device." errors={err('content.tag')}>
                <Input id="c-tag" value={s.tag} maxLength={64} onChange={(e) => set('tag', e.target.value)} />
              </Field>
              <Field
                label="Replacement topic (RFC 8030)"
                htmlFor="c-topic"
                hint="A newer campaign with the same topic replaces this one if it has not been delivered yet. Up to 32 letters, digits, - or _."
                errors={err('options.topic')}
              >
                <Input
                  id="c-topic"
                  value={s.pushTopic}
                  maxLength={32}
                  onChange={(e) => set('pushTopic', e.target.value)}
                  aria-invalid={!!err('options.topic')}
                />
              </Field>
            </div>
            <div className="flex flex-wrap gap-x-6 gap-y-2">
              <Checkbox
                label="Alert again when replacing (renotify)"
                checked={s.renotify}
                disabled={!s.tag.trim()}
                onChange={(e) => set('renotify', e.target.checked)}
              />
              <Checkbox label="Stay until dismissed" checked={s.requireInteraction} onChange={(e) => set('requireInteraction', e.target.checked)} />
              <Checkbox label="Silent" checked={s.silent} onChange={(e) => set('silent', e.target.checked)} />
            </div>
            <div className="grid gap-4 sm:grid-cols-2">
              <div className="space-y-1.5">
                <Label htmlFor="c-ttl">Keep trying for (TTL)</Label>
                <div className="flex gap-2">
                  <Input
                    id="c-ttl"
                    type="number"
                    min={0}
                    className="w-28"
                    value={s.ttlValue}
                    onChange={(e) => set('ttlValue', Number(e.target.value))}
                    aria-invalid={!!err('options.ttl')}
                  />
                  <Select aria-label="TTL unit" className="w-32" value={s.ttlUnit} onChange={(e) => set('ttlUnit', e.target.value as DraftState['ttlUnit'])}>
                    <option value="minutes">minutes</option>
                    <option value="hours">hours</option>
                    <option value="days">days</option>
                  </Select>
                </div>
                {err('options.ttl') ? (
                  <p className="text-xs font-medium text-red-600">{err('options.ttl')![0]}</p>
                ) : (
                  <p className="text-xs text-slate-500">How long push services hold it for a device that is offline (0 = now or never; at most 28 days).</p>
                )}
              </div>
              <Field label="Urgency" htmlFor="c-urgency" hint="Lower urgency saves battery: devices may wait to deliver.">
                <Select id="c-urgency" value={s.urgency} onChange={(e) => set('urgency', e.target.value as Urgency)}>
                  {URGENCIES.map((u) => (
                    <option key={u} value={u}>
                      {urgencyLabel[u]}
                    </option>
                  ))}
                </Select>
              </Field>
            </div>
            <Field
              label="Custom data (JSON)"
              htmlFor="c-data"
              hint="Optional. Handed to the service worker as notification.data."
              errors={err('content.data') ?? (data.error ? [data.error] : undefined)}
            >
              <Textarea
                id="c-data"
                value={s.dataText}
                rows={2}
                spellCheck={false}
                className="font-mono text-xs"
                onChange={(e) => set('dataText', e.target.value)}
                placeholder='{"orderId": 42}'
              />
            </Field>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Audience" description="Only active subscribers receive it; expired and unsubscribed ones are left out." />
          <CardBody className="space-y-4">
            <fieldset className="space-y-2">
              <legend className="sr-only">Who receives it</legend>
              {(
                [
                  ['all', 'All subscribers'],
                  ['any', 'Subscribers in any of these topics'],
                  ['every', 'Subscribers in all of these topics'],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="flex items-center gap-2 text-sm text-slate-700">
                  <input
                    type="radio"
                    name="audience"
                    value={value}
                    checked={s.audience === value}
                    onChange={() => set('audience', value)}
                    className="size-4 text-brand-600"
                  />
                  {label}
                </label>
              ))}
            </fieldset>
            {s.audience !== 'all' && (
              <div>
                <p className="mb-2 text-sm font-medium text-slate-700">Topics</p>
                {topics.length === 0 ? (
                  <p className="text-sm text-slate-500">No topics yet. Create some on the Topics page, or send to all subscribers.</p>
                ) : (
                  <div className="flex flex-wrap gap-2" role="group" aria-label="Target topics">
                    {topics.map((t) => (
                      <TopicChip key={t.id} topic={t} on={s.topicIds.includes(t.id)} onClick={() => toggleTopic('topicIds', t.id)} />
                    ))}
                  </div>
                )}
                {err('topicIds') && <p className="mt-1 text-xs font-medium text-red-600">{err('topicIds')![0]}</p>}
              </div>
            )}
            {topics.length > 0 && (
              <div>
                <p className="mb-2 text-sm font-medium text-slate-700">Excluding subscribers in</p>
                <div className="flex flex-wrap gap-2" role="group" aria-label="Excluded topics">
                  {topics.map((t) => (
                    <TopicChip key={t.id} topic={t} on={s.excludeTopicIds.includes(t.id)} tone="exclude" onClick={() => toggleTopic('excludeTopicIds', t.id)} />
                  ))}
                </div>
                {err('excludeTopicIds') && <p className="mt-1 text-xs font-medium text-red-600">{err('excludeTopicIds')![0]}</p>}
              </div>
            )}
            <p className="text-sm text-slate-700" data-testid="audience-count" aria-live="polite">
              {counting ? (
                <span className="text-slate-400">Counting…</span>
              ) : count === null ? (
                'The count is unavailable right now.'
              ) : (
                <>
                  <span className="text-lg font-semibold tabular-nums">{count.toLocaleString('en')}</span> active subscriber{count === 1 ? '' : 's'} match.
                </>
              )}
            </p>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="When" />
          <CardBody className="space-y-4">
            <div className="flex flex-wrap gap-4">
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" name="when" checked={s.when === 'now'} onChange={() => set('when', 'now')} className="size-4 text-brand-600" /> Send now
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="when"
                  checked={s.when === 'schedule'}
                  onChange={() => setS((p) => ({ ...p, when: 'schedule', localTime: p.localTime || localNowPlus(60, p.timeZone) }))}
                  className="size-4 text-brand-600"
                />{' '}
                Schedule for later
              </label>
            </div>
            {s.when === 'schedule' && (
              <div className="grid gap-4 sm:grid-cols-2">
                <Field label="Date and time" htmlFor="c-at" errors={err('localTime')}>
                  <Input
                    id="c-at"
                    type="datetime-local"
                    value={s.localTime}
                    onChange={(e) => set('localTime', e.target.value)}
                    aria-invalid={!!err('localTime')}
                  />
                </Field>
                <Field label="Time zone" htmlFor="c-tz" errors={err('timeZone')}>
                  <Select id="c-tz" value={s.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
                    {timeZones.map((tz) => (
                      <option key={tz} value={tz}>
                        {tz}
                      </option>
                    ))}
                  </Select>
                </Field>
              </div>
            )}
          </CardBody>
        </Card>

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

      <aside className="min-w-0 space-y-6 xl:sticky xl:top-6 xl:self-start">
        <Card>
          <CardHeader title="Preview" />
          <CardBody>
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
          </CardBody>
        </Card>
        <Card>
          <CardBody>
            <SizeMeter bytes={size.bytes} limit={MAX_PAYLOAD_BYTES} stored={s.storeOnServer ? storedBytes : null} onStore={(on) => set('storeOnServer', on)} />
            {err('content') && <p className="mt-2 text-xs font-medium text-red-600">{err('content')![0]}</p>}
          </CardBody>
        </Card>
        {canSend && <TestSend content={input.content} options={input.options} disabled={!s.title.trim() || !size.fits || !!data.error} />}
      </aside>
    </div>
  );
}

function TopicChip({ topic, on, onClick, tone = 'include' }: { topic: ComposerTopic; on: boolean; onClick: () => void; tone?: 'include' | 'exclude' }) {
  return (
    <button
      type="button"
      aria-pressed={on}
      onClick={onClick}
      className={cn(
        'inline-flex items-center gap-1.5 rounded-full px-3 py-1 text-sm ring-1 ring-inset',
        on
          ? tone === 'include'
            ? 'bg-brand-600 text-white ring-brand-600'
            : 'bg-red-600 text-white ring-red-600'
          : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50',
      )}
    >
      {topic.name}
      <span className={cn('text-xs tabular-nums', on ? 'text-white/80' : 'text-slate-400')}>{topic.activeSubscribers.toLocaleString('en')}</span>
      {!topic.isPublic && <span className={cn('text-[10px] uppercase', on ? 'text-white/80' : 'text-slate-400')}>private</span>}
    </button>
  );
}

function SizeMeter({ bytes, limit, stored, onStore }: { bytes: number; limit: number; stored: number | null; onStore: (on: boolean) => void }) {
  if (stored !== null) {
    const over = stored > MAX_STORED_CONTENT_BYTES;
    return (
      <div data-testid="size-meter" data-mode="server">
        <div className="flex items-baseline justify-between text-sm">
          <span className="font-medium text-slate-700">Delivered through the server</span>
          <span className={cn('tabular-nums', over ? 'font-semibold text-red-600' : 'text-slate-600')}>
            {stored.toLocaleString('en')} / {MAX_STORED_CONTENT_BYTES.toLocaleString('en')} bytes
          </span>
        </div>
        <p className={cn('mt-2 text-xs', over ? 'font-medium text-red-600' : 'text-slate-500')}>
          {over
            ? 'Too large even for delivery through the server.'
            : 'Each push carries only a pointer; the service worker fetches the full notification from this server (kept until the TTL ends).'}
        </p>
        {bytes <= limit && (
          <button type="button" className={buttonClass('ghost', 'sm', 'mt-2')} onClick={() => onStore(false)}>
            Send it in the push itself
          </button>
        )}
      </div>
    );
  }
  const pct = Math.min(100, (bytes / limit) * 100);
  const over = bytes > limit;
  return (
    <div data-testid="size-meter" data-mode="push">
      <div className="flex items-baseline justify-between text-sm">
        <span className="font-medium text-slate-700">Payload size</span>
        <span className={cn('tabular-nums', over ? 'font-semibold text-red-600' : 'text-slate-600')}>
          {bytes.toLocaleString('en')} / {limit.toLocaleString('en')} bytes
        </span>
      </div>
      <div
        className="mt-2 h-2 overflow-hidden rounded-full bg-slate-100"
        role="meter"
        aria-label="Payload size"
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={bytes}
      >
        <div className={cn('h-full rounded-full', over ? 'bg-red-500' : pct > 80 ? 'bg-amber-500' : 'bg-emerald-500')} style={{ width: `${pct}%` }} />
      </div>
      <p className={cn('mt-2 text-xs', over ? 'font-medium text-red-600' : 'text-slate-500')}>
        {over
          ? `Too large for one push by ${(bytes - limit).toLocaleString('en')} bytes. Shorten it, or deliver it through the server.`
          : 'Everything (text, links, custom data) travels encrypted in one push message of at most 4 KB.'}
      </p>
      {over && (
        <button type="button" className={buttonClass('secondary', 'sm', 'mt-2')} onClick={() => onStore(true)}>
          Deliver through the server instead
        </button>
      )}
    </div>
  );
}

function TestSend({ content, options, disabled }: { content: unknown; options: unknown; disabled: boolean }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ id: string; label: string }[]>([]);
  const [chosen, setChosen] = useState('');
  const [result, setResult] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [pending, start] = useTransition();
  const first = useRef(true);

  useEffect(() => {
    let superseded = false; // a slow search for an earlier query must not replace the newer results
    const t = setTimeout(
      async () => {
        const res = await findTestSubscribersAction(query).catch(() => null);
        if (res?.ok && !superseded) {
          setFound(res.data);
          setChosen((c) => (res.data.some((f) => f.id === c) ? c : (res.data[0]?.id ?? '')));
        }
      },
      first.current ? 0 : 300,
    );
    first.current = false;
    return () => {
      superseded = true;
      clearTimeout(t);
    };
  }, [query]);

  function sendTest() {
    setResult(null);
    start(async () => {
      const res = await sendTestAction({ subscriptionId: chosen, content, options });
      if (!res.ok) return setResult({ tone: 'error', text: res.error.message });
      const r = res.data;
      setResult(
        r.outcome === 'delivered'
          ? { tone: 'success', text: `Accepted by ${r.pushService} (HTTP ${r.status}, ${r.latencyMs} ms).` }
          : { tone: 'error', text: `${r.pushService} did not accept it: ${r.reason ?? r.outcome}${r.status ? ` (HTTP ${r.status})` : ''}.` },
      );
    });
  }

  return (
    <Card>
      <CardHeader title="Send a test" description="To one subscriber, now, exactly as composed. Nothing is recorded as a campaign." />
      <CardBody className="space-y-3">
        <Field label="Find a subscriber" htmlFor="t-q" hint="Type the end of a subscriber id, a push service or a browser.">
          <Input id="t-q" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. firefox or 3fa9c2d1" />
        </Field>
        {found.length === 0 ? (
          <p className="text-sm text-slate-500">No active subscribers match. Subscribe yourself on the public page first.</p>
        ) : (
          <Field label="Subscriber" htmlFor="t-sub">
            <Select id="t-sub" value={chosen} onChange={(e) => setChosen(e.target.value)}>
              {found.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <button type="button" disabled={disabled || pending || !chosen} onClick={sendTest} className={buttonClass('secondary', 'sm')}>
          {pending ? 'Sending…' : 'Send test'}
        </button>
        {result && (
          <Notice tone={result.tone} data-testid="test-result">
            {result.text}
          </Notice>
        )}
      </CardBody>
    </Card>
  );
}

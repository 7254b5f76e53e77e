import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { FieldError } from '@/components/ui/field-error';
import type { ComposerTopic, SectionProps } from './shared';

const AUDIENCES = [
  ['all', 'All subscribers'],
  ['any', 'Subscribers in any of these topics'],
  ['every', 'Subscribers in all of these topics'],
] as const;

/** Who receives it: everyone or topics, minus excluded topics, with the live count of matching subscribers. */
export function Audience({
  s,
  set,
  update,
  err,
  topics,
  count,
  counting,
}: SectionProps & { topics: ComposerTopic[]; count: number | null; counting: boolean }) {
  // A topic is targeted or excluded, never both.
  const toggleTopic = (field: 'topicIds' | 'excludeTopicIds', id: string) =>
    update((prev) => {
      const list = prev[field].includes(id) ? prev[field].filter((x) => x !== id) : [...prev[field], id];
      const other = field === 'topicIds' ? 'excludeTopicIds' : 'topicIds';
      return { ...prev, [field]: list, [other]: prev[other].filter((x) => x !== id) };
    });

  return (
    <Card>
      <CardHeader title="Audience" description="Only active subscribers receive it; expired and unsubscribed ones are left out." />
      <CardBody className="space-y-4">
        <fieldset className="space-y-2">
          <legend className="sr-only">Who receives it</legend>
          {AUDIENCES.map(([value, label]) => (
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
            <FieldError id="c-topics" errors={err('topicIds')?.slice(0, 1)} className="mt-1" />
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
            <FieldError id="c-exclude-topics" errors={err('excludeTopicIds')?.slice(0, 1)} className="mt-1" />
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

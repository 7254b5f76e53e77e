import { useMemo } from 'react';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field, Input, Select } from '@/components/ui/form';
import { wallClockInput } from '@/lib/time';
import type { SectionProps } from './shared';

/** "YYYY-MM-DDTHH:mm" in a time zone, `minutes` from now: the datetime-local value to start from. */
const localNowPlus = (minutes: number, timeZone: string) => wallClockInput(new Date(Date.now() + minutes * 60_000), timeZone);

/** Whether a scheduled draft has a complete local date and time. */
export const isScheduleComplete = (localTime: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(localTime);

/** Send now, or at a local date and time in a chosen time zone. */
export function Scheduling({ s, set, update, err }: SectionProps) {
  const timeZones = useMemo(() => {
    try {
      return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
    } catch {
      return ['UTC'];
    }
  }, []);

  return (
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
              onChange={() => update((p) => ({ ...p, when: 'schedule', localTime: p.localTime || localNowPlus(60, p.timeZone) }))}
              className="size-4 text-brand-600"
            />{' '}
            Schedule for later
          </label>
        </div>
        {s.when === 'schedule' && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Date and time" htmlFor="c-at" errors={err('localTime')}>
              <Input type="datetime-local" value={s.localTime} onChange={(e) => set('localTime', e.target.value)} />
            </Field>
            <Field label="Time zone" htmlFor="c-tz" errors={err('timeZone')}>
              <Select value={s.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
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
  );
}

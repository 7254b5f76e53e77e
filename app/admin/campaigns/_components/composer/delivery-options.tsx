import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { FieldError } from '@/components/ui/field-error';
import { Checkbox, Field, Input, Label, Select, Textarea } from '@/components/ui/form';
import { URGENCIES, type Urgency } from '@/lib/push/constants';
import type { DraftState } from '../draft';
import type { SectionProps } from './shared';

const urgencyLabel: Record<Urgency, string> = {
  'very-low': 'Very low — only when the device is charging and on Wi-Fi',
  low: 'Low — when the device is charging or on Wi-Fi',
  normal: 'Normal',
  high: 'High — wake the device now',
};

/** How the notification behaves on the device, and how push services treat it (TTL, urgency, replacement topic), plus custom data. */
export function DeliveryOptions({ s, set, err, dataError }: Omit<SectionProps, 'update'> & { dataError: string | null }) {
  return (
    <Card>
      <CardHeader title="Display and delivery" />
      <CardBody className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Tag" htmlFor="c-tag" hint="Notifications with the same tag replace each other on the device." errors={err('content.tag')}>
            <Input value={s.tag} maxLength={64} onChange={(e) => set('tag', e.target.value)} />
          </Field>
          <Field
            label="Replacement topic (RFC 8030)"
            htmlFor="c-topic"
            hint="A newer campaign with the same topic replaces this one if it has not been delivered yet. Up to 32 letters, digits, - or _."
            errors={err('options.topic')}
          >
            <Input value={s.pushTopic} maxLength={32} onChange={(e) => set('pushTopic', e.target.value)} />
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
              <FieldError id="c-ttl" errors={err('options.ttl')!.slice(0, 1)} />
            ) : (
              <p className="text-xs text-slate-500">How long push services hold it for a device that is offline (0 = now or never; at most 28 days).</p>
            )}
          </div>
          <Field label="Urgency" htmlFor="c-urgency" hint="Lower urgency saves battery: devices may wait to deliver.">
            <Select value={s.urgency} onChange={(e) => set('urgency', e.target.value as Urgency)}>
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
          errors={err('content.data') ?? (dataError ? [dataError] : undefined)}
        >
          <Textarea
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
  );
}

'use client';
import { Field, Input } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/ui/use-action-form';
import type { DeliverySettings } from '@/server/delivery/settings';
import { updateDeliverySettingsAction } from './actions';

const FIELDS: { key: keyof DeliverySettings; label: string; hint: string; unit?: string }[] = [
  {
    key: 'concurrency',
    label: 'Concurrency',
    hint: 'Push requests in flight at once, per worker process. 50–200 keeps a pooled connection busy without queueing at the push service.',
  },
  {
    key: 'ratePerService',
    label: 'Rate limit per push service',
    unit: 'messages/s',
    hint: 'Per worker process and push service (FCM, Mozilla, Apple…). 0 = no limit. After a 429 the service is slowed down automatically, then recovers.',
  },
  {
    key: 'batchSize',
    label: 'Batch size',
    unit: 'subscribers',
    hint: 'How many subscribers one fan-out step turns into deliveries: the unit of the fan-out’s progress checkpoints and crash recovery.',
  },
  {
    key: 'maxAttempts',
    label: 'Maximum attempts',
    hint: 'For temporary failures (5xx, timeouts, 429). Gone subscriptions (404/410) and rejected requests (4xx) are never retried.',
  },
  {
    key: 'retryBaseSeconds',
    label: 'First retry after',
    unit: 'seconds',
    hint: 'Later retries wait twice as long each time, with jitter; a Retry-After from the push service is always honoured.',
  },
];

export function DeliveryForm({ current, canManage }: { current: DeliverySettings; canManage: boolean }) {
  const { state, formAction: action, fieldErrors: fe, values, formError } = useActionForm(updateDeliverySettingsAction);
  return (
    <form action={action} className="space-y-5" noValidate>
      {state?.ok && <Notice tone="success">{state.message}</Notice>}
      {formError && <Notice tone="error">{formError}</Notice>}
      <div className="grid gap-5 md:grid-cols-2">
        {FIELDS.map((f) => (
          <Field key={f.key} label={f.unit ? `${f.label} (${f.unit})` : f.label} htmlFor={`s-${f.key}`} hint={f.hint} errors={fe?.[f.key]}>
            <Input
              name={f.key}
              type="number"
              inputMode="numeric"
              disabled={!canManage}
              defaultValue={values?.[f.key] ?? String(current[f.key])}
              className="w-40"
            />
          </Field>
        ))}
      </div>
      {canManage && <SubmitButton pendingText="Saving…">Save delivery settings</SubmitButton>}
    </form>
  );
}

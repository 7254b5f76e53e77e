import { buttonClass } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { FieldError } from '@/components/ui/field-error';
import { Field, Input } from '@/components/ui/form';
import type { SectionProps } from './shared';

/** Up to two action buttons, each with its label and link. */
export function ActionsEditor({ s, set, err }: Omit<SectionProps, 'update'>) {
  const change = (i: number, patch: Partial<{ title: string; url: string }>) =>
    set(
      'actions',
      s.actions.map((x, j) => (j === i ? { ...x, ...patch } : x)),
    );
  return (
    <Card>
      <CardHeader title="Buttons" description="Up to two action buttons, each opening its own link." />
      <CardBody className="space-y-3">
        {s.actions.map((a, i) => (
          <div key={i} className="grid items-start gap-3 sm:grid-cols-[1fr_2fr_auto]">
            <Field label={`Button ${i + 1} label`} htmlFor={`c-a${i}-title`} errors={err(`content.actions.${i}.title`)}>
              <Input value={a.title} maxLength={60} onChange={(e) => change(i, { title: e.target.value })} />
            </Field>
            <Field label={`Button ${i + 1} link`} htmlFor={`c-a${i}-url`} errors={err(`content.actions.${i}.url`)}>
              <Input value={a.url} onChange={(e) => change(i, { url: e.target.value })} />
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
        <FieldError id="c-actions" errors={err('content.actions')?.slice(0, 1)} />
        {s.actions.length < 2 && (
          <button type="button" className={buttonClass('secondary', 'sm')} onClick={() => set('actions', [...s.actions, { title: '', url: '' }])}>
            Add a button
          </button>
        )}
      </CardBody>
    </Card>
  );
}

import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field, Input, Textarea } from '@/components/ui/form';
import type { SectionProps } from './shared';

/** Title, text, link and pictures: what people see. */
export function ContentFields({ s, set, err }: Omit<SectionProps, 'update'>) {
  return (
    <Card>
      <CardHeader title="Content" description="What people see. Keep the title short: most systems cut it after about 50 characters." />
      <CardBody className="space-y-4">
        <Field label="Title" htmlFor="c-title" errors={err('content.title')}>
          <Input value={s.title} maxLength={200} onChange={(e) => set('title', e.target.value)} placeholder="Spring sale starts today" />
        </Field>
        <Field label="Text" htmlFor="c-body" hint="Optional. Line breaks are kept." errors={err('content.body')}>
          <Textarea value={s.body} maxLength={1000} rows={3} onChange={(e) => set('body', e.target.value)} />
        </Field>
        <Field
          label="Link"
          htmlFor="c-url"
          hint="Opened when the notification is clicked. A full https:// URL or a path on this site."
          errors={err('content.url')}
        >
          <Input value={s.url} onChange={(e) => set('url', e.target.value)} placeholder="https://example.com/sale" />
        </Field>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Icon URL" htmlFor="c-icon" hint="Square, at least 192 px." errors={err('content.icon')}>
            <Input value={s.icon} onChange={(e) => set('icon', e.target.value)} />
          </Field>
          <Field label="Image URL" htmlFor="c-image" hint="Large picture, 2:1." errors={err('content.image')}>
            <Input value={s.image} onChange={(e) => set('image', e.target.value)} />
          </Field>
          <Field label="Badge URL" htmlFor="c-badge" hint="Monochrome, for Android's status bar." errors={err('content.badge')}>
            <Input value={s.badge} onChange={(e) => set('badge', e.target.value)} />
          </Field>
        </div>
      </CardBody>
    </Card>
  );
}

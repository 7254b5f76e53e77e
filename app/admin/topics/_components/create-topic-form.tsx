'use client';
import { useState } from 'react';
import { Field, Input, Textarea } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/ui/use-action-form';
import { createTopicAction } from '../actions';
import { PublicCheckbox } from './public-checkbox';

/** A slug suggestion for a name: "Ünïcode & Co. News!" → "unicode-co-news" (the server checks the result). */
export function suggestSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 64)
    .replace(/^-+|-+$/g, '');
}

export function CreateTopicForm() {
  const [slug, setSlug] = useState('');
  // The slug follows the name until someone edits it by hand (and again once they clear it).
  const [slugEdited, setSlugEdited] = useState(false);
  const {
    state,
    formAction: action,
    fieldErrors: fe,
    values,
    formError,
  } = useActionForm(createTopicAction, {
    onSuccess: () => {
      setSlug('');
      setSlugEdited(false);
    },
  });

  return (
    // A container query: the form sits beside the table on very wide screens and under it otherwise.
    <form action={action} className="@container space-y-4" noValidate aria-label="Create a topic">
      {state?.ok && <Notice tone="success">{state.message}</Notice>}
      {formError && <Notice tone="error">{formError}</Notice>}
      <div className="grid gap-4 @lg:grid-cols-2">
        <Field label="Name" htmlFor="topic-name" hint="What visitors see, e.g. “Product news”." errors={fe?.name}>
          <Input
            name="name"
            autoComplete="off"
            maxLength={80}
            required
            defaultValue={values?.name}
            onChange={(e) => {
              if (!slugEdited) setSlug(suggestSlug(e.target.value));
            }}
          />
        </Field>
        <Field
          label="Slug"
          htmlFor="topic-slug"
          hint="Used by the API and by programs that assign topics. Lowercase letters, digits and hyphens."
          errors={fe?.slug}
        >
          <Input
            name="slug"
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            required
            className="font-mono"
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugEdited(e.target.value !== '');
            }}
          />
        </Field>
        <Field
          label="Description (optional)"
          htmlFor="topic-description"
          hint="One line under the name on the subscribe page."
          errors={fe?.description}
          className="@lg:col-span-2"
        >
          <Textarea name="description" rows={2} maxLength={500} defaultValue={values?.description} />
        </Field>
      </div>
      <PublicCheckbox defaultChecked={values ? values.isPublic === 'on' : true} />
      <div>
        <SubmitButton pendingText="Creating…">Create topic</SubmitButton>
      </div>
    </form>
  );
}

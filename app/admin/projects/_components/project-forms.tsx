'use client';
import { Field, Input } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/ui/use-action-form';
import type { FieldErrors } from '@/lib/errors';
import { adminPath } from '@/lib/http/project-path';
import { createProjectAction, updateProjectAction } from '../actions';

/** Each origin is checked on its own (`origins.2`); the form shows them under the one field. */
const originErrors = (fe: FieldErrors | undefined) =>
  Object.entries(fe ?? {})
    .filter(([k]) => k === 'origins' || k.startsWith('origins.'))
    .flatMap(([, v]) => v);

const ORIGINS_HINT = 'The sites whose pages subscribe visitors to it, like https://shop.example, one per line; * for any site.';

export function CreateProjectForm() {
  const { state, formAction, fieldErrors: fe, values, formError } = useActionForm(createProjectAction);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {state?.ok && (
        <Notice tone="success">
          {state.message}{' '}
          <a href={adminPath(state.data.slug)} className="font-medium underline">
            Open it
          </a>
        </Notice>
      )}
      {formError && <Notice tone="error">{formError}</Notice>}
      <Field label="Name" htmlFor="project-name" errors={fe?.name}>
        <Input id="project-name" name="name" required defaultValue={values?.name} placeholder="Shop" />
      </Field>
      <Field label="Slug" htmlFor="project-slug" hint="In its URLs and for --project: lowercase letters, digits and hyphens." errors={fe?.slug}>
        <Input id="project-slug" name="slug" required defaultValue={values?.slug} placeholder="shop" />
      </Field>
      <Field label="Origins" htmlFor="project-origins" hint={ORIGINS_HINT} errors={originErrors(fe)}>
        <textarea
          id="project-origins"
          name="origins"
          rows={2}
          defaultValue={values?.origins}
          className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500"
        />
      </Field>
      <SubmitButton pendingText="Creating…">Create project</SubmitButton>
    </form>
  );
}

export function EditProjectForm({ project }: { project: { slug: string; name: string; origins: string[] } }) {
  const { state, formAction, fieldErrors: fe, formError } = useActionForm(updateProjectAction);
  return (
    <form action={formAction} className="grid gap-3 sm:grid-cols-[12rem_1fr_auto] sm:items-start" noValidate>
      <input type="hidden" name="project" value={project.slug} />
      <Field label="Name" htmlFor={`name-${project.slug}`} errors={fe?.name}>
        <Input id={`name-${project.slug}`} name="name" defaultValue={project.name} />
      </Field>
      <Field label="Origins" htmlFor={`origins-${project.slug}`} errors={originErrors(fe)}>
        <textarea
          id={`origins-${project.slug}`}
          name="origins"
          rows={Math.max(1, project.origins.length)}
          defaultValue={project.origins.join('\n')}
          className="block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500"
        />
      </Field>
      <div className="pt-6">
        <SubmitButton variant="secondary" size="sm" pendingText="Saving…">
          Save
        </SubmitButton>
      </div>
      {formError && (
        <p className="text-xs font-medium text-red-600 sm:col-span-3" role="alert">
          {formError}
        </p>
      )}
      {state?.ok && (
        <p className="text-xs text-emerald-700 sm:col-span-3" role="status">
          {state.message}
        </p>
      )}
    </form>
  );
}

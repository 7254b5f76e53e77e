'use server';
import { revalidatePath } from 'next/cache';
import { formObject, runAction, type ActionState } from '@/server/actions';
import { createProject, updateProject } from '@/server/projects/mutations';

type Result = ActionState<{ slug: string; name: string }>;

/** The origins field: one per line or comma-separated, as people paste them. */
const originsOf = (v: string | undefined) => (v ?? '').split(/[\s,]+/).filter(Boolean);

export async function createProjectAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction(
    'createProjectAction',
    'projects.manage',
    async (ctx) => {
      const f = formObject(fd);
      const p = await createProject(ctx, { slug: f.slug, name: f.name, origins: originsOf(f.origins) });
      return { slug: p.slug, name: p.name };
    },
    { message: (p) => `Project “${p.name}” is ready, with its own VAPID key.`, form: fd },
  );
  if (res.ok) revalidatePath('/admin', 'layout');
  return res;
}

export async function updateProjectAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction(
    'updateProjectAction',
    'projects.manage',
    async (ctx) => {
      const f = formObject(fd);
      const p = await updateProject(ctx, f.project ?? '', { name: f.name, origins: originsOf(f.origins) });
      return { slug: p.slug, name: p.name };
    },
    { message: (p) => `“${p.name}” was saved.`, form: fd },
  );
  if (res.ok) revalidatePath('/admin', 'layout');
  return res;
}

'use server';
import { revalidatePath } from 'next/cache';
import { formObject, runAction, type ActionState } from '@/server/actions';
import { createTopic, deleteTopic, updateTopic } from '@/server/topics/mutations';

type Result = ActionState<Awaited<ReturnType<typeof createTopic>>>;

export async function createTopicAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('createTopicAction', 'topics.manage', (ctx) => createTopic(ctx, formObject(fd)), {
    message: (t) => `“${t.name}” was created${t.isPublic ? ' and is shown on the subscribe page' : ' as a private topic'}.`,
    form: fd,
  });
  if (res.ok) revalidatePath('/admin/topics');
  return res;
}

export async function updateTopicAction(_prev: Result, fd: FormData): Promise<Result> {
  const res = await runAction('updateTopicAction', 'topics.manage', (ctx) => updateTopic(ctx, formObject(fd)), {
    message: (t) => `“${t.name}” was saved.`,
    form: fd,
  });
  if (res.ok) revalidatePath('/admin/topics');
  return res;
}

export async function deleteTopicAction(_prev: ActionState<null>, fd: FormData): Promise<ActionState<null>> {
  const res = await runAction(
    'deleteTopicAction',
    'topics.manage',
    async (ctx) => {
      await deleteTopic(ctx, formObject(fd));
      return null;
    },
    { message: 'The topic was deleted.', form: fd },
  );
  if (res.ok) revalidatePath('/admin/topics');
  return res;
}

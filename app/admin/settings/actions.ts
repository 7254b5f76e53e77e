'use server';
import { revalidatePath } from 'next/cache';
import { formObject, runAction, type ActionState } from '@/server/actions';
import { updateDeliverySettings, type DeliverySettings } from '@/server/delivery/settings';

export async function updateDeliverySettingsAction(_prev: ActionState<DeliverySettings>, fd: FormData): Promise<ActionState<DeliverySettings>> {
  const res = await runAction('updateDeliverySettingsAction', 'settings.manage', (ctx) => updateDeliverySettings(ctx, formObject(fd)), {
    message: 'Saved. Workers use the new values from their next turn at a campaign (within seconds).',
    form: fd,
  });
  if (res.ok) revalidatePath('/admin/settings');
  return res;
}

import { Checkbox } from '@/components/ui/form';

/**
 * "Show on the public page". An unchecked box sends nothing, and the topic schema reads a missing
 * value as public; the hidden "false" after the box makes unchecked mean private (formObject keeps
 * the first value, so a checked box's "on" wins).
 */
export function PublicCheckbox({ defaultChecked }: { defaultChecked: boolean }) {
  return (
    <div>
      <Checkbox name="isPublic" label="Show on the public page" defaultChecked={defaultChecked} />
      <input type="hidden" name="isPublic" value="false" />
      <p className="mt-1 pl-6 text-xs text-slate-500">Unticked, the topic is private: only your programs assign it, with signed tokens.</p>
    </div>
  );
}

'use client';
/**
 * The buttons that move a campaign through its life cycle. Which ones show is the page's answer
 * (lifecycle.ts, from the status table and the role); this draws them and runs them. The server
 * actions check the role and the status again (a conditional update), so a stale page can only
 * produce a clear error, shown here.
 */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { Button, buttonClass } from '@/components/ui/button';
import type { CampaignStatus } from '@/db/schema';
import {
  cancelCampaignAction,
  deleteCampaignAction,
  duplicateCampaignAction,
  pauseCampaignAction,
  resumeCampaignAction,
  sendCampaignNowAction,
  unscheduleCampaignAction,
} from '../../actions';
import type { AllowedActions, CampaignOp } from './lifecycle';
import { useAdminHref } from '@/components/admin/project-context';

type Op = Exclude<CampaignOp, 'edit'>;

const run: Record<Op, (id: string) => Promise<{ ok: true; data: unknown } | { ok: false; error: { message: string } }>> = {
  send: sendCampaignNowAction,
  cancel: cancelCampaignAction,
  unschedule: unscheduleCampaignAction,
  pause: pauseCampaignAction,
  resume: resumeCampaignAction,
  duplicate: duplicateCampaignAction,
  delete: deleteCampaignAction,
};

const pendingText: Record<Op, string> = {
  send: 'Starting…',
  cancel: 'Cancelling…',
  unschedule: 'Moving…',
  pause: 'Pausing…',
  resume: 'Resuming…',
  duplicate: 'Duplicating…',
  delete: 'Deleting…',
};

/** The operations that ask first, and what they ask. */
function question(op: Op, name: string, status: CampaignStatus): { text: string; confirm: string; keep: string } | null {
  switch (op) {
    case 'send':
      return { text: `Send “${name}” to its whole audience now? This cannot be undone.`, confirm: 'Yes, send now', keep: 'Not yet' };
    case 'delete':
      return { text: `Delete “${name}” for good?`, confirm: 'Yes, delete', keep: 'Keep it' };
    case 'cancel':
      return status === 'scheduled'
        ? { text: `Cancel “${name}”? It will not be sent. (“Back to draft” keeps it editable instead.)`, confirm: 'Yes, cancel it', keep: 'Keep it scheduled' }
        : {
            text: `Stop “${name}”? Messages already delivered stay delivered; the rest are not sent. This cannot be undone.`,
            confirm: 'Yes, cancel it',
            keep: 'Keep sending',
          };
    default:
      return null;
  }
}

export function CampaignActions({
  id,
  name,
  status,
  allowed,
}: {
  id: string;
  name: string;
  /** For the questions' wording only; `allowed` says what may happen. */
  status: CampaignStatus;
  allowed: AllowedActions;
}) {
  const router = useRouter();
  const at = useAdminHref();
  const uid = useId();
  const [pending, startTransition] = useTransition();
  const [busy, setBusy] = useState<Op | null>(null);
  const [asking, setAsking] = useState<Op | null>(null);
  const [error, setError] = useState<string | null>(null);

  function go(op: Op) {
    setError(null);
    setBusy(op);
    startTransition(async () => {
      const res = await run[op](id);
      if (!res.ok) {
        setError(res.error.message);
        setAsking(null);
        setBusy(null);
        return;
      }
      if (op === 'duplicate') {
        router.push(at(`/campaigns/${(res.data as { id: string }).id}/edit`));
      } else if (op === 'delete') {
        router.push(at('/campaigns'));
      } else {
        setAsking(null);
        setBusy(null);
        router.refresh();
      }
    });
  }

  function press(op: Op) {
    if (question(op, name, status)) {
      setError(null);
      setAsking(op);
    } else go(op);
  }

  const btn = (
    op: Op,
    label: string,
    variant: 'primary' | 'secondary' | 'danger' | 'ghost',
    extra: { ariaLabel?: string; disabled?: boolean; describedBy?: string } = {},
  ) => (
    <Button
      key={op}
      variant={variant}
      onClick={() => press(op)}
      disabled={pending || extra.disabled}
      aria-busy={busy === op}
      aria-label={extra.ariaLabel}
      aria-describedby={extra.describedBy}
    >
      {busy === op && pending ? pendingText[op] : label}
    </Button>
  );

  const buttons = allowed.ops.map((op) => {
    switch (op) {
      case 'edit':
        return (
          <Link key="edit" href={at(`/campaigns/${id}/edit`)} className={buttonClass('secondary')} aria-label={`Edit ${name}`}>
            Edit
          </Link>
        );
      case 'send':
        return btn('send', 'Send now', 'primary');
      case 'unschedule':
        return btn('unschedule', 'Back to draft', 'secondary');
      case 'pause':
        return btn('pause', 'Pause', 'secondary', allowed.pauseSoon ? { disabled: true, describedBy: `${uid}-queued` } : {});
      case 'resume':
        return btn('resume', 'Resume', 'primary');
      case 'duplicate':
        return btn('duplicate', 'Duplicate', 'secondary');
      case 'cancel':
        return btn('cancel', 'Cancel campaign', 'danger');
      case 'delete':
        return btn('delete', 'Delete', 'ghost', { ariaLabel: `Delete ${name}` });
    }
  });
  if (!buttons.length) return null;

  const ask = asking ? question(asking, name, status) : null;
  return (
    <div className="flex flex-col items-stretch gap-2 sm:items-end" data-testid="campaign-actions">
      {ask && asking ? (
        <div
          role="group"
          aria-labelledby={`${uid}-ask`}
          className="flex max-w-md flex-col gap-2 rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200 sm:items-end"
        >
          <p id={`${uid}-ask`} className="text-sm text-slate-700 sm:text-right">
            {ask.text}
          </p>
          <div className="flex gap-2">
            <Button variant={asking === 'send' ? 'primary' : 'danger'} size="sm" onClick={() => go(asking)} disabled={pending} aria-busy={pending}>
              {pending ? pendingText[asking] : ask.confirm}
            </Button>
            {/* Focus lands on the safe choice, so a second Enter does nothing drastic. */}
            <Button variant="ghost" size="sm" autoFocus onClick={() => setAsking(null)} disabled={pending}>
              {ask.keep}
            </Button>
          </div>
        </div>
      ) : (
        <div className="flex flex-wrap gap-2 sm:justify-end">{buttons}</div>
      )}
      {/* A queued campaign has not started yet: there is nothing to pause until it does. */}
      {allowed.pauseSoon && !ask && (
        <p id={`${uid}-queued`} className="text-xs text-slate-500 sm:text-right">
          Pausing is possible once sending starts.
        </p>
      )}
      {error && (
        <p role="alert" className="max-w-md text-sm font-medium text-red-600 sm:text-right">
          {error}
        </p>
      )}
    </div>
  );
}

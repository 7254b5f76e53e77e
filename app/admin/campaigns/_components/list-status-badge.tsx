/**
 * How campaign and delivery statuses read on every campaign page: one label and one colour per
 * status, so "Sending" looks the same in the list, the detail header and the deliveries table.
 */
import { cn } from '@/components/ui/cn';
import type { CampaignStatus, DeliveryStatus } from '@/db/schema';

// The Badge primitive has seven tones; campaigns have eight states, so the pill is drawn here
// with the same geometry and its own palette.
const pill = 'inline-flex items-center gap-1.5 rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset whitespace-nowrap';

export const campaignStatusLabel: Record<CampaignStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  queued: 'Queued',
  sending: 'Sending',
  paused: 'Paused',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

const campaignTone: Record<CampaignStatus, string> = {
  draft: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  scheduled: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  queued: 'bg-violet-50 text-violet-700 ring-violet-600/20',
  sending: 'bg-brand-50 text-brand-700 ring-brand-600/25',
  paused: 'bg-amber-50 text-amber-800 ring-amber-600/25',
  completed: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  cancelled: 'bg-stone-100 text-stone-600 ring-stone-500/25',
  failed: 'bg-red-50 text-red-700 ring-red-600/20',
};

export function CampaignStatusBadge({ status, className }: { status: CampaignStatus; className?: string }) {
  return (
    <span className={cn(pill, campaignTone[status], className)} data-testid="campaign-status" data-status={status}>
      {status === 'sending' && (
        <span className="relative flex size-1.5" aria-hidden>
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-brand-500 opacity-60 motion-reduce:animate-none" />
          <span className="relative inline-flex size-1.5 rounded-full bg-brand-600" />
        </span>
      )}
      {campaignStatusLabel[status]}
    </span>
  );
}

export const deliveryStatusLabel: Record<DeliveryStatus, string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  retrying: 'Retrying',
  failed: 'Failed',
  expired: 'Expired',
  skipped: 'Skipped',
};

/** Colours match the progress bar: sent green, expired amber, failed red, skipped gray. */
const deliveryTone: Record<DeliveryStatus, string> = {
  queued: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  sending: 'bg-brand-50 text-brand-700 ring-brand-600/25',
  sent: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  retrying: 'bg-orange-50 text-orange-700 ring-orange-600/20',
  failed: 'bg-red-50 text-red-700 ring-red-600/20',
  expired: 'bg-amber-50 text-amber-800 ring-amber-600/25',
  skipped: 'bg-slate-100 text-slate-600 ring-slate-500/20',
};

export function DeliveryStatusBadge({ status, className }: { status: DeliveryStatus; className?: string }) {
  return (
    <span className={cn(pill, deliveryTone[status], className)} data-testid="delivery-status" data-status={status}>
      {deliveryStatusLabel[status]}
    </span>
  );
}

export function SourceBadge({ source }: { source: 'dashboard' | 'api' }) {
  return (
    <span
      className={cn(pill, 'px-1.5 py-0 text-[11px]', source === 'api' ? 'bg-teal-50 text-teal-700 ring-teal-600/20' : 'bg-white text-slate-500 ring-slate-300')}
      title={source === 'api' ? 'Created through the API' : 'Created in the dashboard'}
      data-testid="campaign-source"
    >
      {source === 'api' ? 'API' : 'Dashboard'}
    </span>
  );
}

import { buttonClass } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { MAX_STORED_CONTENT_BYTES } from '@/lib/push/payload';

/** How much of one push the notification fills, or, delivered through the server, of the stored-content limit; with the switch between the two. */
export function SizeMeter({ bytes, limit, stored, onStore }: { bytes: number; limit: number; stored: number | null; onStore: (on: boolean) => void }) {
  if (stored !== null) {
    const over = stored > MAX_STORED_CONTENT_BYTES;
    return (
      <div data-testid="size-meter" data-mode="server">
        <div className="flex items-baseline justify-between text-sm">
          <span className="font-medium text-slate-700">Delivered through the server</span>
          <span className={cn('tabular-nums', over ? 'font-semibold text-red-600' : 'text-slate-600')}>
            {stored.toLocaleString('en')} / {MAX_STORED_CONTENT_BYTES.toLocaleString('en')} bytes
          </span>
        </div>
        <p className={cn('mt-2 text-xs', over ? 'font-medium text-red-600' : 'text-slate-500')}>
          {over
            ? 'Too large even for delivery through the server.'
            : 'Each push carries only a pointer; the service worker fetches the full notification from this server (kept until the TTL ends).'}
        </p>
        {bytes <= limit && (
          <button type="button" className={buttonClass('ghost', 'sm', 'mt-2')} onClick={() => onStore(false)}>
            Send it in the push itself
          </button>
        )}
      </div>
    );
  }
  const pct = Math.min(100, (bytes / limit) * 100);
  const over = bytes > limit;
  return (
    <div data-testid="size-meter" data-mode="push">
      <div className="flex items-baseline justify-between text-sm">
        <span className="font-medium text-slate-700">Payload size</span>
        <span className={cn('tabular-nums', over ? 'font-semibold text-red-600' : 'text-slate-600')}>
          {bytes.toLocaleString('en')} / {limit.toLocaleString('en')} bytes
        </span>
      </div>
      <div
        className="mt-2 h-2 overflow-hidden rounded-full bg-slate-100"
        role="meter"
        aria-label="Payload size"
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={bytes}
      >
        <div className={cn('h-full rounded-full', over ? 'bg-red-500' : pct > 80 ? 'bg-amber-500' : 'bg-emerald-500')} style={{ width: `${pct}%` }} />
      </div>
      <p className={cn('mt-2 text-xs', over ? 'font-medium text-red-600' : 'text-slate-500')}>
        {over
          ? `Too large for one push by ${(bytes - limit).toLocaleString('en')} bytes. Shorten it, or deliver it through the server.`
          : 'Everything (text, links, custom data) travels encrypted in one push message of at most 4 KB.'}
      </p>
      {over && (
        <button type="button" className={buttonClass('secondary', 'sm', 'mt-2')} onClick={() => onStore(true)}>
          Deliver through the server instead
        </button>
      )}
    </div>
  );
}

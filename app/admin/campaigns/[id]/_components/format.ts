/** Small, pure formatting for the campaign pages (safe on the server and in the browser). */

const unit = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

/** A Web Push TTL (seconds) as people say it: "1 day", "4 hours 30 minutes", "0 seconds". */
export function humanTtl(seconds: number): string {
  if (seconds <= 0) return '0 seconds';
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [d && unit(d, 'day'), h && unit(h, 'hour'), m && unit(m, 'minute'), s && unit(s, 'second')].filter(Boolean) as string[];
  return parts.slice(0, 2).join(' ');
}

/** A duration in milliseconds, short: "45 s", "3 min 12 s", "2 h 5 min". */
export function shortDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return `${total} s`;
  const m = Math.floor(total / 60);
  if (m < 60) return total % 60 ? `${m} min ${total % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** Time left at the current rate, rounded the way an estimate should be. */
export function eta(pending: number, perSecond: number): string | null {
  if (pending <= 0 || perSecond <= 0) return null;
  const s = pending / perSecond;
  if (s < 60) return 'under a minute';
  return `about ${shortDuration(Math.round(s / 60) * 60_000)}`;
}

export const urgencyLabel: Record<string, string> = {
  'very-low': 'Very low (delivered when the device is on power and Wi-Fi)',
  low: 'Low (delivered when the device is on power or Wi-Fi)',
  normal: 'Normal',
  high: 'High (may wake the device)',
};

export const n = (v: number) => v.toLocaleString('en');

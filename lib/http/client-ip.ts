/**
 * The client's IP address, for rate limits and the audit log.
 *
 * server.mjs computes it from the socket (and TRUST_PROXY_HOPS) and sets `x-pushdeck-client-ip`,
 * overwriting anything a client sent under that name. Without server.mjs (plain `next dev`),
 * fall back to X-Forwarded-For interpreted the same way.
 */
import { config } from '../env';
type HeaderBag = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function read(h: HeaderBag, name: string): string | null {
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | null }).get(name);
  const v = (h as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

/** Picks the address the outermost trusted proxy saw. `hops` = proxies that append to XFF. */
export function pickForwarded(xff: string | null, socketAddr: string | null, hops: number): string | null {
  if (hops <= 0 || !xff) return normalizeIp(socketAddr);
  const parts = xff
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return normalizeIp(parts[Math.max(0, parts.length - hops)] ?? socketAddr);
}

export function normalizeIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export function clientIp(headers: HeaderBag): string | null {
  const set = read(headers, 'x-pushdeck-client-ip');
  if (set) return set;
  const hops = config().TRUST_PROXY_HOPS;
  return pickForwarded(read(headers, 'x-forwarded-for'), read(headers, 'x-forwarded-for')?.split(',').pop()?.trim() ?? null, hops);
}

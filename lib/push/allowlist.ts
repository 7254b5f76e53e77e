/**
 * The push-service allowlist: we only ever send to endpoints on known push services, so a
 * subscription cannot turn Pushdeck into a request cannon against arbitrary hosts (SSRF).
 *
 * Entries (PUSH_ALLOWED_HOSTS, comma-separated): `host`, `*.domain` (any subdomain), an IPv4
 * literal or a bracketed IPv6 literal, each optionally with `:port` (`:*` for any port, meant for
 * local test push services); the word `default` stands for the built-in list. Without a port an
 * entry allows only 443.
 *
 * IP literals, and host names resolving to private, loopback or link-local addresses, pass only
 * when listed explicitly. The URL parser normalises every IPv4 spelling (decimal, hex, octal,
 * short forms) to dotted quads, so those are caught as IP literals too. The resolution check
 * runs at connect time (see `guardedLookup`), so DNS answers cannot slip a private address in
 * after validation.
 */
import { BlockList, isIP } from 'node:net';
import { config } from '../env';

export const DEFAULT_PUSH_HOSTS = [
  'fcm.googleapis.com', // Chrome, Edge on Android, Opera, Samsung Internet…
  'android.googleapis.com', // legacy GCM endpoints still held by old Chrome subscriptions
  '*.push.services.mozilla.com', // Firefox (updates.push.services.mozilla.com)
  '*.push.apple.com', // Safari (web.push.apple.com)
  '*.notify.windows.com', // Edge on Windows (WNS)
];

interface Entry {
  /** Exact host, or the suffix (with leading dot) for wildcards. */
  host: string;
  wildcard: boolean;
  port: string;
  ip: boolean;
}

export type EndpointCheck = { ok: true; url: URL; origin: string; host: string } | { ok: false; reason: string };

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible ::a.b.c.d
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo tunnels
  ['2001:10::', 28], // ORCHID
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/** Whether an address is not a public unicast address (IPv4-mapped and NAT64 forms unwrapped). */
export function isNonPublicAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').toLowerCase();
  const kind = isIP(bare);
  if (kind === 4) return PRIVATE.check(bare, 'ipv4');
  if (kind !== 6) return true;
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const hexMapped = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1]!, 16);
    const lo = parseInt(hexMapped[2]!, 16);
    return PRIVATE.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  // 6to4 (2002::/16) carries an IPv4 address in its next 32 bits.
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4})(?::|$)/.exec(bare);
  if (sixToFour) {
    const hi = parseInt(sixToFour[1]!, 16);
    const lo = parseInt(sixToFour[2]!, 16);
    if (PRIVATE.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4')) return true;
  }
  return PRIVATE.check(bare, 'ipv6');
}

function parseEntry(raw: string): Entry | null {
  const text = raw.trim().toLowerCase();
  if (!text) return null;
  let host = text;
  let port = '443';
  const v6 = /^(\[[0-9a-f:.]+\])(?::(\d+|\*))?$/.exec(text);
  if (v6) {
    host = v6[1]!;
    port = v6[2] ?? '443';
  } else {
    const m = /^([^:]+)(?::(\d+|\*))?$/.exec(text);
    if (!m) return null;
    host = m[1]!;
    port = m[2] ?? '443';
  }
  const wildcard = host.startsWith('*.');
  return { host: wildcard ? host.slice(1) : host, wildcard, port, ip: isIP(host.replace(/^\[|\]$/g, '')) !== 0 };
}

export class PushAllowlist {
  private readonly entries: Entry[];

  constructor(spec: string | string[] | undefined) {
    const items = (Array.isArray(spec) ? spec : (spec ?? 'default').split(','))
      .flatMap((s) => (s.trim().toLowerCase() === 'default' ? DEFAULT_PUSH_HOSTS : [s]))
      .map(parseEntry)
      .filter((e): e is Entry => e !== null);
    this.entries = items;
  }

  describe(): string[] {
    return this.entries.map((e) => `${e.wildcard ? '*' : ''}${e.host}${e.port === '443' ? '' : `:${e.port}`}`);
  }

  /** Validates an endpoint URL: https, no credentials, an allowed host and port. */
  check(endpoint: string): EndpointCheck {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return { ok: false, reason: 'The endpoint is not a valid URL.' };
    }
    if (url.protocol !== 'https:') return { ok: false, reason: 'The endpoint must use https.' };
    if (url.username || url.password) return { ok: false, reason: 'The endpoint must not carry credentials.' };
    const host = url.hostname.toLowerCase();
    const port = url.port || '443';
    const literal = isIP(host.replace(/^\[|\]$/g, '')) !== 0;
    const allowed = this.entries.some((e) => {
      if (e.port !== port && e.port !== '*') return false;
      if (literal || e.ip) return !e.wildcard && e.host === host; // IP literals only by exact entry
      return e.wildcard ? host.endsWith(e.host) && host.length > e.host.length : host === e.host;
    });
    if (!allowed) return { ok: false, reason: `${host}${url.port ? `:${url.port}` : ''} is not a push service this server sends to.` };
    return { ok: true, url, origin: url.origin, host };
  }

  /**
   * Whether a connection to `host` may use the resolved address `address`: public addresses
   * always; others only when that address, or that exact host name, is listed.
   */
  addressAllowed(host: string, address: string): boolean {
    if (!isNonPublicAddress(address)) return true;
    const h = host.toLowerCase();
    const a = isIP(address) === 6 ? `[${address.toLowerCase()}]` : address;
    return this.entries.some((e) => !e.wildcard && (e.host === h || e.host === a));
  }
}

let configured: { spec: string | undefined; list: PushAllowlist } | undefined;

/** The allowlist from PUSH_ALLOWED_HOSTS (re-read if the variable changes, e.g. in tests). */
export function configuredAllowlist(): PushAllowlist {
  const spec = config().PUSH_ALLOWED_HOSTS || undefined;
  if (!configured || configured.spec !== spec) configured = { spec, list: new PushAllowlist(spec) };
  return configured.list;
}

/**
 * The notification a person sees, as Pushdeck's service worker expects it inside the encrypted
 * push payload (public/sw.js `toNotification`). Shared by the composer, the API and the engine:
 * one schema, one serialisation, one size measure, so the size meter in the composer shows
 * exactly what will be sent. Safe for the browser bundle (no Node imports).
 */
import { z } from 'zod';

// No `new Function`: the dashboard's CSP forbids eval, and zod's probe for it would be reported as
// a violation in the browser (this module runs in the composer).
z.config({ jitless: true });
import { textProblem } from '../text';
import { MAX_PAYLOAD_BYTES, MAX_TTL_SECONDS, TOPIC_RE, URGENCIES } from './constants';

const urlOrPath = (what: string) =>
  z
    .string()
    .trim()
    .max(2000, `${what} may be at most 2000 characters.`)
    .refine((v) => {
      // A path, but not one a browser resolves off-site: `//host`, `/\host` (backslashes count as
      // slashes in URLs) and ASCII tab/newline (removed before parsing, so `/\t/host` is `//host`).
      if (v.startsWith('/')) return !/[\\\t\n\r]/.test(v) && !v.startsWith('//');
      try {
        const u = new URL(v);
        return u.protocol === 'https:' || u.protocol === 'http:';
      } catch {
        return false;
      }
    }, `${what} must be an http(s) URL or a path on this site starting with one / (no backslashes, tabs or line breaks).`);

const optionalUrl = (what: string) => z.preprocess((v) => (v === '' || v === null ? undefined : v), urlOrPath(what).optional());
const optionalText = (max: number, what: string) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().trim().max(max, `${what} may be at most ${max} characters.`).optional());

export const actionSchema = z.object({
  title: z.string().trim().min(1, 'Give the button a label.').max(60, 'A button label may be at most 60 characters.'),
  url: urlOrPath('The button URL'),
});

export const notificationSchema = z
  .object({
    title: z.string({ error: 'Enter a title.' }).trim().min(1, 'Enter a title.').max(200, 'The title may be at most 200 characters.'),
    body: optionalText(1000, 'The text'),
    url: optionalUrl('The link'),
    icon: optionalUrl('The icon'),
    image: optionalUrl('The image'),
    badge: optionalUrl('The badge'),
    tag: optionalText(64, 'The tag'),
    renotify: z.boolean().default(false),
    requireInteraction: z.boolean().default(false),
    silent: z.boolean().default(false),
    actions: z.array(actionSchema).max(2, 'At most two buttons.').default([]),
    /** Custom data handed to the service worker (notification.data.custom). */
    data: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .superRefine((v, ctx) => {
    // Text the database and JSON consumers cannot take (NUL, unpaired surrogates, deep nesting).
    const problem = textProblem(v, 'The notification');
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const deliveryOptionsSchema = z.object({
  // A JSON number, not anything that coerces to one (null, true, "0x10", [60]).
  ttl: z
    .number({ error: 'TTL is a number of seconds.' })
    .int('TTL is whole seconds.')
    .min(0, 'TTL cannot be negative.')
    .max(MAX_TTL_SECONDS, `TTL may be at most ${MAX_TTL_SECONDS} seconds (28 days).`)
    .default(86_400),
  urgency: z.enum(URGENCIES, { error: `Urgency is one of ${URGENCIES.join(', ')}.` }).default('normal'),
  /** RFC 8030 Topic: a newer message with the same Topic replaces an undelivered older one. */
  topic: z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z.string().regex(TOPIC_RE, 'The replacement topic is 1–32 letters, digits, "-" or "_".').optional(),
  ),
});

export type NotificationContent = z.infer<typeof notificationSchema>;
export type DeliveryOptions = z.infer<typeof deliveryOptionsSchema>;

/** Extra per-message fields the engine adds (receipt reference, large-payload pointer). */
export interface PayloadExtras {
  ref?: string;
  [k: string]: unknown;
}

/** The JSON the service worker receives. Absent and default fields are left out to save bytes. */
export function payloadObject(n: NotificationContent, extras: PayloadExtras = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { title: n.title };
  if (n.body) out.body = n.body;
  if (n.url) out.url = n.url;
  if (n.icon) out.icon = n.icon;
  if (n.image) out.image = n.image;
  if (n.badge) out.badge = n.badge;
  if (n.tag) out.tag = n.tag;
  if (n.renotify && n.tag) out.renotify = true;
  if (n.requireInteraction) out.requireInteraction = true;
  if (n.silent) out.silent = true;
  if (n.actions.length) out.actions = n.actions.map((a, i) => ({ action: `a${i}`, title: a.title, url: a.url }));
  if (n.data && Object.keys(n.data).length) out.data = n.data;
  out.timestamp = Date.now();
  for (const [k, v] of Object.entries(extras)) if (v !== undefined) out[k] = v;
  return out;
}

/** The plaintext of one push (server side: Buffer). */
export function encodePayload(n: NotificationContent, extras: PayloadExtras = {}): Buffer {
  return Buffer.from(JSON.stringify(payloadObject(n, extras)), 'utf8');
}

/**
 * encodePayload for many messages of one notification that differ only in `timestamp` and one
 * extra string field: the rest is serialised once. Same bytes as
 * `encodePayload(n, { [field]: value })`, and much cheaper in a campaign of millions.
 */
export function payloadEncoder(n: NotificationContent, field: string): (value: string) => Buffer {
  const fixed = payloadObject(n);
  delete fixed.timestamp;
  delete fixed[field];
  const head = JSON.stringify(fixed).slice(0, -1); // without the closing brace; never empty: it has a title
  const key = `,${JSON.stringify(field)}:`;
  return (value) => Buffer.from(`${head},"timestamp":${Date.now()}${key}${JSON.stringify(value)}}`, 'utf8');
}

/** Bytes reserved for what the engine adds per message (timestamp, receipt reference). */
export const PER_MESSAGE_OVERHEAD = 120;

export interface PayloadSize {
  bytes: number;
  limit: number;
  fits: boolean;
}

/** What a notification will weigh once sent, against what one push message holds. */
export function measurePayload(n: NotificationContent): PayloadSize {
  // TextEncoder, not Buffer: the composer measures in the browser with this same function.
  const bytes = new TextEncoder().encode(JSON.stringify(payloadObject(n))).length + PER_MESSAGE_OVERHEAD;
  return { bytes, limit: MAX_PAYLOAD_BYTES, fits: bytes <= MAX_PAYLOAD_BYTES };
}

/** The most a notification delivered through the server may weigh (stored, fetched by the SW). */
export const MAX_STORED_CONTENT_BYTES = 64 * 1024;

export function contentBytes(n: NotificationContent): number {
  return new TextEncoder().encode(JSON.stringify(n)).length;
}

/**
 * The push for a notification delivered through the server: a pointer (`m`), a capability token
 * (`k`) and a short title the service worker can show if fetching the content fails.
 */
export function pointerPayload(n: NotificationContent, pointer: { messageId: string; token: string }, extras: PayloadExtras = {}): Buffer {
  const out: Record<string, unknown> = { title: n.title.slice(0, 120), m: pointer.messageId, k: pointer.token, timestamp: Date.now() };
  for (const [k, v] of Object.entries(extras)) if (v !== undefined) out[k] = v;
  return Buffer.from(JSON.stringify(out), 'utf8');
}

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

/** An absolute http(s) URL. */
function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

const urlOrPath = (what: string) =>
  z
    .string()
    .trim()
    .max(2000, `${what} may be at most 2000 characters.`)
    .refine((v) => {
      // A path, but not one a browser resolves off-site: `//host`, `/\host` (backslashes count as
      // slashes in URLs) and ASCII tab/newline (removed before parsing, so `/\t/host` is `//host`).
      if (v.startsWith('/')) return !/[\\\t\n\r]/.test(v) && !v.startsWith('//');
      return isHttpUrl(v);
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
    /** The language of the title and text (BCP 47, `en`, `pt-BR`). */
    lang: z.preprocess(
      (v) => (v === '' || v === null ? undefined : v),
      z
        .string()
        .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/, 'The language is a BCP 47 tag like "en" or "pt-BR".')
        .optional(),
    ),
    /** The text direction. */
    dir: z.preprocess(
      (v) => (v === '' || v === null ? undefined : v),
      z.enum(['auto', 'ltr', 'rtl'], { error: 'The direction is auto, ltr or rtl.' }).optional(),
    ),
    /** The number shown on the installed app's icon (Safari, installed web apps); 0 clears it. */
    appBadge: z
      .number({ error: 'The app badge is a whole number.' })
      .int('The app badge is a whole number.')
      .min(0, 'The app badge cannot be negative.')
      .max(999_999, 'The app badge may be at most 999999.')
      .optional(),
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

/**
 * Where a notification's links point. Declarative Web Push (Safari 18.4+) shows a message without
 * running the service worker and opens `notification.navigate` itself, so the click could not be
 * counted; `navigate` (and each action's) is therefore Pushdeck's click-tracking redirect
 * (`/c/<ref>`, `/c/<ref>/<action>`: it records the click and forwards to the link). WebKit wants
 * absolute URLs there, so relative icons resolve against `home`.
 */
export interface LinkBase {
  /** Absolute prefix of the click-tracking redirect: `https://push.example.com/c/`. */
  click: string;
  /** Absolute URL that relative links and icons resolve against (the site, or the public page). */
  home: string;
}

/** The longest origin Pushdeck's links may have (PUBLIC_URL is refused above it). */
export const MAX_ORIGIN_LENGTH = 100;

/** Links as long as they can be: what the size meter counts, so a notification that fits always fits. */
export const LONGEST_LINKS: LinkBase = {
  click: `https://${'x'.repeat(MAX_ORIGIN_LENGTH - 8)}/c/`,
  home: `https://${'x'.repeat(MAX_ORIGIN_LENGTH - 8)}/p/${'x'.repeat(40)}`,
};

/** The per-delivery receipt reference's length (server/receipts/ref.ts). */
const REF_LENGTH = 64;
const REF_RE = /^[A-Za-z0-9_-]+$/;

/** What the engine adds per message: the delivery's signed receipt reference. */
export interface PayloadExtras {
  ref?: string;
}

const absolute = (url: string, home: string) => new URL(url, home).href;

/**
 * The Declarative Web Push `notification` object (W3C Push API "declarative push message"), in
 * exactly the types WebKit's parser accepts: it refuses the whole message when one known field
 * has the wrong type. Only fields a browser shows are sent (custom data travels in the legacy
 * `data`, which the service worker reads).
 */
function declarativeNotification(n: NotificationContent, links: LinkBase, ref: string | undefined): Record<string, unknown> {
  const target = n.url ? absolute(n.url, links.home) : links.home;
  const out: Record<string, unknown> = { title: n.title, navigate: ref ? `${links.click}${ref}` : target };
  if (n.body) out.body = n.body;
  if (n.icon) out.icon = absolute(n.icon, links.home);
  if (n.tag) out.tag = n.tag;
  if (n.lang) out.lang = n.lang;
  if (n.dir) out.dir = n.dir;
  if (n.silent) out.silent = true;
  if (n.requireInteraction) out.requireInteraction = true;
  if (n.actions.length) {
    out.actions = n.actions.map((a, i) => ({ action: `a${i}`, title: a.title, navigate: ref ? `${links.click}${ref}/${i}` : absolute(a.url, links.home) }));
  }
  if (n.appBadge !== undefined) out.app_badge = n.appBadge;
  out.mutable = true;
  return out;
}

/**
 * The JSON one push carries: the Declarative Web Push envelope (`web_push: 8030`, `notification`,
 * `mutable`) with the legacy fields older Pushdeck workers read beside it (unknown keys are
 * ignored by the declarative parsers). `mutable` is set in both places the parsers look, so a
 * browser with a worker lets it record `shown` and fetch large content. Absent and default
 * fields are left out to save bytes.
 */
export function payloadObject(n: NotificationContent, links: LinkBase, extras: PayloadExtras = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { web_push: 8030, notification: declarativeNotification(n, links, extras.ref), mutable: true, title: n.title };
  if (n.body) out.body = n.body;
  if (n.url) out.url = n.url;
  if (n.icon) out.icon = n.icon;
  if (n.image) out.image = n.image;
  if (n.badge) out.badge = n.badge;
  if (n.tag) out.tag = n.tag;
  if (n.renotify && n.tag) out.renotify = true;
  if (n.requireInteraction) out.requireInteraction = true;
  if (n.silent) out.silent = true;
  if (n.lang) out.lang = n.lang;
  if (n.dir) out.dir = n.dir;
  if (n.actions.length) out.actions = n.actions.map((a, i) => ({ action: `a${i}`, title: a.title, url: a.url }));
  if (n.data && Object.keys(n.data).length) out.data = n.data;
  out.timestamp = Date.now();
  if (extras.ref !== undefined) out.ref = extras.ref;
  return out;
}

/** The plaintext of one push (server side: Buffer). */
export function encodePayload(n: NotificationContent, links: LinkBase, extras: PayloadExtras = {}): Buffer {
  return Buffer.from(JSON.stringify(payloadObject(n, links, extras)), 'utf8');
}

/** A string no content can contain (it cannot guess it): where the per-message values go. */
function mark(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return `~${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}~`;
}

/**
 * encodePayload for the many messages of one notification, which differ only in the receipt
 * reference (in `ref` and in every click link) and the timestamp: the rest is serialised once,
 * and each message is a join. Same bytes as `encodePayload(n, links, { ref })`, and much cheaper
 * in a campaign of millions.
 */
export function payloadEncoder(n: NotificationContent, links: LinkBase): (ref: string) => Buffer {
  const refMark = mark();
  const timeMark = mark();
  const template = { ...payloadObject(n, links, { ref: refMark }), timestamp: timeMark };
  declarativePayloadSchema.parse(template); // the envelope's types, checked once per campaign
  const [head = '', tail = ''] = JSON.stringify(template).split(`"${timeMark}"`);
  const before = head.split(refMark);
  const after = tail.split(refMark);
  return (ref) => {
    if (!REF_RE.test(ref)) throw new Error('A receipt reference is base64url.');
    return Buffer.from(`${before.join(ref)}${Date.now()}${after.join(ref)}`, 'utf8');
  };
}

export interface PayloadSize {
  bytes: number;
  limit: number;
  fits: boolean;
}

/**
 * What a notification will weigh once sent, against what one push message holds: the whole
 * envelope (declarative and legacy fields, both with their links), with the longest links and a
 * full-length receipt reference.
 */
export function measurePayload(n: NotificationContent): PayloadSize {
  // TextEncoder, not Buffer: the composer measures in the browser with this same function.
  const bytes = new TextEncoder().encode(JSON.stringify(payloadObject(n, LONGEST_LINKS, { ref: 'x'.repeat(REF_LENGTH) }))).length;
  return { bytes, limit: MAX_PAYLOAD_BYTES, fits: bytes <= MAX_PAYLOAD_BYTES };
}

const absoluteUrl = z.string().refine(isHttpUrl, 'must be an absolute http(s) URL');

/**
 * The declarative part of a payload, as strictly as WebKit reads it: a known field of the wrong
 * type makes Safari drop the whole message, and `navigate` must be absolute. Checked before a
 * campaign's first message is encoded, and by the tests for every shape the engine sends.
 */
export const declarativePayloadSchema = z.object({
  web_push: z.literal(8030),
  mutable: z.literal(true),
  notification: z
    .object({
      title: z.string().min(1),
      navigate: absoluteUrl,
      body: z.string().optional(),
      icon: absoluteUrl.optional(),
      tag: z.string().optional(),
      lang: z.string().optional(),
      dir: z.enum(['auto', 'ltr', 'rtl']).optional(),
      silent: z.boolean().optional(),
      requireInteraction: z.boolean().optional(),
      actions: z.array(z.object({ action: z.string().min(1), title: z.string().min(1), navigate: absoluteUrl }).strict()).optional(),
      app_badge: z.number().int().min(0).optional(),
      mutable: z.literal(true),
    })
    .strict(),
});

/** The most a notification delivered through the server may weigh (stored, fetched by the SW). */
export const MAX_STORED_CONTENT_BYTES = 64 * 1024;

export function contentBytes(n: NotificationContent): number {
  return new TextEncoder().encode(JSON.stringify(n)).length;
}

/**
 * The push for a notification delivered through the server: a pointer (`m`), a capability token
 * (`k`) and a short title the service worker can show if fetching the content fails. Declarative
 * too: a browser that shows it without a worker shows the title and opens the click link; with a
 * worker (`mutable`), the worker fetches the full content.
 */
export function pointerPayload(n: NotificationContent, pointer: { messageId: string; token: string }, links: LinkBase, extras: PayloadExtras = {}): Buffer {
  const title = n.title.slice(0, 120);
  // Per message: built directly (the content was validated when the campaign was saved).
  const short: NotificationContent = { title, url: n.url, renotify: false, requireInteraction: false, silent: false, actions: [] };
  const out: Record<string, unknown> = {
    web_push: 8030,
    notification: declarativeNotification(short, links, extras.ref),
    mutable: true,
    title,
    m: pointer.messageId,
    k: pointer.token,
    timestamp: Date.now(),
  };
  if (extras.ref !== undefined) out.ref = extras.ref;
  return Buffer.from(JSON.stringify(out), 'utf8');
}

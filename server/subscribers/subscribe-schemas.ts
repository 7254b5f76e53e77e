/**
 * The public subscription API's request bodies. Shape errors are 400 (`validation_failed`, each
 * field named); values
 * that parse but are refused (endpoint not on a known push service, a key not on the curve, an
 * unknown or private topic) are 422 (`unprocessable`).
 */
import { z } from 'zod';
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from '../../lib/params';
import { endpointKey } from '../../lib/push/endpoint';

export const MAX_BODY_BYTES = 8 * 1024;
export const MAX_TOPICS = 50;
export const MAX_ENDPOINT_LENGTH = 2048;

const b64url = (what: string) =>
  z
    .string({ error: `${what} must be a base64url string.` })
    .max(200, `${what} is too long.`)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what} must be base64url.`);

/**
 * A PushSubscription's JSON (`PushSubscription.toJSON()`). Field names in messages start with
 * `prefix`: `subscription.` in the subscribe API's body, nothing in an import file's rows, so
 * both edges share one definition and still name the field the sender wrote.
 */
export function pushSubscriptionSchemaFor(prefix: string) {
  return z.object(
    {
      endpoint: z
        .string({ error: `${prefix}endpoint is required.` })
        .min(1, `${prefix}endpoint is required.`)
        .max(MAX_ENDPOINT_LENGTH, `${prefix}endpoint may be at most ${MAX_ENDPOINT_LENGTH} characters.`)
        // URL parsing quietly drops or escapes these, but the endpoint is stored as sent (and NUL cannot be stored at all).
        .regex(/^[^\u0000-\u0020\u007f]+$/, `${prefix}endpoint must be a URL without spaces or control characters.`)
        // Stored and compared in one spelling (lib/push/endpoint.ts); the allowlist checks that spelling.
        .transform(endpointKey),
      // One bound for the subscribe API and the import (its dry run too): a time the database holds.
      expirationTime: z
        .number({ error: `${prefix}expirationTime is a number of milliseconds since 1970, or null.` })
        .int(`${prefix}expirationTime is whole milliseconds since 1970.`)
        .min(MIN_INSTANT_MS, `${prefix}expirationTime cannot be before 1970.`)
        .max(MAX_INSTANT_MS, `${prefix}expirationTime must be before the year 10000 (it is in milliseconds since 1970).`)
        .nullable()
        .optional(),
      keys: z.object(
        { p256dh: b64url(`${prefix}keys.p256dh`), auth: b64url(`${prefix}keys.auth`) },
        { error: `${prefix}keys with p256dh and auth is required.` },
      ),
    },
    { error: prefix ? `${prefix.replace(/\.$/, '')} is required: the JSON of a PushSubscription.` : 'Each entry must be the JSON of a PushSubscription.' },
  );
}

export const pushSubscriptionSchema = pushSubscriptionSchemaFor('subscription.');

export const topicListSchema = z
  .array(z.string({ error: 'Topics are strings.' }).max(64, 'A topic slug is at most 64 characters.'), { error: 'topics must be an array of slugs.' })
  .max(MAX_TOPICS, `At most ${MAX_TOPICS} topics.`);

export const subscribeSchema = z.object({
  subscription: pushSubscriptionSchema,
  topics: topicListSchema.default([]),
  /** The applicationServerKey the browser subscribed with (our page sends it; defaults to the active key). */
  vapidPublicKey: b64url('vapidPublicKey').optional(),
  /** When re-subscribing after a key rotation: the subscription this one replaces. */
  previousEndpoint: z.string().max(MAX_ENDPOINT_LENGTH).transform(endpointKey).optional(),
  /** A signed token with scope "subscribe" (notiflux format): allows the private topics it lists. */
  token: z.string().max(8192).optional(),
});

export const endpointSchema = z.object({
  endpoint: z
    .string({ error: 'endpoint is required.' })
    .min(1)
    .max(MAX_ENDPOINT_LENGTH)
    .refine((v) => URL.canParse(v) && new URL(v).protocol === 'https:', 'endpoint must be the https URL of a push subscription.')
    .transform(endpointKey),
});

export type SubscribeInput = z.infer<typeof subscribeSchema>;
export type PushSubscriptionInput = z.output<typeof pushSubscriptionSchema>;

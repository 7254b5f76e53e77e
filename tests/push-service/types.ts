/**
 * Shapes shared by the push-service test server (server.ts), its HTTP control client (client.ts)
 * and the tests that use either through PushServiceControl. Everything here is JSON-safe, because
 * the same records travel over the control API.
 */

export interface CreateSubscriberOptions {
  /** base64url of the 65-byte uncompressed P-256 public key the sender will sign with (VAPID). */
  applicationServerKey: string;
  label?: string;
}

/** The JSON a browser's PushSubscription.toJSON() gives the application. */
export interface SubscriptionJSON {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
}

export interface CreatedSubscriber {
  id: string;
  subscription: SubscriptionJSON;
}

/** Claims of the VAPID token as presented; a null field was missing or of the wrong type. */
export interface VapidInfo {
  aud: string | null;
  sub: string | null;
  exp: number | null;
  /** The `k` parameter of the Authorization header, as sent. */
  k: string;
}

export interface PushRequestRecord {
  at: number;
  subscriberId: string;
  /** HTTP status answered; 0 when a `reset` behaviour dropped the connection instead. */
  status: number;
  /** Why the request was rejected, or 'behaviour' when fault injection answered it. */
  reason?: string;
  headers: { ttl: string | null; urgency: string | null; topic: string | null; contentEncoding: string | null };
  /** Present once the Authorization header held a decodable JWT (its signature may still be bad). */
  vapid?: VapidInfo;
  bodyBytes: number;
}

export interface PushMessage {
  messageId: string;
  subscriberId: string;
  at: number;
  /** UTF-8 of the decrypted payload; null for a message without a body or that failed to decrypt. */
  plaintext: string | null;
  /** Set when the body could not be decrypted (a real push service would have accepted it anyway). */
  decryptError?: string;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  vapid: { aud: string; sub: string; exp: number; k: string };
}

export type ErrorBehaviour = { status: 400 | 403 | 404 | 410 | 413 | 500 | 503; times?: number };
export type RateLimitBehaviour = { status: 429; retryAfter: number; times?: number };
export type DelayBehaviour = { delayMs: number; times?: number };
export type ResetBehaviour = { reset: true; times?: number };
/** Fault injection for one subscriber; `times` defaults to every following request. */
export type Behaviour = ErrorBehaviour | RateLimitBehaviour | DelayBehaviour | ResetBehaviour;

export interface RequestFilter {
  subscriberId?: string;
}

type MaybePromise<T> = T | Promise<T>;

/**
 * What a test needs from a push service, whether it runs in the test's process (PushServiceServer,
 * synchronous answers) or in another one (PushServiceClient, over HTTPS). `await` every call.
 */
export interface PushServiceControl {
  /** `https://127.0.0.1:PORT`: the audience a VAPID token must name. */
  readonly origin: string;
  /** The PEM file a sender must trust to reach the service. */
  readonly certPath: string;
  createSubscriber(options: CreateSubscriberOptions): MaybePromise<CreatedSubscriber>;
  messages(subscriberId: string): MaybePromise<PushMessage[]>;
  allMessages(): MaybePromise<PushMessage[]>;
  requests(filter?: RequestFilter): MaybePromise<PushRequestRecord[]>;
  waitForMessages(subscriberId: string, count: number, timeoutMs?: number): Promise<PushMessage[]>;
  setBehaviour(subscriberId: string, behaviour: Behaviour | null): MaybePromise<void>;
  /** Forgets messages, requests and behaviours; subscribers stay valid. */
  reset(): MaybePromise<void>;
}

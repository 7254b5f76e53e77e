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
  /** The subscriber's id, or the channelID of a browser's registration (`/wpush/<channelID>`). */
  subscriberId: string;
  /** The push endpoint the request was sent to. */
  endpoint: string;
  /** HTTP status answered; 0 when a `reset` behaviour dropped the connection instead. */
  status: number;
  /** Why the request was rejected, or 'behaviour' when fault injection answered it. */
  reason?: string;
  /** The Retry-After (seconds) answered with a 429. */
  retryAfter?: number;
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
/** Never answers: holds the request until the client gives up (a timeout), and accepts nothing. */
export type HangBehaviour = { hang: true; times?: number };
/** Fault injection for one subscriber or browser channel; `times` defaults to every following request. */
export type Behaviour = ErrorBehaviour | RateLimitBehaviour | DelayBehaviour | ResetBehaviour | HangBehaviour;

export interface RequestFilter {
  subscriberId?: string;
  /** Only requests sent to this push endpoint. */
  endpoint?: string;
}

// ---- the browser side (Mozilla's WebPush protocol over WebSocket, see browser.ts) ----

/** A push subscription a real browser registered over the WebSocket (a `register` message). */
export interface BrowserChannel {
  channelId: string;
  /** The browser (its user agent id) that registered it. */
  uaid: string;
  /** base64url (unpadded) of the applicationServerKey, or null if the browser gave none. */
  applicationServerKey: string | null;
  /** `https://127.0.0.1:PORT/wpush/<channelID>`: what the application receives as the endpoint. */
  endpoint: string;
  registeredAt: number;
  /** When the browser unregistered it (PushSubscription.unsubscribe()); pushes then answer 410. */
  unregisteredAt: number | null;
}

/**
 * - `pending`: stored for a browser that is not connected;
 * - `sent`: sent over the WebSocket, not acknowledged yet (sent again when the browser reconnects);
 * - `acked`: the browser acknowledged it (see `ack.code` for whether it could use it);
 * - `expired`: its TTL ran out before the browser took it (a TTL 0 message for an offline browser at once);
 * - `replaced`: a newer message with the same Topic arrived before this one was sent (RFC 8030 5.4);
 * - `dropped`: the channel was unregistered before the browser acknowledged it.
 */
export type BrowserMessageState = 'pending' | 'sent' | 'acked' | 'expired' | 'replaced' | 'dropped';

/** A push message accepted for a browser's channel. The service cannot decrypt it: the browser holds the keys. */
export interface BrowserMessage {
  /** The `version` the browser echoes in its ack. */
  version: string;
  channelId: string;
  at: number;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  vapid: { aud: string; sub: string; exp: number; k: string };
  bodyBytes: number;
  state: BrowserMessageState;
  /** How many times it was sent over the WebSocket. */
  deliveries: number;
  /** The browser's ack: code 100 delivered to the service worker, 101 could not decrypt, 102 not delivered. */
  ack: { code: number; at: number } | null;
  /** The browser's nack (the service worker threw or rejected): code 301, 302 or 303. */
  nack: { code: number; at: number } | null;
}

/** One WebSocket connection of a browser, from its `hello` to its close. */
export interface BrowserSession {
  /** The uaid the service answered with (the browser's identity from then on). */
  uaid: string;
  /** The uaid the browser sent in its hello; Firefox sends one only when it has registrations. */
  helloUaid: string | null;
  connectedAt: number;
  closedAt: number | null;
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
  /**
   * A script: the subscriber's next requests get these behaviours in order (each for its `times`,
   * default 1 here), then normal service. Replaces any behaviour set before.
   */
  setBehaviours(subscriberId: string, behaviours: Behaviour[]): MaybePromise<void>;
  /**
   * Forgets messages (a browser's undelivered ones included), requests, behaviours and browser
   * sessions; subscribers and browser registrations stay valid.
   */
  reset(): MaybePromise<void>;
  /** Every registration browsers made over the WebSocket, unregistered ones included. */
  browserChannels(): MaybePromise<BrowserChannel[]>;
  /** Messages accepted for browsers' channels, oldest first; only one channel's when given. */
  browserMessages(channelId?: string): MaybePromise<BrowserMessage[]>;
  /** Browsers' WebSocket connections, oldest first. */
  browserSessions(): MaybePromise<BrowserSession[]>;
}

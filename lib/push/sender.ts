/**
 * Sends one Web Push message (RFC 8030 §5) and classifies the push service's answer.
 *
 * Connections are pooled per push-service origin (one undici Agent; keep-alive), the endpoint is
 * re-checked against the allowlist on every send, and every connection's DNS answer is checked
 * (private addresses only when listed) before the socket opens.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, errors as undiciErrors } from 'undici';
import { fromB64u } from './base64url';
import { encryptAes128gcm, PayloadTooLargeError } from './ece';
import type { PushAllowlist } from './allowlist';
import type { IssuedClaim, VapidSigner } from './vapid';

import type { Urgency } from './constants';

export { MAX_TTL_SECONDS, TOPIC_RE, URGENCIES, type Urgency } from './constants';

export interface PushTarget {
  endpoint: string;
  /** base64url of the 65-byte subscriber public key. */
  p256dh: string;
  /** base64url of the 16-byte auth secret. */
  auth: string;
}

export interface PushMessage {
  /** Plaintext payload (null: a push without data). */
  payload: Buffer | null;
  ttl: number;
  urgency?: Urgency;
  topic?: string;
}

/**
 * - delivered: 2xx
 * - gone: 404/410, the subscription no longer exists: never retry, never send again
 * - too_large: 413
 * - rejected: 400/401/403 and other 4xx (bad request, VAPID or key mismatch), or an endpoint
 *   refused by the allowlist: retrying the same request cannot succeed
 * - rate_limited: 429; retry no earlier than retryAfterMs
 * - retry: 5xx, timeouts, connection failures: retry with backoff
 */
export type Outcome = 'delivered' | 'gone' | 'too_large' | 'rejected' | 'rate_limited' | 'retry';

export interface SendResult {
  outcome: Outcome;
  status: number | null;
  /** The push service's host name. */
  pushService: string;
  latencyMs: number;
  reason?: string;
  retryAfterMs?: number;
  claim?: IssuedClaim;
}

/** Parses Retry-After (delta-seconds or HTTP-date) into milliseconds from now. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function classify(status: number): Outcome {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 404 || status === 410) return 'gone';
  if (status === 413) return 'too_large';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status >= 500) return 'retry';
  return 'rejected';
}

function cleanReason(text: string): string | undefined {
  const t = text.replace(/\s+/g, ' ').trim();
  if (!t) return undefined;
  try {
    const j = JSON.parse(t) as { message?: unknown; error?: unknown; reason?: unknown; errno?: unknown };
    const msg = [j.reason, j.message, j.error].find((x) => typeof x === 'string') as string | undefined;
    if (msg) return `${msg}${j.errno !== undefined ? ` (errno ${j.errno})` : ''}`.slice(0, 300);
  } catch {
    /* not JSON: keep the text */
  }
  return t.slice(0, 300);
}

export interface SenderOptions {
  allowlist: PushAllowlist;
  /** Keep-alive connections per push-service origin. */
  connectionsPerOrigin?: number;
  /** Per-request deadline for the response headers. */
  timeoutMs?: number;
  /** DNS resolution (tests substitute answers; default node:dns lookup). */
  lookup?: typeof dnsLookup;
}

export class PushSender {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(private readonly opts: SenderOptions) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    const allowlist = opts.allowlist;
    const guardedLookup = (
      hostname: string,
      options: LookupOptions,
      cb: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
    ) => {
      (opts.lookup ?? dnsLookup)(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return cb(err, []);
        const list = addresses as LookupAddress[];
        const blocked = list.find((a) => !allowlist.addressAllowed(hostname, a.address));
        if (blocked) {
          const e: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${blocked.address}, a non-public address that is not allowlisted`);
          e.code = 'EPUSHBLOCKED';
          return cb(e, []);
        }
        if (options.all) return cb(null, list);
        const first = list[0]!;
        cb(null, first.address, first.family);
      });
    };
    this.agent = new Agent({
      connections: opts.connectionsPerOrigin ?? 64,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: { timeout: 10_000, lookup: guardedLookup as never },
    });
  }

  async send(target: PushTarget, message: PushMessage, signer: VapidSigner): Promise<SendResult> {
    const t0 = performance.now();
    const checked = this.opts.allowlist.check(target.endpoint);
    const pushService = checked.ok ? checked.host : safeHost(target.endpoint);
    const done = (r: Omit<SendResult, 'latencyMs' | 'pushService'>): SendResult => ({
      ...r,
      pushService,
      latencyMs: Math.round(performance.now() - t0),
    });
    if (!checked.ok) return done({ outcome: 'rejected', status: null, reason: checked.reason });

    let body: Buffer | undefined;
    if (message.payload && message.payload.length > 0) {
      const ua = fromB64u(target.p256dh);
      const auth = fromB64u(target.auth);
      if (!ua || ua.length !== 65 || !auth || auth.length !== 16) {
        return done({ outcome: 'rejected', status: null, reason: 'The subscription keys are malformed.' });
      }
      try {
        body = encryptAes128gcm(message.payload, ua, auth);
      } catch (e) {
        return done({ outcome: e instanceof PayloadTooLargeError ? 'too_large' : 'rejected', status: null, reason: (e as Error).message });
      }
    }

    const claim = await signer.authorization(checked.origin);
    const headers: Record<string, string> = { authorization: claim.header, ttl: String(message.ttl) };
    if (message.urgency) headers.urgency = message.urgency;
    if (message.topic) headers.topic = message.topic;
    if (body) {
      headers['content-encoding'] = 'aes128gcm';
      headers['content-type'] = 'application/octet-stream';
    }
    try {
      const res = await this.agent.request({
        origin: checked.origin,
        path: checked.url.pathname + checked.url.search,
        method: 'POST',
        headers,
        body: body ?? '',
      });
      const text = await readCapped(res.body, 4096);
      const outcome = classify(res.statusCode);
      const retryAfterHeader = res.headers['retry-after'];
      return done({
        outcome,
        status: res.statusCode,
        claim,
        reason: outcome === 'delivered' ? undefined : cleanReason(text),
        retryAfterMs:
          outcome === 'rate_limited' || outcome === 'retry'
            ? parseRetryAfter(Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader)
            : undefined,
      });
    } catch (e) {
      return done({ outcome: 'retry', status: null, claim, reason: networkReason(e) });
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

async function readCapped(body: AsyncIterable<Buffer | Uint8Array>, max: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < max) parts.push(Buffer.from(chunk));
    size += chunk.length;
  }
  return Buffer.concat(parts).subarray(0, max).toString('utf8');
}

function networkReason(e: unknown): string {
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError) return 'Timed out waiting for the push service.';
  if (e instanceof undiciErrors.ConnectTimeoutError) return 'Timed out connecting to the push service.';
  const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = err.code ?? err.cause?.code;
  const msg = err.cause?.message ?? err.message;
  return `${code ? `${code}: ` : ''}${msg}`.slice(0, 300);
}

function safeHost(endpoint: string): string {
  try {
    return new URL(endpoint).hostname;
  } catch {
    return 'invalid';
  }
}

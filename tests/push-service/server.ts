/**
 * Push-service test server: a local stand-in for a Web Push service (RFC 8030) such as Mozilla's
 * autopush. It owns subscriber key pairs, checks every push request the way a real service does
 * (VAPID per RFC 8292, TTL/Urgency/Topic, size, Content-Encoding), decrypts accepted messages
 * (RFC 8291) with the independent `http_ece` package so tests can assert on plaintext, records
 * every request, injects faults on demand, and serves a JSON control API for out-of-process use.
 *
 * Real browsers (Firefox) subscribe too: browser.ts speaks Mozilla's WebPush protocol with them
 * over WebSocket and hands out `/wpush/<channelID>` endpoints; pushes to those are checked here
 * the same way, then stored and forwarded to the browser, which alone can decrypt them.
 *
 * One port, two protocols: TLS for everything HTTP (push requests, the control API) and plain
 * HTTP for the browsers' WebSocket, told apart by the first byte a client sends (0x16 starts
 * every TLS handshake; an HTTP request starts with a letter). Firefox reaches its push service
 * over `ws://` only (with `dom.push.testing.allowInsecureServerURL`; `wss://` would need this
 * self-signed certificate in its profile), while web-push senders need `https://` — and one
 * port keeps every configuration that already names this server's port as it is.
 *
 * The VAPID checks are written here with node:crypto on purpose: the point is to judge the
 * application's own VAPID and encryption code with something that does not share it.
 */
import { createECDH, createPublicKey, randomBytes, verify, type ECDH, type KeyObject } from 'node:crypto';
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createRequire } from 'node:module';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { BrowserPushHub } from './browser';
import { ensureTestCert } from './cert';
import type {
  Behaviour,
  BrowserChannel,
  BrowserMessage,
  BrowserSession,
  CreateSubscriberOptions,
  CreatedSubscriber,
  PushMessage,
  PushRequestRecord,
  PushServiceControl,
  RequestFilter,
  VapidInfo,
} from './types';

export type * from './types';

/**
 * The untyped `http_ece` package (RFC 8188), loaded with require() and typed here for the one call
 * made, so this test tooling declares no global module types of its own.
 */
interface Ece {
  decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: Buffer }): Buffer;
}
const ece = createRequire(import.meta.url)('http_ece') as Ece;

/**
 * errno values in error bodies (`{code, errno, error, message}`, autopush's shape). Where autopush
 * has a number for the same failure it is reused; the others are this server's own.
 */
export const ERRNO = {
  /** 404: unknown subscription (autopush: invalid token). */
  noSuchSubscription: 102,
  /** 413: body over 4096 bytes (autopush: payload too large). */
  payloadTooLarge: 104,
  /** 410: subscription gone: a browser's endpoint not (or no longer) registered, or a behaviour (autopush: no subscription). */
  gone: 106,
  /** 401 and 403: any VAPID failure (autopush: invalid authentication). */
  authentication: 109,
  /** 400/415: missing or unsupported Content-Encoding (autopush: invalid encryption). */
  encryption: 110,
  /** 400: no TTL header (autopush: no TTL). */
  missingTtl: 111,
  /** 400: TTL is not a non-negative integer. */
  invalidTtl: 112,
  /** 400: Topic is not 1-32 characters of the URL-safe base64 alphabet. */
  invalidTopic: 113,
  /** 400: Urgency is not one of very-low, low, normal, high. */
  invalidUrgency: 114,
  /** 429: rate limited; only from a behaviour. */
  tooManyRequests: 115,
  /** 503: service unavailable; only from a behaviour. */
  unavailable: 201,
  /** 500 and anything unexpected, including a behaviour's 500 (autopush: unknown error). */
  internal: 999,
  /** 404 on the control API: unknown route or subscriber. */
  controlNotFound: 404,
  /** 400 on the control API: malformed request. */
  controlBadRequest: 400,
} as const;

/** errno answered for each status a behaviour can inject. */
const BEHAVIOUR_ERRNO: Record<number, number> = {
  400: ERRNO.encryption,
  403: ERRNO.authentication,
  404: ERRNO.noSuchSubscription,
  410: ERRNO.gone,
  413: ERRNO.payloadTooLarge,
  429: ERRNO.tooManyRequests,
  500: ERRNO.internal,
  503: ERRNO.unavailable,
};

/** RFC 8030 lets a service refuse larger bodies; 4096 is what browsers' services accept. */
const MAX_PAYLOAD_BYTES = 4096;
/** Bodies are drained to the end but only this much is kept, so a huge upload costs no memory. */
const MAX_BUFFERED_BYTES = 64 * 1024;
const CLOCK_SKEW_S = 60;
const MAX_EXP_AHEAD_S = 24 * 60 * 60;
const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

interface Subscriber {
  id: string;
  label?: string;
  ecdh: ECDH;
  authSecret: Buffer;
  applicationServerKey: Buffer;
}

interface ActiveBehaviour {
  behaviour: Behaviour;
  /** Requests left before it clears itself; Infinity when `times` was not given. */
  remaining: number;
}

interface Waiter {
  check(): void;
  fail(err: Error): void;
}

/** A request the service turns down; carries what goes into the answer and the log. */
class Rejection {
  constructor(
    readonly status: number,
    readonly errno: number,
    readonly message: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface PushServiceServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where the TLS certificate lives; see ensureTestCert. */
  certDir?: string;
}

export class PushServiceServer implements PushServiceControl {
  readonly certPath: string;
  private readonly cert: string;
  private readonly key: string;
  private readonly port: number;
  /** The listening socket; it passes each connection to `https` or `plain` by its first byte. */
  private server: NetServer | undefined;
  private https: HttpsServer | undefined;
  private plain: HttpServer | undefined;
  /** Every open connection, so stop() can end them: the TLS side takes over their handles. */
  private readonly sockets = new Set<Socket>();
  private currentOrigin: string | undefined;
  private readonly browsers = new BrowserPushHub((channelId) => `${this.origin}/wpush/${channelId}`, decodeP256Point);
  private readonly subscribers = new Map<string, Subscriber>();
  /** Per subscriber or channel: the behaviours still to apply, in order. */
  private readonly behaviours = new Map<string, ActiveBehaviour[]>();
  private readonly messageLog = new Map<string, PushMessage[]>();
  private allMessageLog: PushMessage[] = [];
  private requestLog: PushRequestRecord[] = [];
  private readonly waiters = new Set<Waiter>();
  /** Sleeping `delayMs` behaviours, woken early by stop(). */
  private readonly sleepers = new Set<() => void>();

  constructor(options: PushServiceServerOptions = {}) {
    this.port = options.port ?? 0;
    const tls = ensureTestCert(options.certDir);
    this.certPath = tls.certPath;
    this.cert = tls.cert;
    this.key = tls.key;
  }

  /** `https://127.0.0.1:PORT`; only known once start() has resolved. */
  get origin(): string {
    if (!this.currentOrigin) throw new Error('PushServiceServer is not started');
    return this.currentOrigin;
  }

  /** `ws://127.0.0.1:PORT/`: Firefox's `dom.push.serverURL`. Same port as origin. */
  get browserPushURL(): string {
    return `${this.origin.replace(/^https:/, 'ws:')}/`;
  }

  async start(): Promise<string> {
    if (this.server) return this.origin;
    const https = createHttpsServer({ cert: this.cert, key: this.key }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (res.headersSent) res.destroy();
        else sendError(res, new Rejection(500, ERRNO.internal, `Test server failure: ${errorMessage(err)}`));
      });
    });
    // Plain HTTP is only for the browsers' WebSocket; anything else is told to use TLS.
    const plain = createHttpServer((req, res) => {
      req.resume();
      sendError(res, new Rejection(400, ERRNO.internal, 'This port speaks HTTPS; plain HTTP is only for the WebSocket of browsers (push-notification)'));
    });
    plain.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.browsers.handleUpgrade(req, socket, head));
    const server = createNetServer((socket) => {
      this.sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.once('close', () => this.sockets.delete(socket));
      socket.once('data', (first: Buffer) => {
        socket.pause();
        socket.unshift(first);
        // The TLS server reads what was put back (it takes over buffered data); the HTTP server
        // reads the stream, so it needs it flowing again.
        if (first[0] === 0x16) https.emit('connection', socket);
        else {
          plain.emit('connection', socket);
          socket.resume();
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.port, host: '127.0.0.1' }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.https = https;
    this.plain = plain;
    this.currentOrigin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.currentOrigin;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const wake of this.sleepers) wake();
    for (const waiter of [...this.waiters]) waiter.fail(new Error('PushServiceServer stopped'));
    this.browsers.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive sockets (and requests stuck in a delay) would otherwise hold close() open.
      this.https?.closeAllConnections();
      this.plain?.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
    });
  }

  createSubscriber(options: CreateSubscriberOptions): CreatedSubscriber {
    const applicationServerKey = decodeP256Point(options.applicationServerKey);
    if (!applicationServerKey) {
      throw new Error('applicationServerKey must be base64url of a 65-byte uncompressed P-256 public key');
    }
    const id = randomBytes(16).toString('base64url');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const authSecret = randomBytes(16);
    this.subscribers.set(id, { id, label: options.label, ecdh, authSecret, applicationServerKey });
    return {
      id,
      subscription: {
        endpoint: `${this.origin}/push/${id}`,
        expirationTime: null,
        keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
      },
    };
  }

  messages(subscriberId: string): PushMessage[] {
    this.subscriber(subscriberId);
    return [...(this.messageLog.get(subscriberId) ?? [])];
  }

  allMessages(): PushMessage[] {
    return [...this.allMessageLog];
  }

  requests(filter: RequestFilter = {}): PushRequestRecord[] {
    const { subscriberId, endpoint } = filter;
    return this.requestLog.filter(
      (r) => (subscriberId === undefined || r.subscriberId === subscriberId) && (endpoint === undefined || r.endpoint === endpoint),
    );
  }

  browserChannels(): BrowserChannel[] {
    return this.browsers.channelList();
  }

  browserMessages(channelId?: string): BrowserMessage[] {
    return this.browsers.messages(channelId);
  }

  browserSessions(): BrowserSession[] {
    return this.browsers.sessions();
  }

  waitForMessages(subscriberId: string, count: number, timeoutMs = 10_000): Promise<PushMessage[]> {
    try {
      this.subscriber(subscriberId);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        check: () => {
          const list = this.messageLog.get(subscriberId) ?? [];
          if (list.length < count) return;
          finish();
          resolve([...list]);
        },
        fail: (err) => {
          finish();
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        const got = this.messageLog.get(subscriberId)?.length ?? 0;
        waiter.fail(new Error(`waitForMessages: subscriber ${subscriberId} got ${got} of ${count} message(s) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  setBehaviour(subscriberId: string, behaviour: Behaviour | null): void {
    if (!this.browsers.channel(subscriberId)) this.subscriber(subscriberId);
    const parsed = parseBehaviour(behaviour);
    if (parsed === null) this.behaviours.delete(subscriberId);
    else this.behaviours.set(subscriberId, [{ behaviour: parsed, remaining: parsed.times ?? Infinity }]);
  }

  setBehaviours(subscriberId: string, behaviours: Behaviour[]): void {
    if (!this.browsers.channel(subscriberId)) this.subscriber(subscriberId);
    if (!Array.isArray(behaviours)) throw new Error('Behaviours must be an array');
    const script = behaviours.map((b) => {
      const parsed = parseBehaviour(b);
      if (parsed === null) throw new Error('A behaviour script cannot hold null');
      return { behaviour: parsed, remaining: parsed.times ?? 1 };
    });
    if (script.length) this.behaviours.set(subscriberId, script);
    else this.behaviours.delete(subscriberId);
  }

  reset(): void {
    this.messageLog.clear();
    this.allMessageLog = [];
    this.requestLog = [];
    this.behaviours.clear();
    this.browsers.reset();
  }

  private subscriber(id: string): Subscriber {
    const subscriber = this.subscribers.get(id);
    if (!subscriber) throw new NotFound(`No such subscriber: ${id}`);
    return subscriber;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (url.pathname === '/_control' || url.pathname.startsWith('/_control/')) return this.handleControl(req, res, url);
    const push = /^\/(w?push)\/([^/]+)$/.exec(url.pathname);
    if (push?.[2] && req.method === 'POST') return this.handlePush(req, res, push[2], push[1] === 'wpush' ? 'browser' : 'subscriber');
    await readBody(req);
    if (push) sendError(res, new Rejection(405, ERRNO.internal, 'Push requests must be POST', { Allow: 'POST' }));
    else sendError(res, new Rejection(404, ERRNO.noSuchSubscription, 'No such route'));
  }

  // ---- push requests (RFC 8030 section 5) ----

  /**
   * `/push/<id>` for subscribers this server made (it decrypts what they get) and `/wpush/<id>`
   * for a browser's channel (stored and forwarded over the browser's WebSocket).
   */
  private async handlePush(req: IncomingMessage, res: ServerResponse, id: string, kind: 'subscriber' | 'browser'): Promise<void> {
    const body = await readBody(req);
    const record: PushRequestRecord = {
      at: Date.now(),
      subscriberId: id,
      endpoint: `${this.origin}/${kind === 'browser' ? 'wpush' : 'push'}/${id}`,
      status: 0,
      headers: {
        ttl: header(req, 'ttl'),
        urgency: header(req, 'urgency'),
        topic: header(req, 'topic'),
        contentEncoding: header(req, 'content-encoding'),
      },
      bodyBytes: body.length,
    };

    let applicationServerKey: Buffer | null;
    const subscriber = kind === 'subscriber' ? this.subscribers.get(id) : undefined;
    if (kind === 'subscriber') {
      if (!subscriber) return this.reject(res, record, new Rejection(404, ERRNO.noSuchSubscription, 'No such subscription'));
      applicationServerKey = subscriber.applicationServerKey;
    } else {
      const channel = this.browsers.registeredKey(id);
      if (!channel.registered) {
        return this.reject(res, record, new Rejection(410, ERRNO.gone, 'No such subscription: the browser never registered it or has unregistered it'));
      }
      applicationServerKey = channel.key;
    }

    const active = this.takeBehaviour(id);
    if (active) {
      if ('hang' in active) {
        // The request is recorded when it arrives; the client's timeout ends it.
        record.reason = 'behaviour';
        this.requestLog.push(record);
        await new Promise<void>((resolve) => {
          const wake = () => {
            this.sleepers.delete(wake);
            resolve();
          };
          this.sleepers.add(wake);
          if (req.socket.destroyed) wake();
          else req.socket.once('close', wake);
        });
        req.socket.destroy();
        return;
      }
      if ('reset' in active) {
        record.reason = 'behaviour';
        this.requestLog.push(record);
        req.socket.destroy();
        return;
      }
      if ('delayMs' in active) {
        await this.sleep(active.delayMs);
        if (!this.server) return;
      } else {
        record.reason = 'behaviour';
        const headers: Record<string, string> = 'retryAfter' in active ? { 'Retry-After': String(active.retryAfter) } : {};
        if ('retryAfter' in active) record.retryAfter = active.retryAfter;
        const message = `Injected by setBehaviour: ${active.status} ${STATUS_CODES[active.status] ?? ''}`.trim();
        return this.reject(res, record, new Rejection(active.status, BEHAVIOUR_ERRNO[active.status] ?? ERRNO.internal, message, headers), false);
      }
    }

    let accepted: { vapid: PushMessage['vapid']; ttl: number; urgency: string | null; topic: string | null };
    try {
      const vapid = checkVapid(header(req, 'authorization'), this.origin, record);
      // A browser may subscribe without an applicationServerKey; then any valid VAPID key will do.
      if (applicationServerKey && !vapid.key.equals(applicationServerKey)) {
        throw new Rejection(403, ERRNO.authentication, 'VAPID key k does not match the applicationServerKey of the subscription');
      }
      accepted = { vapid: vapid.claims, ...checkHeaders(record.headers) };
      if (body.length > MAX_PAYLOAD_BYTES) {
        throw new Rejection(413, ERRNO.payloadTooLarge, `Body of ${body.length} bytes is over the ${MAX_PAYLOAD_BYTES}-byte limit`);
      }
      if (body.length > 0) checkContentEncoding(record.headers.contentEncoding);
    } catch (err) {
      if (err instanceof Rejection) return this.reject(res, record, err);
      throw err;
    }

    if (!subscriber) {
      // Checked again: the browser may have unregistered while a `delayMs` behaviour slept.
      if (!this.browsers.registeredKey(id).registered) {
        return this.reject(res, record, new Rejection(410, ERRNO.gone, 'No such subscription: the browser has unregistered it'));
      }
      const forwarded = this.browsers.accept(id, { at: record.at, ...accepted, body: body.data });
      record.status = 201;
      this.requestLog.push(record);
      res.writeHead(201, { Location: `${this.origin}/m/${forwarded.version}`, TTL: String(forwarded.ttl) });
      res.end();
      return;
    }

    const message: PushMessage = {
      messageId: randomBytes(12).toString('base64url'),
      subscriberId: id,
      at: record.at,
      plaintext: null,
      ...accepted,
    };
    if (body.length > 0) {
      try {
        // aes128gcm carries the sender's ephemeral public key in its header, so only the
        // subscriber's own key pair and auth secret are needed.
        const plain = ece.decrypt(body.data, { version: 'aes128gcm', privateKey: subscriber.ecdh, authSecret: subscriber.authSecret });
        message.plaintext = plain.toString('utf8');
      } catch (err) {
        // A real push service cannot decrypt, so it accepts the message all the same.
        message.decryptError = errorMessage(err);
      }
    }

    record.status = 201;
    this.requestLog.push(record);
    const list = this.messageLog.get(id) ?? [];
    list.push(message);
    this.messageLog.set(id, list);
    this.allMessageLog.push(message);
    res.writeHead(201, { Location: `${this.origin}/m/${message.messageId}`, TTL: String(message.ttl) });
    res.end();
    for (const waiter of [...this.waiters]) waiter.check();
  }

  private reject(res: ServerResponse, record: PushRequestRecord, rejection: Rejection, withReason = true): void {
    record.status = rejection.status;
    if (withReason) record.reason = rejection.message;
    this.requestLog.push(record);
    sendError(res, rejection);
  }

  /** The subscriber's behaviour for this request, counting it against `times`. */
  private takeBehaviour(id: string): Behaviour | undefined {
    const script = this.behaviours.get(id);
    const active = script?.[0];
    if (!script || !active) return undefined;
    active.remaining -= 1;
    if (active.remaining <= 0) script.shift();
    if (!script.length) this.behaviours.delete(id);
    return active.behaviour;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  // ---- control API ----

  private async handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req);
    const route = `${req.method ?? ''} ${url.pathname}`;
    try {
      if (route === 'GET /_control/health') return sendJson(res, 200, { ok: true });
      if (route === 'POST /_control/subscribers') {
        const input = parseJson(body);
        if (!isRecord(input) || typeof input.applicationServerKey !== 'string') {
          throw new BadRequest('Body must be {"applicationServerKey": string, "label"?: string}');
        }
        const label = typeof input.label === 'string' ? input.label : undefined;
        try {
          return sendJson(res, 201, this.createSubscriber({ applicationServerKey: input.applicationServerKey, label }));
        } catch (err) {
          throw new BadRequest(errorMessage(err));
        }
      }
      if (route === 'GET /_control/messages') return sendJson(res, 200, { messages: this.allMessages() });
      if (route === 'GET /_control/requests') {
        const subscriberId = url.searchParams.get('subscriberId') || undefined;
        const endpoint = url.searchParams.get('endpoint') || undefined;
        return sendJson(res, 200, { requests: this.requests({ subscriberId, endpoint }) });
      }
      if (route === 'GET /_control/browser/channels') return sendJson(res, 200, { channels: this.browserChannels() });
      if (route === 'GET /_control/browser/messages') {
        return sendJson(res, 200, { messages: this.browserMessages(url.searchParams.get('channelId') || undefined) });
      }
      if (route === 'GET /_control/browser/sessions') return sendJson(res, 200, { sessions: this.browserSessions() });
      if (route === 'POST /_control/reset') {
        this.reset();
        return sendEmpty(res, 204);
      }
      const sub = /^(GET|PUT) \/_control\/subscribers\/([^/]+)\/(messages|behaviours?)$/.exec(route);
      const [, method, id, what] = sub ?? [];
      if (id && method === 'GET' && what === 'messages') return sendJson(res, 200, { messages: this.messages(id) });
      if (id && method === 'PUT' && what === 'behaviour') {
        if (!this.browsers.channel(id)) this.subscriber(id);
        let behaviour: Behaviour | null;
        try {
          behaviour = parseBehaviour(parseJson(body));
        } catch (err) {
          throw new BadRequest(errorMessage(err));
        }
        this.setBehaviour(id, behaviour);
        return sendEmpty(res, 204);
      }
      if (id && method === 'PUT' && what === 'behaviours') {
        if (!this.browsers.channel(id)) this.subscriber(id);
        try {
          const list = parseJson(body);
          if (!Array.isArray(list)) throw new Error('Body must be an array of behaviours');
          this.setBehaviours(id, list as Behaviour[]);
        } catch (err) {
          throw new BadRequest(errorMessage(err));
        }
        return sendEmpty(res, 204);
      }
      throw new NotFound(`No control route ${route}`);
    } catch (err) {
      if (err instanceof NotFound) return sendError(res, new Rejection(404, ERRNO.controlNotFound, err.message));
      if (err instanceof BadRequest) return sendError(res, new Rejection(400, ERRNO.controlBadRequest, err.message));
      throw err;
    }
  }
}

class NotFound extends Error {}
class BadRequest extends Error {}

// ---- VAPID (RFC 8292) ----

/**
 * Checks `Authorization: vapid t=<jwt>, k=<key>` and returns the verified key and claims; records
 * the claims as soon as they can be read so a rejected request still shows what it presented.
 */
function checkVapid(authorization: string | null, origin: string, record: PushRequestRecord): { key: Buffer; claims: PushMessage['vapid'] } {
  const unauthorized = (message: string) => new Rejection(401, ERRNO.authentication, message);
  if (!authorization) throw unauthorized('Missing Authorization header');
  const scheme = /^\s*vapid\s+(\S[\s\S]*)$/i.exec(authorization);
  if (!scheme?.[1]) throw unauthorized('Authorization scheme must be "vapid"');
  const params = new Map<string, string>();
  for (const part of scheme[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw unauthorized('Malformed Authorization parameter');
    const name = part.slice(0, eq).trim().toLowerCase();
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (params.has(name)) throw unauthorized(`Authorization parameter ${name} given twice`);
    params.set(name, value);
  }
  const token = params.get('t');
  const k = params.get('k');
  if (!token || !k) throw unauthorized('Authorization must carry both t= and k=');

  const parts = token.split('.');
  const [headerPart, payloadPart, signaturePart] = parts;
  if (parts.length !== 3 || !headerPart || !payloadPart || !signaturePart) throw unauthorized('JWT must have three parts');
  const jwtHeader = parseJsonObject(decodeBase64url(headerPart));
  if (!jwtHeader) throw unauthorized('JWT header is not base64url JSON');
  if (jwtHeader.alg !== 'ES256') throw unauthorized(`JWT alg must be ES256, not ${JSON.stringify(jwtHeader.alg)}`);
  const payload = parseJsonObject(decodeBase64url(payloadPart));
  if (!payload) throw unauthorized('JWT payload is not base64url JSON');
  const info: VapidInfo = {
    aud: typeof payload.aud === 'string' ? payload.aud : null,
    sub: typeof payload.sub === 'string' ? payload.sub : null,
    exp: typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp : null,
    k,
  };
  record.vapid = info;

  const key = decodeP256Point(k);
  const publicKey = key && toPublicKey(key);
  if (!key || !publicKey) throw unauthorized('k is not a base64url uncompressed P-256 public key');
  const signature = decodeBase64url(signaturePart);
  if (!signature || signature.length !== 64) throw unauthorized('JWT signature is not a 64-byte ES256 signature');
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  if (!verify('sha256', signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)) {
    throw unauthorized('JWT signature does not verify with k');
  }

  if (info.aud !== origin) throw unauthorized(`JWT aud must be ${origin}, not ${JSON.stringify(payload.aud)}`);
  const now = Date.now() / 1000;
  if (info.exp === null) throw unauthorized('JWT exp must be a number');
  if (info.exp <= now - CLOCK_SKEW_S) throw unauthorized('JWT has expired');
  if (info.exp > now + MAX_EXP_AHEAD_S + CLOCK_SKEW_S) throw unauthorized('JWT exp is more than 24 hours ahead');
  if (info.sub === null || !/^(mailto:|https:)/.test(info.sub)) throw unauthorized('JWT sub must be a mailto: or https: URL');
  return { key, claims: { aud: info.aud, sub: info.sub, exp: info.exp, k } };
}

function toPublicKey(point: Buffer): KeyObject | undefined {
  try {
    return createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return undefined; // not a point on the curve
  }
}

/** Decodes base64url of an uncompressed P-256 point (padding tolerated) that is on the curve. */
function decodeP256Point(value: string): Buffer | undefined {
  const bytes = decodeBase64url(value.replace(/=+$/, ''));
  if (!bytes || bytes.length !== 65 || bytes[0] !== 0x04) return undefined;
  return toPublicKey(bytes) ? bytes : undefined;
}

/** Strict base64url: Buffer.from() would silently skip characters outside the alphabet. */
function decodeBase64url(value: string): Buffer | undefined {
  if (!BASE64URL.test(value) || value.length % 4 === 1) return undefined;
  return Buffer.from(value, 'base64url');
}

function parseJsonObject(bytes: Buffer | undefined): Record<string, unknown> | undefined {
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

// ---- headers ----

function checkHeaders(headers: PushRequestRecord['headers']): { ttl: number; urgency: string | null; topic: string | null } {
  const { ttl, urgency, topic } = headers;
  if (ttl === null) throw new Rejection(400, ERRNO.missingTtl, 'Missing TTL header');
  if (!/^\d+$/.test(ttl.trim())) throw new Rejection(400, ERRNO.invalidTtl, `TTL must be a non-negative integer, not ${JSON.stringify(ttl)}`);
  if (urgency !== null && !URGENCIES.has(urgency.trim())) {
    throw new Rejection(400, ERRNO.invalidUrgency, `Urgency must be very-low, low, normal or high, not ${JSON.stringify(urgency)}`);
  }
  if (topic !== null && !TOPIC.test(topic.trim())) {
    throw new Rejection(400, ERRNO.invalidTopic, 'Topic must be 1 to 32 characters of A-Z a-z 0-9 _ -');
  }
  return { ttl: Number(ttl.trim()), urgency: urgency?.trim() ?? null, topic: topic?.trim() ?? null };
}

function checkContentEncoding(contentEncoding: string | null): void {
  if (contentEncoding === null) throw new Rejection(400, ERRNO.encryption, 'Missing Content-Encoding header');
  if (contentEncoding.trim().toLowerCase() !== 'aes128gcm') {
    throw new Rejection(415, ERRNO.encryption, `Content-Encoding must be aes128gcm, not ${JSON.stringify(contentEncoding)}`);
  }
}

function parseBehaviour(value: unknown): Behaviour | null {
  if (value === null) return null;
  const invalid = () => new Error(`Invalid behaviour ${JSON.stringify(value)}`);
  if (!isRecord(value)) throw invalid();
  const times = value.times;
  if (times !== undefined && !(Number.isInteger(times) && (times as number) > 0)) throw invalid();
  const withTimes = times === undefined ? {} : { times: times as number };
  if (value.reset === true) return { reset: true, ...withTimes };
  if (value.hang === true) return { hang: true, ...withTimes };
  if (typeof value.delayMs === 'number' && value.delayMs >= 0 && value.status === undefined) {
    return { delayMs: value.delayMs, ...withTimes };
  }
  if (value.status === 429) {
    if (typeof value.retryAfter !== 'number' || !Number.isInteger(value.retryAfter) || value.retryAfter < 0) throw invalid();
    return { status: 429, retryAfter: value.retryAfter, ...withTimes };
  }
  const status = value.status;
  if (status === 400 || status === 403 || status === 404 || status === 410 || status === 413 || status === 500 || status === 503) {
    return { status, ...withTimes };
  }
  throw invalid();
}

// ---- HTTP plumbing ----

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Reads the whole body; `length` counts every byte even past MAX_BUFFERED_BYTES. */
async function readBody(req: IncomingMessage): Promise<{ data: Buffer; length: number }> {
  const chunks: Buffer[] = [];
  let buffered = 0;
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (buffered < MAX_BUFFERED_BYTES) {
      const keep = chunk.subarray(0, MAX_BUFFERED_BYTES - buffered);
      chunks.push(keep);
      buffered += keep.length;
    }
  }
  return { data: Buffer.concat(chunks), length };
}

function parseJson(body: { data: Buffer; length: number }): unknown {
  if (body.length > body.data.length) throw new BadRequest('Body too large');
  const text = body.data.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequest('Body is not JSON');
  }
}

function sendError(res: ServerResponse, rejection: Rejection): void {
  sendJson(
    res,
    rejection.status,
    { code: rejection.status, errno: rejection.errno, error: STATUS_CODES[rejection.status] ?? 'Error', message: rejection.message },
    rejection.headers,
  );
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

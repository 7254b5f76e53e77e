/**
 * The browser side of the push-service test server: Mozilla's WebPush protocol over WebSocket
 * (subprotocol `push-notification`), the one Firefox speaks to its push service (autopush). It owns
 * the browsers' state — user agent ids (uaid), their registrations (channels) and the messages
 * waiting for them — and delivers, re-delivers and expires those messages.
 *
 * The HTTP side (server.ts) checks a push request to `/wpush/<channelID>` like any other and then
 * hands it to accept(); it cannot decrypt it, only the browser holds the keys.
 *
 * The protocol as Firefox 140–153 speaks it (PushServiceWebSocket.sys.mjs), every message a JSON text frame:
 * - `hello` first: the browser sends its uaid only when it has registrations; answering with
 *   another uaid makes it drop them all, so known uaids are kept for the server's lifetime;
 * - `register` {channelID, key}: key is the applicationServerKey as *padded* base64url;
 * - `unregister` {channelID, code}; `ack` {updates: [{channelID, version, code}]}; `nack` {version, code};
 * - the ping is the literal `{}` and must be answered, or the browser reconnects;
 * - `broadcast_subscribe`, answered with an empty `broadcast`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { BrowserChannel, BrowserMessage, BrowserSession, PushMessage } from './types';

export const WS_SUBPROTOCOL = 'push-notification';

/** What server.ts accepted for a channel: the checked request, its body still encrypted. */
export interface AcceptedPush {
  at: number;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  vapid: PushMessage['vapid'];
  body: Buffer;
}

interface Channel extends BrowserChannel {
  key: Buffer | null;
}

interface StoredMessage extends BrowserMessage {
  body: Buffer;
  expiresAt: number;
}

interface Session extends BrowserSession {
  socket: WebSocket;
}

/** Frames a misbehaving client could send are bounded; real ones are a few hundred bytes. */
const MAX_FRAME_BYTES = 64 * 1024;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export class BrowserPushHub {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });
  /** Every uaid ever handed out; kept so a browser that reconnects (or restarts) keeps its registrations. */
  private readonly uaids = new Set<string>();
  private readonly channels = new Map<string, Channel>();
  private messageLog: StoredMessage[] = [];
  private sessionLog: Session[] = [];
  /** The open connection of each uaid; a newer connection for the same uaid replaces it. */
  private readonly live = new Map<string, Session>();
  private sequence = 0;

  /**
   * @param endpointFor the push endpoint of a channel, on the HTTPS side.
   * @param decodeKey the bytes of a base64url P-256 public key (padding tolerated), or undefined if it is not one.
   */
  constructor(
    private readonly endpointFor: (channelId: string) => string,
    private readonly decodeKey: (value: string) => Buffer | undefined,
  ) {}

  /** Takes over an HTTP upgrade request (from the plain-HTTP side of the port). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (!protocols.includes(WS_SUBPROTOCOL)) {
      socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
  }

  /** Closes every browser connection (a browser would retry; the server is going away). */
  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  channel(channelId: string): BrowserChannel | undefined {
    const channel = this.channels.get(channelId);
    return channel && publicChannel(channel);
  }

  /** The registered (not unregistered) channel's applicationServerKey, for the `k` check. */
  registeredKey(channelId: string): { registered: boolean; key: Buffer | null } {
    const channel = this.channels.get(channelId);
    return channel && channel.unregisteredAt === null ? { registered: true, key: channel.key } : { registered: false, key: null };
  }

  channelList(): BrowserChannel[] {
    return [...this.channels.values()].map(publicChannel);
  }

  messages(channelId?: string): BrowserMessage[] {
    const list = channelId === undefined ? this.messageLog : this.messageLog.filter((m) => m.channelId === channelId);
    return list.map(publicMessage);
  }

  sessions(): BrowserSession[] {
    return this.sessionLog.map(({ socket: _socket, ...session }) => ({ ...session }));
  }

  /** Forgets messages (undelivered ones too) and past sessions; uaids and channels stay. */
  reset(): void {
    this.messageLog = [];
    this.sessionLog = this.sessionLog.filter((s) => s.closedAt === null);
  }

  /**
   * Stores a checked push for a registered channel and sends it at once if its browser is
   * connected. RFC 8030 section 5.2: a TTL 0 message is delivered now or never.
   */
  accept(channelId: string, push: AcceptedPush): BrowserMessage {
    const channel = this.channels.get(channelId);
    if (!channel || channel.unregisteredAt !== null) throw new Error(`Channel ${channelId} is not registered`);
    const message: StoredMessage = {
      version: `m${++this.sequence}-${randomBytes(4).toString('hex')}`,
      channelId,
      at: push.at,
      ttl: push.ttl,
      urgency: push.urgency,
      topic: push.topic,
      vapid: push.vapid,
      bodyBytes: push.body.length,
      state: 'pending',
      deliveries: 0,
      ack: null,
      nack: null,
      body: push.body,
      expiresAt: push.at + push.ttl * 1000,
    };
    if (message.topic !== null) {
      // RFC 8030 section 5.4: a message with the same Topic replaces one not yet delivered.
      for (const old of this.messageLog) {
        if (old.channelId === channelId && old.topic === message.topic && old.state === 'pending') old.state = 'replaced';
      }
    }
    this.messageLog.push(message);
    const session = this.live.get(channel.uaid);
    if (session) this.deliver(session, message);
    else if (message.ttl === 0) message.state = 'expired';
    return publicMessage(message);
  }

  // ---- the WebSocket conversation ----

  private connected(ws: WebSocket): void {
    let session: Session | undefined;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const message = isBinary ? undefined : parseMessage(data);
      if (!message) {
        ws.close(1003, 'Expected a JSON object');
        return;
      }
      if (!session) {
        // Until hello, nothing else is understood (autopush closes such connections too).
        if (message.messageType !== 'hello') {
          ws.close(1008, 'hello first');
          return;
        }
        session = this.hello(ws, message);
        return;
      }
      this.handle(session, message);
    });
    ws.on('close', () => {
      if (!session) return;
      session.closedAt = Date.now();
      if (this.live.get(session.uaid) === session) this.live.delete(session.uaid);
    });
    ws.on('error', () => ws.terminate());
  }

  private hello(ws: WebSocket, message: Record<string, unknown>): Session {
    const asked = typeof message.uaid === 'string' && message.uaid !== '' ? message.uaid : null;
    // An unknown uaid (e.g. from before this server started) gets a fresh one, which tells the
    // browser its registrations are gone — what autopush does for a forgotten user agent.
    const uaid = asked !== null && this.uaids.has(asked) ? asked : randomUUID().replace(/-/g, '');
    this.uaids.add(uaid);
    const previous = this.live.get(uaid);
    const session: Session = { uaid, helloUaid: asked, connectedAt: Date.now(), closedAt: null, socket: ws };
    this.live.set(uaid, session);
    this.sessionLog.push(session);
    if (previous) previous.socket.close(4000, 'Replaced by a newer connection');
    send(ws, { messageType: 'hello', uaid, status: 200, use_webpush: true, broadcasts: {} });

    // Everything stored or left unacknowledged for this browser, oldest first.
    const now = Date.now();
    for (const stored of this.messageLog) {
      if (stored.state !== 'pending' && stored.state !== 'sent') continue;
      if (this.channels.get(stored.channelId)?.uaid !== uaid) continue;
      if (stored.expiresAt <= now) stored.state = 'expired';
      else this.deliver(session, stored);
    }
    return session;
  }

  private handle(session: Session, message: Record<string, unknown>): void {
    const ws = session.socket;
    switch (message.messageType) {
      case undefined:
        // The keep-alive ping is the literal `{}`; any answer will do.
        if (Object.keys(message).length === 0) ws.send('{}');
        return;
      case 'register':
        return this.register(session, message);
      case 'unregister': {
        const channelID = typeof message.channelID === 'string' ? message.channelID : '';
        const channel = this.channels.get(channelID);
        if (channel && channel.uaid === session.uaid && channel.unregisteredAt === null) {
          channel.unregisteredAt = Date.now();
          for (const stored of this.messageLog) {
            if (stored.channelId === channelID && (stored.state === 'pending' || stored.state === 'sent')) stored.state = 'dropped';
          }
        }
        // Unregistering an unknown channel succeeds too: the browser only wants it gone.
        send(ws, { messageType: 'unregister', channelID, status: 200 });
        return;
      }
      case 'ack':
        for (const update of Array.isArray(message.updates) ? message.updates : []) {
          if (!isRecord(update) || typeof update.version !== 'string') continue;
          const stored = this.find(session, update.version, update.channelID);
          if (!stored) continue;
          stored.ack = { code: typeof update.code === 'number' ? update.code : 100, at: Date.now() };
          if (stored.state === 'sent' || stored.state === 'pending') stored.state = 'acked';
        }
        return;
      case 'nack': {
        if (typeof message.version !== 'string') return;
        const stored = this.find(session, message.version, undefined);
        if (stored) stored.nack = { code: typeof message.code === 'number' ? message.code : 0, at: Date.now() };
        return;
      }
      case 'broadcast_subscribe':
        send(ws, { messageType: 'broadcast', broadcasts: {} });
        return;
      default:
        // Anything else (a second hello included) is ignored rather than fatal: it keeps the
        // conversation going so a test sees what happens next.
        return;
    }
  }

  private register(session: Session, message: Record<string, unknown>): void {
    const channelID = typeof message.channelID === 'string' ? message.channelID : '';
    const reply = (status: number, extra: Record<string, unknown> = {}) => send(session.socket, { messageType: 'register', channelID, status, ...extra });
    if (!UUID.test(channelID)) return reply(400, { error: 'channelID must be a UUID' });
    let key: Buffer | null = null;
    if (message.key !== undefined && message.key !== null) {
      // Firefox pads the key's base64url; compare bytes, never strings.
      key = (typeof message.key === 'string' && this.decodeKey(message.key)) || null;
      if (!key) return reply(400, { error: 'key must be base64url of a 65-byte uncompressed P-256 point' });
    }
    const existing = this.channels.get(channelID);
    if (existing) {
      const same = existing.uaid === session.uaid && existing.unregisteredAt === null && sameKey(existing.key, key);
      return same ? reply(200, { pushEndpoint: existing.endpoint }) : reply(409, { error: 'channelID is taken' });
    }
    const channel: Channel = {
      channelId: channelID,
      uaid: session.uaid,
      applicationServerKey: key ? key.toString('base64url') : null,
      endpoint: this.endpointFor(channelID),
      registeredAt: Date.now(),
      unregisteredAt: null,
      key,
    };
    this.channels.set(channelID, channel);
    reply(200, { pushEndpoint: channel.endpoint });
  }

  private find(session: Session, version: string, channelID: unknown): StoredMessage | undefined {
    return this.messageLog.find(
      (m) => m.version === version && (typeof channelID !== 'string' || m.channelId === channelID) && this.channels.get(m.channelId)?.uaid === session.uaid,
    );
  }

  private deliver(session: Session, message: StoredMessage): void {
    message.state = 'sent';
    message.deliveries += 1;
    // A message without a body carries neither data nor headers; the service worker gets `event.data === null`.
    const payload = message.body.length === 0 ? {} : { data: message.body.toString('base64url'), headers: { encoding: 'aes128gcm' } };
    send(session.socket, { messageType: 'notification', channelID: message.channelId, version: message.version, ...payload });
  }
}

function send(ws: WebSocket, value: Record<string, unknown>): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(value));
}

function parseMessage(data: RawData): Record<string, unknown> | undefined {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  const text = bytes.toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function sameKey(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

function publicChannel({ key: _key, ...channel }: Channel): BrowserChannel {
  return { ...channel };
}

function publicMessage({ body: _body, expiresAt: _expiresAt, ...message }: StoredMessage): BrowserMessage {
  return { ...message, vapid: { ...message.vapid }, ack: message.ack && { ...message.ack }, nack: message.nack && { ...message.nack } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The benchmark's push service: a lean stand-in for FCM/autopush in its own process, so its CPU
 * never counts as the sender's. HTTPS/1.1 with keep-alive on the test certificate
 * (tests/push-service/cert.ts), endpoints `https://127.0.0.1:<port>/push/<n>`.
 *
 * What it checks on every request (anything else is answered 400/401/403/413 and counted as bad):
 *  - POST to /push/<n> with n < capacity;
 *  - `Authorization: vapid t=<JWT>, k=<key>`: the JWT is ES256, its signature verifies with k,
 *    k is the VAPID key the benchmark expects for that endpoint (the configured key, or for a
 *    range of endpoints the key `reset` named: the projects comparison, one key per project),
 *    `aud` is this origin, `exp` is in the future and
 *    at most 24 h ahead, `sub` is mailto:/https:. The signature is verified once per distinct
 *    header and the result cached (a real push service does the same; the app re-uses its JWT),
 *    `exp` is re-checked on every request;
 *  - `TTL` is a non-negative integer, `Urgency` (when present) is a known value;
 *  - `Content-Encoding: aes128gcm`, and the body is a well-formed RFC 8188 header (idlen 65 with
 *    an uncompressed point) plus at least one tagged record, at most 4096 bytes in all.
 * Every `decryptEvery`-th message is also decrypted with the subscriber's private key (the
 * seeding key pool is shared through a file) and its JSON checked; the rest are not, because
 * decrypting costs as much as encrypting and would make the sink the bottleneck.
 *
 * Deliveries are counted per endpoint (a Uint16Array indexed by n), so the driver can report
 * duplicates and misses for a range. Control is over the IPC channel (the driver forks this file):
 * `config`, `reset`, `report`, `stop`.
 */
import { createECDH, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { ensureTestCert } from '../tests/push-service/cert';
import { vmHwmMiB } from './lib/procstat';

/** The untyped `http_ece` package, typed for the one call made (as the test push service does). */
interface Ece {
  decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: ReturnType<typeof createECDH>; authSecret: Buffer }): Buffer;
}
const ece = createRequire(import.meta.url)('http_ece') as Ece;

export interface SinkConfig {
  /** base64url of the VAPID public key every request must carry. */
  vapidPublicKey: string;
  /** JSON file: [{ privateKey, auth }] by pool index (subscriber n uses index n % length). */
  poolFile: string;
  /** Decrypt one message in this many (0: never). */
  decryptEvery: number;
  /** The notification title every decrypted payload must carry. */
  expectTitle: string;
}

/** Endpoints [from, to) must carry this VAPID key (base64url) instead of the configured one. */
export interface SinkKeyRange {
  from: number;
  to: number;
  publicKey: string;
}

export type SinkRequest =
  | { type: 'config'; config: SinkConfig }
  /** Zeroes the counts; `keys` holds until the next reset. */
  | { type: 'reset'; keys?: SinkKeyRange[] }
  | { type: 'report'; from: number; to: number }
  | { type: 'stop' };

export interface SinkReport {
  type: 'report';
  /** Requests answered 201. */
  accepted: number;
  /** Requests refused, by reason. */
  bad: Record<string, number>;
  /** Endpoints in [from, to) that got no message. */
  misses: number;
  /** Messages beyond the first, summed over endpoints in [from, to). */
  duplicates: number;
  /** Messages to endpoints outside [from, to). */
  outside: number;
  decrypted: number;
  decryptFailures: number;
  /** Distinct VAPID JWTs whose signature was verified. */
  jwtsVerified: number;
  cpuMs: number;
  peakRssMiB: number;
}

const capacity = Number(process.env.SINK_CAPACITY ?? 2_000_000);
const counts = new Uint16Array(capacity);
let accepted = 0;
let bad: Record<string, number> = {};
let decrypted = 0;
let decryptFailures = 0;
let jwtsVerified = 0;
let cfg: SinkConfig | null = null;
let pool: { ecdh: ReturnType<typeof createECDH>; auth: Buffer }[] = [];
let origin = '';
let cpuAtReset = process.cpuUsage();
let seq = 0;

let keyRanges: SinkKeyRange[] = [];

/** Verified Authorization headers → their exp (seconds) and key. */
const verified = new Map<string, { exp: number; k: string }>();
const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseJson(b64: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function publicKeyOf(k: string): KeyObject {
  const raw = Buffer.from(k, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) throw new Refusal(401, 'k is not an uncompressed P-256 point');
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') },
    format: 'jwk',
  });
}

/** The VAPID key endpoint n's messages must be signed with (undefined before `config`). */
function expectedKey(n: number): string | undefined {
  for (const r of keyRanges) if (n >= r.from && n < r.to) return r.publicKey;
  return cfg?.vapidPublicKey;
}

function checkVapid(header: string | undefined, n: number): void {
  if (!header) throw new Refusal(401, 'no Authorization');
  const nowS = Date.now() / 1000;
  const expected = expectedKey(n);
  const cached = verified.get(header);
  if (cached !== undefined) {
    if (expected !== undefined && cached.k !== expected) throw new Refusal(403, 'unexpected VAPID key');
    if (cached.exp <= nowS) throw new Refusal(401, 'JWT expired');
    return;
  }
  const m = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(header);
  if (!m) throw new Refusal(401, 'Authorization is not "vapid t=…, k=…"');
  const [token, k] = [m[1]!, m[2]!];
  if (expected !== undefined && k !== expected) throw new Refusal(403, 'unexpected VAPID key');
  const [h, p, s] = token.split('.') as [string, string, string];
  const jwtHeader = parseJson(h);
  if (jwtHeader?.alg !== 'ES256') throw new Refusal(401, 'JWT alg is not ES256');
  const claims = parseJson(p);
  if (!claims) throw new Refusal(401, 'JWT payload is not JSON');
  if (claims.aud !== origin) throw new Refusal(403, 'JWT aud is not this origin');
  const exp = claims.exp;
  if (typeof exp !== 'number' || exp <= nowS || exp > nowS + 24 * 3600 + 60) throw new Refusal(401, 'JWT exp missing, past or beyond 24 h');
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) throw new Refusal(401, 'JWT sub is not mailto:/https:');
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKeyOf(k), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  if (!ok) throw new Refusal(401, 'JWT signature does not verify');
  jwtsVerified++;
  if (verified.size > 50_000) verified.clear(); // a naive sender signs per message: bound the cache
  verified.set(header, { exp, k });
}

function checkBody(body: Buffer): void {
  if (body.length > 4096) throw new Refusal(413, 'body over 4096 bytes');
  // RFC 8188: salt(16) rs(4) idlen(1) keyid(idlen); RFC 8291 fixes idlen at 65 (the sender's point).
  if (body.length < 86 + 17) throw new Refusal(400, 'body shorter than an aes128gcm header and one record');
  if (body[20] !== 65 || body[21] !== 4) throw new Refusal(400, 'aes128gcm keyid is not a 65-byte point');
  if (body.readUInt32BE(16) < 18) throw new Refusal(400, 'aes128gcm record size too small');
}

function maybeDecrypt(n: number, body: Buffer): void {
  if (!cfg || !cfg.decryptEvery || !pool.length || ++seq % cfg.decryptEvery !== 0) return;
  const key = pool[n % pool.length]!;
  try {
    const text = ece.decrypt(body, { version: 'aes128gcm', privateKey: key.ecdh, authSecret: key.auth }).toString('utf8');
    const payload = JSON.parse(text) as { title?: unknown };
    if (payload.title !== cfg.expectTitle) throw new Error('unexpected title');
    decrypted++;
  } catch {
    decryptFailures++;
  }
}

function handle(
  method: string | undefined,
  url: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): { status: number; reason?: string } {
  try {
    if (method !== 'POST') throw new Refusal(405, 'not POST');
    const m = /^\/push\/(\d+)$/.exec(url ?? '');
    const n = m ? Number(m[1]) : -1;
    if (n < 0 || n >= capacity) throw new Refusal(404, 'unknown endpoint');
    checkVapid(headers.authorization as string | undefined, n);
    const ttl = headers.ttl;
    if (typeof ttl !== 'string' || !/^\d+$/.test(ttl)) throw new Refusal(400, 'TTL missing or not an integer');
    const urgency = headers.urgency;
    if (urgency !== undefined && (typeof urgency !== 'string' || !URGENCIES.has(urgency))) throw new Refusal(400, 'bad Urgency');
    if (headers['content-encoding'] !== 'aes128gcm') throw new Refusal(415, 'Content-Encoding is not aes128gcm');
    checkBody(body);
    maybeDecrypt(n, body);
    if (counts[n]! < 65535) counts[n]!++;
    accepted++;
    return { status: 201 };
  } catch (e) {
    const reason = e instanceof Refusal ? e.message : `error: ${(e as Error).message}`;
    bad[reason] = (bad[reason] ?? 0) + 1;
    return { status: e instanceof Refusal ? e.status : 500, reason };
  }
}

function report(from: number, to: number): SinkReport {
  let misses = 0;
  let duplicates = 0;
  let inside = 0;
  const hi = Math.min(to, capacity);
  for (let i = Math.max(0, from); i < hi; i++) {
    const c = counts[i]!;
    inside += c;
    if (c === 0) misses++;
    else if (c > 1) duplicates += c - 1;
  }
  const cpu = process.cpuUsage(cpuAtReset);
  return {
    type: 'report',
    accepted,
    bad,
    misses,
    duplicates,
    outside: accepted - inside,
    decrypted,
    decryptFailures,
    jwtsVerified,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMiB: vmHwmMiB(process.pid) ?? 0,
  };
}

function reset(keys: SinkKeyRange[] = []): void {
  keyRanges = keys;
  counts.fill(0);
  accepted = 0;
  bad = {};
  decrypted = 0;
  decryptFailures = 0;
  jwtsVerified = 0;
  seq = 0;
  cpuAtReset = process.cpuUsage();
}

function start(): Server {
  const { cert, key } = ensureTestCert();
  const server = createServer({ cert, key, keepAlive: true }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 8192) chunks.push(c);
    });
    req.on('end', () => {
      const r = handle(req.method, req.url, req.headers, Buffer.concat(chunks));
      if (r.status === 201) res.writeHead(201, { 'content-length': '0' }).end();
      else {
        const text = JSON.stringify({ code: r.status, error: r.reason });
        res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      }
    });
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  server.maxHeadersCount = 50;
  server.listen(Number(process.env.SINK_PORT ?? 0), '127.0.0.1', () => {
    const port = (server.address() as AddressInfo).port;
    origin = `https://127.0.0.1:${port}`;
    process.send?.({ type: 'listening', port });
  });
  return server;
}

const server = start();
process.on('message', (msg: SinkRequest) => {
  switch (msg.type) {
    case 'config': {
      cfg = msg.config;
      const raw = JSON.parse(readFileSync(cfg.poolFile, 'utf8')) as { privateKey: string; auth: string }[];
      pool = raw.map((k) => {
        const ecdh = createECDH('prime256v1');
        ecdh.setPrivateKey(Buffer.from(k.privateKey, 'base64url'));
        return { ecdh, auth: Buffer.from(k.auth, 'base64url') };
      });
      process.send?.({ type: 'configured' });
      break;
    }
    case 'reset':
      reset(msg.keys);
      process.send?.({ type: 'reset-done' });
      break;
    case 'report':
      process.send?.(report(msg.from, msg.to));
      break;
    case 'stop':
      server.close();
      server.closeAllConnections();
      process.exit(0);
  }
});
// The driver going away (crash, Ctrl-C) must not leave the sink behind.
process.on('disconnect', () => process.exit(0));

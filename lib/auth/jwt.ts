/**
 * Verifying notiflux-style signed tokens: ES256 JWTs carrying `exp`, `topics` and `scope`.
 *
 * The algorithm is fixed to ES256 before anything else is looked at: a token saying `none`,
 * `HS256` (the classic "use the public key as an HMAC secret" attack) or anything else is refused
 * outright, whatever keys are configured.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

export class TokenError extends Error {
  constructor(
    readonly code: 'malformed' | 'algorithm' | 'signature' | 'expired' | 'not_yet_valid' | 'claims',
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface TokenClaims {
  sub?: string;
  exp: number;
  nbf?: number;
  iat?: number;
  /** A token id: when present, each token sends at most once (server/api/notifications.ts). */
  jti?: string;
  topics: string[];
  scope: string[];
}

/** The P-256 group order n, and n/2: ECDSA signatures (r, s) and (r, n − s) are both valid. */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_N = P256_N >> 1n;

/**
 * The low-S form of an ES256 signature. ECDSA is malleable: anyone can turn a valid (r, s) into
 * the equally valid (r, n − s), a different token string for the same claims. Normalising (as
 * BIP 62 and libsecp256k1 do) makes both the same signature; it does not refuse high-S ones,
 * which common signers (Node, Go, WebCrypto) produce half the time.
 */
export function normalizeSignature(sig: Buffer): Buffer {
  const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
  if (s <= P256_HALF_N) return sig;
  return Buffer.concat([sig.subarray(0, 32), Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex')]);
}

export interface VerifyOptions {
  now?: number;
  skewSeconds?: number;
  /** The longest a token may be valid: `exp` at most this far from now (and from `iat`). */
  maxLifetimeSeconds?: number;
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export interface VerifyKey {
  /** Identifies the key (its fingerprint). */
  id: string;
  key: KeyObject;
}

function decodePart(part: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw new TokenError('malformed', 'The token is not a JWT.');
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new TokenError('malformed', 'The token is not a JWT.');
  }
}

/** Verifies `token` against any of `keys`; returns its claims and the key that verified it. */
export function verifyToken(token: string, keys: VerifyKey[], opts: VerifyOptions = {}): { claims: TokenClaims; keyId: string } {
  const { now = Date.now(), skewSeconds = 30, maxLifetimeSeconds = 24 * 3600 } = opts;
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 8192) throw new TokenError('malformed', 'The token is not a JWT.');
  const header = decodePart(parts[0]!) as { alg?: unknown; typ?: unknown };
  if (!header || typeof header !== 'object' || header.alg !== 'ES256') {
    throw new TokenError('algorithm', `Only ES256 tokens are accepted (this one says ${JSON.stringify(header?.alg ?? null)}).`);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(parts[2]!)) throw new TokenError('signature', 'The token signature is not a valid ES256 signature.');
  const raw = Buffer.from(parts[2]!, 'base64url');
  if (raw.length !== 64) throw new TokenError('signature', 'The token signature is not a valid ES256 signature.');
  const signature = normalizeSignature(raw);
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const match = keys.find((k) => verify('sha256', signed, { key: k.key, dsaEncoding: 'ieee-p1363' }, signature));
  if (!match) throw new TokenError('signature', 'The token is not signed by a key this server trusts.');

  const p = decodePart(parts[1]!) as Record<string, unknown>;
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw new TokenError('claims', 'The token has no claims.');
  const nowS = now / 1000;
  if (!isTime(p.exp)) throw new TokenError('claims', 'The token has no expiry (exp, in seconds since 1970).');
  // A claim that is there but not a number is refused, not skipped: "nbf": "tomorrow" must not mean "valid now".
  for (const claim of ['nbf', 'iat'] as const) {
    if (p[claim] !== undefined && !isTime(p[claim])) throw new TokenError('claims', `The token's ${claim} is not a number of seconds since 1970.`);
  }
  const nbf = p.nbf as number | undefined;
  const iat = p.iat as number | undefined;
  if (p.exp < nowS - skewSeconds) throw new TokenError('expired', 'The token has expired.');
  if (nbf !== undefined && nbf > nowS + skewSeconds) throw new TokenError('not_yet_valid', 'The token is not valid yet.');
  if (iat !== undefined && iat > nowS + skewSeconds) throw new TokenError('claims', 'The token was issued in the future (iat): check the signer’s clock.');
  if (p.exp - nowS > maxLifetimeSeconds + skewSeconds || (iat !== undefined && p.exp - iat > maxLifetimeSeconds + skewSeconds)) {
    throw new TokenError(
      'claims',
      `The token is valid for too long: exp may be at most ${maxLifetimeSeconds} seconds after it is issued (TOKEN_MAX_LIFETIME_SECONDS).`,
    );
  }
  if (p.jti !== undefined && (typeof p.jti !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(p.jti))) {
    throw new TokenError('claims', 'The token id (jti) must be 1–200 visible ASCII characters.');
  }
  const scope = typeof p.scope === 'string' ? [p.scope] : Array.isArray(p.scope) ? p.scope.filter((s): s is string => typeof s === 'string') : [];
  if (!scope.length) throw new TokenError('claims', 'The token has no scope.');
  if (!Array.isArray(p.topics) || !p.topics.every((t) => typeof t === 'string')) throw new TokenError('claims', 'The token has no topics list.');
  return {
    keyId: match.id,
    claims: { sub: typeof p.sub === 'string' ? p.sub : undefined, exp: p.exp, nbf, iat, jti: p.jti as string | undefined, topics: p.topics as string[], scope },
  };
}

/**
 * Reads a verification key: a P-256 public key as PEM, or the base64 of that PEM (how notiflux's
 * JWT_PUBLIC_KEY_B64 carries it). Returns it with its fingerprint.
 */
export function parseVerifyKey(input: string): { key: KeyObject; pem: string; fingerprint: string } {
  let text = input.trim();
  if (!text.startsWith('-----BEGIN')) {
    const decoded = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8').trim();
    if (!decoded.startsWith('-----BEGIN')) throw new Error('Paste a public key in PEM (-----BEGIN PUBLIC KEY-----), or the base64 of one.');
    text = decoded;
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw new Error('That PEM could not be read as a public key.');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('The key must be an elliptic-curve P-256 (prime256v1) public key, as ES256 requires.');
  }
  const der = key.export({ type: 'spki', format: 'der' });
  return { key, pem: key.export({ type: 'spki', format: 'pem' }).toString().trim(), fingerprint: createHash('sha256').update(der).digest('base64url') };
}

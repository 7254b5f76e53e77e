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
  topics: string[];
  scope: string[];
}

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
export function verifyToken(token: string, keys: VerifyKey[], now = Date.now(), skewSeconds = 30): { claims: TokenClaims; keyId: string } {
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 8192) throw new TokenError('malformed', 'The token is not a JWT.');
  const header = decodePart(parts[0]!) as { alg?: unknown; typ?: unknown };
  if (!header || typeof header !== 'object' || header.alg !== 'ES256') {
    throw new TokenError('algorithm', `Only ES256 tokens are accepted (this one says ${JSON.stringify(header?.alg ?? null)}).`);
  }
  const signature = Buffer.from(parts[2]!, 'base64url');
  if (signature.length !== 64) throw new TokenError('signature', 'The token signature is not a valid ES256 signature.');
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const match = keys.find((k) => verify('sha256', signed, { key: k.key, dsaEncoding: 'ieee-p1363' }, signature));
  if (!match) throw new TokenError('signature', 'The token is not signed by a key this server trusts.');

  const p = decodePart(parts[1]!) as Record<string, unknown>;
  if (!p || typeof p !== 'object') throw new TokenError('claims', 'The token has no claims.');
  const nowS = now / 1000;
  if (typeof p.exp !== 'number') throw new TokenError('claims', 'The token has no expiry (exp).');
  if (p.exp < nowS - skewSeconds) throw new TokenError('expired', 'The token has expired.');
  if (typeof p.nbf === 'number' && p.nbf > nowS + skewSeconds) throw new TokenError('not_yet_valid', 'The token is not valid yet.');
  const scope = typeof p.scope === 'string' ? [p.scope] : Array.isArray(p.scope) ? p.scope.filter((s): s is string => typeof s === 'string') : [];
  if (!scope.length) throw new TokenError('claims', 'The token has no scope.');
  if (!Array.isArray(p.topics) || !p.topics.every((t) => typeof t === 'string')) throw new TokenError('claims', 'The token has no topics list.');
  return {
    keyId: match.id,
    claims: { sub: typeof p.sub === 'string' ? p.sub : undefined, exp: p.exp, nbf: p.nbf as number | undefined, topics: p.topics as string[], scope },
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

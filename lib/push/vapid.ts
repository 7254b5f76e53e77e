/**
 * RFC 8292 VAPID: the `Authorization: vapid t=<JWT>, k=<public key>` header.
 *
 * A JWT is signed once per (push-service origin, key) and reused until shortly before it
 * expires: signing per message was measured to cost about half of a naive sender's CPU.
 * Each JWT issued is reported through `onIssue` (which records it in `vapid_claims` and returns
 * the row id), so every delivery can name the exact claim that carried it.
 */
import { sign, type KeyObject } from 'node:crypto';

/** JWT lifetime: RFC 8292 allows ≤ 24 h; 12 h leaves room for clock skew at push services. */
export const JWT_LIFETIME_SECONDS = 12 * 3600;
/** Re-sign when less than this is left. */
export const JWT_REFRESH_SECONDS = 3600;

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

export interface IssuedClaim extends VapidClaims {
  /** Row id in vapid_claims (null when not recorded, e.g. in unit tests). */
  id: number | null;
  header: string;
}

const b64json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const JWT_HEADER = b64json({ typ: 'JWT', alg: 'ES256' });

export function signJwt(claims: VapidClaims, key: KeyObject): string {
  const unsigned = `${JWT_HEADER}.${b64json(claims)}`;
  const sig = sign('sha256', Buffer.from(unsigned), { key, dsaEncoding: 'ieee-p1363' });
  return `${unsigned}.${sig.toString('base64url')}`;
}

/**
 * The contact in `sub`: a mailto: address or an https: URL. Apple's push service refuses
 * `mailto:` values with spaces or angle brackets ("mailto: <a@b>") and `@localhost`.
 * Returns an error message, or null when the subject is acceptable.
 */
export function subjectProblem(sub: string): string | null {
  if (sub !== sub.trim() || sub.length === 0) return 'Remove the spaces around the contact.';
  if (sub.length > 320) return 'The contact is too long.';
  if (sub.startsWith('mailto:')) {
    const addr = sub.slice(7);
    if (/[\s<>]/.test(addr)) return 'Write mailto:name@example.com with no spaces or angle brackets (Apple rejects them).';
    if (/@(?:[^@]*\.)?localhost$/i.test(addr)) return 'Use an address push services can reach; Apple rejects @localhost.';
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(addr)) return 'That is not an e-mail address (mailto:name@example.com).';
    return null;
  }
  if (sub.startsWith('https:')) {
    try {
      const u = new URL(sub);
      if (!u.hostname || u.hostname === 'localhost') return 'Use a public https: address.';
      return null;
    } catch {
      return 'That https: address is not a valid URL.';
    }
  }
  return 'The contact must be a mailto: address or an https: URL.';
}

export interface SignerKey {
  id: string;
  /** base64url, 65 bytes. */
  publicKey: string;
  privateKey: KeyObject;
  subject: string;
}

/**
 * Hands out authorization headers per audience for one key, signing lazily and caching.
 * Concurrent requests for the same audience share one signing (and one recorded claim).
 */
export class VapidSigner {
  private cache = new Map<string, Promise<IssuedClaim>>();

  constructor(
    readonly key: SignerKey,
    private readonly onIssue: (keyId: string, claims: VapidClaims) => Promise<number | null> = async () => null,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async authorization(audience: string): Promise<IssuedClaim> {
    const nowS = Math.floor(this.now() / 1000);
    const cached = this.cache.get(audience);
    if (cached) {
      const claim = await cached.catch(() => null);
      if (claim && claim.exp - nowS > JWT_REFRESH_SECONDS) return claim;
      if (this.cache.get(audience) !== cached) return this.authorization(audience); // someone refreshed meanwhile
    }
    const issuing = this.issue(audience, nowS);
    this.cache.set(audience, issuing);
    issuing.catch(() => {
      if (this.cache.get(audience) === issuing) this.cache.delete(audience);
    });
    return issuing;
  }

  private async issue(aud: string, nowS: number): Promise<IssuedClaim> {
    const claims: VapidClaims = { aud, exp: nowS + JWT_LIFETIME_SECONDS, sub: this.key.subject };
    const jwt = signJwt(claims, this.key.privateKey);
    const id = await this.onIssue(this.key.id, claims);
    return { ...claims, id, header: `vapid t=${jwt}, k=${this.key.publicKey}` };
  }
}

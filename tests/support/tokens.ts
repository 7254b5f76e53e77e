/**
 * notiflux-style ES256 tokens for tests, signed the way a program would sign them. `s` picks
 * which of the two valid ECDSA signatures (high or low S) the token carries; `alg` lies in the
 * header without changing the signature.
 */
import { sign, type KeyObject } from 'node:crypto';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

export function es256Token(payload: Record<string, unknown>, key: KeyObject, opts: { alg?: string; s?: 'high' | 'low' } = {}): string {
  const head = b64({ alg: opts.alg ?? 'ES256', typ: 'JWT' });
  const body = b64(payload);
  const sig = sign('sha256', Buffer.from(`${head}.${body}`), { key, dsaEncoding: 'ieee-p1363' });
  if (!opts.s) return `${head}.${body}.${sig.toString('base64url')}`;
  const value = BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const high = value > P256_N >> 1n;
  const flip = (opts.s === 'high' && !high) || (opts.s === 'low' && high);
  const out = flip ? Buffer.concat([sig.subarray(0, 32), Buffer.from((P256_N - value).toString(16).padStart(64, '0'), 'hex')]) : sig;
  return `${head}.${body}.${out.toString('base64url')}`;
}

/**
 * Password hashing with scrypt (memory-hard; node:crypto, no native add-on to build).
 * Format: `scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>` so parameters can be raised later
 * while old hashes still verify.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(pw, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))));

// N = 2^15, r = 8: 32 MiB of memory per hash, ~50–100 ms on these machines. The test suite
// (NODE_ENV=test only) may lower N to keep thousands of sign-ins fast; stored hashes carry N.
const DEFAULT = {
  logN: process.env.NODE_ENV === 'test' && process.env.TEST_SCRYPT_LOG_N ? Number(process.env.TEST_SCRYPT_LOG_N) : 15,
  r: 8,
  p: 1,
};
const KEYLEN = 32;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

export async function hashPassword(password: string, params = DEFAULT): Promise<string> {
  const salt = randomBytes(16);
  const N = 2 ** params.logN;
  const key = await scrypt(password.normalize('NFKC'), salt, KEYLEN, {
    N,
    r: params.r,
    p: params.p,
    maxmem: 256 * N * params.r,
  });
  return ['scrypt', params.logN, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, logN, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const N = 2 ** Number(logN);
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

// Verified against when the e-mail is unknown, so a miss costs what a wrong password costs and
// response times do not reveal which accounts exist.
let dummy: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword('pushdeck-dummy-password');
  await verifyPassword(password, await dummy);
}

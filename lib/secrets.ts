/**
 * The root secret and the keys derived from it.
 *
 * `PUSHDECK_SECRET` from the environment wins. Without it, the embedded setup generates one into
 * `DATA_DIR/secret.key` (mode 0600) on first run so a newcomer has nothing to configure. With
 * `DATABASE_URL` the secret must come from the environment: every process sharing the database
 * must hold the same one, and a file on one machine would silently differ from another's.
 *
 * Purposes get independent keys through HKDF, so the session-signing key never doubles as the
 * at-rest encryption key.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { config, ConfigError, type Config } from './env';

export type SecretPurpose = 'session' | 'vapid-at-rest' | 'receipts' | 'message-token' | 'api-keys' | 'check' | 'project-header';

let root: Buffer | undefined;

function readOrCreateSecretFile(cfg: Config): string {
  const file = path.join(cfg.DATA_DIR, 'secret.key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(cfg.DATA_DIR, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    // 'wx': if two processes race on first run, exactly one writes and the other reads it back.
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw e;
  }
}

export function rootSecret(cfg: Config = config()): Buffer {
  if (root) return root;
  let secret = cfg.PUSHDECK_SECRET ?? cfg.NEXTAUTH_SECRET;
  if (!secret) {
    if (cfg.DATABASE_URL) {
      throw new ConfigError([
        'PUSHDECK_SECRET: required when DATABASE_URL is set, so every process sharing the database uses the same secret (try: openssl rand -base64 48)',
      ]);
    }
    secret = readOrCreateSecretFile(cfg);
  }
  root = Buffer.from(secret, 'utf8');
  return root;
}

/** A 32-byte key for one purpose. */
export function deriveKey(purpose: SecretPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', rootSecret(), 'pushdeck/v1', purpose, 32));
}

/** A short fingerprint stored in the database to detect a changed secret at start-up. */
export function secretFingerprint(): string {
  return createHmac('sha256', deriveKey('check')).update('pushdeck').digest('base64url').slice(0, 22);
}

/**
 * AES-256-GCM with a random 96-bit nonce. Output: `v1.<nonce>.<ciphertext+tag>` (base64url).
 * `aad` binds the ciphertext to its row (e.g. the key id) so it cannot be swapped between rows.
 */
export function seal(plaintext: Buffer, purpose: SecretPurpose, aad: string): string {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', deriveKey(purpose), nonce);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return `v1.${nonce.toString('base64url')}.${body.toString('base64url')}`;
}

export function open(sealed: string, purpose: SecretPurpose, aad: string): Buffer {
  const [v, n, b] = sealed.split('.');
  if (v !== 'v1' || !n || !b) throw new Error('Unrecognised sealed value format');
  const body = Buffer.from(b, 'base64url');
  const d = createDecipheriv('aes-256-gcm', deriveKey(purpose), Buffer.from(n, 'base64url'));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
}

/** For tests: forget the cached root secret. */
export function resetSecretsForTests() {
  root = undefined;
}

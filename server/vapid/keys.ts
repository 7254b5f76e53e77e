/**
 * Reading VAPID keys for signing: the only place private keys are decrypted. The plaintext key
 * lives in a KeyObject inside a VapidSigner; it is never returned, logged or sent anywhere.
 */
import 'server-only';
import type { DbCtx } from '../context';
import { ofProject } from '../projects/scope';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db';
import { vapidClaims, vapidKeys, type VapidKey } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { fromB64u } from '../../lib/push/base64url';
import { privateKeyObject } from '../../lib/push/p256';
import { VapidSigner, type VapidClaims } from '../../lib/push/vapid';
import { open, seal } from '../../lib/secrets';

const aad = (id: string) => `vapid-key:${id}`;

export function sealPrivateKey(id: string, privateKey: string): string {
  return seal(Buffer.from(privateKey, 'utf8'), 'vapid-at-rest', aad(id));
}

function unsealPrivateKey(row: Pick<VapidKey, 'id' | 'privateKeyEnc'>): string {
  return open(row.privateKeyEnc, 'vapid-at-rest', aad(row.id)).toString('utf8');
}

/** What a claim records about the key that signed it. */
export interface SigningKey {
  publicKey: string;
  projectId: string;
}

/** Records a claim (in the key's project) and returns its id (the delivery rows reference it). */
export function claimRecorder(db: Db, keyOf: (keyId: string) => SigningKey) {
  return async (keyId: string, claims: VapidClaims): Promise<number> => {
    const key = keyOf(keyId);
    const [row] = await db
      .insert(vapidClaims)
      .values({
        projectId: key.projectId,
        vapidKeyId: keyId,
        publicKey: key.publicKey,
        aud: claims.aud,
        sub: claims.sub,
        exp: new Date(claims.exp * 1000),
      })
      .returning({ id: vapidClaims.id });
    return row!.id;
  };
}

/**
 * Signers per key, created on demand and kept while the key's row is unchanged (a new contact
 * subject means new JWTs). One keyring per process or per sending run. It serves every project:
 * the engine sends each subscription with the key it was made with, which is its project's, and
 * asks by key id (the ids come from subscription rows already chosen within a campaign's project).
 */
export class Keyring {
  private cache = new Map<string, { updatedAt: number; signer: VapidSigner }>();
  private keys = new Map<string, SigningKey>();
  private readonly record: (keyId: string, claims: VapidClaims) => Promise<number>;

  constructor(private readonly db: Db) {
    this.record = claimRecorder(db, (id) => this.keys.get(id)!);
  }

  /** Signers for these key ids (one query for the ones not cached or changed). */
  async signers(ids: string[]): Promise<Map<string, VapidSigner>> {
    const unique = [...new Set(ids)];
    const rows = unique.length
      ? await this.db
          .select({
            id: vapidKeys.id,
            projectId: vapidKeys.projectId,
            updatedAt: vapidKeys.updatedAt,
            publicKey: vapidKeys.publicKey,
            subject: vapidKeys.subject,
            privateKeyEnc: vapidKeys.privateKeyEnc,
          })
          .from(vapidKeys)
          .where(inArray(vapidKeys.id, unique))
      : [];
    const out = new Map<string, VapidSigner>();
    for (const row of rows) {
      const cached = this.cache.get(row.id);
      if (cached && cached.updatedAt === row.updatedAt.getTime()) {
        out.set(row.id, cached.signer);
        continue;
      }
      this.keys.set(row.id, { publicKey: row.publicKey, projectId: row.projectId });
      const signer = new VapidSigner(
        {
          id: row.id,
          publicKey: row.publicKey,
          subject: row.subject,
          privateKey: privateKeyObject({ publicKey: row.publicKey, privateKey: unsealPrivateKey(row) }),
        },
        this.record,
      );
      this.cache.set(row.id, { updatedAt: row.updatedAt.getTime(), signer });
      out.set(row.id, signer);
    }
    return out;
  }

  async signer(id: string): Promise<VapidSigner | null> {
    return (await this.signers([id])).get(id) ?? null;
  }
}

/** Used until someone sets a real contact; the first owner's address replaces it at setup. */
export const PLACEHOLDER_SUBJECT = 'mailto:push-contact@pushdeck.invalid';

// The public key changes only on rotation; a short cache (per project) spares a query per page
// view and subscribe request. Rotation in this process clears it at once; other processes within 2 s.
const cached = new Map<string, { at: number; key: { id: string; publicKey: string } | null }>();
const CACHE_MS = 2000;

/** The project's active key's public half (public: the subscribe page and API hand it out). */
export async function activePublicKey({ db, project }: DbCtx): Promise<{ id: string; publicKey: string } | null> {
  const hit = cached.get(project.id);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.key;
  const [row] = await db
    .select({ id: vapidKeys.id, publicKey: vapidKeys.publicKey })
    .from(vapidKeys)
    .where(and(ofProject(vapidKeys, { project }), eq(vapidKeys.status, 'active')));
  cached.set(project.id, { at: Date.now(), key: row ?? null });
  return row ?? null;
}

/**
 * GET /api/push/vapid-public-key: the active key as base64url, plus the raw 65-byte point when the
 * caller accepts application/octet-stream; `unavailable` before any key is active.
 */
export async function publicKeyAnswer(ctx: DbCtx, accept: string | null): Promise<{ publicKey: string; raw: Uint8Array<ArrayBuffer> | null }> {
  const key = await activePublicKey(ctx);
  if (!key) throw new AppError('unavailable', 'No VAPID key is active yet.');
  const raw = /application\/octet-stream/i.test(accept ?? '') ? new Uint8Array(fromB64u(key.publicKey)!) : null;
  return { publicKey: key.publicKey, raw };
}

export function forgetActiveKeyCache() {
  cached.clear();
}

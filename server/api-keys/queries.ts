import 'server-only';
import { desc } from 'drizzle-orm';
import { apiKeys, tokenKeys } from '../../db/schema';
import { parseVerifyKey } from '../../lib/auth/jwt';
import { assertCan, DEFAULT_PROJECT, type Ctx } from '../context';
import { ofProject } from '../projects/scope';
import type { PublicApiKey } from './mutations';
import { config } from '../../lib/env';

export async function listApiKeys(ctx: Ctx): Promise<PublicApiKey[]> {
  assertCan(ctx, 'api-keys.manage');
  const rows = await ctx.db.select().from(apiKeys).where(ofProject(apiKeys, ctx)).orderBy(desc(apiKeys.createdAt)).limit(500);
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  return rows.map(({ keyHash, ...rest }) => rest);
}

export async function listTokenKeys(ctx: Ctx) {
  assertCan(ctx, 'api-keys.manage');
  const rows = await ctx.db.select().from(tokenKeys).where(ofProject(tokenKeys, ctx)).orderBy(desc(tokenKeys.createdAt)).limit(200);
  // JWT_PUBLIC_KEY_B64 verifies tokens for the default project only.
  return { keys: rows, environment: ctx.project.id === DEFAULT_PROJECT.id ? environmentTokenKey() : null };
}

let envKey: { raw: string | undefined; parsed: ReturnType<typeof parseVerifyKey> | null } | undefined;

/** The verification key from JWT_PUBLIC_KEY_B64 (notiflux's variable), when set and valid. */
export function environmentTokenKey(): { fingerprint: string; pem: string; key: ReturnType<typeof parseVerifyKey>['key'] } | null {
  const raw = config().JWT_PUBLIC_KEY_B64 || undefined;
  if (!envKey || envKey.raw !== raw) {
    let parsed: ReturnType<typeof parseVerifyKey> | null = null;
    if (raw) {
      try {
        parsed = parseVerifyKey(raw);
      } catch {
        parsed = null; // reported at start-up by the configuration check
      }
    }
    envKey = { raw, parsed };
  }
  return envKey.parsed;
}

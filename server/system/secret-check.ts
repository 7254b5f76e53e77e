/**
 * Detects a changed PUSHDECK_SECRET at start-up. Data encrypted under the old secret (VAPID
 * private keys) would be unreadable; better to refuse to start with a clear message than to fail
 * every send later.
 */
import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db';
import { settings } from '../../db/schema';
import { ConfigError } from '../../lib/env';
import { secretFingerprint } from '../../lib/secrets';

const KEY = 'secret_fingerprint';

export async function checkSecretFingerprint(db: Db): Promise<void> {
  const mine = secretFingerprint();
  await db.insert(settings).values({ key: KEY, value: mine }).onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, KEY));
  if (row && row.value !== mine) {
    throw new ConfigError([
      'PUSHDECK_SECRET: differs from the secret this database was set up with, so its encrypted data (VAPID private keys) cannot be read. Restore the original secret.',
    ]);
  }
}

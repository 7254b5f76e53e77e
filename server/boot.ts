import 'server-only';
import { ConfigError } from '../lib/env';
import { logger } from '../lib/logger';
import { DatabaseLockedError } from '../db';
import { getRuntime } from './runtime';

/** Called from instrumentation.ts in the web process. */
export async function bootWebProcess(): Promise<void> {
  try {
    await getRuntime('web');
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DatabaseLockedError) {
      process.stderr.write(`\nPushdeck cannot start.\n${e.message}\n\n`);
    } else {
      logger.error('runtime.start-failed', { err: e });
    }
    process.exit(1);
  }
}

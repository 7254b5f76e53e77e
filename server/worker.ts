/**
 * `npm run worker`: a delivery worker process (PostgreSQL only: the embedded database belongs
 * to the one process that opened it). Run the web processes with WORKER=off, or keep their
 * in-process worker too; any number of workers share the queue without double sends.
 */
import 'server-only';
import { DatabaseLockedError } from '../db';
import { config, ConfigError } from '../lib/env';
import { logger } from '../lib/logger';
import { getRuntime, stopRuntime } from './runtime';

async function main() {
  const cfg = config();
  if (!cfg.DATABASE_URL) {
    process.stderr.write('npm run worker needs PostgreSQL (DATABASE_URL). With the embedded database the worker runs inside the app (npm start).\n');
    process.exit(2);
  }
  await getRuntime('worker');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('worker.stopping', { signal });
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    await stopRuntime();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  if (e instanceof ConfigError || e instanceof DatabaseLockedError) process.stderr.write(`${e.message}\n`);
  else logger.error('worker.start-failed', { err: e });
  process.exit(1);
});

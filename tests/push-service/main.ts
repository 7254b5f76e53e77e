/**
 * Runs the push-service test server as its own process, for end-to-end tests and benchmarks:
 *
 *   node --import tsx tests/push-service/main.ts [--port N]
 *
 * Prints one JSON line `{"origin","browserPushURL","certPath","pid"}` on stdout once listening;
 * control it over HTTPS with PushServiceClient; SIGTERM or SIGINT stops it. Browsers connect to
 * browserPushURL (`ws://`, the same port as origin; see server.ts).
 */
import { PushServiceServer } from './server';

function parsePort(args: string[]): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = arg === '--port' ? args[i + 1] : arg.startsWith('--port=') ? arg.slice('--port='.length) : undefined;
    if (value === undefined) continue;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, not ${value}`);
    return port;
  }
  return 0;
}

async function main(): Promise<void> {
  const server = new PushServiceServer({ port: parsePort(process.argv.slice(2)) });
  const origin = await server.start();

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`push-service: stop on ${signal} failed:`, err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  console.log(JSON.stringify({ origin, browserPushURL: server.browserPushURL, certPath: server.certPath, pid: process.pid }));
}

main().catch((err: unknown) => {
  console.error('push-service:', err);
  process.exit(1);
});

/**
 * The naive baseline, in its own process: `web-push`'s `sendNotification` for every subscriber,
 * 200 in flight, to the same sink and the same subscribers the engine sends to, with the same
 * kind of payload (title, text, link, timestamp and a 64-character reference per message).
 * This is how most self-hosted senders are written: web-push signs a VAPID JWT and re-parses
 * the key for every message, and each in-flight request gets a connection of Node's global agent.
 *
 * Protocol (IPC): the child warms up on the first subscribers, says `warmed`, waits for `go`
 * (the driver resets the sink and starts its meters), sends to all of them, then says `done`.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import webpush from 'web-push';

const n = Number(process.env.BENCH_N);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 200);
const vapidDetails = { subject: process.env.BENCH_SUBJECT!, publicKey: process.env.BENCH_VAPID_PUBLIC!, privateKey: process.env.BENCH_VAPID_PRIVATE! };
const content = JSON.parse(process.env.BENCH_CONTENT!) as Record<string, unknown>;

interface Target {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

async function sendAll(targets: Target[]): Promise<{ ok: number; failed: number; firstError?: string }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, targets.length) }, async () => {
      while (next < targets.length) {
        const t = targets[next++]!;
        const payload = JSON.stringify({ ...content, timestamp: Date.now(), ref: randomBytes(48).toString('base64url') });
        try {
          await webpush.sendNotification(t, payload, { vapidDetails, TTL: 86_400 });
          ok++;
        } catch (e) {
          failed++;
          firstError ??= (e as Error).message;
        }
      }
    }),
  );
  return { ok, failed, firstError };
}

async function main() {
  const sql = postgres(process.env.BENCH_DB_URL!, { max: 1, onnotice: () => {} });
  const rows = await sql<{ endpoint: string; p256dh: string; auth: string }[]>`select endpoint, p256dh, auth from subscriptions order by id limit ${n}`;
  await sql.end();
  const targets: Target[] = rows.map((r) => ({ endpoint: r.endpoint, keys: { p256dh: r.p256dh, auth: r.auth } }));
  await sendAll(targets.slice(0, Math.min(1000, Math.max(100, Math.floor(n / 10)))));
  process.send!({ type: 'warmed' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const t0 = performance.now();
  const r = await sendAll(targets);
  process.send!({ type: 'done', wallMs: performance.now() - t0, ...r });
}

process.on('disconnect', () => process.exit(0));
main().catch((e) => {
  console.error(e);
  process.exit(1);
});

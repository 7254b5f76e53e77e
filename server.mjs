#!/usr/bin/env node
/**
 * Pushdeck's HTTP server: Next.js behind a thin Node server that
 *  - derives the client IP from the socket (and TRUST_PROXY_HOPS) and passes it on in
 *    `x-pushdeck-client-ip`, overwriting whatever a client sent — Next alone would trust a
 *    client-supplied X-Forwarded-For, which makes per-IP rate limits trivial to dodge;
 *  - settles in front what Next would answer with a 500 or trust blindly (lib/http/front.mjs):
 *    unknown methods, malformed paths, oversized bodies, forwarded headers from no proxy;
 *  - shuts down gracefully on SIGTERM/SIGINT: stops accepting, lets the worker finish its batch,
 *    closes the queue and the database (PGlite flushes and releases its folder lock).
 *
 * Usage: node server.mjs [--dev]
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import next from 'next';
import { front } from './lib/http/front.mjs';

const dev = process.argv.includes('--dev');
const root = path.dirname(fileURLToPath(import.meta.url));
process.env.NEXT_TELEMETRY_DISABLED ??= '1';
process.env.PUSHDECK_ROOT ??= root;
// Self-hosted: next-auth takes the origin from the request unless NEXTAUTH_URL pins it.
if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= 'true';
if (!dev) process.env.NODE_ENV = 'production';

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || '0.0.0.0';
const hops = Math.max(0, Number(process.env.TRUST_PROXY_HOPS || 0) || 0);

const app = next({ dev, dir: root, hostname: hostname === '0.0.0.0' ? 'localhost' : hostname, port });
const handle = app.getRequestHandler();

await app.prepare();

const server = createServer((req, res) => {
  if (front(req, res, { hops })) return; // refused in front: see lib/http/front.mjs
  handle(req, res).catch((err) => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'http.unhandled', err: String(err) })}\n`);
    if (!res.headersSent) res.writeHead(500).end();
  });
});
// Long-poll requests stay open ~25 s; keep idle keep-alive sockets a little longer than LBs do.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

server.listen(port, hostname, () => {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'http.listening', url: `http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port}`, mode: dev ? 'development' : 'production' })}\n`,
  );
});

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'http.stopping', signal })}\n`);
  const force = setTimeout(() => process.exit(1), 25_000);
  force.unref();
  server.close();
  server.closeIdleConnections?.();
  try {
    await globalThis.__pushdeckShutdown?.();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

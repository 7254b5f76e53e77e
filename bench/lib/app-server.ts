/**
 * The production server for the dashboard and API benchmarks: `next build` output started the
 * way `npm start` starts it, against the bench database, with the delivery worker off (workers
 * run as their own processes), and a signed-in owner's session cookie minted the way next-auth
 * mints it (server/auth/options.ts: a JWT naming the user, its session version and sign-in time,
 * under the key derived from PUSHDECK_SECRET).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { encode } from 'next-auth/jwt';
import { request as undiciRequest, Agent } from 'undici';
import { ROOT, runCommand, spawnNode, type Child } from './proc';
import type { Bench } from './setup';

export interface AppServer {
  child: Child;
  origin: string;
  cookie: string;
  agent: Agent;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Builds the app unless a build exists and `rebuild` is false. */
export async function ensureBuild(rebuild: boolean, log: (s: string) => void): Promise<void> {
  if (!rebuild && existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    log('reusing the existing production build (.next)');
    return;
  }
  log('building the app (next build)…');
  await runCommand(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], { NEXT_TELEMETRY_DISABLED: '1' });
}

export async function sessionCookie(b: Bench): Promise<string> {
  const [u] = await b.sql<{ session_version: number; email: string; name: string }[]>`select session_version, email, name from users where id = ${b.owner.id}`;
  const token = await encode({
    token: { sub: b.owner.id, email: u!.email, name: u!.name, sv: u!.session_version, loginAt: Math.floor(Date.now() / 1000) },
    secret: b.app.deriveKey('session').toString('base64url'),
    maxAge: 3600 * 12,
  });
  return `next-auth.session-token=${token}`;
}

export async function startAppServer(b: Bench, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<AppServer> {
  const port = await freePort();
  const child = spawnNode('scripts/start.mjs', {
    label: 'app',
    env: { ...b.appEnv, PORT: String(port), HOSTNAME: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    nodeArgs,
  });
  await child.waitFor(/"http\.listening"/, 120_000);
  const origin = `http://127.0.0.1:${port}`;
  const agent = new Agent({ connections: 8, keepAliveTimeout: 60_000 });
  const cookie = await sessionCookie(b);
  // The first request boots the runtime (instrumentation) and warms Next's caches.
  const res = await undiciRequest(`${origin}/api/health`, { dispatcher: agent });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`the app's health check answered ${res.statusCode}\n${child.tail()}`);
  return {
    child,
    origin,
    cookie,
    agent,
    async stop() {
      await agent.close();
      await child.stop();
    },
  };
}

export interface Timed {
  status: number;
  ms: number;
  bytes: number;
  body: string;
  location?: string;
}

/** One GET with the session, timed until the last byte of the body. */
export async function timedGet(app: AppServer, pathAndQuery: string): Promise<Timed> {
  const t0 = performance.now();
  const res = await undiciRequest(`${app.origin}${pathAndQuery}`, { dispatcher: app.agent, headers: { cookie: app.cookie, accept: 'text/html' } });
  const body = await res.body.text();
  const ms = performance.now() - t0;
  const loc = res.headers.location;
  return { status: res.statusCode, ms, bytes: Buffer.byteLength(body), body, location: Array.isArray(loc) ? loc[0] : loc };
}

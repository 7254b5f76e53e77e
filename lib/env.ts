/**
 * Configuration: every environment variable Pushdeck reads, validated once with zod.
 *
 * `loadConfig()` collects every bad value into one `ConfigError` whose message names each
 * variable and what is wrong with it, so an operator fixes them all in one go. Secret values are
 * never echoed back in these messages.
 */
import path from 'node:path';
import { z } from 'zod';

const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', '']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), 'must be a postgres:// or postgresql:// URL');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOSTNAME: z.string().trim().min(1).default('0.0.0.0'),
    /** When set, PostgreSQL is the database; otherwise the embedded PGlite in DATA_DIR. */
    DATABASE_URL: postgresUrl.optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    /** Where the embedded database, the generated secret and other local state live. */
    DATA_DIR: z.string().trim().min(1).default('./data'),
    PGLITE_DIR: z.string().trim().min(1).optional(),
    /** Root secret: session signing and at-rest encryption keys are derived from it. */
    PUSHDECK_SECRET: z.string().min(32, 'must be at least 32 characters (try: openssl rand -base64 48)').optional(),
    NEXTAUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** How many reverse proxies in front of the app append to X-Forwarded-For (0 = none, trust the socket). */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** Admin session lifetime. */
    SESSION_MAX_AGE_HOURS: z.coerce
      .number()
      .min(0.01)
      .max(24 * 30)
      .default(12),
    /** `in-process`: the delivery worker runs inside the web process; `off`: run `npm run worker`. */
    WORKER: z.enum(['in-process', 'off']).default('in-process'),
    /** How long a push service may take to answer one request before it counts as a timeout (retried). */
    PUSH_TIMEOUT_SECONDS: z.coerce.number().min(1).max(120).default(10),
    /**
     * How long a claim on a delivery lasts without its worker's heartbeat (a fifth of it): a killed
     * worker's deliveries move on after this long (server/delivery/lease.ts).
     */
    WORKER_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(25),
    /** How often each worker re-drives campaigns a crash left behind (overdue schedules, fan-outs). */
    RECONCILE_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
    /** How often the job queue expires and archives jobs (a crashed worker's fan-out runs again after its expiry). */
    QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /** How long the inbox long-poll (GET /api/inbox) holds a request with nothing new. */
    INBOX_WAIT_SECONDS: z.coerce.number().min(0.05).max(55).default(25),
    /** Comma-separated push-service host patterns (see lib/push/allowlist.ts). */
    PUSH_ALLOWED_HOSTS: z.string().trim().optional(),
    LOGIN_MAX_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).default(5),
    LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(30),
    LOGIN_WINDOW_MINUTES: z.coerce.number().min(0.05).default(15),
    /** Public subscribe API: requests per minute per client IP (burst = the same number). */
    PUBLIC_API_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    /** Contact for the key generated on first start (otherwise the first owner's e-mail). */
    VAPID_SUBJECT: z.string().trim().optional(),
    /** Programmatic API: requests per minute per API key or token signer. */
    API_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** Failed API authentications (unknown keys, bad token signatures) per client address per minute before 429s. */
    API_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    /** The longest a signed token may be valid (its exp at most this many seconds ahead). */
    TOKEN_MAX_LIFETIME_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(366 * 24 * 3600)
      .default(24 * 3600),
    /** notiflux-compatible token verification key: base64 of a P-256 public key PEM. */
    JWT_PUBLIC_KEY_B64: z
      .string()
      .trim()
      .optional()
      .refine((v) => {
        if (!v) return true;
        const pem = Buffer.from(v.replace(/\s+/g, ''), 'base64').toString('utf8');
        return pem.includes('-----BEGIN PUBLIC KEY-----');
      }, 'must be the base64 of a PEM public key (cat es256_public.pem | base64)'),
    /**
     * The address people's browsers reach Pushdeck at (`https://push.example.com`): the links in
     * notifications (click tracking), the SDK snippet and the site worker. Default: the request's
     * origin where there is one, else http://localhost:PORT.
     */
    PUBLIC_URL: z
      .string()
      .trim()
      .max(100, 'must be at most 100 characters (it goes into every notification)')
      .refine((v) => {
        try {
          const u = new URL(v);
          return (u.protocol === 'https:' || u.protocol === 'http:') && (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash && !u.username;
        } catch {
          return false;
        }
      }, 'must be an http(s) origin like https://push.example.com (no path)')
      .transform((v) => new URL(v).origin)
      .optional(),
    /** The commit this build is from, shown by GET /api/version (set by the deploy). */
    GIT_COMMIT: z.string().trim().max(64).optional(),
    /** Skip running migrations at start (when a deploy step runs `npm run db:migrate`). */
    SKIP_MIGRATIONS: bool.default(false),
  })
  .superRefine((v, ctx) => {
    // A worker starts no request more than half a lease after its last heartbeat got through; the
    // request must end before the lease does, or another worker takes the delivery over while it is
    // still in flight and sends it twice.
    if (v.WORKER_LEASE_SECONDS <= 2 * v.PUSH_TIMEOUT_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKER_LEASE_SECONDS'],
        message: `must be more than twice PUSH_TIMEOUT_SECONDS (${v.PUSH_TIMEOUT_SECONDS}), or a slow push request could be sent twice`,
      });
    }
  });

export type Config = Omit<z.infer<typeof schema>, 'DATA_DIR' | 'PGLITE_DIR'> & {
  /** Absolute paths. */
  DATA_DIR: string;
  PGLITE_DIR: string;
  ROOT: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` (default `process.env`). Relative paths resolve against the project root. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset": `FOO= npm start` should not fail validation.
  const input = Object.fromEntries(Object.entries(env).filter(([k, v]) => k in schema.shape && v !== undefined && v !== ''));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? '?');
        return `${key}: ${i.message}`;
      }),
    );
  }
  const root = env.PUSHDECK_ROOT ? path.resolve(env.PUSHDECK_ROOT) : process.cwd();
  const dataDir = path.resolve(root, parsed.data.DATA_DIR);
  return {
    ...parsed.data,
    ROOT: root,
    DATA_DIR: dataDir,
    PGLITE_DIR: path.resolve(root, parsed.data.PGLITE_DIR ?? path.join(dataDir, 'pglite')),
  };
}

const KEYS = [...Object.keys(schema.shape), 'PUSHDECK_ROOT'];
let cached: { key: string; config: Config } | undefined;
/**
 * The process-wide configuration, parsed on first use and again only when one of its variables
 * changes (a test file sets some for its process; a running server never does).
 */
export function config(): Config {
  const key = KEYS.map((k) => process.env[k] ?? '').join('\0');
  if (cached?.key !== key) cached = { key, config: loadConfig() };
  return cached.config;
}

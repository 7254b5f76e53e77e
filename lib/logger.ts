/**
 * Structured logging: one JSON object per line on stdout (stderr for warn/error).
 *
 * Keys that can carry secrets are redacted wherever they appear, at any depth, so a careless
 * `log.info('x', { body })` cannot leak a password, private key, token or API key. Errors are
 * serialized with their `cause` chain.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|private|api[-_]?key|^auth$|p256dh|credential/i;

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

/**
 * Drizzle wraps a driver error as "Failed query: <sql>\nparams: <values>", with the values also on
 * `params`: subscriber endpoints and keys, a whole import chunk at a time. Never log those.
 */
function isQueryError(err: Error): err is Error & { query: string; params: unknown[] } {
  const e = err as { query?: unknown; params?: unknown };
  return typeof e.query === 'string' && Array.isArray(e.params);
}

/**
 * An error as a line safe to log or show (the health body): for a failed query, the database's
 * code and message, never the statement's parameters.
 */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (!isQueryError(err)) return err.message;
  const cause = err.cause instanceof Error ? err.cause : null;
  const code = (cause as { code?: unknown } | null)?.code;
  // The driver's own message is the server's text (PGlite also hangs query and params on it).
  return `Database query failed${typeof code === 'string' ? ` (${code})` : ''}: ${cause?.message ?? 'no detail'}`;
}

export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return err;
  const query = isQueryError(err);
  // The statement's text (placeholders, no values), cut short: an import's insert is very long.
  const out: Fields = { name: err.name, message: query ? `Failed query: ${err.query.slice(0, 300)}${err.query.length > 300 ? '…' : ''}` : err.message };
  if (query) out.params = `[${err.params.length} withheld]`;
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  // Frames only: a stack starts with the message, which for a failed query holds the parameters.
  if (err.stack)
    out.stack = err.stack
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .slice(0, 8)
      .join('\n');
  if (err.cause !== undefined && depth < 4) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return serializeError(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

function currentLevel(): number {
  const lvl = (process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info')) as Level;
  return order[lvl] ?? order.info;
}

function write(level: Level, base: Fields, msg: string, fields?: Fields) {
  if (order[level] < currentLevel()) return;
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    msg,
    ...(redact({ ...base, ...fields }) as Fields),
  });
  (order[level] >= order.warn ? process.stderr : process.stdout).write(line + '\n');
}

function make(base: Fields): Logger {
  return {
    debug: (m, f) => write('debug', base, m, f),
    info: (m, f) => write('info', base, m, f),
    warn: (m, f) => write('warn', base, m, f),
    error: (m, f) => write('error', base, m, f),
    child: (f) => make({ ...base, ...f }),
  };
}

export const logger: Logger = make({});

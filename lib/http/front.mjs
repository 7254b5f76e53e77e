/**
 * What the front server (server.mjs) settles before a request reaches Next, where Next would
 * answer with a 500 or trust what it should not:
 *  - methods other than the ones the app serves (TRACE, CONNECT, PROPFIND, …; Node itself answers
 *    unregistered tokens such as TRACK with 400 before any handler runs): 405 with
 *    Allow; `GET /api/auth/callback/credentials` (next-auth only takes a POST there): 405;
 *  - a path with malformed percent-encoding (`/api/v1/topics/%E0%A4%A`): 400;
 *  - a body larger than MAX_BODY_BYTES, counted on the bytes actually read (a chunked upload
 *    has no Content-Length to check): 413, and the rest is not read;
 *  - X-Forwarded-For/-Host/-Proto/-Port and Forwarded are removed unless TRUST_PROXY_HOPS says a
 *    proxy sets them (they reach URLs Next builds, the OpenAPI servers list, the origin check);
 *  - Strict-Transport-Security on responses served over https (TLS here, or a trusted proxy's).
 * Plain JavaScript: server.mjs runs without a TypeScript loader.
 */
import { MAX_BODY_BYTES } from './limits.mjs';

export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const FORWARDED = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded'];
export const HSTS = 'max-age=31536000';

function refuse(req, res, status, code, message, headers = {}) {
  const api = (req.url ?? '').startsWith('/api/');
  const body = api ? JSON.stringify({ error: { code, message } }) : `${message}\n`;
  res.writeHead(status, {
    'content-type': api ? 'application/json' : 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function malformedPath(url) {
  const path = url.split('?')[0] ?? '';
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

/** The client's address: the socket's, or the one `hops` proxies back in X-Forwarded-For. */
export function clientIp(req, hops) {
  let ip = req.socket.remoteAddress ?? '';
  const xff = req.headers['x-forwarded-for'];
  if (hops > 0 && typeof xff === 'string') {
    const parts = xff
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    ip = parts[Math.max(0, parts.length - hops)] ?? ip;
  }
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/**
 * Returns true when it answered the request itself; otherwise the request is ready for Next.
 * `opts.hops` is TRUST_PROXY_HOPS; `opts.maxBodyBytes` defaults to MAX_BODY_BYTES.
 */
export function front(req, res, opts = {}) {
  const hops = opts.hops ?? 0;
  const maxBodyBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  req.headers['x-pushdeck-client-ip'] = clientIp(req, hops);
  if (hops === 0) for (const h of FORWARDED) delete req.headers[h];
  const https =
    req.socket.encrypted === true ||
    (hops > 0 &&
      String(req.headers['x-forwarded-proto'] ?? '')
        .split(',')[0]
        ?.trim() === 'https');
  if (https) res.setHeader('strict-transport-security', HSTS);

  const method = (req.method ?? '').toUpperCase();
  if (!ALLOWED_METHODS.includes(method)) {
    refuse(req, res, 405, 'method_not_allowed', `${method || 'That method'} is not served here.`, { allow: ALLOWED_METHODS.join(', '), connection: 'close' });
    req.resume();
    return true;
  }
  const url = req.url ?? '/';
  if (malformedPath(url)) {
    refuse(req, res, 400, 'bad_request', 'The path has malformed percent-encoding (a % must be followed by two hex digits making UTF-8).');
    req.resume();
    return true;
  }
  if (method === 'GET' && url.split('?')[0] === '/api/auth/callback/credentials') {
    refuse(req, res, 405, 'method_not_allowed', 'Sign in with a POST from the sign-in page.', { allow: 'POST' });
    return true;
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    // Read and discard the body so the client, still sending, gets to read the answer; beyond
    // DRAIN_FACTOR times the limit that is not worth it: close instead.
    refuse(req, res, 413, 'payload_too_large', tooLarge(maxBodyBytes), declared > maxBodyBytes * DRAIN_FACTOR ? { connection: 'close' } : {});
    req.resume();
    return true;
  }
  // Count what is actually read: a chunked body declares nothing. Over the limit: hand nothing more
  // to Next, discard the rest, and answer 413 (closing the connection) once the client has sent it
  // all and can read the answer, or at once past DRAIN_FACTOR times the limit.
  let seen = 0;
  let over = false;
  const push = req.push.bind(req);
  const answer = () => {
    req.push = () => true;
    if (res.headersSent) req.socket.destroy();
    else refuse(req, res, 413, 'payload_too_large', tooLarge(maxBodyBytes), { connection: 'close' });
  };
  req.push = (chunk, encoding) => {
    const end = chunk === null || chunk === undefined;
    if (!end) seen += chunk.length;
    if (over) {
      if (end || seen > maxBodyBytes * DRAIN_FACTOR) answer();
      return true;
    }
    if (!end && seen > maxBodyBytes) {
      over = true;
      return true;
    }
    return push(chunk, encoding);
  };
  return false;
}

const DRAIN_FACTOR = 4;
const tooLarge = (max) => `The request body may be at most ${max >= 1024 * 1024 ? `${Math.round(max / 1024 / 1024)} MB` : `${Math.round(max / 1024)} KB`}.`;

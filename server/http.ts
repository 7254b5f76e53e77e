/**
 * Route-handler plumbing: every error leaves as `{"error":{"code","message"}}` with the status
 * its code maps to. Unexpected errors are logged once with a reference and answered generically.
 */
import 'server-only';
import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../lib/errors';
import { logger } from '../lib/logger';

export function jsonError(e: unknown, where: string): Response {
  if (isAppError(e)) {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (e.retryAfter) headers['retry-after'] = String(e.retryAfter);
    const body: { error: { code: string; message: string; fields?: Record<string, string[]> } } = {
      error: { code: e.code, message: e.message },
    };
    if (e.fieldErrors) body.error.fields = e.fieldErrors;
    return new Response(JSON.stringify(body), { status: e.status, headers });
  }
  const ref = randomUUID().slice(0, 8);
  logger.error('http.unhandled', { where, ref, err: e });
  return Response.json(
    { error: { code: 'internal', message: `Internal error (reference ${ref}).` } },
    { status: 500, headers: { 'cache-control': 'no-store' } },
  );
}

export function route<A extends unknown[]>(where: string, fn: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    try {
      return await fn(...args);
    } catch (e) {
      return jsonError(e, where);
    }
  };
}

/**
 * Reads a JSON body with a size cap, checking the media type. Bodies are streamed so an
 * oversized one is cut off at the cap, not buffered whole.
 */
export async function readJson(req: Request, maxBytes: number): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new AppError('payload_too_large', `The body may be at most ${maxBytes} bytes.`);
  }
  const reader = req.body?.getReader();
  if (!reader) throw new AppError('bad_request', 'The request has no body.');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new AppError('payload_too_large', `The body may be at most ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new AppError('bad_request', 'The request body is empty.');
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'The body is not valid JSON.');
  }
}

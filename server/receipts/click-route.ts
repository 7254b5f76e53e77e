/**
 * The edge of the click-tracking redirect: a person's browser follows it, so failures are a short
 * page, not JSON. Rate-limited per address like the rest of the public API.
 */
import 'server-only';
import { getDb } from '../../db';
import { AppError } from '../../lib/errors';
import { clientIp } from '../../lib/http/client-ip';
import { makeCtx } from '../context';
import { jsonError, limitPublic } from '../http';
import { followClick } from './click';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (status: number, message: string) =>
  new Response(
    `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Pushdeck</title><body style="font:16px system-ui;margin:3rem auto;max-width:32rem;padding:0 1rem"><h1 style="font-size:1.25rem">This link does not lead anywhere</h1><p>${escapeHtml(message)}</p></body></html>`,
    { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } },
  );

export function clickRoute(where: string) {
  return async (req: Request, rc: { params: Promise<{ ref: string; action?: string }> }): Promise<Response> => {
    try {
      limitPublic(req);
      const { ref, action } = await rc.params;
      const target = await followClick(makeCtx(await getDb(), { kind: 'public', ip: clientIp(req.headers) }), ref, action ?? null);
      return new Response(null, { status: 302, headers: { location: target, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });
    } catch (e) {
      if (e instanceof AppError && (e.code === 'not_found' || e.code === 'forbidden')) return page(404, e.message);
      const res = jsonError(e, where); // logs the unexpected once, with a reference
      return page(res.status, res.status === 429 ? 'Too many requests from this address. Try again in a minute.' : 'Something went wrong. Try again later.');
    }
  };
}

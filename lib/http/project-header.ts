/**
 * The project slug proxy.ts hands to the page, action or route it rewrote a request to. Next runs
 * the proxy again for the rewritten request, so the proxy cannot tell its own header from one a
 * client sent by where it came from; it signs it instead. A header without a valid signature
 * (anything a client made up) is dropped there and ignored here.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../secrets';

let key: Buffer | undefined;
const mac = (slug: string) =>
  createHmac('sha256', (key ??= deriveKey('project-header')))
    .update(slug)
    .digest('base64url');

/** `slug.signature`, for PROJECT_HEADER. */
export function signProjectHeader(slug: string): string {
  return `${encodeURIComponent(slug)}.${mac(slug)}`;
}

/** The slug a signed header carries, or null (absent, malformed, forged). */
export function readProjectHeader(value: string | null | undefined): string | null {
  if (!value) return null;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return null;
  let slug: string;
  try {
    slug = decodeURIComponent(value.slice(0, dot));
  } catch {
    return null;
  }
  const given = Buffer.from(value.slice(dot + 1));
  const want = Buffer.from(mac(slug));
  return given.length === want.length && timingSafeEqual(given, want) ? slug : null;
}

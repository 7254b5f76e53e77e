/** Strict base64url (RFC 4648 §5): decoding refuses anything but the URL-safe alphabet. */
const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

export function b64u(buf: Uint8Array): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('base64url');
}

/** Decodes base64url (padding tolerated); returns null when the text is not base64url. */
export function fromB64u(text: string): Buffer | null {
  if (typeof text !== 'string' || !B64URL.test(text)) return null;
  const bare = text.replace(/=+$/, '');
  if (bare.length % 4 === 1) return null;
  return Buffer.from(bare, 'base64url');
}

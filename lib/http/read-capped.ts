/**
 * Reads a body stream whole, but never more than `max` bytes: past the cap the stream is
 * cancelled and the answer is null, so an oversized body is cut off, not buffered. Shared by the
 * JSON body reader (server/http.ts) and the Install page's fetch of a site's worker file.
 */
export async function readCapped(body: ReadableStream<Uint8Array> | null | undefined, max: number): Promise<Buffer | null> {
  const reader = body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

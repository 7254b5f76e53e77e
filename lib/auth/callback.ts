/**
 * Where to go after sign-in. Only same-origin paths survive: `/admin/x?y` is kept; absolute URLs
 * to other hosts, protocol-relative `//evil`, backslash tricks and control characters fall back,
 * so `callbackUrl` can never become an open redirect.
 */
export function safeCallbackPath(raw: unknown, fallback = '/admin', ownOrigin?: string): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000) return fallback;
  let candidate = raw;
  if (/^[a-z][a-z0-9+.-]*:/i.test(candidate)) {
    // An absolute URL is accepted only when it points at ourselves; we keep its path.
    try {
      const u = new URL(candidate);
      if (!ownOrigin || u.origin !== ownOrigin) return fallback;
      candidate = u.pathname + u.search + u.hash;
    } catch {
      return fallback;
    }
  }
  if (!candidate.startsWith('/') || candidate.startsWith('//')) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(candidate)) return fallback;
  return candidate;
}

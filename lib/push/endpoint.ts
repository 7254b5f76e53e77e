/**
 * One spelling per push subscription endpoint. Browsers hand out one URL per subscription, but a
 * URL can be written many ways (`:04190` for `:4190`, `2130706433` for `127.0.0.1`, a trailing
 * `?`, a `#fragment`, `/./`, an empty `:@` userinfo, `%41` for `A`); stored as typed, each spelling
 * became another subscriber, and one device got a campaign once per spelling. Endpoints are
 * stored and compared in this canonical form everywhere: subscribe, re-subscribe, lookup,
 * unsubscribe, import, the CLI and the API (and db/code-migrations.ts merged the old spellings).
 *
 * The form is the WHATWG URL serialisation (lower-case host, IPv4 in dotted quads, default port
 * dropped, dot segments resolved, empty userinfo gone) without fragment, with percent-encoded unreserved
 * characters decoded (RFC 3986 §6.2.2.2) and other escapes in upper case. The push services that
 * identify a subscription by its path alone (FCM, Mozilla, Apple) lose any query string, which a
 * client could otherwise vary at will; others (WNS puts its token in the query) keep theirs.
 */

/** Push services whose endpoints carry no query: anything after `?` is noise. */
const PATH_ONLY = [/^fcm\.googleapis\.com$/, /^android\.googleapis\.com$/, /\.push\.services\.mozilla\.com$/, /\.push\.apple\.com$/];

const UNRESERVED = /[A-Za-z0-9\-._~]/;

function normaliseEscapes(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

/** The canonical spelling of an endpoint, or null when it is not a URL at all. */
export function canonicalEndpoint(endpoint: string | URL): string | null {
  let url: URL;
  try {
    url = new URL(endpoint.toString());
  } catch {
    return null;
  }
  url.hash = '';
  // An empty userinfo (`https://:@host/`) serialises away; real credentials are kept, so the
  // allowlist still refuses them (lib/push/allowlist.ts) rather than quietly dropping them.
  url.pathname = normaliseEscapes(url.pathname);
  if (PATH_ONLY.some((re) => re.test(url.hostname)) || url.search === '?' || url.search === '') {
    url.search = '';
  } else {
    url.search = normaliseEscapes(url.search);
  }
  // An empty query still serialises as a trailing "?": drop it.
  return url.href.replace(/\?$/, '');
}

/** For comparing what a caller sent with what is stored: canonical when it parses, else as sent. */
export function endpointKey(endpoint: string): string {
  return canonicalEndpoint(endpoint) ?? endpoint;
}

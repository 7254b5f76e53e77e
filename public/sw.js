/*
 * Pushdeck service worker.
 *
 *  - push: shows the notification described by the decrypted payload (title, body, icon, image,
 *    badge, actions, tag, renotify, requireInteraction, silent, timestamp, url, data).
 *  - notificationclick: focuses a tab already showing the target URL, or opens it; action
 *    buttons carry their own URL.
 *  - pushsubscriptionchange: re-subscribes and tells the server in the same request, keeping the
 *    visitor's topics.
 *  - key rotation: when the server's active VAPID key differs from the one this subscription was
 *    made with, re-subscribe with the new key (checked after pushes, at most every few minutes).
 *  - large notifications: a push with a pointer (`m`, token `k`) is fetched from
 *    /api/v1/messages/{m} before it is shown (its short title is the fallback).
 *  - receipts: "shown", "clicked" (with the action) and "closed" go back to /api/push/receipts
 *    with the delivery's signed reference from the payload, so campaigns can count them.
 *  - projects: one registration per project's public page, the default project's at scope `/`,
 *    project <slug>'s at `/p/<slug>/` (components/public/push-client.ts). The worker reads its
 *    project from its scope, and every call to the public API names it (`?project=<slug>`), so
 *    receipts, key checks and re-subscriptions go to the project that subscription belongs to.
 *  - on a customer's site: the site's root worker imports this file through
 *    /sdk/v1/sw.js?project=<slug>, which first sets `self.PUSHDECK_CONFIG = { base, project }`;
 *    the worker then calls Pushdeck at `base` (cross-origin, allowed by the project's origins)
 *    and a notification without a link opens the site's home page.
 *  - Declarative Web Push: Pushdeck sends `{"web_push":8030,"notification":{…},"mutable":true}`
 *    with its legacy fields beside it; a browser that shows declarative messages itself (Safari
 *    18.4+) still runs this worker because the message is mutable, and browsers that do not know
 *    the format (Chrome, Firefox) hand it to this worker, which reads both, so every browser shows
 *    the same notification and reports the same receipts. A declarative message from another
 *    sender (no legacy fields) is shown from its `notification` object alone.
 *
 * Plain JavaScript on purpose: it is served as-is from /sw.js, never bundled.
 */
'use strict';

/**
 * One action button of a payload, as sent (checked before use).
 * @typedef {object} PushPayloadAction
 * @property {unknown} [action]
 * @property {unknown} [title]
 * @property {unknown} [url]
 * @property {unknown} [icon]
 */

/**
 * The decrypted push payload, or the stored content a pointer leads to. JSON from the network:
 * every field is optional and checked before use.
 * @typedef {object} PushPayload
 * @property {unknown} [title]
 * @property {unknown} [body]
 * @property {unknown} [icon]
 * @property {unknown} [image]
 * @property {unknown} [badge]
 * @property {unknown} [tag]
 * @property {unknown} [renotify]
 * @property {unknown} [requireInteraction]
 * @property {unknown} [silent]
 * @property {unknown} [timestamp]
 * @property {unknown} [dir]
 * @property {unknown} [lang]
 * @property {(PushPayloadAction | null)[]} [actions]
 * @property {unknown} [url]
 * @property {unknown} [data]
 * @property {unknown} [ref] the delivery's signed reference, echoed in receipts
 * @property {unknown} [m] pointer: the stored message's id
 * @property {unknown} [k] pointer: the token that reads it
 */

/**
 * What a shown notification carries in its `data`.
 * @typedef {object} ShownData
 * @property {string} url
 * @property {Record<string, string>} actionUrls
 * @property {unknown} custom
 * @property {unknown} ref
 */

/**
 * An action button (not in TypeScript's NotificationOptions: only some browsers show them).
 * @typedef {object} ShownAction
 * @property {string} action
 * @property {string} title
 * @property {string} [icon]
 */

/**
 * showNotification's options, with the fields TypeScript's NotificationOptions leaves out (and
 * indexable by name: the unset ones are deleted before the call).
 * @typedef {NotificationOptions & { image?: string, renotify?: boolean, timestamp?: number, actions: ShownAction[], data: ShownData, [key: string]: unknown }} ShownOptions
 */

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

/**
 * The project this worker serves: the slug of a `/p/<slug>/` scope, or null (the default
 * project, at `/`).
 * @param {string} scope
 * @returns {string | null}
 */
function projectOfScope(scope) {
  const m = /^\/p\/([a-z0-9-]+)\/$/.exec(new URL(scope).pathname);
  return m ? m[1] : null;
}

/**
 * Set by /sdk/v1/sw.js before this code when a customer's site imports it.
 * @type {{ base?: unknown, project?: unknown } | undefined}
 */
const SITE_CONFIG = /** @type {any} */ (self).PUSHDECK_CONFIG;
const ON_SITE = !!SITE_CONFIG && typeof SITE_CONFIG.base === 'string' && typeof SITE_CONFIG.project === 'string';

/** Where Pushdeck's API is: this worker's own origin, or the server a site's worker names. */
const API_BASE = ON_SITE ? String(SITE_CONFIG.base).replace(/\/+$/, '') : self.location.origin;

const PROJECT = ON_SITE ? String(SITE_CONFIG.project) : projectOfScope(sw.registration.scope);

/** Where a notification without a link leads: the project's public page, or the site's home. */
const HOME = self.location.origin + (ON_SITE || PROJECT === null ? '/' : `/p/${PROJECT}`);

/**
 * The public API's `path` (absolute, at API_BASE) in this worker's project.
 * @param {string} path
 */
function inProject(path) {
  const url = API_BASE + path;
  return PROJECT === null ? url : `${url}${path.includes('?') ? '&' : '?'}project=${encodeURIComponent(PROJECT)}`;
}

const KEY_CHECK_INTERVAL_MS = 5 * 60 * 1000;
let lastKeyCheck = 0;

sw.addEventListener('install', () => sw.skipWaiting());
sw.addEventListener('activate', (event) => {
  event.waitUntil(Promise.all([sw.clients.claim(), ensureCurrentKey().catch(() => {})]));
});

/** @param {string} text */
function b64urlToBytes(text) {
  const pad = '='.repeat((4 - (text.length % 4)) % 4);
  const b64 = (text + pad).replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** @param {ArrayBuffer} buf */
function bytesToB64url(buf) {
  const bytes = new Uint8Array(buf);
  let raw = '';
  for (let i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
  return btoa(raw).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * @param {ArrayBuffer | Uint8Array | null | undefined} a
 * @param {ArrayBuffer | Uint8Array | null | undefined} b
 */
function sameBytes(a, b) {
  if (!a || !b) return false;
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * Only http(s) URLs, resolved against our origin; anything else falls back to the start page.
 * @param {unknown} value
 * @returns {string | null}
 */
function safeUrl(value) {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const u = new URL(value, self.location.origin);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch (e) {
    return null;
  }
}

/**
 * @param {unknown} v
 * @param {number} max
 * @returns {string | undefined}
 */
const str = (v, max) => (typeof v === 'string' && v !== '' ? v.slice(0, max) : undefined);

/**
 * Turns the payload into showNotification's (title, options).
 * @param {PushPayload | null | undefined} payload
 * @returns {{ title: string, options: ShownOptions }}
 */
function toNotification(payload) {
  /** @type {PushPayload} */
  const p = payload && typeof payload === 'object' ? payload : {};
  const title = str(p.title, 200) || 'New notification';
  /** @type {Record<string, string>} */
  const actionUrls = {};
  const actions = Array.isArray(p.actions)
    ? p.actions.slice(0, 2).flatMap((a, i) => {
        if (!a || typeof a.title !== 'string') return [];
        const action = str(a.action, 64) || `action-${i}`;
        const url = safeUrl(a.url);
        if (url) actionUrls[action] = url;
        return [{ action, title: a.title.slice(0, 60), icon: str(a.icon, 2000) }];
      })
    : [];
  /** @type {ShownOptions} */
  const options = {
    body: str(p.body, 1000),
    icon: str(p.icon, 2000) || `${API_BASE}/icon-192.png`,
    image: str(p.image, 2000),
    badge: str(p.badge, 2000) || `${API_BASE}/badge-96.png`,
    tag: str(p.tag, 64),
    renotify: !!(p.renotify && p.tag),
    requireInteraction: !!p.requireInteraction,
    silent: !!p.silent,
    timestamp: typeof p.timestamp === 'number' ? p.timestamp : undefined,
    dir: p.dir === 'rtl' || p.dir === 'ltr' ? p.dir : 'auto',
    lang: str(p.lang, 35),
    actions,
    data: { url: safeUrl(p.url) || HOME, actionUrls, custom: p.data ?? null, ref: p.ref ?? null },
  };
  for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];
  return { title, options };
}

/**
 * A Declarative Web Push message as this worker's payload: the `notification` object's fields
 * (`navigate` is the link; each action's `navigate` its link), overlaid with the legacy fields
 * Pushdeck sends beside it (the direct link, the receipt reference, image, badge…), so a
 * declarative message from Pushdeck opens its target directly and one from elsewhere still shows.
 * Anything else passes through unchanged.
 * @param {Record<string, unknown>} p
 * @returns {PushPayload}
 */
function fromDeclarative(p) {
  const n =
    p.web_push === 8030 && p.notification && typeof p.notification === 'object' && !Array.isArray(p.notification)
      ? /** @type {Record<string, unknown>} */ (p.notification)
      : null;
  if (!n) return p;
  /** @type {Record<string, unknown>} */
  const out = {
    title: n.title,
    body: n.body,
    icon: n.icon,
    tag: n.tag,
    lang: n.lang,
    dir: n.dir,
    silent: n.silent,
    requireInteraction: n.requireInteraction,
    data: n.data,
    url: n.navigate,
    actions: Array.isArray(n.actions)
      ? n.actions.map((a) => (a && typeof a === 'object' ? { action: a.action, title: a.title, url: a.navigate } : null))
      : undefined,
  };
  for (const [k, v] of Object.entries(p)) if (k !== 'web_push' && k !== 'notification' && k !== 'mutable' && v !== undefined) out[k] = v;
  setBadge(n.app_badge ?? p.app_badge);
  return out;
}

/**
 * The app badge a declarative message sets (a whole number; 0 clears it), where the browser has one.
 * @param {unknown} value
 */
function setBadge(value) {
  const count = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return;
  const nav = /** @type {any} */ (self.navigator);
  if (!nav || typeof nav.setAppBadge !== 'function') return;
  (count === 0 ? nav.clearAppBadge() : nav.setAppBadge(count)).catch(() => {});
}

/**
 * Reports a receipt; never fails the event (receipts are best effort).
 * @param {unknown} ref
 * @param {'shown' | 'clicked' | 'closed'} kind
 * @param {string} [action]
 * @returns {Promise<unknown>}
 */
function report(ref, kind, action) {
  if (typeof ref !== 'string' || !ref) return Promise.resolve();
  const body = JSON.stringify(action ? { ref, kind, action } : { ref, kind });
  return fetch(inProject('/api/push/receipts'), { method: 'POST', headers: { 'content-type': 'application/json' }, body, keepalive: true }).catch(() => {});
}

/**
 * A push that carries a pointer: fetch the stored content (keeping the push's own fields).
 * @param {PushPayload} payload
 * @returns {Promise<PushPayload>}
 */
async function resolvePointer(payload) {
  if (typeof payload.m !== 'string' || typeof payload.k !== 'string') return payload;
  try {
    const res = await fetch(inProject(`/api/v1/messages/${encodeURIComponent(payload.m)}`), {
      headers: { authorization: `Bearer ${payload.k}` },
      cache: 'no-store',
    });
    if (!res.ok) throw new Error(String(res.status));
    const content = await res.json();
    return { ...content, ref: payload.ref, timestamp: payload.timestamp };
  } catch (e) {
    return { title: payload.title, body: 'Open to read the full message.', ref: payload.ref, timestamp: payload.timestamp };
  }
}

sw.addEventListener('push', (event) => {
  /** @type {PushPayload} */
  let payload = {};
  if (event.data) {
    try {
      const parsed = event.data.json();
      // JSON that is not an object (null, a number, a list, a string) is shown as text.
      payload =
        parsed && typeof parsed === 'object' && !Array.isArray(parsed)
          ? fromDeclarative(parsed)
          : { body: typeof parsed === 'string' ? parsed : event.data.text() };
    } catch (e) {
      payload = { body: event.data.text() };
    }
  }
  event.waitUntil(
    Promise.all([
      resolvePointer(payload).then((full) => {
        const { title, options } = toNotification(full);
        return sw.registration.showNotification(title, options).then(() => report(options.data.ref, 'shown'));
      }),
      Date.now() - lastKeyCheck > KEY_CHECK_INTERVAL_MS ? ensureCurrentKey().catch(() => {}) : null,
    ]),
  );
});

/** @param {string} url */
async function focusOrOpen(url) {
  const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of windows) {
    if (client.url === url && 'focus' in client) return client.focus();
  }
  if (sw.clients.openWindow) return sw.clients.openWindow(url);
  return null;
}

sw.addEventListener('notificationclick', (event) => {
  const data = /** @type {Partial<ShownData>} */ (event.notification.data || {});
  const url = (event.action && data.actionUrls && data.actionUrls[event.action]) || data.url || HOME;
  event.notification.close();
  event.waitUntil(Promise.all([focusOrOpen(url), report(data.ref, 'clicked', event.action || undefined)]));
});

sw.addEventListener('notificationclose', (event) => {
  const data = /** @type {Partial<ShownData>} */ (event.notification.data || {});
  event.waitUntil(report(data.ref, 'closed'));
});

/**
 * @param {string} path a public API path (called in this worker's project)
 * @param {unknown} body
 * @returns {Promise<any>} the answer's JSON
 */
async function postJson(path, body) {
  const res = await fetch(inProject(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  return res.json();
}

/** @returns {Promise<string>} the server's active VAPID public key (base64url) */
async function currentServerKey() {
  const res = await fetch(inProject('/api/push/vapid-public-key'), { cache: 'no-store' });
  if (!res.ok) throw new Error('no key');
  return (await res.json()).publicKey;
}

/**
 * @param {string} endpoint
 * @returns {Promise<string[] | null>} the subscription's topics, or null when it is not active on the server
 */
async function topicsOf(endpoint) {
  try {
    const found = await postJson('/api/push/subscriptions/lookup', { endpoint });
    return found.status === 'active' ? found.topics : null;
  } catch (e) {
    return null;
  }
}

/** Re-subscribes with the active key when this subscription was made with an older one. */
async function ensureCurrentKey() {
  lastKeyCheck = Date.now();
  const sub = await sw.registration.pushManager.getSubscription();
  if (!sub) return;
  const publicKey = await currentServerKey();
  const key = b64urlToBytes(publicKey);
  if (sub.options && sameBytes(sub.options.applicationServerKey, key)) return;
  const topics = await topicsOf(sub.endpoint);
  if (topics === null) return; // not subscribed on the server: nothing to carry over
  await sub.unsubscribe(); // browsers refuse a second key while the first subscription exists
  const next = await sw.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  await postJson('/api/push/subscriptions', { subscription: next.toJSON(), topics, vapidPublicKey: publicKey, previousEndpoint: sub.endpoint });
}

sw.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(
    (async () => {
      const oldEndpoint = event.oldSubscription ? event.oldSubscription.endpoint : null;
      const topics = (oldEndpoint && (await topicsOf(oldEndpoint))) || [];
      const publicKey = await currentServerKey();
      const next =
        event.newSubscription || (await sw.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlToBytes(publicKey) }));
      // A subscription the browser renewed by itself keeps the key it was made with.
      const usedKey = next.options && next.options.applicationServerKey ? bytesToB64url(next.options.applicationServerKey) : publicKey;
      await postJson('/api/push/subscriptions', {
        subscription: next.toJSON(),
        topics,
        vapidPublicKey: usedKey,
        ...(oldEndpoint && oldEndpoint !== next.endpoint ? { previousEndpoint: oldEndpoint } : {}),
      });
    })(),
  );
});

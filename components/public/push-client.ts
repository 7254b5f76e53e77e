/**
 * Browser side of subscribing: feature detection, service worker registration, subscribe with
 * our VAPID key, and the calls to the public API. No React here; the panel drives it.
 *
 * Every call acts in one project: `null` is the default project (its page is `/`), a slug is the
 * project whose page is `/p/<slug>`. Its API calls carry `?project=<slug>` (in the URL, so a
 * cached answer is never another project's), and its service worker is registered at its own
 * scope, `/p/<slug>/`: a push subscription belongs to one registration, so each project's is
 * separate, and the worker learns its project from that scope (public/sw.js).
 */
export type Topic = { slug: string; name: string; description: string };

/** The public API's `path` in `project` (null: the default project, whose calls name none). */
export function inProject(path: string, project: string | null): string {
  if (project === null) return path;
  return `${path}${path.includes('?') ? '&' : '?'}project=${encodeURIComponent(project)}`;
}

/** The service worker's scope for `project`: `/` for the default project, `/p/<slug>/` for the others. */
export function workerScope(project: string | null): string {
  return project === null ? '/' : `/p/${encodeURIComponent(project)}/`;
}

export function b64urlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const pad = '='.repeat((4 - (text.length % 4)) % 4);
  const raw = atob((text + pad).replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function sameKey(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a) return false;
  const x = new Uint8Array(a);
  return x.length === b.length && x.every((v, i) => v === b[i]);
}

export type Support = 'supported' | 'unsupported' | 'ios-needs-install' | 'insecure';

export function detectSupport(): Support {
  if (typeof window === 'undefined') return 'unsupported';
  if (!window.isSecureContext) return 'insecure';
  const hasPush = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  if (hasPush) return 'supported';
  // iOS/iPadOS Safari offers Web Push only to sites added to the Home Screen.
  const ios = /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  return ios ? 'ios-needs-install' : 'unsupported';
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body: unknown): Promise<T | null> {
  const res = await fetch(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status === 204) return null;
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, json?.error?.message ?? `The server answered ${res.status}.`);
  return json as T;
}

/** The public API's subscription calls, in `project`. */
export const publicApi = (project: string | null) => ({
  save: (subscription: PushSubscription, topics: string[], vapidPublicKey: string, previousEndpoint?: string) =>
    call<{ id: string; topics: string[] }>('POST', inProject('/api/push/subscriptions', project), {
      subscription: subscription.toJSON(),
      topics,
      vapidPublicKey,
      ...(previousEndpoint ? { previousEndpoint } : {}),
    }),
  remove: (endpoint: string) => call<null>('DELETE', inProject('/api/push/subscriptions', project), { endpoint }),
  lookup: async (endpoint: string) => {
    try {
      return await call<{ id: string; status: string; topics: string[]; vapidPublicKey: string | null }>(
        'POST',
        inProject('/api/push/subscriptions/lookup', project),
        { endpoint },
      );
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
});

/**
 * Registers /sw.js at `project`'s scope and waits until that registration has an active worker
 * (which pushManager.subscribe needs). Not `navigator.serviceWorker.ready`: that is the
 * registration controlling this page, and `/p/<slug>` lies outside `/p/<slug>/` (it is `/`'s,
 * or none), so the subscription would land in the wrong registration or never.
 * The script's maximum scope is `/`, which holds every project's.
 */
export async function registerWorker(project: string | null): Promise<ServiceWorkerRegistration> {
  const reg = await navigator.serviceWorker.register('/sw.js', { scope: workerScope(project) });
  for (;;) {
    if (reg.active) return reg;
    const worker = reg.installing ?? reg.waiting;
    if (!worker) throw new Error('The notification service worker did not start. Reload the page and try again.');
    await new Promise<void>((resolve) => {
      const settled = () => {
        if (worker.state !== 'activating' && worker.state !== 'activated' && worker.state !== 'redundant') return;
        worker.removeEventListener('statechange', settled);
        resolve();
      };
      worker.addEventListener('statechange', settled);
      settled();
    });
  }
}

/** pushManager.subscribe, with a deadline: some browsers never settle when their push service is unreachable. */
export function subscribeWithTimeout(reg: ServiceWorkerRegistration, key: Uint8Array<ArrayBuffer>, ms = 20_000): Promise<PushSubscription> {
  return Promise.race([
    reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('Your browser’s push service did not answer. Check your connection and try again.')), ms),
    ),
  ]);
}

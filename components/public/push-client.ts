/**
 * Browser side of subscribing: feature detection, service worker registration, subscribe with
 * our VAPID key, and the calls to the public API. No React here; the panel drives it.
 */
export type Topic = { slug: string; name: string; description: string };

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

export const api = {
  save: (subscription: PushSubscription, topics: string[], vapidPublicKey: string, previousEndpoint?: string) =>
    call<{ id: string; topics: string[] }>('POST', '/api/push/subscriptions', {
      subscription: subscription.toJSON(),
      topics,
      vapidPublicKey,
      ...(previousEndpoint ? { previousEndpoint } : {}),
    }),
  remove: (endpoint: string) => call<null>('DELETE', '/api/push/subscriptions', { endpoint }),
  lookup: async (endpoint: string) => {
    try {
      return await call<{ id: string; status: string; topics: string[]; vapidPublicKey: string | null }>('POST', '/api/push/subscriptions/lookup', {
        endpoint,
      });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
};

export async function registerWorker(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  return navigator.serviceWorker.ready;
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

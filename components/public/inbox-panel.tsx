'use client';
/**
 * Recent notifications for the chosen topics, kept live with a long poll on /api/inbox (ETag +
 * If-None-Match): the way to follow along in browsers without Web Push, and live updates for
 * everyone while the page is open. In the page's project (null: the default one).
 */
import { useEffect, useState } from 'react';
import { inProject } from './push-client';

interface Item {
  id: string;
  title: string;
  body: string | null;
  url: string | null;
  sentAt: string;
}

function ago(iso: string): string {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toISOString().slice(0, 10);
}

function safeHref(url: string | null): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export function InboxPanel({ topics, project }: { topics: string[]; project: string | null }) {
  const [items, setItems] = useState<Item[] | null>(null);
  const [offline, setOffline] = useState(false);
  const key = [...topics].sort().join(',');

  useEffect(() => {
    const abort = new AbortController();
    let etag: string | null = null;
    void (async () => {
      while (!abort.signal.aborted) {
        try {
          const res = await fetch(inProject(`/api/inbox?topics=${encodeURIComponent(key)}`, project), {
            headers: etag ? { 'if-none-match': etag } : {},
            signal: abort.signal,
            cache: 'no-store',
          });
          if (res.status === 200) {
            const body = (await res.json()) as { etag: string; messages: Item[] };
            etag = body.etag;
            setItems(body.messages);
            setOffline(false);
          } else if (res.status !== 304) {
            throw new Error(String(res.status));
          }
        } catch {
          if (abort.signal.aborted) return;
          setOffline(true);
          await new Promise((r) => setTimeout(r, 5000));
        }
      }
    })();
    return () => abort.abort();
  }, [key, project]);

  return (
    <section className="mt-8" aria-labelledby="inbox-heading" data-testid="inbox">
      <div className="flex items-baseline justify-between">
        <h2 id="inbox-heading" className="text-lg font-semibold text-slate-900">
          Recent notifications
        </h2>
        <span className="text-xs text-slate-500" aria-live="polite">
          {offline ? 'Reconnecting…' : items ? 'Live' : 'Loading…'}
        </span>
      </div>
      {items && items.length === 0 && (
        <p className="mt-3 text-sm text-slate-500">Nothing yet for these topics. New notifications appear here as they are sent.</p>
      )}
      {items && items.length > 0 && (
        <ul className="mt-3 divide-y divide-slate-100 overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
          {items.map((m) => {
            const href = safeHref(m.url);
            const inner = (
              <>
                <div className="flex items-baseline justify-between gap-3">
                  <p className="font-medium text-slate-900">{m.title}</p>
                  <time dateTime={m.sentAt} className="shrink-0 text-xs text-slate-400">
                    {ago(m.sentAt)}
                  </time>
                </div>
                {m.body && <p className="mt-0.5 line-clamp-2 text-sm text-slate-600">{m.body}</p>}
              </>
            );
            return (
              <li key={m.id} data-testid="inbox-item">
                {href ? (
                  <a href={href} className="block px-4 py-3 hover:bg-slate-50" rel="noopener noreferrer">
                    {inner}
                  </a>
                ) : (
                  <div className="px-4 py-3">{inner}</div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

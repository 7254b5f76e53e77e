'use client';
/**
 * How a notification will look: a desktop-style card (Chrome/Edge/Firefox on Windows, macOS and
 * Linux look alike enough) and an Android-style one. Text is rendered as text, never as HTML.
 * Images are loaded only when they are http(s) URLs or paths on this site.
 */
import { useState } from 'react';
import { cn } from '@/components/ui/cn';

export interface PreviewContent {
  title: string;
  body?: string;
  icon?: string;
  image?: string;
  badge?: string;
  url?: string;
  actions?: { title: string; url: string }[];
  requireInteraction?: boolean;
  silent?: boolean;
}

function safeSrc(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (v.startsWith('/') && !v.startsWith('//')) return v;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function hostOf(url: string | undefined, fallback: string): string {
  if (!url) return fallback;
  try {
    return new URL(url, 'https://placeholder.invalid').host.replace('placeholder.invalid', fallback);
  } catch {
    return fallback;
  }
}

export function NotificationPreview({ content, siteHost }: { content: PreviewContent; siteHost: string }) {
  const [style, setStyle] = useState<'desktop' | 'mobile'>('desktop');
  const icon = safeSrc(content.icon) ?? '/icon-192.png';
  const image = safeSrc(content.image);
  const title = content.title.trim() || 'Your title';
  const body = content.body?.trim();
  const actions = (content.actions ?? []).filter((a) => a.title.trim());

  return (
    <div data-testid="notification-preview">
      <div className="mb-3 inline-flex rounded-md bg-slate-100 p-0.5 text-xs font-medium" role="tablist" aria-label="Preview style">
        {(['desktop', 'mobile'] as const).map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={style === s}
            onClick={() => setStyle(s)}
            className={cn('rounded px-2.5 py-1 capitalize', style === s ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-500 hover:text-slate-700')}
          >
            {s}
          </button>
        ))}
      </div>

      {style === 'desktop' ? (
        <div className="w-full max-w-sm overflow-hidden rounded-lg bg-white shadow-lg ring-1 ring-slate-900/10">
          <div className="flex items-center gap-1.5 px-3 pt-2 text-[11px] text-slate-500">
            <span className="font-medium">{siteHost}</span>
            <span aria-hidden>·</span>
            <span>now</span>
          </div>
          <div className="flex gap-3 px-3 pb-3 pt-1.5">
            {/* eslint-disable-next-line @next/next/no-img-element -- user-provided URLs of any host */}
            <img src={icon} alt="" className="size-10 shrink-0 rounded object-cover" />
            <div className="min-w-0">
              <p className="truncate text-sm font-semibold text-slate-900" data-testid="preview-title">
                {title}
              </p>
              {body && (
                <p className="line-clamp-3 whitespace-pre-line text-sm text-slate-600" data-testid="preview-body">
                  {body}
                </p>
              )}
              <p className="mt-0.5 truncate text-[11px] text-slate-400">{hostOf(content.url, siteHost)}</p>
            </div>
          </div>
          {image && (
            // eslint-disable-next-line @next/next/no-img-element
            <img src={image} alt="" className="max-h-48 w-full object-cover" />
          )}
          {actions.length > 0 && (
            <div className="grid border-t border-slate-100" style={{ gridTemplateColumns: `repeat(${actions.length}, minmax(0, 1fr))` }}>
              {actions.map((a, i) => (
                <span key={i} className={cn('truncate px-3 py-2 text-center text-sm font-medium text-slate-700', i > 0 && 'border-l border-slate-100')}>
                  {a.title}
                </span>
              ))}
            </div>
          )}
        </div>
      ) : (
        <div className="w-full max-w-sm rounded-2xl bg-slate-800 p-3 text-white shadow-lg">
          <div className="flex items-center gap-2 text-[11px] text-slate-300">
            <span className="inline-flex size-4 items-center justify-center rounded-full bg-brand-500 text-[9px]" aria-hidden>
              ●
            </span>
            <span>{siteHost}</span>
            <span aria-hidden>·</span>
            <span>now</span>
          </div>
          <div className="mt-2 flex gap-3">
            <div className="min-w-0 flex-1">
              <p className="truncate text-sm font-semibold">{title}</p>
              {body && <p className="line-clamp-2 whitespace-pre-line text-sm text-slate-300">{body}</p>}
            </div>
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={icon} alt="" className="size-10 shrink-0 rounded-full object-cover" />
          </div>
          {image && (
            // eslint-disable-next-line @next/next/no-img-element
            <img src={image} alt="" className="mt-2 max-h-40 w-full rounded-lg object-cover" />
          )}
          {actions.length > 0 && (
            <div className="mt-2 flex gap-4 text-sm font-medium text-sky-300">
              {actions.map((a, i) => (
                <span key={i} className="truncate">
                  {a.title}
                </span>
              ))}
            </div>
          )}
        </div>
      )}
      <p className="mt-2 text-xs text-slate-500">
        Browsers and systems differ: images show on Chrome, Edge and Android but not on Firefox or macOS; at most two buttons
        {content.requireInteraction ? '; stays until dismissed where supported' : ''}
        {content.silent ? '; no sound or vibration' : ''}.
      </p>
    </div>
  );
}

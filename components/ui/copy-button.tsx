'use client';
import { useEffect, useState } from 'react';
import { buttonClass } from './button';

/**
 * Copies a public value. `navigator.clipboard` exists only in secure contexts; a dashboard served
 * over plain http on a LAN address falls back to a selected textarea and execCommand.
 */
export function CopyButton({
  text,
  label,
  what = 'the text',
}: {
  text: string;
  label: string;
  /** Named in the failure message, e.g. "the key". */ what?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);

  async function copy() {
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text);
      } else {
        const ta = document.createElement('textarea');
        ta.value = text;
        ta.setAttribute('readonly', '');
        ta.style.position = 'fixed';
        ta.style.opacity = '0';
        document.body.appendChild(ta);
        ta.select();
        const ok = document.execCommand('copy');
        ta.remove();
        if (!ok) throw new Error('copy refused');
      }
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  // `relative`: the sr-only status is absolutely positioned; anchored here it stays inside the
  // table's scroll box instead of widening the page on small screens.
  return (
    <span className="relative inline-flex">
      <button type="button" onClick={() => void copy()} aria-label={label} className={buttonClass('secondary', 'sm', 'px-2 py-1')}>
        <svg viewBox="0 0 24 24" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden>
          {state === 'copied' ? (
            <path d="m5 12.5 4.5 4.5L19 7.5" strokeLinecap="round" strokeLinejoin="round" />
          ) : (
            <path
              d="M8 8V5a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1h-3M5 8h10a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1Z"
              strokeLinejoin="round"
            />
          )}
        </svg>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
      </button>
      <span className="sr-only" role="status">
        {state === 'copied' ? 'Copied to the clipboard.' : state === 'failed' ? `Copying failed; select ${what} and copy it by hand.` : ''}
      </span>
    </span>
  );
}

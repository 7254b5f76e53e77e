'use client';
import { buttonClass } from '@/components/ui/button';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-red-600">Error</p>
      <h1 className="mt-2 text-2xl font-semibold">This page could not be shown</h1>
      <p className="mt-2 max-w-md text-sm text-slate-500">
        Something failed on our side{error.digest ? ` (reference ${error.digest})` : ''}. Try again; if it keeps failing, the server log has the details.
      </p>
      <button type="button" onClick={reset} className={buttonClass('secondary', 'md', 'mt-6')}>
        Try again
      </button>
    </main>
  );
}

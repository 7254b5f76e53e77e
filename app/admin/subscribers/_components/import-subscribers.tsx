'use client';
import Link from 'next/link';
import { startTransition, useState } from 'react';
import { Badge, type Tone } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { Field, Input, Select } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { useActionForm } from '@/components/ui/use-action-form';
import { importSubscribersAction, type ImportSummary } from '../actions';
import { useAdminHref } from '@/components/admin/project-context';

export interface KeyOption {
  id: string;
  label: string;
  status: string;
}

const outcomeTone: Record<string, Tone> = { accepted: 'green', updated: 'blue', unchanged: 'gray', rejected: 'red' };

function Spinner() {
  return (
    <svg className="size-3.5 animate-spin" viewBox="0 0 24 24" fill="none" aria-hidden>
      <circle cx="12" cy="12" r="10" stroke="currentColor" strokeOpacity=".25" strokeWidth="4" />
      <path d="M22 12a10 10 0 0 0-10-10" stroke="currentColor" strokeWidth="4" />
    </svg>
  );
}

/** The outcome of an import or a dry run: the counts, then every rejected or updated row with its reason. */
function Report({ r }: { r: ImportSummary }) {
  const at = useAdminHref();
  const rowWord = r.format === 'csv' ? 'Line' : 'Entry';
  const counts: [string, number, string][] = [
    ['accepted', r.accepted, r.dryRun ? 'Would be added' : 'Added'],
    ['updated', r.updated, r.dryRun ? 'Would be updated' : 'Updated'],
    ['unchanged', r.unchanged, 'Already here, unchanged'],
    ['rejected', r.rejected, 'Rejected'],
  ];
  return (
    <section className="space-y-4" aria-label="Import report" data-testid="import-report">
      <Notice
        tone={r.rejected ? 'warning' : 'success'}
        title={r.dryRun ? `Checked ${r.filename || 'the file'}: nothing was stored` : `Imported ${r.filename || 'the file'}`}
      >
        {r.total} {r.total === 1 ? 'row' : 'rows'} ({r.format.toUpperCase()}), bound to the VAPID key {r.vapidKey.label}.
        {r.dryRun && r.accepted + r.updated > 0 && ' Click Import to store them.'}
        {r.dryRun && r.accepted + r.updated === 0 && r.unchanged > 0 && ' Everything that can be imported is here already.'}
        {!r.dryRun && r.rejected > 0 && ' Rejected rows stored nothing: fix them and import the file again (rows already imported stay as they are).'}
      </Notice>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {counts.map(([k, n, label]) => (
          <div key={k} className="rounded-lg bg-slate-50 px-3 py-2 ring-1 ring-slate-200 ring-inset" data-testid={`import-${k}`}>
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="text-xl font-semibold text-slate-900 tabular-nums" data-testid="value">
              {n}
            </dd>
          </div>
        ))}
      </dl>
      {r.listed.length > 0 && (
        <div className="overflow-x-auto rounded-lg ring-1 ring-slate-200">
          <table className="min-w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs font-medium text-slate-500">
              <tr>
                <th className="px-3 py-2">{rowWord}</th>
                <th className="px-3 py-2">Outcome</th>
                <th className="px-3 py-2">Detail</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {r.listed.map((row) => (
                <tr key={row.row} data-testid={`import-row-${row.row}`}>
                  <td className="px-3 py-2 tabular-nums">{row.row}</td>
                  <td className="px-3 py-2">
                    <Badge tone={outcomeTone[row.status]}>{row.status}</Badge>
                  </td>
                  <td className="px-3 py-2 text-slate-700">
                    {row.reason}
                    {row.id && (
                      <>
                        {' '}
                        <Link href={at(`/subscribers/${row.id}`)} className="font-mono text-xs text-brand-700 hover:underline">
                          …{row.id.slice(-8)}
                        </Link>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.listedTotal > r.listed.length && (
            <p className="border-t border-slate-100 px-3 py-2 text-xs text-slate-500">
              Showing the first {r.listed.length} of {r.listedTotal} rejected or updated rows. For every row, run{' '}
              <code className="font-mono">npm run cli -- import-subscribers FILE --key {r.vapidKey.id} --dry-run</code>.
            </p>
          )}
        </div>
      )}
    </section>
  );
}

/**
 * Upload a JSON or CSV file of subscriptions from an earlier setup. "Check file" runs a dry run
 * (the same report, nothing stored); "Import" stores the good rows. The form is submitted by
 * hand rather than through `action=`: React resets a form after its action, and people check a
 * file and then import the very same one.
 */
export function ImportSubscribers({ keys, defaultOpen }: { keys: KeyOption[]; defaultOpen: boolean }) {
  const at = useAdminHref();
  const { state, formAction: dispatch, pending, fieldErrors: fe } = useActionForm(importSubscribersAction);
  const [mode, setMode] = useState<'check' | 'import'>('check');
  // Held here: after an import the page re-renders with fresh data, and must not fold the report away.
  const [open, setOpen] = useState(defaultOpen);
  const fileErrors = fe ? [...(fe.file ?? []), ...(fe.content ?? [])] : undefined;
  const otherError = state && !state.ok && !fe?.file && !fe?.content && !fe?.vapidKeyId && !fe?.format ? state.error.message : null;

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const fd = new FormData(e.currentTarget, submitter);
    setMode(fd.get('dryRun') === 'on' ? 'check' : 'import');
    startTransition(() => dispatch(fd));
  }

  return (
    <details className="group" open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="import-panel">
      <summary className="flex cursor-pointer list-none items-center justify-between gap-3 px-5 py-4 [&::-webkit-details-marker]:hidden">
        <span>
          <span className="block text-base font-semibold text-slate-900">Import subscribers</span>
          <span className="mt-0.5 block text-sm text-slate-500">
            Bring the subscriptions collected by an earlier setup: a JSON or CSV file, checked row by row.
          </span>
        </span>
        <svg viewBox="0 0 20 20" className="size-5 shrink-0 text-slate-400 transition group-open:rotate-180" fill="currentColor" aria-hidden>
          <path
            fillRule="evenodd"
            d="M5.22 8.22a.75.75 0 0 1 1.06 0L10 11.94l3.72-3.72a.75.75 0 1 1 1.06 1.06l-4.25 4.25a.75.75 0 0 1-1.06 0L5.22 9.28a.75.75 0 0 1 0-1.06Z"
            clipRule="evenodd"
          />
        </svg>
      </summary>
      <div className="space-y-5 border-t border-slate-100 px-5 py-4">
        {keys.length === 0 ? (
          <Notice tone="warning" title="No VAPID key yet">
            Subscriptions are bound to the key they were made with.{' '}
            <Link href={at('/vapid')} className="font-medium underline">
              Import that key
            </Link>{' '}
            first.
          </Notice>
        ) : (
          <form onSubmit={submit} className="grid gap-4 lg:grid-cols-3" noValidate aria-label="Import subscribers" aria-busy={pending}>
            <Field label="File" htmlFor="import-file" errors={fileErrors} hint="JSON or CSV, up to 10 MB. Larger files: npm run cli -- import-subscribers.">
              <Input name="file" type="file" accept=".json,.csv,application/json,text/csv" required className="py-1.5" />
            </Field>
            <Field
              label="VAPID key they were made with"
              htmlFor="import-key"
              errors={fe?.vapidKeyId}
              hint={
                <>
                  Push services refuse any other key. Not listed?{' '}
                  <Link href={at('/vapid')} className="underline">
                    Import it
                  </Link>{' '}
                  first.
                </>
              }
            >
              <Select name="vapidKeyId" required defaultValue="">
                <option value="" disabled>
                  Choose a key…
                </option>
                {keys.map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.label} ({k.status})
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Format" htmlFor="import-format" errors={fe?.format} hint="Recognised from the file name or its content.">
              <Select name="format" defaultValue="">
                <option value="">Detect</option>
                <option value="json">JSON</option>
                <option value="csv">CSV</option>
              </Select>
            </Field>
            <div className="flex flex-wrap items-center gap-2 lg:col-span-3">
              <button type="submit" name="dryRun" value="on" disabled={pending} aria-busy={pending && mode === 'check'} className={buttonClass('secondary')}>
                {pending && mode === 'check' && <Spinner />}
                {pending && mode === 'check' ? 'Checking…' : 'Check file (dry run)'}
              </button>
              <button type="submit" disabled={pending} aria-busy={pending && mode === 'import'} className={buttonClass('primary')}>
                {pending && mode === 'import' && <Spinner />}
                {pending && mode === 'import' ? 'Importing…' : 'Import'}
              </button>
              <p className="text-xs text-slate-500" role="status">
                {pending ? 'Reading the file and checking every row; large files take a moment.' : 'Importing the same file again changes nothing.'}
              </p>
            </div>
          </form>
        )}

        {otherError && <Notice tone="error">{otherError}</Notice>}
        {state?.ok && !pending && <Report r={state.data} />}

        <details className="text-sm text-slate-600">
          <summary className="cursor-pointer font-medium text-slate-700">File formats</summary>
          <div className="mt-2 space-y-2">
            <p>
              <strong>JSON</strong>: an array of PushSubscription objects (what <code className="font-mono">subscription.toJSON()</code> gives), each optionally
              with topic slugs:
            </p>
            <pre className="overflow-x-auto rounded-lg bg-slate-900 p-3 font-mono text-xs text-slate-100">{`[{"endpoint": "https://fcm.googleapis.com/fcm/send/…",
  "keys": {"p256dh": "BN…", "auth": "k2…"},
  "topics": ["news"]}]`}</pre>
            <p>
              <strong>CSV</strong>: <code className="font-mono">endpoint,p256dh,auth,topics</code>, topics separated by <code className="font-mono">;</code>.
              The header row is optional; with one, columns may come in any order.
            </p>
            <p>
              Every row is checked like a browser&apos;s own subscription (a known push service, valid keys) and its topics must exist. Subscribers who
              unsubscribed here are not brought back.
            </p>
          </div>
        </details>
      </div>
    </details>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { asOptions, FilterActions, FilterSelect } from '@/components/ui/filter-select';
import { Input, Label } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TBody, Td, Th, THead } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { requirePageCtx } from '@/server/auth/session';
import { auditFilterSchema, listAuditActions, listAuditLogs } from '@/server/audit/queries';
import { adminPath } from '@/lib/http/project-path';

export const metadata: Metadata = { title: 'Audit log' };

type SP = Record<string, string | string[] | undefined>;

function pick(sp: SP, keys: string[]) {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = sp[k];
    if (typeof v === 'string' && v.trim() !== '') out[k] = v;
  }
  return out;
}

function Change({ before, after }: { before: unknown; after: unknown }) {
  if (before == null && after == null) return <span className="text-slate-400">—</span>;
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return (
    <dl className="space-y-0.5 font-mono text-xs">
      {keys.map((k) => (
        <div key={k} className="flex flex-wrap gap-1">
          <dt className="text-slate-500">{k}:</dt>
          <dd>
            {k in b && <span className="text-red-700 line-through decoration-red-300">{JSON.stringify(b[k])}</span>}
            {k in b && k in a && ' → '}
            {k in a && <span className="text-emerald-700">{JSON.stringify(a[k])}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SP> }) {
  const ctx = await requirePageCtx('audit.read', '/admin/audit');
  const at = (path = '') => adminPath(ctx.project.slug, path);
  const sp = await searchParams;
  const filters = pick(sp, ['action', 'actor', 'targetType', 'targetId', 'from', 'to']);
  const parsed = auditFilterSchema.safeParse({ ...filters, before: sp.before });
  const [page, actions] = await Promise.all([
    parsed.success ? listAuditLogs(ctx, parsed.data) : Promise.resolve({ items: [], nextBefore: null }),
    listAuditActions(ctx),
  ]);
  const filtered = Object.keys(filters).length > 0;
  const qs = (extra: Record<string, string>) => `?${new URLSearchParams({ ...filters, ...extra }).toString()}`;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made in the dashboard, from the command line or through the API: who, what, when, and the values before and after."
      />
      <Card className="mb-6 p-4">
        <form method="get" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6 lg:items-end">
          <FilterSelect
            id="f-action"
            name="action"
            label="Action"
            value={filters.action}
            any="Any action"
            options={asOptions(actions)}
            className="lg:col-span-2"
          />
          <div className="space-y-1">
            <Label htmlFor="f-actor">Actor</Label>
            <Input id="f-actor" name="actor" placeholder="e-mail, cli, api-key…" defaultValue={filters.actor} />
          </div>
          <div className="space-y-1">
            <Label htmlFor="f-from">From</Label>
            <Input id="f-from" name="from" type="date" defaultValue={filters.from} />
          </div>
          <div className="space-y-1">
            <Label htmlFor="f-to">To</Label>
            <Input id="f-to" name="to" type="date" defaultValue={filters.to} />
          </div>
          <FilterActions filtered={filtered} clearHref={at('/audit')} />
          {filters.targetId && <input type="hidden" name="targetId" value={filters.targetId} />}
        </form>
      </Card>
      {!parsed.success && (
        <Notice tone="error" className="mb-4">
          Those filters are not valid: check the dates.
        </Notice>
      )}
      <Card>
        {page.items.length === 0 ? (
          <EmptyState title={filtered ? 'No entries match these filters' : 'Nothing recorded yet'}>
            {filtered ? 'Widen the date range or clear the filters.' : 'Changes made by you and your team will appear here.'}
          </EmptyState>
        ) : (
          <Table>
            <THead>
              <tr>
                <Th>When</Th>
                <Th>Actor</Th>
                <Th>Action</Th>
                <Th>Target</Th>
                <Th>Change</Th>
                <Th>IP</Th>
              </tr>
            </THead>
            <TBody>
              {page.items.map((e) => (
                <tr key={e.id} data-testid="audit-row">
                  <Td>
                    <Time value={e.at} withSeconds />
                  </Td>
                  <Td className="max-w-48 truncate" title={e.actorLabel}>
                    {e.actorLabel}
                  </Td>
                  <Td>
                    <Badge tone="brand">{e.action}</Badge>
                  </Td>
                  <Td className="text-xs">
                    {e.targetType ? (
                      <Link
                        className="hover:underline"
                        title={`${e.targetType} ${e.targetId ?? ''}: show every entry for it`}
                        href={at(`/audit${qs({ targetType: e.targetType, targetId: e.targetId ?? '' })}`)}
                      >
                        <span className="text-slate-500">{e.targetType}</span> <span className="font-medium">{e.targetLabel ?? e.targetId}</span>
                      </Link>
                    ) : (
                      '—'
                    )}
                  </Td>
                  <Td>
                    <Change before={e.before} after={e.after} />
                  </Td>
                  <Td className="font-mono text-xs">{e.ip ?? '—'}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
        {(page.nextBefore || sp.before) && (
          <div className="flex justify-between border-t border-slate-100 px-4 py-3 text-sm">
            {sp.before ? (
              <Link href={at(`/audit${qs({})}`)} className={buttonClass('secondary', 'sm')}>
                Newest
              </Link>
            ) : (
              <span />
            )}
            {page.nextBefore && (
              <Link href={at(`/audit${qs({ before: String(page.nextBefore) })}`)} className={buttonClass('secondary', 'sm')}>
                Older entries →
              </Link>
            )}
          </div>
        )}
      </Card>
    </>
  );
}

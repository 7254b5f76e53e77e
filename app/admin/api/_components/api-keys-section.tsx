import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TBody, Td, Th, THead } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import type { listApiKeys } from '@/server/api-keys/queries';
import { revokeApiKeyAction } from '../actions';
import { CreateApiKeyForm, type TopicOption } from './create-api-key-form';
import { Code } from './inline-code';
import { keyStatus, KeyStatusBadge } from './key-status';
import { RevokeButton } from './revoke-button';

/** The API keys: each with its access, use and status, revocable; and the form that creates one. */
export function ApiKeysSection({ apiKeys, topics, now }: { apiKeys: Awaited<ReturnType<typeof listApiKeys>>; topics: TopicOption[]; now: Date }) {
  const nowMs = now.getTime();
  const topicName = new Map(topics.map((t) => [t.id, t.name]));
  return (
    <Card className="min-w-0">
      <CardHeader
        title="API keys"
        description={
          <>
            Programs send a key as <Code>Authorization: Bearer pd_…</Code>. Only a hash is stored, so a key is shown once, when it is created.
          </>
        }
      />
      {apiKeys.length === 0 ? (
        <EmptyState title="No API keys yet">Create one for each program that sends, so you can revoke them one by one.</EmptyState>
      ) : (
        <Table>
          <THead>
            <tr>
              <Th>Key</Th>
              <Th>Access</Th>
              <Th>Last used</Th>
              <Th>Created by</Th>
              <Th>Status</Th>
              <Th className="text-right">Manage</Th>
            </tr>
          </THead>
          <TBody>
            {apiKeys.map((k) => {
              const status = keyStatus(k, nowMs);
              const names = k.topicIds?.map((id) => topicName.get(id) ?? 'Deleted topic');
              return (
                <tr key={k.id} data-testid="api-key-row" data-key-id={k.id}>
                  <Td>
                    <div className="font-medium text-slate-900">{k.name}</div>
                    <code className="mt-0.5 block font-mono text-xs whitespace-nowrap text-slate-500" data-testid="prefix">
                      {k.prefix}…
                    </code>
                  </Td>
                  <Td className="max-w-[16rem]">
                    <div className="flex flex-wrap gap-1">
                      {k.scopes.map((s) => (
                        <Badge key={s} tone={s === 'admin' ? 'red' : s === 'manage' ? 'orange' : 'blue'}>
                          {s}
                        </Badge>
                      ))}
                    </div>
                    <div className="mt-1 text-xs" data-testid="topics">
                      {names?.length ? names.join(', ') : <span className="text-slate-500">Any topic</span>}
                    </div>
                  </Td>
                  <Td data-testid="last-used">{k.lastUsedAt ? <Time value={k.lastUsedAt} /> : <span className="text-slate-500">Never</span>}</Td>
                  <Td>
                    <div className="max-w-[12rem] truncate" title={k.createdByLabel}>
                      {k.createdByLabel}
                    </div>
                    <div className="text-xs text-slate-500">
                      <Time value={k.createdAt} />
                    </div>
                  </Td>
                  <Td>
                    <KeyStatusBadge status={status} />
                    <div className="mt-1 text-xs text-slate-500" data-testid="expires">
                      {status === 'revoked' ? (
                        <Time value={k.revokedAt} />
                      ) : k.expiresAt ? (
                        <>
                          {status === 'expired' ? 'Expired' : 'Expires'} <Time value={k.expiresAt} />
                        </>
                      ) : (
                        'No expiry'
                      )}
                    </div>
                  </Td>
                  <Td className="text-right">
                    {status === 'revoked' ? (
                      <span className="text-xs text-slate-400">—</span>
                    ) : (
                      <RevokeButton id={k.id} label={k.name} what="key" consequence="Programs using it get 401 at once." action={revokeApiKeyAction} />
                    )}
                  </Td>
                </tr>
              );
            })}
          </TBody>
        </Table>
      )}
      <div className="border-t border-slate-100 px-5 py-5">
        <h3 className="mb-3 text-sm font-semibold text-slate-900">Create a key</h3>
        <CreateApiKeyForm topics={topics} minDate={now.toISOString().slice(0, 10)} />
      </div>
    </Card>
  );
}

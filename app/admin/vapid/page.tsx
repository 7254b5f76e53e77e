import type { Metadata } from 'next';
import { Card, CardHeader, SectionCard } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TBody, Th, THead } from '@/components/ui/table';
import { requirePageCtx } from '@/server/auth/session';
import { listVapidKeys } from '@/server/vapid/queries';
import { GenerateKeyForm } from './_components/generate-key-form';
import { ImportKeyForm } from './_components/import-key-form';
import { KeyRow, type KeyView } from './_components/key-row';

export const metadata: Metadata = { title: 'VAPID keys' };

export default async function VapidKeysPage() {
  const ctx = await requirePageCtx('vapid.manage', '/admin/vapid');
  const rows = await listVapidKeys(ctx);
  // Public fields only, picked explicitly: nothing else about a key reaches the browser.
  const keys: KeyView[] = rows.map((r) => ({
    id: r.id,
    name: r.name,
    publicKey: r.publicKey,
    subject: r.subject,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
    activatedAt: r.activatedAt?.toISOString() ?? null,
    retiredAt: r.retiredAt?.toISOString() ?? null,
    activeSubscriptions: r.activeSubscriptions,
    placeholderSubject: r.placeholderSubject,
  }));
  const active = keys.find((k) => k.status === 'active');
  const placeholders = keys.filter((k) => k.placeholderSubject && k.status !== 'retired');
  // New keys usually keep the contact of the current one.
  const defaultSubject = active && !active.placeholderSubject ? active.subject : '';

  return (
    <>
      <PageHeader
        title="VAPID keys"
        description={
          <>
            A VAPID key pair identifies this server to the browsers’ push services: visitors subscribe with its public half, and every notification is signed
            with its private half. A subscription stays bound to the key it was made with, so after you activate a new key visitors re-subscribe with it on
            their next visit while the old key keeps sending to its remaining subscriptions; a key can be deleted once no active subscription uses it.
          </>
        }
      />
      <div className="space-y-6">
        {keys.length > 0 && !active && (
          <Notice tone="warning" title="No key is active">
            Visitors cannot subscribe until a key is active. Activate one below, or generate a new one.
          </Notice>
        )}
        {placeholders.length > 0 && (
          <Notice tone="warning" title="Set a real contact">
            {placeholders.map((k) => k.name || k.publicKey.slice(0, 12)).join(', ')} {placeholders.length === 1 ? 'uses' : 'use'} the placeholder contact{' '}
            <code className="font-mono">{placeholders[0]!.subject}</code>. Push services use the contact to reach you about problems, and some (Apple) may
            refuse placeholder contacts. Edit the key and enter an address you read.
          </Notice>
        )}
        <Card>
          <CardHeader
            title="Keys"
            description={
              active
                ? `New subscriptions use ${active.name ? `“${active.name}”` : 'the active key'}. Retired keys keep sending to the subscriptions made with them.`
                : undefined
            }
          />
          {keys.length === 0 ? (
            <EmptyState title="No keys yet">
              Pushdeck creates one when it first starts. Generate a key below, or import the key your previous push setup used so its subscribers keep receiving
              notifications.
            </EmptyState>
          ) : (
            <Table>
              <THead>
                <tr>
                  <Th>Key</Th>
                  <Th>Status</Th>
                  <Th>Contact</Th>
                  <Th className="text-right">Subscriptions</Th>
                  <Th className="text-right">Manage</Th>
                </tr>
              </THead>
              <TBody>
                {keys.map((k) => (
                  <KeyRow key={k.id} k={k} />
                ))}
              </TBody>
            </Table>
          )}
        </Card>
        <div className="grid gap-6 lg:grid-cols-2">
          <SectionCard
            title="Generate a key"
            description="A new key starts on standby unless you make it active now. Activate it when you are ready to rotate."
          >
            <GenerateKeyForm defaultSubject={defaultSubject} />
          </SectionCard>
          <SectionCard
            title="Import a key"
            description="Moving from another push setup? Import its key so the browsers subscribed with it keep receiving notifications."
          >
            <ImportKeyForm defaultSubject={defaultSubject} />
          </SectionCard>
        </div>
      </div>
    </>
  );
}

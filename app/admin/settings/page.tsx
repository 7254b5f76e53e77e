import type { Metadata } from 'next';
import { SectionCard } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/auth/roles';
import { config } from '@/lib/env';
import { configuredAllowlist } from '@/lib/push/allowlist';
import { requirePageCtx } from '@/server/auth/session';

import { getDeliverySettings } from '@/server/delivery/settings';
import { DeliveryForm } from './delivery-form';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const ctx = await requirePageCtx('settings.read', '/admin/settings');
  const delivery = await getDeliverySettings(ctx.db);
  const cfg = config();
  const facts: [string, React.ReactNode][] = [
    ['Database', cfg.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `Embedded PGlite in ${cfg.PGLITE_DIR}`],
    ['Delivery worker', cfg.WORKER === 'in-process' ? 'Runs inside this app process' : 'Off here: separate `npm run worker` processes send'],
    [
      'Worker lease',
      `${cfg.WORKER_LEASE_SECONDS} s (WORKER_LEASE_SECONDS): a live worker renews its claims every ${cfg.WORKER_LEASE_SECONDS / 5} s; a crashed one's deliveries move to another worker after this long`,
    ],
    ['Push services allowed', configuredAllowlist().describe().join(', ')],
    ['Public API rate', `${cfg.PUBLIC_API_RATE_PER_MINUTE} requests per minute per address`],
    ['Admin sessions', `${cfg.SESSION_MAX_AGE_HOURS} h`],
  ];
  return (
    <>
      <PageHeader title="Settings" description="How fast and how persistently Pushdeck delivers. Changes are audited." />
      <div className="space-y-6">
        <SectionCard title="Delivery" description="Shared by every worker process through the database.">
          <DeliveryForm current={delivery} canManage={can(ctx.actor.role, 'settings.manage')} />
        </SectionCard>
        <SectionCard title="Server configuration" description="Set with environment variables when the server starts (see the README).">
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[14rem_1fr]">
            {facts.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="font-medium text-slate-700">{k}</dt>
                <dd className="break-words text-slate-600">{v}</dd>
              </div>
            ))}
          </dl>
        </SectionCard>
      </div>
    </>
  );
}

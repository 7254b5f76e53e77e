import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageCtx } from '@/server/auth/session';
import { EMPTY_DRAFT } from '../_components/draft';
import { ComposerPage } from '../_components/composer-page';

export const metadata: Metadata = { title: 'New campaign' };

export default async function NewCampaignPage() {
  const ctx = await requirePageCtx('campaigns.write', '/admin/campaigns/new');
  return (
    <>
      <PageHeader
        title="New campaign"
        description={
          <>
            Compose a notification, choose who gets it and when.{' '}
            <Link href="/admin/campaigns" className="text-brand-600 hover:underline">
              All campaigns
            </Link>
          </>
        }
      />
      <ComposerPage ctx={ctx} initial={EMPTY_DRAFT} />
    </>
  );
}

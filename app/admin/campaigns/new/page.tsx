import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageCtx } from '@/server/auth/session';
import { EMPTY_DRAFT } from '../_components/draft';
import { ComposerPage } from '../_components/composer-page';
import { adminPath } from '@/lib/http/project-path';

export const metadata: Metadata = { title: 'New campaign' };

export default async function NewCampaignPage() {
  const ctx = await requirePageCtx('campaigns.write', '/admin/campaigns/new');
  const at = (path = '') => adminPath(ctx.project.slug, path);
  return (
    <>
      <PageHeader
        title="New campaign"
        description={
          <>
            Compose a notification, choose who gets it and when.{' '}
            <Link href={at('/campaigns')} className="text-brand-600 hover:underline">
              All campaigns
            </Link>
          </>
        }
      />
      <ComposerPage ctx={ctx} initial={EMPTY_DRAFT} />
    </>
  );
}

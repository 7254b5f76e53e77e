import type { Metadata } from 'next';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TBody, Th, THead } from '@/components/ui/table';
import { cn } from '@/components/ui/cn';
import { can } from '@/lib/auth/roles';
import { requirePageCtx } from '@/server/auth/session';
import { listTopics } from '@/server/topics/queries';
import { CreateTopicForm } from './_components/create-topic-form';
import { TopicRow, type TopicView } from './_components/topic-row';

export const metadata: Metadata = { title: 'Topics' };

export default async function TopicsPage() {
  const ctx = await requirePageCtx('topics.read', '/admin/topics');
  const rows = await listTopics(ctx);
  const mayManage = can(ctx.actor.role, 'topics.manage');
  const topics: TopicView[] = rows.map((t) => ({
    id: t.id,
    slug: t.slug,
    name: t.name,
    description: t.description,
    isPublic: t.isPublic,
    activeSubscribers: t.activeSubscribers,
  }));
  const columns = mayManage ? 5 : 4;

  return (
    <>
      <PageHeader
        title="Topics"
        description="What people can choose to hear about. Public topics appear on the subscribe page for visitors to pick; private ones are not listed there and are assigned by your own programs, with signed tokens."
      />
      <div className={cn('grid gap-6', mayManage && '2xl:grid-cols-[1fr_22rem]')}>
        <Card className="min-w-0 self-start overflow-hidden">
          {topics.length === 0 ? (
            <EmptyState title="No topics yet">
              {mayManage
                ? 'Create the first topic so visitors can choose what they get notified about.'
                : 'An admin can create topics so visitors can choose what they get notified about.'}
            </EmptyState>
          ) : (
            <Table>
              <THead>
                <tr>
                  <Th>Topic</Th>
                  <Th>Visibility</Th>
                  <Th>Description</Th>
                  <Th className="text-right whitespace-nowrap">Active subscribers</Th>
                  {mayManage && <Th className="text-right">Manage</Th>}
                </tr>
              </THead>
              <TBody>
                {topics.map((t) => (
                  <TopicRow key={t.id} t={t} manage={mayManage} columns={columns} />
                ))}
              </TBody>
            </Table>
          )}
        </Card>
        {mayManage && (
          <Card className="self-start">
            <CardHeader title="Create a topic" description="Campaigns can then target it, and public topics show up on the subscribe page at once." />
            <CardBody>
              <CreateTopicForm />
            </CardBody>
          </Card>
        )}
      </div>
    </>
  );
}

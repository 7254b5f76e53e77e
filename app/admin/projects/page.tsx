import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader, SectionCard } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Time } from '@/components/ui/time';
import { DEFAULT_PROJECT_ID } from '@/db/schema';
import { adminPath } from '@/lib/http/project-path';
import { requirePageCtx } from '@/server/auth/session';
import { listProjects } from '@/server/projects/queries';
import { CreateProjectForm, EditProjectForm } from './_components/project-forms';

export const metadata: Metadata = { title: 'Projects' };

/** The installation's sites: each with its own keys, topics, subscribers, campaigns and team. Owners only. */
export default async function ProjectsPage() {
  const ctx = await requirePageCtx('projects.manage', '/admin/projects');
  const projects = await listProjects(ctx);
  return (
    <>
      <PageHeader
        title="Projects"
        description="Each site this installation serves: its own VAPID keys, topics, subscribers, campaigns, API keys and team. Owners work in all of them; everyone else in the projects they are added to."
      />
      <div className="grid gap-6 xl:grid-cols-[1fr_22rem]">
        <div className="space-y-4">
          {projects.map((p) => (
            <Card key={p.id} data-testid={`project-${p.slug}`}>
              <CardHeader
                title={
                  <span className="flex items-center gap-2">
                    {p.name}
                    <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-600">{p.slug}</code>
                    {p.id === DEFAULT_PROJECT_ID && <Badge tone="gray">default</Badge>}
                  </span>
                }
                description={
                  <>
                    Created <Time value={p.createdAt} />. Public page{' '}
                    <Link href={p.id === DEFAULT_PROJECT_ID ? '/' : `/p/${p.slug}`} className="text-brand-700 hover:underline">
                      {p.id === DEFAULT_PROJECT_ID ? '/' : `/p/${p.slug}`}
                    </Link>
                    {p.origins.length === 0 && ' · no origins yet: only its own public page can subscribe visitors.'}
                  </>
                }
                actions={
                  <a href={adminPath(p.slug)} className="text-sm font-medium text-brand-700 hover:underline">
                    Open
                  </a>
                }
              />
              <CardBody>
                <EditProjectForm project={{ slug: p.slug, name: p.name, origins: p.origins }} />
              </CardBody>
            </Card>
          ))}
        </div>
        <SectionCard title="New project" description="Another site, with its own VAPID key from the start. Add its team on its Users page.">
          <CreateProjectForm />
        </SectionCard>
      </div>
    </>
  );
}

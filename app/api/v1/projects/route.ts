import { API_BODY_LIMITS } from '@/server/api/limits';
import { apiRoute } from '@/server/http';
import { apiProjectView, createProject } from '@/server/projects/mutations';
import { listProjects } from '@/server/projects/queries';

export const dynamic = 'force-dynamic';

/** GET /api/v1/projects → {"projects":[…]} (scope "admin"): every project of the installation. */
export const GET = apiRoute('GET /api/v1/projects', async ({ ctx }) =>
  Response.json({ projects: (await listProjects(ctx)).map(apiProjectView) }, { headers: { 'cache-control': 'no-store' } }),
);

/** POST /api/v1/projects {"slug","name","origins"} → 201 the project, with its own active VAPID key (scope "admin"). */
export const POST = apiRoute(
  'POST /api/v1/projects',
  async ({ ctx, body }) => Response.json(apiProjectView(await createProject(ctx, body)), { status: 201, headers: { 'cache-control': 'no-store' } }),
  { body: API_BODY_LIMITS.projects },
);

import { NextResponse } from 'next/server';
import { visitorCtx } from '@/server/auth/session';
import { DEFAULT_PROJECT } from '@/server/context';
import { manifestResponse, webAppManifest } from '@/server/projects/manifest';
import { publicProjectBySlug } from '@/server/projects/queries';

/** Project <slug>'s public page as a Home Screen app; an unknown slug is a 404, as for the page. */
export async function GET(_req: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const ctx = await visitorCtx();
  const found = await publicProjectBySlug(ctx.db, (await params).slug);
  if (!found) return NextResponse.json({ error: { code: 'not_found', message: 'There is no such project.' } }, { status: 404 });
  const isDefault = found.ref.id === DEFAULT_PROJECT.id;
  return manifestResponse(webAppManifest({ slug: isDefault ? null : found.ref.slug, name: found.name }));
}

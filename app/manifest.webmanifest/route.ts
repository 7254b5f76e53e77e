import { webAppManifest, manifestResponse } from '@/server/projects/manifest';

/** The default project's public page as a Home Screen app (iOS Web Push needs one). */
export function GET(): Response {
  return manifestResponse(webAppManifest({ slug: null, name: 'Pushdeck' }));
}

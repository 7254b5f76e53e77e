/**
 * The web app manifest of a project's public page. iOS and iPadOS deliver Web Push only to a site
 * added to the Home Screen, and Safari adds it as an app (standalone, its own name and icon) only
 * with a manifest; other browsers use it for "Install". Pure, so it is tested without a server.
 */
export interface WebAppManifest {
  name: string;
  short_name: string;
  description: string;
  id: string;
  start_url: string;
  scope: string;
  display: 'standalone';
  background_color: string;
  theme_color: string;
  icons: { src: string; sizes: string; type: string; purpose?: string }[];
}

/** `slug` null: the default project, whose page is `/`. */
export function webAppManifest(project: { slug: string | null; name: string }): WebAppManifest {
  const page = project.slug === null ? '/' : `/p/${project.slug}`;
  return {
    name: project.name,
    // The Home Screen shows about 12 characters.
    short_name: [...project.name].slice(0, 12).join('').trim() || 'Pushdeck',
    description: `Notifications from ${project.name}`,
    id: page,
    start_url: page,
    // The page itself and what is below it (its service worker lives at `/p/<slug>/`).
    scope: page,
    display: 'standalone',
    background_color: '#f8fafc',
    theme_color: '#4f46e5',
    icons: [
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
    ],
  };
}

/** The URL of that manifest, for the page's `<link rel="manifest">`. */
export const manifestPath = (slug: string | null) => (slug === null ? '/manifest.webmanifest' : `/p/${slug}/manifest.webmanifest`);

/** How it is served: its own media type, cached a little (a rename shows within the hour). */
export function manifestResponse(m: WebAppManifest): Response {
  return new Response(JSON.stringify(m), {
    headers: { 'content-type': 'application/manifest+json; charset=utf-8', 'cache-control': 'public, max-age=3600' },
  });
}

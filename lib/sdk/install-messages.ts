/**
 * What is wrong with a site's installation of the SDK, in the words both the SDK's console error
 * (`[Pushdeck] …`) and the dashboard's installation check (Install page) use, so a site owner
 * reads the same fix in both places. Pure and dependency-free: it is bundled into the SDK.
 */

/** The service worker file a site serves at its root (`/sdk/v1/site-sw.js?project=` downloads it). */
export const SITE_WORKER_PATH = '/pushdeck-sw.js';

export const installMessages = {
  unknownProject: (slug: string) =>
    `There is no project "${slug}" on this Pushdeck server: check the project slug in Pushdeck.init({ project }) (the Install page shows it).`,
  workerNotFound: (url: string, status?: number) =>
    `The service worker ${url} was not found${status ? ` (the site answered ${status})` : ''}: put the one-line file from the Install page at that path, or pass the path you use as serviceWorkerPath.`,
  workerNotJavaScript: (url: string, type: string) =>
    `The service worker ${url} is served as ${type || 'no content type'}: serve it as JavaScript (text/javascript).`,
  workerScope: (url: string) =>
    `The service worker ${url} is below the site's root, so its scope cannot be "/": put it at the root (like ${SITE_WORKER_PATH}) or send the header Service-Worker-Allowed: / with it.`,
  workerFailed: (url: string, detail: string) =>
    `The service worker ${url} could not be registered (${detail}): check that it loads Pushdeck's worker with importScripts, as the Install page shows.`,
  workerWrongProject: (url: string, slug: string) =>
    `The service worker ${url} does not load Pushdeck's worker for project "${slug}": copy the one-line file from the Install page again.`,
};

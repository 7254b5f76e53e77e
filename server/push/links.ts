/**
 * Where the links in a project's notifications point (lib/push/payload.ts LinkBase): the click
 * redirect on Pushdeck's public address, and the page relative links resolve against — the
 * project's site (its first listed origin) when it has one, else its public page on Pushdeck.
 */
import 'server-only';
import { DEFAULT_PROJECT_SLUG } from '../../db/schema';
import { config } from '../../lib/env';
import type { LinkBase } from '../../lib/push/payload';

/** Pushdeck's public origin: PUBLIC_URL, else http://localhost:PORT. */
export function publicOrigin(): string {
  const c = config();
  return c.PUBLIC_URL ?? `http://localhost:${c.PORT}`;
}

export function linksFor(project: { slug: string; origins: string[] }): LinkBase {
  const origin = publicOrigin();
  const site = project.origins.find((o) => o !== '*');
  const page = project.slug === DEFAULT_PROJECT_SLUG ? `${origin}/` : `${origin}/p/${project.slug}`;
  return { click: `${origin}/c/`, home: site ? `${site}/` : page };
}

/** What a project is made of, as the CLI (and later the dashboard and API) send it. */
import { z } from 'zod';
import { slugSchema } from '../topics/schemas';

/** An origin a project's visitors subscribe from: scheme, host and port only, or `*` for any. */
export const originSchema = z
  .string({ error: 'An origin is text, like https://shop.example.' })
  .trim()
  .transform((v, c) => {
    if (v === '*') return v;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      c.addIssue({ code: 'custom', message: `"${v}" is not an origin; write it like https://shop.example.` });
      return z.NEVER;
    }
    if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.pathname !== '/' || u.search || u.hash || u.username || u.password || v.endsWith('/?')) {
      c.addIssue({ code: 'custom', message: `"${v}" is not an origin: scheme, host and port only, like https://shop.example.` });
      return z.NEVER;
    }
    return u.origin;
  });

const nameSchema = z.string({ error: 'Enter a name.' }).trim().min(1, 'Enter a name.').max(80, 'Use at most 80 characters.');

export const projectSchema = z.object({
  slug: slugSchema,
  name: nameSchema,
  origins: z.array(originSchema).max(20, 'At most 20 origins.').default([]),
});

export const projectPatchSchema = z
  .object({ slug: slugSchema.optional(), name: nameSchema.optional(), origins: z.array(originSchema).max(20, 'At most 20 origins.').optional() })
  .refine((v) => v.slug !== undefined || v.name !== undefined || v.origins !== undefined, 'Say what to change: the slug, the name or the origins.');

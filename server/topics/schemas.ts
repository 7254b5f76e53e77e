import { z } from 'zod';

export const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const slugSchema = z
  .string({ error: 'Enter a slug.' })
  .trim()
  .toLowerCase()
  .regex(SLUG_RE, 'Use 1–64 lowercase letters, digits and hyphens (not at the start or end).');

const isPublic = z
  .union([z.boolean(), z.enum(['on', 'true', 'false', 'public', 'private', ''])])
  .optional()
  .transform((v) => v === undefined || v === true || v === 'on' || v === 'true' || v === 'public');

const nameSchema = z.string({ error: 'Enter a name.' }).trim().min(1, 'Enter a name.').max(80, 'Use at most 80 characters.');
const descriptionSchema = z.string({ error: 'The description is text.' }).trim().max(500, 'Use at most 500 characters.');

export const topicSchema = z.object({
  slug: slugSchema,
  name: nameSchema,
  description: descriptionSchema.default(''),
  isPublic,
});

export const updateTopicSchema = topicSchema.extend({ id: z.uuid({ error: 'Unknown topic.' }) });
export const topicIdSchema = z.object({ id: z.uuid({ error: 'Unknown topic.' }) });

/** A topic named by id (dashboard forms) or by slug (the API, the CLI). */
export const topicRefSchema = z.union([topicIdSchema, z.object({ slug: slugSchema })], { error: 'Name the topic by its slug.' });

/** The API's JSON body for creating a topic: JSON types only, nothing unknown. */
export const apiTopicSchema = z
  .object({
    slug: slugSchema,
    name: nameSchema,
    description: descriptionSchema.default(''),
    isPublic: z.boolean({ error: 'isPublic is true or false.' }).default(true),
  })
  .strict();

/** A partial change (PATCH): only the fields given change. */
export const topicPatchSchema = z
  .object({ slug: slugSchema, name: nameSchema, description: descriptionSchema, isPublic: z.boolean({ error: 'isPublic is true or false.' }) })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Give at least one of slug, name, description, isPublic.');

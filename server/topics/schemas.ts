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

export const topicSchema = z.object({
  slug: slugSchema,
  name: z.string({ error: 'Enter a name.' }).trim().min(1, 'Enter a name.').max(80, 'Use at most 80 characters.'),
  description: z.string().trim().max(500, 'Use at most 500 characters.').default(''),
  isPublic,
});

export const updateTopicSchema = topicSchema.extend({ id: z.uuid({ error: 'Unknown topic.' }) });
export const topicIdSchema = z.object({ id: z.uuid({ error: 'Unknown topic.' }) });

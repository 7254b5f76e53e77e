import { z } from 'zod';
import { apiScopes } from '../../db/schema';
import { textProblem } from '../../lib/text';
import { dateParam, dateTimeParam, INSTANT_RANGE } from '../../lib/params';

/** Text the database can store and a page can show: no NUL, no unpaired surrogates. */
const storable = (what: string) => (v: string, ctx: z.RefinementCtx) => {
  const problem = textProblem(v, what);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

export const createApiKeySchema = z.object({
  name: z
    .string({ error: 'Name the key.' })
    .trim()
    .min(1, 'Name the key, e.g. "Shop backend".')
    .max(80, 'Use at most 80 characters.')
    .superRefine(storable('The name')),
  scopes: z
    .array(z.enum(apiScopes, { error: 'Unknown scope.' }))
    .min(1, 'Choose at least one scope.')
    .default(['send']),
  /** Restrict to these topics (ids); empty or absent = any topic. */
  topicIds: z
    .array(z.uuid({ error: 'Unknown topic.' }))
    .max(100)
    .default([]),
  /** Optional expiry (ISO date or date-time). */
  expiresAt: z
    .union([dateTimeParam('Use a date like 2027-01-31 or a date-time with a time zone'), dateParam(), z.literal('')], {
      error: `Use a date like 2027-01-31, ${INSTANT_RANGE}.`,
    })
    .optional()
    .transform((v) => (v ? new Date(v.length === 10 ? `${v}T23:59:59Z` : v) : null)),
});

export const apiKeyIdSchema = z.object({ id: z.uuid({ error: 'Unknown key.' }) });

export const tokenKeySchema = z.object({
  name: z.string({ error: 'Name the key.' }).trim().min(1, 'Name the key.').max(80, 'Use at most 80 characters.').superRefine(storable('The name')),
  publicKey: z.string({ error: 'Paste the public key.' }).trim().min(1, 'Paste the public key.').max(5000, 'That is too long for a P-256 public key.'),
});

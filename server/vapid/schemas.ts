import { z } from 'zod';
import { subjectProblem } from '../../lib/push/vapid';

export const subjectSchema = z.string({ error: 'Enter a contact: mailto:you@example.com or an https: URL.' }).superRefine((v, ctx) => {
  const problem = subjectProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const nameSchema = z.string().trim().max(80, 'Use at most 80 characters.').default('');
const activate = z
  .union([z.boolean(), z.enum(['on', 'true', 'false', ''])])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true');

export const generateKeySchema = z.object({ name: nameSchema, subject: subjectSchema, activate });

export const importKeySchema = z.object({
  name: nameSchema,
  subject: subjectSchema,
  publicKey: z.string().trim().max(200).optional().default(''),
  privateKey: z.string({ error: 'Paste the private key.' }).trim().min(1, 'Paste the private key.').max(4000, 'That is too long to be a P-256 key.'),
  activate,
});

export const keyIdSchema = z.object({ id: z.uuid({ error: 'Unknown key.' }) });

export const updateKeySchema = z.object({ id: z.uuid({ error: 'Unknown key.' }), name: nameSchema, subject: subjectSchema });

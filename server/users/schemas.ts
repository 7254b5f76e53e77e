/**
 * Validation for everything that creates or changes a user. Shared by server actions, the CLI
 * and tests. FormData arrives as strings: trim, coerce, and pick fields explicitly.
 */
import { z } from 'zod';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../lib/auth/password';
import { ROLES } from '../../lib/auth/roles';

export const emailSchema = z
  .string({ error: 'Enter an e-mail address.' })
  .trim()
  .toLowerCase()
  .max(254, 'That e-mail address is too long.')
  .pipe(z.email({ error: 'Enter a valid e-mail address.' }));

export const passwordSchema = z
  .string({ error: 'Enter a password.' })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);

export const roleSchema = z.enum(ROLES, { error: 'Choose a role.' });

export const nameSchema = z.string().trim().max(100, 'Use at most 100 characters.').default('');

export const userIdSchema = z.uuid({ error: 'Unknown user.' });

export const createUserSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
  role: roleSchema,
});

export const setupOwnerSchema = z
  .object({
    email: emailSchema,
    name: nameSchema,
    password: passwordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The passwords do not match.' });

export const changeRoleSchema = z.object({ userId: userIdSchema, role: roleSchema });

export const setDisabledSchema = z.object({
  userId: userIdSchema,
  disabled: z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true'),
});

export const resetPasswordSchema = z.object({ userId: userIdSchema, password: passwordSchema });

export const changeOwnPasswordSchema = z
  .object({ current: z.string().min(1, 'Enter your current password.'), password: passwordSchema, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The passwords do not match.' });

export type CreateUserInput = z.input<typeof createUserSchema>;

/** A project role: what a membership grants (owners are owners of the installation, not members). */
export const memberRoleSchema = z.enum(ROLES.filter((r) => r !== 'owner') as ['admin', 'marketer', 'viewer'], { error: 'Choose a role.' });

export const addMemberSchema = z.object({ email: emailSchema, role: memberRoleSchema });

export const removeMemberSchema = z.object({ userId: userIdSchema });

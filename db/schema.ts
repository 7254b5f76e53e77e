/**
 * The Drizzle schema: the system of record. Tables are plural snake_case; every migration
 * generated from this file must run on PostgreSQL 15 and on PGlite (PostgreSQL 18), so no
 * PG16+ features here.
 */
import {
  bigint,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { uuidv7 } from '../lib/ids';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();
const updatedAt = () => ts('updated_at').notNull().defaultNow();

// ---------------------------------------------------------------------------------------------
// People and the audit trail
// ---------------------------------------------------------------------------------------------

export const roles = ['owner', 'admin', 'marketer', 'viewer'] as const;
export const userRole = pgEnum('user_role', roles);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().$defaultFn(() => uuidv7()),
    /** Always stored lower-cased and trimmed. */
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    role: userRole('role').notNull(),
    disabledAt: ts('disabled_at'),
    /** Bumped on disable, role change and password change: older sessions stop working. */
    sessionVersion: integer('session_version').notNull().default(1),
    lastLoginAt: ts('last_login_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

export const auditLogs = pgTable(
  'audit_logs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: ts('at').notNull().defaultNow(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /** Who, readable even after the actor is gone: an e-mail, `cli`, `system`, `api-key:<name>`. */
    actorLabel: text('actor_label').notNull(),
    /** `<domain>.<verb>`, e.g. `user.create`, `vapid-key.activate`. */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    /** A readable name for the target at the time (an e-mail, a topic slug). */
    targetLabel: text('target_label'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
  },
  (t) => [
    index('audit_logs_action_idx').on(t.action, t.id),
    index('audit_logs_actor_idx').on(t.actorId, t.id),
    index('audit_logs_target_idx').on(t.targetType, t.targetId, t.id),
    index('audit_logs_at_idx').on(t.at),
  ],
);

// ---------------------------------------------------------------------------------------------
// Infrastructure
// ---------------------------------------------------------------------------------------------

/** Fixed-window counters shared by every process (login throttling). */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: ts('window_start').notNull(),
  count: integer('count').notNull(),
});

/** Small key/value settings (delivery engine tuning, the secret fingerprint). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
});

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Role = (typeof roles)[number];
export type AuditLog = typeof auditLogs.$inferSelect;

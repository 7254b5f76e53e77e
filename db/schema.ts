/**
 * The Drizzle schema: the system of record. Tables are plural snake_case; every migration
 * generated from this file must run on PostgreSQL 15 and on PGlite (PostgreSQL 18), so no
 * PG16+ features here.
 */
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  primaryKey,
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
// Projects: the sites one installation serves. Every table of a site's data carries project_id.
// ---------------------------------------------------------------------------------------------

/**
 * The project an installation starts with, and the one an older database's data moves into: a
 * fixed id, so the migration that introduced projects and every context made without a project
 * agree on it.
 */
export const DEFAULT_PROJECT_ID = '01900000-0000-7000-8000-000000000001';
export const DEFAULT_PROJECT_SLUG = 'default';

export const projects = pgTable(
  'projects',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => uuidv7()),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /** The sites allowed to subscribe visitors to this project (`https://shop.example`), or `*`. */
    origins: text('origins')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** How the site SDK asks visitors to subscribe (lib/sdk/prompt-settings.ts); null: the defaults. */
    prompt: jsonb('prompt'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('projects_slug_key').on(t.slug)],
);

export type Project = typeof projects.$inferSelect;

/** The project a row belongs to: deleting a project deletes its data with it. */
const projectId = () =>
  uuid('project_id')
    .notNull()
    .references(() => projects.id, { onDelete: 'cascade' });

// ---------------------------------------------------------------------------------------------
// People and the audit trail
// ---------------------------------------------------------------------------------------------

export const roles = ['owner', 'admin', 'marketer', 'viewer'] as const;
export const userRole = pgEnum('user_role', roles);

export const users = pgTable(
  'users',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => uuidv7()),
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

/**
 * Who belongs to which project, and as what. Owners (`users.role = 'owner'`) administer the
 * installation and act as owners in every project without a row here; everyone else acts only in
 * the projects listed for them, with the role listed (never `owner`). For those accounts the
 * role that counts is this one: `users.role` only says whether the account is an owner.
 */
export const projectMembers = pgTable(
  'project_members',
  {
    projectId: projectId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: userRole('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.userId] }),
    index('project_members_user_idx').on(t.userId),
    check('project_members_role_not_owner', sql`${t.role} <> 'owner'`),
  ],
);
export type ProjectMember = typeof projectMembers.$inferSelect;

export const auditLogs = pgTable(
  'audit_logs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: ts('at').notNull().defaultNow(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /**
     * The project acted in; null for installation-wide actions (users, projects, settings). No
     * foreign key: the trail of a deleted project stays readable.
     */
    projectId: uuid('project_id'),
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
    index('audit_logs_project_idx').on(t.projectId, t.id),
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

/** Dashboard sessions ended by signing out; refused until their cookie would have expired anyway. */
export const revokedSessions = pgTable(
  'revoked_sessions',
  {
    sid: text('sid').primaryKey(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('revoked_sessions_expires_idx').on(t.expiresAt)],
);

/** `jti`s of signed tokens already used to send, per signer, kept until the token expires. */
export const tokenUses = pgTable(
  'token_uses',
  {
    signer: text('signer').notNull(),
    jti: text('jti').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.signer, t.jti] }), index('token_uses_expires_idx').on(t.expiresAt)],
);

/** Data migrations written in TypeScript (db/code-migrations.ts), run once each after the SQL ones. */
export const codeMigrations = pgTable('code_migrations', {
  name: text('name').primaryKey(),
  ranAt: ts('ran_at').notNull().defaultNow(),
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

// ---------------------------------------------------------------------------------------------
// Web Push: VAPID keys, the claims issued with them, topics and subscriptions
// ---------------------------------------------------------------------------------------------

export const vapidKeyStatuses = ['standby', 'active', 'retired'] as const;
export const vapidKeyStatus = pgEnum('vapid_key_status', vapidKeyStatuses);

export const vapidKeys = pgTable(
  'vapid_keys',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => uuidv7()),
    projectId: projectId(),
    name: text('name').notNull().default(''),
    /** base64url of the 65-byte uncompressed point: the applicationServerKey browsers bind to. */
    publicKey: text('public_key').notNull(),
    /** AES-256-GCM under a key derived from PUSHDECK_SECRET; never leaves the server. */
    privateKeyEnc: text('private_key_enc').notNull(),
    /** The VAPID `sub` contact: mailto: or https:. */
    subject: text('subject').notNull(),
    /** standby: not yet used; active: given to new subscriptions (exactly one); retired: only sends to the subscriptions made with it. */
    status: vapidKeyStatus('status').notNull().default('standby'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    activatedAt: ts('activated_at'),
    retiredAt: ts('retired_at'),
  },
  (t) => [
    uniqueIndex('vapid_keys_public_key_key').on(t.publicKey),
    // At most one active key per project, enforced by the database (two processes racing to
    // create the first key cannot both win).
    uniqueIndex('vapid_keys_one_active')
      .on(t.projectId)
      .where(sql`status = 'active'`),
  ],
);

/** Every VAPID JWT issued: the audit trail of which claims (sub, aud, exp) carried our pushes. */
export const vapidClaims = pgTable(
  'vapid_claims',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    projectId: projectId(),
    /** Null once the key is deleted; `publicKey` keeps the trail complete. */
    vapidKeyId: uuid('vapid_key_id').references(() => vapidKeys.id, { onDelete: 'set null' }),
    /** The `k` parameter sent with the JWT. */
    publicKey: text('public_key').notNull(),
    aud: text('aud').notNull(),
    sub: text('sub').notNull(),
    exp: ts('exp').notNull(),
    issuedAt: ts('issued_at').notNull().defaultNow(),
  },
  (t) => [index('vapid_claims_key_idx').on(t.vapidKeyId, t.issuedAt), index('vapid_claims_project_idx').on(t.projectId, t.id)],
);

export const topics = pgTable(
  'topics',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => uuidv7()),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Public topics appear on the subscribe page; private ones are assigned by programs (signed tokens). */
    isPublic: boolean('is_public').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // Slugs are unique within a project: two sites may both have "news".
  (t) => [uniqueIndex('topics_project_slug_key').on(t.projectId, t.slug)],
);

export const subscriptionStatuses = ['active', 'expired', 'unsubscribed'] as const;
export const subscriptionStatus = pgEnum('subscription_status', subscriptionStatuses);

export const subscriptions = pgTable(
  'subscriptions',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => uuidv7()),
    projectId: projectId(),
    endpoint: text('endpoint').notNull(),
    /** base64url, 65 bytes. */
    p256dh: text('p256dh').notNull(),
    /** base64url, 16 bytes. */
    auth: text('auth').notNull(),
    /** The key the browser subscribed with: always sent with this one (push services bind it). */
    vapidKeyId: uuid('vapid_key_id').references(() => vapidKeys.id, { onDelete: 'set null' }),
    /** The push service's host, e.g. fcm.googleapis.com. */
    pushService: text('push_service').notNull(),
    status: subscriptionStatus('status').notNull().default('active'),
    /** PushSubscription.expirationTime, when the browser gives one. */
    expiresAt: ts('expires_at'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** When it became expired (404/410) or unsubscribed. */
    endedAt: ts('ended_at'),
  },
  (t) => [
    // One row per browser per project: the same endpoint may subscribe to two projects' sites
    // only with two different keys, but the database does not rely on that.
    uniqueIndex('subscriptions_project_endpoint_key').on(t.projectId, t.endpoint),
    index('subscriptions_status_id_idx').on(t.projectId, t.status, t.id),
    index('subscriptions_key_status_idx').on(t.vapidKeyId, t.status),
    index('subscriptions_service_idx').on(t.projectId, t.pushService, t.id),
  ],
);

export const subscriptionTopics = pgTable(
  'subscription_topics',
  {
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
    topicId: uuid('topic_id')
      .notNull()
      .references(() => topics.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.subscriptionId, t.topicId] }), index('subscription_topics_topic_idx').on(t.topicId, t.subscriptionId)],
);

export type VapidKey = typeof vapidKeys.$inferSelect;
export type VapidClaim = typeof vapidClaims.$inferSelect;
export type Topic = typeof topics.$inferSelect;
export type Subscription = typeof subscriptions.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Campaigns and their deliveries
// ---------------------------------------------------------------------------------------------

export const campaignStatuses = ['draft', 'scheduled', 'queued', 'sending', 'paused', 'completed', 'cancelled', 'failed'] as const;
export const campaignStatus = pgEnum('campaign_status', campaignStatuses);
/** all: every active subscriber; any: in at least one of the topics; every: in all of them. */
export const audienceModes = ['all', 'any', 'every'] as const;
export const audienceMode = pgEnum('audience_mode', audienceModes);
export const campaignSources = ['dashboard', 'api'] as const;
export const campaignSource = pgEnum('campaign_source', campaignSources);

export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => uuidv7()),
    projectId: projectId(),
    name: text('name').notNull(),
    status: campaignStatus('status').notNull().default('draft'),
    /** The notification (lib/push/payload.ts NotificationContent). */
    content: jsonb('content').notNull(),
    ttl: integer('ttl').notNull().default(86_400),
    urgency: text('urgency').notNull().default('normal'),
    /** RFC 8030 Topic header (replaces an undelivered message with the same topic). */
    pushTopic: text('push_topic'),
    audience: audienceMode('audience').notNull().default('any'),
    topicIds: uuid('topic_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    excludeTopicIds: uuid('exclude_topic_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    scheduledAt: ts('scheduled_at'),
    /** The IANA time zone the schedule was entered in (shown back to people). */
    timeZone: text('time_zone'),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdByLabel: text('created_by_label').notNull(),
    source: campaignSource('source').notNull().default('dashboard'),
    apiKeyId: uuid('api_key_id').references((): AnyPgColumn => apiKeys.id, { onDelete: 'set null' }),
    idempotencyKey: text('idempotency_key'),
    /** Fan-out checkpoint: the last subscription id turned into a delivery row. */
    fanoutCursor: uuid('fanout_cursor'),
    fanoutDone: boolean('fanout_done').notNull().default(false),
    // Counters, kept up to date by the engine in the same statement that records results.
    targeted: integer('targeted').notNull().default(0),
    sent: integer('sent').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    expired: integer('expired').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    // Receipts reported by service workers (first one of each kind per delivery).
    shown: integer('shown').notNull().default(0),
    clicked: integer('clicked').notNull().default(0),
    closed: integer('closed').notNull().default(0),
    /** Who created it through the API (`key:<id>` or `token:<fingerprint>`); scopes Idempotency-Key. */
    apiPrincipal: text('api_principal'),
    /** Deliver through the server: the push carries a pointer, the content sits in `messages`. */
    storeContent: boolean('store_content').notNull().default(false),
    messageId: uuid('message_id'),
    /** Position in the public inbox (from the inbox_seq sequence), set when sending starts. */
    publishedSeq: bigint('published_seq', { mode: 'number' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('campaigns_status_schedule_idx').on(t.status, t.scheduledAt),
    index('campaigns_created_idx').on(t.projectId, t.createdAt, t.id),
    uniqueIndex('campaigns_idempotency_key').on(t.apiPrincipal, t.idempotencyKey),
    index('campaigns_principal_idx').on(t.apiPrincipal, t.createdAt),
    index('campaigns_published_idx')
      .on(t.publishedSeq)
      .where(sql`published_seq is not null`),
  ],
);

/** Orders what the public inbox shows; its value is the inbox's ETag. */
export const inboxSeq = pgSequence('inbox_seq');

/** queued → sending → sent | retrying → … | failed | expired (404/410) | skipped (unsubscribed before its turn). */
export const deliveryStatuses = ['queued', 'sending', 'sent', 'retrying', 'failed', 'expired', 'skipped'] as const;
export const deliveryStatus = pgEnum('delivery_status', deliveryStatuses);

export const deliveries = pgTable(
  'deliveries',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
    status: deliveryStatus('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    httpStatus: integer('http_status'),
    pushService: text('push_service').notNull(),
    latencyMs: integer('latency_ms'),
    /** What the push service said (or the network error), when it was not a success. */
    reason: text('reason'),
    vapidClaimId: bigint('vapid_claim_id', { mode: 'number' }).references(() => vapidClaims.id, { onDelete: 'set null' }),
    nextAttemptAt: ts('next_attempt_at'),
    /** The worker holding the row while it is being sent, and since when (a lease). */
    claimedBy: text('claimed_by'),
    claimedAt: ts('claimed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.subscriptionId] }),
    index('deliveries_status_idx').on(t.campaignId, t.status, t.subscriptionId),
    index('deliveries_service_idx').on(t.campaignId, t.pushService, t.subscriptionId),
    index('deliveries_http_idx').on(t.campaignId, t.httpStatus, t.subscriptionId),
    index('deliveries_subscription_idx').on(t.subscriptionId, t.createdAt),
  ],
);

/** Per-minute outcome counts per push service: charts read these instead of millions of rows. */
export const campaignStats = pgTable(
  'campaign_stats',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    bucket: ts('bucket').notNull(),
    pushService: text('push_service').notNull(),
    outcome: text('outcome').notNull(),
    count: integer('count').notNull(),
    latencySumMs: bigint('latency_sum_ms', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.bucket, t.pushService, t.outcome] }), index('campaign_stats_bucket_idx').on(t.bucket)],
);

export type Campaign = typeof campaigns.$inferSelect;
export type NewCampaign = typeof campaigns.$inferInsert;
export type Delivery = typeof deliveries.$inferSelect;
export type CampaignStatus = (typeof campaignStatuses)[number];
export type DeliveryStatus = (typeof deliveryStatuses)[number];
export type AudienceMode = (typeof audienceModes)[number];

// ---------------------------------------------------------------------------------------------
// Programmatic access: API keys, token verification keys, receipts
// ---------------------------------------------------------------------------------------------

/** send: campaigns; manage: the project's topics and subscribers; admin: the installation's projects (owners grant it). */
export const apiScopes = ['send', 'manage', 'admin'] as const;

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => uuidv7()),
    /** The project the key acts in, and the only one. */
    projectId: projectId(),
    name: text('name').notNull(),
    /** The first characters of the key, shown so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    /** HMAC-SHA256 of the key under a server-derived key; the key itself is never stored. */
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes')
      .array()
      .notNull()
      .default(sql`'{send}'::text[]`),
    /** Topics this key may target; null = any. */
    topicIds: uuid('topic_ids').array(),
    expiresAt: ts('expires_at'),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdByLabel: text('created_by_label').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_keys_hash_key').on(t.keyHash), index('api_keys_project_idx').on(t.projectId, t.createdAt)],
);

/** ES256 public keys that verify notiflux-style signed tokens. */
export const tokenKeys = pgTable(
  'token_keys',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => uuidv7()),
    /** Tokens it verifies act in this project only (a fingerprint is registered in one project). */
    projectId: projectId(),
    name: text('name').notNull(),
    publicKeyPem: text('public_key_pem').notNull(),
    /** SHA-256 of the key's SubjectPublicKeyInfo, base64url: identifies it in logs and campaigns. */
    fingerprint: text('fingerprint').notNull(),
    createdByLabel: text('created_by_label').notNull(),
    createdAt: createdAt(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('token_keys_fingerprint_key').on(t.fingerprint), index('token_keys_project_idx').on(t.projectId, t.createdAt)],
);

export const receiptKinds = ['shown', 'clicked', 'closed'] as const;

export const receipts = pgTable(
  'receipts',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** For clicks: which action button, or null for the notification body. */
    action: text('action'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.subscriptionId, t.kind] })],
);

/**
 * The opt-in funnel: how often each prompt style was shown, accepted, put off ("not now"),
 * refused by the browser, and how many visitors unsubscribed, per project and UTC day. One row
 * per (project, day, style, event), incremented in place: the chart reads a few hundred rows.
 */
export const optinEvents = pgTable(
  'optin_events',
  {
    projectId: projectId(),
    day: date('day', { mode: 'string' }).notNull(),
    /** A prompt style (lib/sdk/prompt-settings.ts PROMPT_STYLES) or `direct` (the site's own button). */
    style: text('style').notNull(),
    event: text('event').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.day, t.style, t.event] })],
);

export type ApiKey = typeof apiKeys.$inferSelect;
export type TokenKey = typeof tokenKeys.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Server-side message stores
// ---------------------------------------------------------------------------------------------

/** Notifications too large for one push: the push carries a pointer and a capability token. */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id')
      .primaryKey()
      .$defaultFn(() => uuidv7()),
    projectId: projectId(),
    campaignId: uuid('campaign_id').references(() => campaigns.id, { onDelete: 'cascade' }),
    content: jsonb('content').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('messages_expires_idx').on(t.expiresAt)],
);

/** pushbox-style per-subscription store for programs: indexed, paged, expiring. */
export const storeMessages = pgTable(
  'store_messages',
  {
    idx: bigint('idx', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    projectId: projectId(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
    /**
     * Who wrote the record (`apiPrincipal`: `key:<id>` or `token:<fingerprint>`); only they read
     * or delete it. Rows written before owners were recorded hold `legacy:unowned`, which no
     * caller is, and age out with their TTL.
     */
    owner: text('owner').notNull(),
    data: text('data').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('store_messages_owner_idx').on(t.subscriptionId, t.owner, t.idx), index('store_messages_expires_idx').on(t.expiresAt)],
);

CREATE TYPE "public"."audience_mode" AS ENUM('all', 'any', 'every');--> statement-breakpoint
CREATE TYPE "public"."campaign_source" AS ENUM('dashboard', 'api');--> statement-breakpoint
CREATE TYPE "public"."campaign_status" AS ENUM('draft', 'scheduled', 'queued', 'sending', 'paused', 'completed', 'cancelled', 'failed');--> statement-breakpoint
CREATE TYPE "public"."delivery_status" AS ENUM('queued', 'sending', 'sent', 'retrying', 'failed', 'expired', 'skipped');--> statement-breakpoint
CREATE TABLE "campaign_stats" (
	"campaign_id" uuid NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"push_service" text NOT NULL,
	"outcome" text NOT NULL,
	"count" integer NOT NULL,
	"latency_sum_ms" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "campaign_stats_campaign_id_bucket_push_service_outcome_pk" PRIMARY KEY("campaign_id","bucket","push_service","outcome")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"status" "campaign_status" DEFAULT 'draft' NOT NULL,
	"content" jsonb NOT NULL,
	"ttl" integer DEFAULT 86400 NOT NULL,
	"urgency" text DEFAULT 'normal' NOT NULL,
	"push_topic" text,
	"audience" "audience_mode" DEFAULT 'any' NOT NULL,
	"topic_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"exclude_topic_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"scheduled_at" timestamp with time zone,
	"time_zone" text,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_by" uuid,
	"created_by_label" text NOT NULL,
	"source" "campaign_source" DEFAULT 'dashboard' NOT NULL,
	"api_key_id" uuid,
	"idempotency_key" text,
	"fanout_cursor" uuid,
	"fanout_done" boolean DEFAULT false NOT NULL,
	"targeted" integer DEFAULT 0 NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"expired" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"campaign_id" uuid NOT NULL,
	"subscription_id" uuid NOT NULL,
	"status" "delivery_status" DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"http_status" integer,
	"push_service" text NOT NULL,
	"latency_ms" integer,
	"reason" text,
	"vapid_claim_id" bigint,
	"next_attempt_at" timestamp with time zone,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "deliveries_campaign_id_subscription_id_pk" PRIMARY KEY("campaign_id","subscription_id")
);
--> statement-breakpoint
ALTER TABLE "campaign_stats" ADD CONSTRAINT "campaign_stats_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_vapid_claim_id_vapid_claims_id_fk" FOREIGN KEY ("vapid_claim_id") REFERENCES "public"."vapid_claims"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_stats_bucket_idx" ON "campaign_stats" USING btree ("bucket");--> statement-breakpoint
CREATE INDEX "campaigns_status_schedule_idx" ON "campaigns" USING btree ("status","scheduled_at");--> statement-breakpoint
CREATE INDEX "campaigns_created_idx" ON "campaigns" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_idempotency_key" ON "campaigns" USING btree ("api_key_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "deliveries_status_idx" ON "deliveries" USING btree ("campaign_id","status","subscription_id");--> statement-breakpoint
CREATE INDEX "deliveries_service_idx" ON "deliveries" USING btree ("campaign_id","push_service","subscription_id");--> statement-breakpoint
CREATE INDEX "deliveries_http_idx" ON "deliveries" USING btree ("campaign_id","http_status","subscription_id");--> statement-breakpoint
CREATE INDEX "deliveries_subscription_idx" ON "deliveries" USING btree ("subscription_id","created_at");
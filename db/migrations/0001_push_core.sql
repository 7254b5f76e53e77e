CREATE TYPE "public"."subscription_status" AS ENUM('active', 'expired', 'unsubscribed');--> statement-breakpoint
CREATE TYPE "public"."vapid_key_status" AS ENUM('standby', 'active', 'retired');--> statement-breakpoint
CREATE TABLE "subscription_topics" (
	"subscription_id" uuid NOT NULL,
	"topic_id" uuid NOT NULL,
	CONSTRAINT "subscription_topics_subscription_id_topic_id_pk" PRIMARY KEY("subscription_id","topic_id")
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"endpoint" text NOT NULL,
	"p256dh" text NOT NULL,
	"auth" text NOT NULL,
	"vapid_key_id" uuid,
	"push_service" text NOT NULL,
	"status" "subscription_status" DEFAULT 'active' NOT NULL,
	"expires_at" timestamp with time zone,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "topics" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"is_public" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vapid_claims" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "vapid_claims_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"vapid_key_id" uuid,
	"public_key" text NOT NULL,
	"aud" text NOT NULL,
	"sub" text NOT NULL,
	"exp" timestamp with time zone NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vapid_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"public_key" text NOT NULL,
	"private_key_enc" text NOT NULL,
	"subject" text NOT NULL,
	"status" "vapid_key_status" DEFAULT 'standby' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "subscription_topics" ADD CONSTRAINT "subscription_topics_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_topics" ADD CONSTRAINT "subscription_topics_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_vapid_key_id_vapid_keys_id_fk" FOREIGN KEY ("vapid_key_id") REFERENCES "public"."vapid_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vapid_claims" ADD CONSTRAINT "vapid_claims_vapid_key_id_vapid_keys_id_fk" FOREIGN KEY ("vapid_key_id") REFERENCES "public"."vapid_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscription_topics_topic_idx" ON "subscription_topics" USING btree ("topic_id","subscription_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_endpoint_key" ON "subscriptions" USING btree ("endpoint");--> statement-breakpoint
CREATE INDEX "subscriptions_status_id_idx" ON "subscriptions" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "subscriptions_key_status_idx" ON "subscriptions" USING btree ("vapid_key_id","status");--> statement-breakpoint
CREATE INDEX "subscriptions_service_idx" ON "subscriptions" USING btree ("push_service","id");--> statement-breakpoint
CREATE UNIQUE INDEX "topics_slug_key" ON "topics" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "vapid_claims_key_idx" ON "vapid_claims" USING btree ("vapid_key_id","issued_at");--> statement-breakpoint
CREATE UNIQUE INDEX "vapid_keys_public_key_key" ON "vapid_keys" USING btree ("public_key");--> statement-breakpoint
CREATE UNIQUE INDEX "vapid_keys_one_active" ON "vapid_keys" USING btree ("status") WHERE status = 'active';
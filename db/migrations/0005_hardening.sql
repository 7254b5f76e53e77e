CREATE TABLE "code_migrations" (
	"name" text PRIMARY KEY NOT NULL,
	"ran_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "revoked_sessions" (
	"sid" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "token_uses" (
	"signer" text NOT NULL,
	"jti" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "token_uses_signer_jti_pk" PRIMARY KEY("signer","jti")
);
--> statement-breakpoint
DROP INDEX "store_messages_subscription_idx";--> statement-breakpoint
ALTER TABLE "store_messages" ADD COLUMN "owner" text DEFAULT 'legacy:unowned' NOT NULL;--> statement-breakpoint
ALTER TABLE "store_messages" ALTER COLUMN "owner" DROP DEFAULT;--> statement-breakpoint
CREATE INDEX "revoked_sessions_expires_idx" ON "revoked_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "token_uses_expires_idx" ON "token_uses" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "store_messages_owner_idx" ON "store_messages" USING btree ("subscription_id","owner","idx");
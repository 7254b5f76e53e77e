-- Every table of a site's data belongs to a project. An existing installation's rows move into
-- the default project (DEFAULT_PROJECT_ID in db/schema.ts): the column is added with that
-- default (PostgreSQL stores it once, no table rewrite even at millions of rows), then the default
-- is dropped so every new row must name its project. The audit trail's project-level entries
-- move too; installation-wide ones (users, projects, settings) keep a null project.
-- The default project keeps the public API open to any origin, as it was before projects (`*`);
-- new projects list their sites.
DROP INDEX "subscriptions_endpoint_key";--> statement-breakpoint
DROP INDEX "campaigns_created_idx";--> statement-breakpoint
DROP INDEX "subscriptions_status_id_idx";--> statement-breakpoint
DROP INDEX "subscriptions_service_idx";--> statement-breakpoint
DROP INDEX "vapid_keys_one_active";--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "project_id" uuid DEFAULT '01900000-0000-7000-8000-000000000001' NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_logs" ADD COLUMN "project_id" uuid;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "project_id" uuid DEFAULT '01900000-0000-7000-8000-000000000001' NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "project_id" uuid DEFAULT '01900000-0000-7000-8000-000000000001' NOT NULL;--> statement-breakpoint
ALTER TABLE "store_messages" ADD COLUMN "project_id" uuid DEFAULT '01900000-0000-7000-8000-000000000001' NOT NULL;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "project_id" uuid DEFAULT '01900000-0000-7000-8000-000000000001' NOT NULL;--> statement-breakpoint
ALTER TABLE "token_keys" ADD COLUMN "project_id" uuid DEFAULT '01900000-0000-7000-8000-000000000001' NOT NULL;--> statement-breakpoint
ALTER TABLE "vapid_claims" ADD COLUMN "project_id" uuid DEFAULT '01900000-0000-7000-8000-000000000001' NOT NULL;--> statement-breakpoint
ALTER TABLE "vapid_keys" ADD COLUMN "project_id" uuid DEFAULT '01900000-0000-7000-8000-000000000001' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ALTER COLUMN "project_id" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "campaigns" ALTER COLUMN "project_id" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "messages" ALTER COLUMN "project_id" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "store_messages" ALTER COLUMN "project_id" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "subscriptions" ALTER COLUMN "project_id" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "token_keys" ALTER COLUMN "project_id" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "vapid_claims" ALTER COLUMN "project_id" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "vapid_keys" ALTER COLUMN "project_id" DROP DEFAULT;--> statement-breakpoint
UPDATE "projects" SET "origins" = '{*}' WHERE "id" = '01900000-0000-7000-8000-000000000001' AND "origins" = '{}';--> statement-breakpoint
UPDATE "audit_logs" SET "project_id" = '01900000-0000-7000-8000-000000000001' WHERE split_part("action", '.', 1) NOT IN ('user', 'project', 'settings', 'setup');--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_messages" ADD CONSTRAINT "store_messages_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "token_keys" ADD CONSTRAINT "token_keys_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vapid_claims" ADD CONSTRAINT "vapid_claims_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vapid_keys" ADD CONSTRAINT "vapid_keys_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_project_idx" ON "api_keys" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_logs_project_idx" ON "audit_logs" USING btree ("project_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_project_endpoint_key" ON "subscriptions" USING btree ("project_id","endpoint");--> statement-breakpoint
CREATE INDEX "token_keys_project_idx" ON "token_keys" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "vapid_claims_project_idx" ON "vapid_claims" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "campaigns_created_idx" ON "campaigns" USING btree ("project_id","created_at","id");--> statement-breakpoint
CREATE INDEX "subscriptions_status_id_idx" ON "subscriptions" USING btree ("project_id","status","id");--> statement-breakpoint
CREATE INDEX "subscriptions_service_idx" ON "subscriptions" USING btree ("project_id","push_service","id");--> statement-breakpoint
CREATE UNIQUE INDEX "vapid_keys_one_active" ON "vapid_keys" USING btree ("project_id") WHERE status = 'active';
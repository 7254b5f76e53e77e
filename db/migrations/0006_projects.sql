-- Projects. An existing installation's data moves into the default project (its fixed id is
-- DEFAULT_PROJECT_ID in db/schema.ts), so nothing is lost and nothing changes for its users.
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"origins" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "projects_slug_key" ON "projects" USING btree ("slug");--> statement-breakpoint
INSERT INTO "projects" ("id", "slug", "name") VALUES ('01900000-0000-7000-8000-000000000001', 'default', 'Default project');--> statement-breakpoint
ALTER TABLE "topics" ADD COLUMN "project_id" uuid;--> statement-breakpoint
UPDATE "topics" SET "project_id" = '01900000-0000-7000-8000-000000000001';--> statement-breakpoint
ALTER TABLE "topics" ALTER COLUMN "project_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "topics" ADD CONSTRAINT "topics_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
DROP INDEX "topics_slug_key";--> statement-breakpoint
CREATE UNIQUE INDEX "topics_project_slug_key" ON "topics" USING btree ("project_id","slug");

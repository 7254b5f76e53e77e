CREATE TABLE "optin_events" (
	"project_id" uuid NOT NULL,
	"day" date NOT NULL,
	"style" text NOT NULL,
	"event" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "optin_events_project_id_day_style_event_pk" PRIMARY KEY("project_id","day","style","event")
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "prompt" jsonb;--> statement-breakpoint
ALTER TABLE "optin_events" ADD CONSTRAINT "optin_events_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;
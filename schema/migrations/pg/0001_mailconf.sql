CREATE TABLE "activesync" (
	"id" serial PRIMARY KEY NOT NULL,
	"domain_id" integer NOT NULL,
	"url" text NOT NULL,
	CONSTRAINT "activesync_domain_id_unique" UNIQUE("domain_id")
);
--> statement-breakpoint
ALTER TABLE "provider" ADD COLUMN "logo_url" text;--> statement-breakpoint
ALTER TABLE "provider" ADD COLUMN "support_url" text;--> statement-breakpoint
ALTER TABLE "provider" ADD COLUMN "support_email" text;--> statement-breakpoint
ALTER TABLE "activesync" ADD CONSTRAINT "activesync_domain_id_domain_id_fk" FOREIGN KEY ("domain_id") REFERENCES "public"."domain"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "davserver_domain_domain_idx" ON "davserver_domain" USING btree ("domain_id");--> statement-breakpoint
CREATE INDEX "domain_provider_idx" ON "domain" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "server_domain_domain_idx" ON "server_domain" USING btree ("domain_id");
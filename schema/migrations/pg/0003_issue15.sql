CREATE TABLE "sieveserver" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"port" integer DEFAULT 4190 NOT NULL,
	"socket_type" text DEFAULT 'STARTTLS' NOT NULL,
	"user_name" text DEFAULT '%EMAILADDRESS%' NOT NULL,
	"authentication" text DEFAULT 'plain' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sieveserver_domain" (
	"sieveserver_id" integer NOT NULL,
	"domain_id" integer NOT NULL,
	CONSTRAINT "sieveserver_domain_sieveserver_id_domain_id_pk" PRIMARY KEY("sieveserver_id","domain_id")
);
--> statement-breakpoint
CREATE TABLE "urlserver" (
	"id" serial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"url" text NOT NULL,
	"user_name" text DEFAULT '%EMAILADDRESS%' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "urlserver_domain" (
	"urlserver_id" integer NOT NULL,
	"domain_id" integer NOT NULL,
	CONSTRAINT "urlserver_domain_urlserver_id_domain_id_pk" PRIMARY KEY("urlserver_id","domain_id")
);
--> statement-breakpoint
ALTER TABLE "provider" ADD COLUMN "oauth2_issuer" text;--> statement-breakpoint
ALTER TABLE "provider" ADD COLUMN "oauth2_scope" text;--> statement-breakpoint
ALTER TABLE "provider" ADD COLUMN "oauth2_auth_url" text;--> statement-breakpoint
ALTER TABLE "provider" ADD COLUMN "oauth2_token_url" text;--> statement-breakpoint
ALTER TABLE "provider" ADD COLUMN "oauth2_client_id" text;--> statement-breakpoint
ALTER TABLE "provider" ADD COLUMN "oauth2_password" boolean;--> statement-breakpoint
ALTER TABLE "provider" ADD COLUMN "documentation_url" text;--> statement-breakpoint
ALTER TABLE "provider" ADD COLUMN "documentation_descr" text;--> statement-breakpoint
ALTER TABLE "sieveserver_domain" ADD CONSTRAINT "sieveserver_domain_sieveserver_id_sieveserver_id_fk" FOREIGN KEY ("sieveserver_id") REFERENCES "public"."sieveserver"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sieveserver_domain" ADD CONSTRAINT "sieveserver_domain_domain_id_domain_id_fk" FOREIGN KEY ("domain_id") REFERENCES "public"."domain"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "urlserver_domain" ADD CONSTRAINT "urlserver_domain_urlserver_id_urlserver_id_fk" FOREIGN KEY ("urlserver_id") REFERENCES "public"."urlserver"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "urlserver_domain" ADD CONSTRAINT "urlserver_domain_domain_id_domain_id_fk" FOREIGN KEY ("domain_id") REFERENCES "public"."domain"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sieveserver_domain_domain_idx" ON "sieveserver_domain" USING btree ("domain_id");--> statement-breakpoint
CREATE INDEX "urlserver_domain_domain_idx" ON "urlserver_domain" USING btree ("domain_id");
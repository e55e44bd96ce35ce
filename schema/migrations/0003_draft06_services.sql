CREATE TABLE `sieveserver` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`port` integer DEFAULT 4190 NOT NULL,
	`socket_type` text DEFAULT 'STARTTLS' NOT NULL,
	`user_name` text DEFAULT '%EMAILADDRESS%' NOT NULL,
	`authentication` text DEFAULT 'plain' NOT NULL,
	CONSTRAINT "sieveserver_socket_type" CHECK(socket_type IN ('SSL', 'STARTTLS', 'plain')),
	CONSTRAINT "sieveserver_authentication" CHECK(authentication IN ('plain', 'secure', 'NTLM', 'OAuth2', 'none')),
	CONSTRAINT "sieveserver_port" CHECK("sieveserver"."port" BETWEEN 1 AND 65535)
);
--> statement-breakpoint
CREATE TABLE `sieveserver_domain` (
	`sieveserver_id` integer NOT NULL,
	`domain_id` integer NOT NULL,
	PRIMARY KEY(`sieveserver_id`, `domain_id`),
	FOREIGN KEY (`sieveserver_id`) REFERENCES `sieveserver`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`domain_id`) REFERENCES `domain`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sieveserver_domain_domain_idx` ON `sieveserver_domain` (`domain_id`);--> statement-breakpoint
CREATE TABLE `urlserver` (
	`id` integer PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`url` text NOT NULL,
	`user_name` text DEFAULT '%EMAILADDRESS%' NOT NULL,
	CONSTRAINT "urlserver_type" CHECK(type IN ('jmap', 'webdav')),
	CONSTRAINT "urlserver_url_https" CHECK("urlserver"."url" LIKE 'https://%')
);
--> statement-breakpoint
CREATE TABLE `urlserver_domain` (
	`urlserver_id` integer NOT NULL,
	`domain_id` integer NOT NULL,
	PRIMARY KEY(`urlserver_id`, `domain_id`),
	FOREIGN KEY (`urlserver_id`) REFERENCES `urlserver`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`domain_id`) REFERENCES `domain`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `urlserver_domain_domain_idx` ON `urlserver_domain` (`domain_id`);--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_issuer` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_scope` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_auth_url` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_token_url` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_client_id` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_password` integer;--> statement-breakpoint
ALTER TABLE `provider` ADD `documentation_url` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `documentation_descr` text;
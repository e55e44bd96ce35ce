CREATE TABLE `davserver` (
	`id` integer PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`url` text NOT NULL,
	`port` integer NOT NULL,
	`use_ssl` integer DEFAULT true NOT NULL,
	`domain_required` integer DEFAULT false NOT NULL,
	`user_name` text DEFAULT '%EMAILADDRESS%' NOT NULL,
	CONSTRAINT "davserver_type" CHECK(type IN ('caldav', 'carddav')),
	CONSTRAINT "davserver_port" CHECK("davserver"."port" BETWEEN 1 AND 65535)
);
--> statement-breakpoint
CREATE TABLE `davserver_domain` (
	`davserver_id` integer NOT NULL,
	`domain_id` integer NOT NULL,
	PRIMARY KEY(`davserver_id`, `domain_id`),
	FOREIGN KEY (`davserver_id`) REFERENCES `davserver`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`domain_id`) REFERENCES `domain`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `davserver_domain_domain_idx` ON `davserver_domain` (`domain_id`);--> statement-breakpoint
CREATE TABLE `domain` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`provider_id` integer NOT NULL,
	`ldapserver_id` integer,
	FOREIGN KEY (`provider_id`) REFERENCES `provider`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ldapserver_id`) REFERENCES `ldapserver`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "domain_name_lowercase" CHECK("domain"."name" = lower("domain"."name"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `domain_name_unique` ON `domain` (`name`);--> statement-breakpoint
CREATE INDEX `domain_provider_idx` ON `domain` (`provider_id`);--> statement-breakpoint
CREATE TABLE `ldapserver` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`port` integer DEFAULT 636 NOT NULL,
	`use_ssl` integer DEFAULT true NOT NULL,
	`search_base` text NOT NULL,
	`search_filter` text DEFAULT '(mail={0})' NOT NULL,
	`attr_uid` text DEFAULT 'uid' NOT NULL,
	`attr_cn` text DEFAULT 'cn',
	`bind_user` text,
	`bind_password` text
);
--> statement-breakpoint
CREATE TABLE `provider` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`short_name` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `server` (
	`id` integer PRIMARY KEY NOT NULL,
	`prio` integer DEFAULT 10 NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`port` integer NOT NULL,
	`socket_type` text DEFAULT 'STARTTLS' NOT NULL,
	`user_name` text DEFAULT '%EMAILADDRESS%' NOT NULL,
	`authentication` text DEFAULT 'plain' NOT NULL,
	CONSTRAINT "server_type" CHECK(type IN ('imap', 'pop', 'smtp')),
	CONSTRAINT "server_socket_type" CHECK(socket_type IN ('SSL', 'STARTTLS', 'plain')),
	CONSTRAINT "server_authentication" CHECK(authentication IN ('plain', 'secure', 'NTLM', 'OAuth2', 'none')),
	CONSTRAINT "server_port" CHECK("server"."port" BETWEEN 1 AND 65535)
);
--> statement-breakpoint
CREATE TABLE `server_domain` (
	`server_id` integer NOT NULL,
	`domain_id` integer NOT NULL,
	PRIMARY KEY(`server_id`, `domain_id`),
	FOREIGN KEY (`server_id`) REFERENCES `server`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`domain_id`) REFERENCES `domain`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `server_domain_domain_idx` ON `server_domain` (`domain_id`);
CREATE TABLE `sieveserver` (
	`id` int AUTO_INCREMENT NOT NULL,
	`name` text NOT NULL,
	`port` int NOT NULL DEFAULT 4190,
	`socket_type` text NOT NULL DEFAULT ('STARTTLS'),
	`user_name` text NOT NULL DEFAULT ('%EMAILADDRESS%'),
	`authentication` text NOT NULL DEFAULT ('plain'),
	CONSTRAINT `sieveserver_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `sieveserver_domain` (
	`sieveserver_id` int NOT NULL,
	`domain_id` int NOT NULL,
	CONSTRAINT `sieveserver_domain_sieveserver_id_domain_id_pk` PRIMARY KEY(`sieveserver_id`,`domain_id`)
);
--> statement-breakpoint
CREATE TABLE `urlserver` (
	`id` int AUTO_INCREMENT NOT NULL,
	`type` text NOT NULL,
	`url` text NOT NULL,
	`user_name` text NOT NULL DEFAULT ('%EMAILADDRESS%'),
	CONSTRAINT `urlserver_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `urlserver_domain` (
	`urlserver_id` int NOT NULL,
	`domain_id` int NOT NULL,
	CONSTRAINT `urlserver_domain_urlserver_id_domain_id_pk` PRIMARY KEY(`urlserver_id`,`domain_id`)
);
--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_issuer` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_scope` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_auth_url` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_token_url` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_client_id` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `oauth2_password` boolean;--> statement-breakpoint
ALTER TABLE `provider` ADD `documentation_url` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `documentation_descr` text;--> statement-breakpoint
ALTER TABLE `sieveserver_domain` ADD CONSTRAINT `sieveserver_domain_sieveserver_id_sieveserver_id_fk` FOREIGN KEY (`sieveserver_id`) REFERENCES `sieveserver`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `sieveserver_domain` ADD CONSTRAINT `sieveserver_domain_domain_id_domain_id_fk` FOREIGN KEY (`domain_id`) REFERENCES `domain`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `urlserver_domain` ADD CONSTRAINT `urlserver_domain_urlserver_id_urlserver_id_fk` FOREIGN KEY (`urlserver_id`) REFERENCES `urlserver`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `urlserver_domain` ADD CONSTRAINT `urlserver_domain_domain_id_domain_id_fk` FOREIGN KEY (`domain_id`) REFERENCES `domain`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `sieveserver_domain_domain_idx` ON `sieveserver_domain` (`domain_id`);--> statement-breakpoint
CREATE INDEX `urlserver_domain_domain_idx` ON `urlserver_domain` (`domain_id`);
CREATE TABLE `activesync` (
	`id` int AUTO_INCREMENT NOT NULL,
	`domain_id` int NOT NULL,
	`url` text NOT NULL,
	CONSTRAINT `activesync_id` PRIMARY KEY(`id`),
	CONSTRAINT `activesync_domain_id_unique` UNIQUE(`domain_id`)
);
--> statement-breakpoint
ALTER TABLE `provider` ADD `logo_url` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `support_url` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `support_email` text;--> statement-breakpoint
ALTER TABLE `activesync` ADD CONSTRAINT `activesync_domain_id_domain_id_fk` FOREIGN KEY (`domain_id`) REFERENCES `domain`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `davserver_domain_domain_idx` ON `davserver_domain` (`domain_id`);--> statement-breakpoint
CREATE INDEX `domain_provider_idx` ON `domain` (`provider_id`);--> statement-breakpoint
CREATE INDEX `server_domain_domain_idx` ON `server_domain` (`domain_id`);
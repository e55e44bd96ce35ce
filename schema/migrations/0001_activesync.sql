CREATE TABLE `activesync` (
	`id` integer PRIMARY KEY NOT NULL,
	`domain_id` integer NOT NULL,
	`url` text NOT NULL,
	FOREIGN KEY (`domain_id`) REFERENCES `domain`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "activesync_url_https" CHECK("activesync"."url" LIKE 'https://%')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `activesync_domain_id_unique` ON `activesync` (`domain_id`);
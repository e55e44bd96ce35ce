ALTER TABLE `provider` ADD `logo_url` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `support_url` text;--> statement-breakpoint
ALTER TABLE `provider` ADD `support_email` text;
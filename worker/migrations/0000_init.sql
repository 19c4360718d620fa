CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_type` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`holder_id` text,
	`from_color` text,
	`to_color` text,
	`reason` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_holder_idx` ON `audit_log` (`holder_id`,`id`);--> statement-breakpoint
CREATE TABLE `checkins` (
	`holder_id` text NOT NULL,
	`day` text NOT NULL,
	`at` integer NOT NULL,
	`symptoms` integer NOT NULL,
	`temperature` real,
	PRIMARY KEY(`holder_id`, `day`),
	FOREIGN KEY (`holder_id`) REFERENCES `holders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `holders` (
	`id` text PRIMARY KEY NOT NULL,
	`sub` text NOT NULL,
	`id_hash` text NOT NULL,
	`secret_hash` text NOT NULL,
	`masked_name` text NOT NULL,
	`phone_hash` text,
	`color` text NOT NULL,
	`since` integer NOT NULL,
	`until` integer,
	`status_version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "holders_color_check" CHECK(color in ('green', 'yellow', 'red'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `holders_sub_unique` ON `holders` (`sub`);--> statement-breakpoint
CREATE UNIQUE INDEX `holders_id_hash_unique` ON `holders` (`id_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `holders_secret_hash_unique` ON `holders` (`secret_hash`);--> statement-breakpoint
CREATE INDEX `holders_due_idx` ON `holders` (`until`) WHERE until is not null;--> statement-breakpoint
CREATE TABLE `revocations` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sub` text NOT NULL,
	`revoked_before` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `revocations_revoked_before_idx` ON `revocations` (`revoked_before`);--> statement-breakpoint
CREATE TABLE `status_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`holder_id` text NOT NULL,
	`at` integer NOT NULL,
	`color` text NOT NULL,
	`source` text NOT NULL,
	`actor` text NOT NULL,
	`reason` text NOT NULL,
	FOREIGN KEY (`holder_id`) REFERENCES `holders`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "status_events_color_check" CHECK(color in ('green', 'yellow', 'red'))
);
--> statement-breakpoint
CREATE INDEX `status_events_holder_idx` ON `status_events` (`holder_id`,`at`);--> statement-breakpoint
CREATE TABLE `trust_lists` (
	`version` integer PRIMARY KEY NOT NULL,
	`cose` blob NOT NULL,
	`issued_at` integer NOT NULL,
	`installed_at` integer NOT NULL
);

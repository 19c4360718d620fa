-- Status rules (docs/status-rules.md): exposure times, import runs as units, and list rows kept
-- for people not yet enrolled. Hand-written to match worker/db/schema.ts.
ALTER TABLE `holders` ADD `isolation_from` integer;
--> statement-breakpoint
ALTER TABLE `status_events` ADD `exposed_at` integer;
--> statement-breakpoint
ALTER TABLE `audit_log` ADD `import_id` text;
--> statement-breakpoint
CREATE INDEX `audit_log_import_idx` ON `audit_log` (`import_id`,`id`);
--> statement-breakpoint
CREATE TABLE `imports` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`format` text NOT NULL,
	`rows` integer NOT NULL,
	`applied` integer NOT NULL,
	`unchanged` integer NOT NULL,
	`pending` integer NOT NULL,
	`rejected` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pending_statuses` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`color` text NOT NULL,
	`reason` text NOT NULL,
	`exposed_at` integer,
	`import_id` text NOT NULL,
	`line` integer NOT NULL,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	CONSTRAINT "pending_statuses_color_check" CHECK(color in ('green', 'yellow', 'red'))
);
--> statement-breakpoint
CREATE INDEX `pending_statuses_expires_idx` ON `pending_statuses` (`expires_at`);

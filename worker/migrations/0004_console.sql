-- The operator console's maintained counters (docs/console.md "Where the numbers come from").
-- Hand-written: every status write keeps them in the same D1 batch (worker/db/counters.ts), so a
-- dashboard refresh reads a handful of rows and never scans holders.
CREATE TABLE `color_counts` (
	`color` text PRIMARY KEY NOT NULL,
	`holders` integer NOT NULL,
	CONSTRAINT "color_counts_color_check" CHECK(color in ('green', 'yellow', 'red'))
);
--> statement-breakpoint
-- The one scan of holders: seeding the counts from the rows already there when this migration runs.
INSERT INTO `color_counts` (`color`, `holders`)
	SELECT c.color, (SELECT count(*) FROM `holders` h WHERE h.color = c.color)
	FROM (SELECT 'green' AS color UNION ALL SELECT 'yellow' UNION ALL SELECT 'red') c;
--> statement-breakpoint
CREATE TABLE `daily_counts` (
	`day` text NOT NULL,
	`metric` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`day`, `metric`)
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`,`id`);
--> statement-breakpoint
CREATE INDEX `audit_log_actor_idx` ON `audit_log` (`actor`,`id`);
--> statement-breakpoint
CREATE INDEX `audit_log_action_idx` ON `audit_log` (`action`,`id`);

-- Holders sharded over several D1 databases (docs/scale.md "Sharding holders"). Every database
-- gets every migration, so each has the same schema; the home database (binding DB) is the only
-- one whose `revocations`, `trust_lists`, `sign_ins` and `imports` are used.
--
-- A status change writes its revocation into its own database's outbox, in the same batch as the
-- change; worker/feed/forward.ts copies outbox rows into the home database's `revocations` (the
-- one feed with one sequence). (origin, origin_seq) makes the copy idempotent: a row copied twice
-- is ignored the second time.
CREATE TABLE `revocation_outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sub` text NOT NULL,
	`revoked_before` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `revocations` ADD `origin` text;
--> statement-breakpoint
ALTER TABLE `revocations` ADD `origin_seq` integer;
--> statement-breakpoint
CREATE UNIQUE INDEX `revocations_origin_idx` ON `revocations` (`origin`,`origin_seq`);

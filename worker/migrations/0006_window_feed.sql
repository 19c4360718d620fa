-- The private revocation feed's storage (docs/feed-privacy.md "Worker storage"). Hand-written.
-- Holder side: each holder's dense slot (its number in its virtual bucket, interleaved across
-- buckets) and its recent revocation cuts, from which a token's revocation epoch is computed
-- without a write at issuance; the per-bucket counters that hand out the numbers.
-- Feed side (the home database): the domain fixed for each issuance window, the window indices
-- each downgrade revokes, and the revocations table rebuilt without the permanent `sub` (it now
-- only hands out the feed's sequence numbers and keeps each downgrade's cut for the
-- delta/snapshot choice). Every database gets every table (migration 0005).
ALTER TABLE `holders` ADD `slot` integer;
--> statement-breakpoint
ALTER TABLE `holders` ADD `revocation_cuts` text;
--> statement-breakpoint
CREATE TABLE `bucket_counters` (
	`bucket` integer PRIMARY KEY NOT NULL,
	`next_number` integer NOT NULL
);
--> statement-breakpoint
-- Backfill: number the holders already there within their bucket (the first 10 bits of the keyed
-- ID hash, worker/shards/buckets.ts), in enrolment order. The hash is hex text before migration
-- 0005 and a BLOB after it; both read as its first four hex digits here.
UPDATE `holders` SET `slot` = numbered.`n` * 1024 + numbered.`bucket`
FROM (
	SELECT `id`, `bucket`, row_number() OVER (PARTITION BY `bucket` ORDER BY `created_at`, `id`) - 1 AS `n`
	FROM (
		SELECT `id`, `created_at`,
			((instr('0123456789ABCDEF', substr(`h`, 1, 1)) - 1) * 256
			+ (instr('0123456789ABCDEF', substr(`h`, 2, 1)) - 1) * 16
			+ (instr('0123456789ABCDEF', substr(`h`, 3, 1)) - 1)) >> 2 AS `bucket`
		FROM (
			SELECT `id`, `created_at`,
				CASE WHEN typeof(`id_hash`) = 'blob' THEN hex(substr(`id_hash`, 1, 2)) ELSE upper(substr(`id_hash`, 1, 4)) END AS `h`
			FROM `holders`
		)
	)
) AS numbered
WHERE numbered.`id` = `holders`.`id`;
--> statement-breakpoint
INSERT INTO `bucket_counters` (`bucket`, `next_number`)
	SELECT `slot` % 1024, max(`slot` / 1024) + 1 FROM `holders` WHERE `slot` IS NOT NULL GROUP BY `slot` % 1024;
--> statement-breakpoint
CREATE UNIQUE INDEX `holders_slot_unique` ON `holders` (`slot`);
--> statement-breakpoint
CREATE TABLE `window_domains` (
	`window` integer PRIMARY KEY NOT NULL,
	`domain` integer NOT NULL,
	`key_id` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `window_revocations` (
	`window` integer NOT NULL,
	`epoch` integer NOT NULL,
	`idx` integer NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`window`, `epoch`, `idx`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `window_revocations_seq_idx` ON `window_revocations` (`seq`);
--> statement-breakpoint
-- Rebuilt without `sub`. Rows keep their seq, and AUTOINCREMENT continues above the largest
-- (pruning always keeps the newest row), so no sequence number is handed out twice.
CREATE TABLE `revocations_new` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`revoked_before` integer NOT NULL,
	`created_at` integer NOT NULL,
	`origin` text,
	`origin_seq` integer
);
--> statement-breakpoint
INSERT INTO `revocations_new` (`seq`, `revoked_before`, `created_at`, `origin`, `origin_seq`)
	SELECT `seq`, `revoked_before`, `created_at`, `origin`, `origin_seq` FROM `revocations`;
--> statement-breakpoint
DROP TABLE `revocations`;
--> statement-breakpoint
ALTER TABLE `revocations_new` RENAME TO `revocations`;
--> statement-breakpoint
CREATE INDEX `revocations_revoked_before_idx` ON `revocations` (`revoked_before`);
--> statement-breakpoint
CREATE UNIQUE INDEX `revocations_origin_idx` ON `revocations` (`origin`,`origin_seq`);
--> statement-breakpoint
-- The outbox carries the window indices instead of `sub`. Rows still waiting name version 1
-- pseudonyms that no token carries any more (verifiers refuse version 1 tokens), so they are
-- dropped; AUTOINCREMENT goes on above them, so the feed's (origin, origin_seq) stays unique.
CREATE TABLE `revocation_outbox_new` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`revoked_before` integer NOT NULL,
	`created_at` integer NOT NULL,
	`refs` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `sqlite_sequence` (`name`, `seq`)
	SELECT 'revocation_outbox_new', coalesce(max(`seq`), 0) FROM `revocation_outbox`;
--> statement-breakpoint
DROP TABLE `revocation_outbox`;
--> statement-breakpoint
ALTER TABLE `revocation_outbox_new` RENAME TO `revocation_outbox`;

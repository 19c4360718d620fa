-- Enrolment through a real-name OpenID provider (docs/identity.md). Hand-written, not generated.
-- Holders: the phone hash of the old knowledge check goes; the birth year (the token's binding,
-- docs/token-format.md) and the hash of the secret a sign-in replaced (so that wallet can be told
-- why it was signed out) come in.
ALTER TABLE `holders` DROP COLUMN `phone_hash`;
--> statement-breakpoint
ALTER TABLE `holders` ADD `birth_year` integer;
--> statement-breakpoint
ALTER TABLE `holders` ADD `replaced_secret_hash` text;
--> statement-breakpoint
CREATE UNIQUE INDEX `holders_replaced_secret_hash_unique` ON `holders` (`replaced_secret_hash`);
--> statement-breakpoint
-- One row per sign-in in progress: single use, deleted when the provider sends the browser back.
CREATE TABLE `sign_ins` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`nonce` text NOT NULL,
	`code_verifier` text NOT NULL,
	`declaration` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sign_ins_expires_idx` ON `sign_ins` (`expires_at`);

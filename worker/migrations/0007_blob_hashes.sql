-- Hashes as 32-byte BLOBs instead of 64-character hex text: the ID hash, the secret hashes, the
-- pending rows' ID hash and the sign-in state hash, each also in a unique index, were most of a
-- holder row (docs/scale.md "What one holder costs").
--
-- In place, without rebuilding the tables: SQLite keeps a column's declared type, but a column of
-- TEXT affinity stores a BLOB value as a BLOB (https://www.sqlite.org/datatype3.html, "Type
-- Affinity"), and the unique indexes follow the values. worker/db/schema.ts declares them blob.
-- unhex() needs SQLite 3.41 or later, which D1 and workerd have. Rows already converted are left.
UPDATE `holders` SET
	`id_hash` = unhex(`id_hash`),
	`secret_hash` = unhex(`secret_hash`),
	`replaced_secret_hash` = unhex(`replaced_secret_hash`)
WHERE typeof(`id_hash`) = 'text';
--> statement-breakpoint
UPDATE `pending_statuses` SET `id_hash` = unhex(`id_hash`) WHERE typeof(`id_hash`) = 'text';
--> statement-breakpoint
-- Sign-ins in progress last ten minutes; one cut short by the upgrade is simply started again.
DELETE FROM `sign_ins`;

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0006_migration_checksums.sql -- schema_migrations keeps the sha256 of
-- each applied file, so `guichet migrate` can refuse to run when a file
-- already applied has been edited (engine/migrate.c, which applies this
-- one too and fills the column of the rows before it on its first run).
ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS sha256 text;

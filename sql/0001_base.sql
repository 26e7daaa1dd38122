-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0001_base.sql -- what every later migration relies on.
-- Migrations are applied in order by `guichet migrate`, each in its own
-- transaction, and are never edited once applied: a change is a new file.

-- keeps updated_at honest without every UPDATE having to remember it
CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

COMMENT ON FUNCTION touch_updated_at() IS
    'BEFORE UPDATE trigger: sets updated_at to the transaction time';

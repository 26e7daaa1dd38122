-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0027_registers.sql -- the reference registers a procedure's <lookup>
-- reads (docs/workflow-language.md, "Lookups"; engine/refreg.c owns the
-- statements): the communes by OFS number, the person register by AVS13
-- and birth date, the applications of the communes portal by code.
--
-- The rows are reference data, not history: scripts/load_registers.py
-- loads data/ref/communes.csv, persons.csv and applications.csv into them
-- (make demo, the tests' fixtures), idempotently, whatever the migration
-- level -- so the tables only say what a row is.

CREATE TABLE IF NOT EXISTS ref_communes (
    ofs       integer PRIMARY KEY CHECK (ofs BETWEEN 1 AND 9999),
    name      text    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    canton    text    NOT NULL CHECK (canton ~ '^[A-Z]{2}$'),
    district  text
);

CREATE TABLE IF NOT EXISTS ref_persons (
    avs13       text PRIMARY KEY CHECK (avs13 ~ '^756\.[0-9]{4}\.[0-9]{4}\.[0-9]{2}$'),
    birth_date  date NOT NULL,
    first_name  text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 200),
    last_name   text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 200)
);

CREATE TABLE IF NOT EXISTS ref_applications (
    code         text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{0,31}$'),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    application  text NOT NULL CHECK (length(application) BETWEEN 1 AND 100)
);

COMMENT ON TABLE ref_communes IS 'Register of communes by OFS number (data/ref/communes.csv)';
COMMENT ON TABLE ref_persons IS 'Person register by AVS13 and birth date (data/ref/persons.csv: fictional demo people)';
COMMENT ON TABLE ref_applications IS 'Applications of the communes portal (data/ref/applications.csv)';

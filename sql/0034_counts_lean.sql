-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0034_counts_lean.sql -- demand_counts kept at a fraction of the cost
-- (issue 12: a transition cost 4x a pgbench transaction, the counts'
-- trigger a large part of it).
--
-- 0008's trigger made (CREATE TEMP TABLE IF NOT EXISTS: a catalogue lookup
-- and a notice on every call) and filled a temporary table, then folded
-- through it.  The same work is now one statement per operation: the
-- delta, computed from the statement's transition tables, and the fold of
-- the keys it touched (rows locked by another transaction are skipped, as
-- before, so two transitions of one space never wait for each other), with
-- no temporary table.  Same rule, same table, same readers.

CREATE OR REPLACE FUNCTION demand_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH delta AS (
            SELECT owner_space_id, owner_person_id, workflow_key, definition_version,
                   state, bucket, count(*) AS n
              FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6
        ), gone AS (
            DELETE FROM demand_counts c
             WHERE c.id IN (SELECT c2.id FROM demand_counts c2 JOIN delta k
                              ON c2.owner_space_id IS NOT DISTINCT FROM k.owner_space_id
                             AND c2.owner_person_id = k.owner_person_id
                             AND c2.workflow_key = k.workflow_key
                             AND c2.definition_version = k.definition_version
                             AND c2.state = k.state AND c2.bucket = k.bucket
                             FOR UPDATE OF c2 SKIP LOCKED)
            RETURNING c.owner_space_id, c.owner_person_id, c.workflow_key,
                      c.definition_version, c.state, c.bucket, c.n
        )
        INSERT INTO demand_counts (owner_space_id, owner_person_id, workflow_key,
                                   definition_version, state, bucket, n)
        SELECT owner_space_id, owner_person_id, workflow_key, definition_version, state,
               bucket, sum(n)
          FROM (SELECT * FROM gone UNION ALL SELECT * FROM delta) x
         GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(n) <> 0;
    ELSIF TG_OP = 'DELETE' THEN
        WITH delta AS (
            SELECT owner_space_id, owner_person_id, workflow_key, definition_version,
                   state, bucket, -count(*) AS n
              FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6
        ), gone AS (
            DELETE FROM demand_counts c
             WHERE c.id IN (SELECT c2.id FROM demand_counts c2 JOIN delta k
                              ON c2.owner_space_id IS NOT DISTINCT FROM k.owner_space_id
                             AND c2.owner_person_id = k.owner_person_id
                             AND c2.workflow_key = k.workflow_key
                             AND c2.definition_version = k.definition_version
                             AND c2.state = k.state AND c2.bucket = k.bucket
                             FOR UPDATE OF c2 SKIP LOCKED)
            RETURNING c.owner_space_id, c.owner_person_id, c.workflow_key,
                      c.definition_version, c.state, c.bucket, c.n
        )
        INSERT INTO demand_counts (owner_space_id, owner_person_id, workflow_key,
                                   definition_version, state, bucket, n)
        SELECT owner_space_id, owner_person_id, workflow_key, definition_version, state,
               bucket, sum(n)
          FROM (SELECT * FROM gone UNION ALL SELECT * FROM delta) x
         GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(n) <> 0;
    ELSE
        -- only rows whose counted columns changed (a saved draft changes none)
        WITH delta AS (
            SELECT k.s AS owner_space_id, k.p AS owner_person_id, k.wk AS workflow_key,
                   k.v AS definition_version, k.st AS state, k.b AS bucket, sum(k.d) AS n
              FROM old_rows o JOIN new_rows w ON w.id = o.id
             CROSS JOIN LATERAL (VALUES
                     (o.owner_space_id, o.owner_person_id, o.workflow_key,
                      o.definition_version, o.state, o.bucket, -1),
                     (w.owner_space_id, w.owner_person_id, w.workflow_key,
                      w.definition_version, w.state, w.bucket, 1)) AS k(s, p, wk, v, st, b, d)
             WHERE (o.owner_space_id, o.owner_person_id, o.workflow_key, o.definition_version,
                    o.state, o.bucket)
                   IS DISTINCT FROM
                   (w.owner_space_id, w.owner_person_id, w.workflow_key, w.definition_version,
                    w.state, w.bucket)
             GROUP BY 1, 2, 3, 4, 5, 6
            HAVING sum(k.d) <> 0
        ), gone AS (
            DELETE FROM demand_counts c
             WHERE c.id IN (SELECT c2.id FROM demand_counts c2 JOIN delta k
                              ON c2.owner_space_id IS NOT DISTINCT FROM k.owner_space_id
                             AND c2.owner_person_id = k.owner_person_id
                             AND c2.workflow_key = k.workflow_key
                             AND c2.definition_version = k.definition_version
                             AND c2.state = k.state AND c2.bucket = k.bucket
                             FOR UPDATE OF c2 SKIP LOCKED)
            RETURNING c.owner_space_id, c.owner_person_id, c.workflow_key,
                      c.definition_version, c.state, c.bucket, c.n
        )
        INSERT INTO demand_counts (owner_space_id, owner_person_id, workflow_key,
                                   definition_version, state, bucket, n)
        SELECT owner_space_id, owner_person_id, workflow_key, definition_version, state,
               bucket, sum(n)
          FROM (SELECT * FROM gone UNION ALL SELECT * FROM delta) x
         GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(n) <> 0;
    END IF;
    RETURN NULL;
END $$;

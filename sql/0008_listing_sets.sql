-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0008_listing_sets.sql -- listings that cost the same with 10 or 1,000,000 demands.
--
-- Until now the dashboard asked authz_may() (plpgsql, ~150 µs) once per
-- demand of the space, counted every row per bucket and window-sorted every
-- row; the agent queue materialised every demand waiting for the group.
-- Here:
--
--   az_scope(person, context)   what a principal is, read once per listing:
--                               administrator, member / référent / handler
--                               of the context, grants held there, agent
--                               and third-party groups
--   az_sees(...)                the view-demand rule of az_demand (0003) as
--                               one inlinable expression over a demand's
--                               columns and its definition's: the set form
--                               of authz_may('view-demand').  authz_may stays
--                               the answer for one object; the two are
--                               tested equal on the access matrix
--                               (tests/integration/test_listing_sets.py)
--   demand_counts               rows to add up per owner, procedure version,
--                               state and bucket, kept by statement triggers
--                               on demands (insert-only, folded as they go):
--                               the dashboard's and the queue's counts read
--                               it instead of counting history
--   wf_listing(...)             one bucket of a dashboard, newest first
--   wf_bucket_counts(...)       its counts per bucket
--   wf_queue(...)               demands standing in given (procedure,
--                               version, state)s, oldest first
--   demands_waiting             the index the queue's order needs
--
-- The SQL functions are LANGUAGE sql and inlined by the planner into the
-- statement that calls them, so EXPLAIN shows the real plan (index scans).

-- --- the principal, once ---------------------------------------------------------------

CREATE FUNCTION az_scope(p_person uuid, p_context uuid,
                         OUT admin boolean, OUT member boolean, OUT referent boolean,
                         OUT handler boolean, OUT grants text[],
                         OUT agent_groups text[], OUT third_groups text[])
LANGUAGE sql STABLE AS $$
    SELECT az_admin(p_person),
           p_context IS NOT NULL AND az_member(p_person, p_context),
           p_context IS NOT NULL AND az_referent(p_person, p_context),
           p_context IS NOT NULL
             AND (az_referent(p_person, p_context) OR az_delegate(p_person, p_context, 'members')
                  OR az_delegate(p_person, p_context, 'grants')),
           CASE WHEN p_context IS NOT NULL AND az_member(p_person, p_context) THEN
               ARRAY(SELECT g.workflow_key FROM access_grants g
                      WHERE g.space_id = p_context AND g.person_id = p_person
                        AND g.revoked_at IS NULL)
           ELSE '{}'::text[] END,
           ARRAY(SELECT am.group_id FROM agent_members am WHERE am.person_id = p_person),
           ARRAY(SELECT tm.group_id FROM third_party_members tm WHERE tm.person_id = p_person);
$$;

-- May the principal (p_person acting for p_context, described by the
-- az_scope columns) view a demand?  Exactly az_demand's view rule:
--   owner side: their own personal demand, acting for themself; a demand
--     of the space they act for, as its référent, holding the grant for the
--     procedure, or having filed it when the procedure is not protected;
--   handler side: a personal demand addressed to the space they act for
--     (form field target_space), as its référent or a delegate;
--   staff side: once out of the drafts, agents and third parties of the
--     groups the procedure's version names;
--   administrators: everything.
CREATE FUNCTION az_sees(p_person uuid, p_context uuid,
                        s_admin boolean, s_member boolean, s_referent boolean,
                        s_handler boolean, s_grants text[], s_agent text[], s_third text[],
                        d_owner_person uuid, d_owner_space uuid, d_key text, d_bucket text,
                        d_target text, df_protected boolean, df_agent text[], df_third text[])
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(s_admin
        OR (d_owner_space IS NULL AND p_context IS NULL AND d_owner_person = p_person)
        OR (d_owner_space IS NULL AND p_context IS NOT NULL AND s_handler
            AND az_uuid(d_target) = p_context)
        OR (d_owner_space = p_context AND s_member
            AND (s_referent OR d_key = ANY (s_grants)
                 OR (NOT df_protected AND d_owner_person = p_person)))
        OR (d_bucket <> 'draft'
            AND (df_agent && s_agent OR df_third && s_third)), false);
$$;

-- --- counts kept with the data ------------------------------------------------------------

CREATE TABLE demand_counts (
    id                 bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_space_id     uuid,
    owner_person_id    uuid    NOT NULL,
    workflow_key       text    NOT NULL,
    definition_version int     NOT NULL,
    state              text    NOT NULL,
    bucket             text    NOT NULL,
    n                  bigint  NOT NULL
);

CREATE INDEX demand_counts_space ON demand_counts (owner_space_id, bucket)
    WHERE owner_space_id IS NOT NULL;
CREATE INDEX demand_counts_person ON demand_counts (owner_person_id, bucket)
    WHERE owner_space_id IS NULL;
CREATE INDEX demand_counts_state ON demand_counts (workflow_key, definition_version, state);

COMMENT ON TABLE demand_counts IS
    'demands per owner, procedure version, state and bucket, as rows to add up '
    '(a key may have several); kept by the demand_counts_* triggers';

INSERT INTO demand_counts (owner_space_id, owner_person_id, workflow_key, definition_version,
                           state, bucket, n)
SELECT owner_space_id, owner_person_id, workflow_key, definition_version, state, bucket, count(*)
  FROM demands
 GROUP BY 1, 2, 3, 4, 5, 6;

-- One statement-level trigger per operation adds what the statement
-- changed as new rows (+n, -n), never updating a row in place: two
-- transitions of the same space's demands never wait for each other's
-- lock on a shared count.  Then it folds the rows of the keys it touched
-- into one, skipping rows another transaction is folding (SKIP LOCKED), so
-- a key keeps about one row and the reads stay small.
CREATE FUNCTION demand_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS demand_counts_delta (
        owner_space_id uuid, owner_person_id uuid, workflow_key text,
        definition_version int, state text, bucket text, n bigint) ON COMMIT DELETE ROWS;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO demand_counts_delta
        SELECT owner_space_id, owner_person_id, workflow_key, definition_version, state,
               bucket, count(*)
          FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO demand_counts_delta
        SELECT owner_space_id, owner_person_id, workflow_key, definition_version, state,
               bucket, -count(*)
          FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6;
    ELSE
        -- only rows whose counted columns changed (a saved draft changes none)
        INSERT INTO demand_counts_delta
        SELECT k.s, k.p, k.wk, k.v, k.st, k.b, sum(k.d)
          FROM old_rows o JOIN new_rows w ON w.id = o.id
         CROSS JOIN LATERAL (VALUES
                 (o.owner_space_id, o.owner_person_id, o.workflow_key, o.definition_version,
                  o.state, o.bucket, -1),
                 (w.owner_space_id, w.owner_person_id, w.workflow_key, w.definition_version,
                  w.state, w.bucket, 1)) AS k(s, p, wk, v, st, b, d)
         WHERE (o.owner_space_id, o.owner_person_id, o.workflow_key, o.definition_version,
                o.state, o.bucket)
               IS DISTINCT FROM
               (w.owner_space_id, w.owner_person_id, w.workflow_key, w.definition_version,
                w.state, w.bucket)
         GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(d) <> 0;
    END IF;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    WITH gone AS (
        DELETE FROM demand_counts c
         WHERE c.id IN (SELECT c2.id FROM demand_counts c2
                          JOIN demand_counts_delta k
                            ON c2.owner_space_id IS NOT DISTINCT FROM k.owner_space_id
                           AND c2.owner_person_id = k.owner_person_id
                           AND c2.workflow_key = k.workflow_key
                           AND c2.definition_version = k.definition_version
                           AND c2.state = k.state AND c2.bucket = k.bucket
                           FOR UPDATE OF c2 SKIP LOCKED)
        RETURNING c.owner_space_id, c.owner_person_id, c.workflow_key, c.definition_version,
                  c.state, c.bucket, c.n
    )
    INSERT INTO demand_counts (owner_space_id, owner_person_id, workflow_key,
                               definition_version, state, bucket, n)
    SELECT owner_space_id, owner_person_id, workflow_key, definition_version, state, bucket,
           sum(n)
      FROM (SELECT * FROM gone UNION ALL SELECT * FROM demand_counts_delta) x
     GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(n) <> 0;
    DELETE FROM demand_counts_delta;
    RETURN NULL;
END $$;

CREATE TRIGGER demand_counts_insert AFTER INSERT ON demands
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demand_counts_apply();
CREATE TRIGGER demand_counts_update AFTER UPDATE ON demands
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demand_counts_apply();
CREATE TRIGGER demand_counts_delete AFTER DELETE ON demands
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demand_counts_apply();

-- --- the listings -----------------------------------------------------------------------

-- One bucket of the dashboard of p_person acting for p_context (NULL: their
-- own demands), newest change first, at most p_limit.  Each branch walks
-- its index (demands_person_bucket / demands_space_bucket) in order and
-- stops after p_limit visible rows.
CREATE FUNCTION wf_listing(p_person uuid, p_context uuid, p_bucket text, p_limit int)
RETURNS SETOF demands
LANGUAGE sql STABLE AS $$
    (SELECT d.*
       FROM demands d
      WHERE p_context IS NULL AND d.owner_person_id = p_person AND d.owner_space_id IS NULL
        AND d.bucket = p_bucket
      ORDER BY d.updated_at DESC
      LIMIT p_limit)
    UNION ALL
    (SELECT d.*
       FROM az_scope(p_person, p_context) s,
            demands d
       JOIN definitions df ON df.workflow_key = d.workflow_key
                          AND df.version = d.definition_version
      WHERE d.owner_space_id = p_context AND d.bucket = p_bucket
        AND az_sees(p_person, p_context, s.admin, s.member, s.referent, s.handler, s.grants,
                    s.agent_groups, s.third_groups, d.owner_person_id, d.owner_space_id,
                    d.workflow_key, d.bucket, NULL, df.protected, df.agent_groups,
                    df.third_groups)
      ORDER BY d.updated_at DESC
      LIMIT p_limit)
$$;

-- The dashboard's counts per bucket: the same rule over demand_counts.
CREATE FUNCTION wf_bucket_counts(p_person uuid, p_context uuid)
RETURNS TABLE (bucket text, n bigint)
LANGUAGE sql STABLE AS $$
    SELECT c.bucket, sum(c.n)::bigint
      FROM az_scope(p_person, p_context) s,
           demand_counts c
      JOIN definitions df ON df.workflow_key = c.workflow_key
                         AND df.version = c.definition_version
     WHERE ((p_context IS NULL AND c.owner_person_id = p_person AND c.owner_space_id IS NULL)
            OR (c.owner_space_id = p_context
                AND az_sees(p_person, p_context, s.admin, s.member, s.referent, s.handler,
                            s.grants, s.agent_groups, s.third_groups, c.owner_person_id,
                            c.owner_space_id, c.workflow_key, c.bucket, NULL, df.protected,
                            df.agent_groups, df.third_groups)))
     GROUP BY c.bucket
    HAVING sum(c.n) <> 0;
$$;

CREATE INDEX demands_waiting ON demands (workflow_key, definition_version, state,
                                         state_since, reference);

-- The demands standing in the (workflow_key, version, state)s of p_states
-- (a JSON array of [group, key, version, state], as h_agent computes it from
-- the definitions), optionally one procedure / state, oldest in its state
-- first, at most p_limit: each (key, version, state) walks demands_waiting
-- in order and stops at p_limit, then the heads are merged.
CREATE FUNCTION wf_queue(p_states jsonb, p_key text, p_state text, p_limit int)
RETURNS SETOF demands
LANGUAGE sql STABLE AS $$
    SELECT x.*
      FROM (SELECT DISTINCT v->>1 AS k, (v->>2)::int AS ver, v->>3 AS st
              FROM jsonb_array_elements(p_states) AS v) q
     CROSS JOIN LATERAL (
            SELECT d.* FROM demands d
             WHERE d.workflow_key = q.k AND d.definition_version = q.ver AND d.state = q.st
             ORDER BY d.state_since, d.reference
             LIMIT p_limit) x
     WHERE (p_key IS NULL OR q.k = p_key) AND (p_state IS NULL OR q.st = p_state)
     ORDER BY x.state_since, x.reference
     LIMIT p_limit;
$$;

-- How many demands stand in each (key, state) of p_states.
CREATE FUNCTION wf_queue_counts(p_states jsonb)
RETURNS TABLE (workflow_key text, state text, n bigint)
LANGUAGE sql STABLE AS $$
    SELECT c.workflow_key, c.state, sum(c.n)::bigint
      FROM (SELECT DISTINCT v->>1 AS k, (v->>2)::int AS ver, v->>3 AS st
              FROM jsonb_array_elements(p_states) AS v) q
      JOIN demand_counts c ON c.workflow_key = q.k AND c.definition_version = q.ver
                          AND c.state = q.st
     GROUP BY c.workflow_key, c.state
    HAVING sum(c.n) > 0;
$$;

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0040_dashboard_pages.sql -- the dashboard's lists, page by page (issue 12).
--
-- The dashboard showed up to 50 demands per bucket (250 cards: ~5 ms of
-- the engine's XSLT per view) and said "only the 50 most recent are shown",
-- with no way to the others.  Now it shows the few most recent of each
-- bucket and links to the bucket's own list, /dashboard/<bucket>, paged by
-- keyset: wf_listing_page() is 0025's wf_listing with a bound (the row of
-- the last demand of the previous page), in a total order (updated_at,
-- id).  wf_listing stays, as the first page.  The rule of who sees what is
-- unchanged (az_scope / az_sees, 0008, 0025).

-- The keyset bound: the demand a page continues after (none: from the
-- newest).  Asked once per statement (a sub-select), so that the index
-- walk starts at the bound instead of reading and dropping every row
-- before it.
CREATE FUNCTION wf_after_at(p_after uuid) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT a.updated_at FROM demands a WHERE a.id = p_after), 'infinity');
$$;

CREATE FUNCTION wf_after_id(p_after uuid) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(p_after, 'ffffffff-ffff-ffff-ffff-ffffffffffff');
$$;

CREATE FUNCTION wf_listing_page(p_person uuid, p_context uuid, p_bucket text, p_limit int,
                                p_after uuid)
RETURNS SETOF demands
LANGUAGE sql STABLE AS $$
    WITH s AS MATERIALIZED (
        -- the reader, once: not once per row of the join
        SELECT * FROM az_scope(p_person, p_context)
    )
    (SELECT d.*
       FROM demands d
      WHERE p_context IS NULL AND d.owner_person_id = p_person AND d.owner_space_id IS NULL
        AND d.bucket = p_bucket AND d.updated_at <= (SELECT wf_after_at(p_after))
        AND (d.updated_at, d.id) < (SELECT wf_after_at(p_after), wf_after_id(p_after))
      ORDER BY d.updated_at DESC, d.id DESC
      LIMIT p_limit)
    UNION ALL
    (SELECT d.*
       FROM s,
            demands d
       JOIN definitions df ON df.workflow_key = d.workflow_key
                          AND df.version = d.definition_version
      WHERE d.owner_space_id = p_context AND d.bucket = p_bucket
        AND d.updated_at <= (SELECT wf_after_at(p_after))
        AND (d.updated_at, d.id) < (SELECT wf_after_at(p_after), wf_after_id(p_after))
        AND az_sees(p_person, p_context, s.admin, s.member, s.referent, s.handler, s.grants,
                    s.agent_groups, s.third_groups, d.owner_person_id, d.owner_space_id,
                    d.workflow_key, d.bucket, NULL, df.protected, df.agent_groups,
                    df.third_groups)
      ORDER BY d.updated_at DESC, d.id DESC
      LIMIT p_limit)
    UNION ALL
    (SELECT d.*
       FROM s,
            demands d
      WHERE p_context IS NOT NULL AND s.handler
        AND d.owner_space_id IS NULL AND d.form_data ? 'target_space'
        AND d.form_data->>'target_space' = p_context::text
        AND wf_addressed_bucket(d.bucket, d.is_final) = p_bucket
        AND (d.updated_at, d.id) < (SELECT wf_after_at(p_after), wf_after_id(p_after))
      ORDER BY d.updated_at DESC, d.id DESC
      LIMIT p_limit)
$$;

CREATE OR REPLACE FUNCTION wf_listing(p_person uuid, p_context uuid, p_bucket text, p_limit int)
RETURNS SETOF demands
LANGUAGE sql STABLE AS $$
    SELECT * FROM wf_listing_page(p_person, p_context, p_bucket, p_limit, NULL);
$$;

-- 0025's wf_bucket_counts with the reader computed once (MATERIALIZED):
-- joined as a function, az_scope ran once per row of demand_counts.
CREATE OR REPLACE FUNCTION wf_bucket_counts(p_person uuid, p_context uuid)
RETURNS TABLE (bucket text, n bigint)
LANGUAGE sql STABLE AS $$
    WITH s AS MATERIALIZED (SELECT * FROM az_scope(p_person, p_context))
    SELECT x.bucket, sum(x.n)::bigint
      FROM (SELECT c.bucket, c.n
              FROM s, demand_counts c
              JOIN definitions df ON df.workflow_key = c.workflow_key
                                 AND df.version = c.definition_version
             WHERE ((p_context IS NULL AND c.owner_person_id = p_person
                     AND c.owner_space_id IS NULL)
                    OR (c.owner_space_id = p_context
                        AND az_sees(p_person, p_context, s.admin, s.member, s.referent,
                                    s.handler, s.grants, s.agent_groups, s.third_groups,
                                    c.owner_person_id, c.owner_space_id, c.workflow_key,
                                    c.bucket, NULL, df.protected, df.agent_groups,
                                    df.third_groups)))
            UNION ALL
            SELECT wf_addressed_bucket(d.bucket, d.is_final), 1
              FROM s, demands d
             WHERE p_context IS NOT NULL AND s.handler
               AND d.owner_space_id IS NULL AND d.form_data ? 'target_space'
               AND d.form_data->>'target_space' = p_context::text
               AND d.bucket <> 'draft') x
     GROUP BY x.bucket
    HAVING sum(x.n) <> 0;
$$;

-- az_scope (0008) was a LANGUAGE sql function returning a record: never
-- inlined, so PostgreSQL planned its body again at every call, four times
-- per dashboard (~0.75 ms each, most of the dashboard's PostgreSQL time).
-- The same answer in PL/pgSQL, whose plans are kept for the connection.
CREATE OR REPLACE FUNCTION az_scope(p_person uuid, p_context uuid,
                                    OUT admin boolean, OUT member boolean, OUT referent boolean,
                                    OUT handler boolean, OUT grants text[],
                                    OUT agent_groups text[], OUT third_groups text[])
LANGUAGE plpgsql STABLE AS $$
BEGIN
    admin := az_admin(p_person);
    member := p_context IS NOT NULL AND az_member(p_person, p_context);
    referent := member AND az_referent(p_person, p_context);
    handler := member
               AND (referent OR az_delegate(p_person, p_context, 'members')
                    OR az_delegate(p_person, p_context, 'grants'));
    grants := CASE WHEN member THEN
                  ARRAY(SELECT g.workflow_key FROM access_grants g
                         WHERE g.space_id = p_context AND g.person_id = p_person
                           AND g.revoked_at IS NULL)
              ELSE '{}'::text[] END;
    agent_groups := ARRAY(SELECT am.group_id FROM agent_members am
                           WHERE am.person_id = p_person);
    third_groups := ARRAY(SELECT tm.group_id FROM third_party_members tm
                           WHERE tm.person_id = p_person);
END $$;

-- --- the dashboard's statements, planned once per connection ---------------------------
--
-- Measured with bench/ (pg_stat_statements with track_planning): the
-- dashboard's statement was planned at every call, 2.2 ms of planning for
-- 0.4 ms of work.  With the values known, the planner drops the branches
-- of wf_listing that cannot apply (a personal context or a space's), so a
-- plan per call always looked cheaper than the plan for any values.  These
-- functions hold the two statements and keep one plan per connection; the
-- branches that cannot apply are skipped when the plan runs.

-- One demand as a list shows it (engine/demand_view.c dv_demand_summary).
CREATE FUNCTION wf_summary_json(d demands) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', d.id, 'reference', d.reference,
        'workflow', d.workflow_key, 'version', d.definition_version,
        'state', d.state, 'bucket', d.bucket, 'progress', d.progress,
        'counter', d.filed_by IS NOT NULL,              -- filed at the counter (0036)
        'updated', to_char(d.updated_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI'),
        'updated_iso', to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
$$;

-- The dashboard (engine/wf_demand.c wf_demand_dashboard): the counts per
-- bucket, the newest p_per of each of p_buckets, the published procedures'
-- keys, the person's agent groups.
CREATE FUNCTION wf_dashboard_json(p_person uuid, p_context uuid, p_per int, p_buckets text[])
RETURNS text
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN json_build_object(
        'counts', coalesce((SELECT json_object_agg(c.bucket, c.n)
                              FROM wf_bucket_counts(p_person, p_context) c), '{}'),
        'demands', coalesce((SELECT json_agg(wf_summary_json(d) ORDER BY d.updated_at DESC)
                               FROM unnest(p_buckets) AS b(bucket)
                              CROSS JOIN LATERAL wf_listing(p_person, p_context, b.bucket, p_per) d),
                            '[]'),
        'keys', coalesce((SELECT json_agg(DISTINCT workflow_key ORDER BY workflow_key)
                            FROM definitions), '[]'),
        'groups', coalesce((SELECT json_agg(json_build_object('id', g.id, 'name', g.name)
                                            ORDER BY g.name)
                              FROM agent_members am JOIN agent_groups g ON g.id = am.group_id
                             WHERE am.person_id = p_person), '[]'))::text;
END $$;

-- One bucket, a page of it (wf_demand_bucket): its count and at most
-- p_limit demands after p_after.
CREATE FUNCTION wf_bucket_json(p_person uuid, p_context uuid, p_bucket text, p_limit int,
                               p_after uuid)
RETURNS text
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN json_build_object(
        'count', coalesce((SELECT c.n FROM wf_bucket_counts(p_person, p_context) c
                            WHERE c.bucket = p_bucket), 0),
        'demands', coalesce((SELECT json_agg(wf_summary_json(x) ORDER BY x.updated_at DESC,
                                                                          x.id DESC)
                               FROM (SELECT d.* FROM wf_listing_page(p_person, p_context,
                                                                     p_bucket, p_limit, p_after) d
                                      ORDER BY d.updated_at DESC, d.id DESC
                                      LIMIT p_limit) x), '[]'))::text;
END $$;

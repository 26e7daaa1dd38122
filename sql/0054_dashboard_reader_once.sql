-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0054_dashboard_reader_once.sql -- the dashboard reads who is asking once
-- (issue 12).
--
-- The dashboard's statement (wf_dashboard_json, 0046) counts the buckets
-- (wf_bucket_counts) and lists each bucket's newest (wf_listing_page,
-- 0040).  Each of the two read the reader's standing in the space, az_scope
-- (0008: admin, membership, référent, delegations, grants, groups: eight
-- index probes, ~60 us), for itself.  The listing and the counts now take
-- that standing as an argument (the "_as" functions below, the same rules
-- word for word), and the dashboard reads it once.
--
-- wf_listing_page and wf_bucket_counts keep their signatures for their
-- other callers (the bucket's own page, `guichet demand list`): each reads
-- az_scope once, as before, and hands it to its "_as" function.  In a
-- personal context nothing of the standing is used (every branch that
-- reads it is about a space), so it is not read there.

-- az_scope's answer as a value
CREATE TYPE az_reader AS (
    admin        boolean,
    member       boolean,
    referent     boolean,
    handler      boolean,
    grants       text[],
    agent_groups text[],
    third_groups text[]
);

-- 0040's wf_listing_page, the reader given (p_reader: az_scope's answer)
CREATE FUNCTION wf_listing_page_as(p_person uuid, p_context uuid, p_bucket text, p_limit int,
                                   p_after uuid, p_reader az_reader)
RETURNS SETOF demands
LANGUAGE sql STABLE AS $$
    (SELECT d.*
       FROM demands d
      WHERE p_context IS NULL AND d.owner_person_id = p_person AND d.owner_space_id IS NULL
        AND d.bucket = p_bucket AND d.updated_at <= (SELECT wf_after_at(p_after))
        AND (d.updated_at, d.id) < (SELECT wf_after_at(p_after), wf_after_id(p_after))
      ORDER BY d.updated_at DESC, d.id DESC
      LIMIT p_limit)
    UNION ALL
    (SELECT d.*
       FROM demands d
       JOIN definitions df ON df.workflow_key = d.workflow_key
                          AND df.version = d.definition_version
      WHERE d.owner_space_id = p_context AND d.bucket = p_bucket
        AND d.updated_at <= (SELECT wf_after_at(p_after))
        AND (d.updated_at, d.id) < (SELECT wf_after_at(p_after), wf_after_id(p_after))
        AND az_sees(p_person, p_context, p_reader.admin, p_reader.member, p_reader.referent,
                    p_reader.handler, p_reader.grants, p_reader.agent_groups,
                    p_reader.third_groups, d.owner_person_id, d.owner_space_id,
                    d.workflow_key, d.bucket, NULL, df.protected, df.agent_groups,
                    df.third_groups)
      ORDER BY d.updated_at DESC, d.id DESC
      LIMIT p_limit)
    UNION ALL
    (SELECT d.*
       FROM demands d
      WHERE p_context IS NOT NULL AND p_reader.handler
        AND d.owner_space_id IS NULL AND d.form_data ? 'target_space'
        AND d.form_data->>'target_space' = p_context::text
        AND wf_addressed_bucket(d.bucket, d.is_final) = p_bucket
        AND (d.updated_at, d.id) < (SELECT wf_after_at(p_after), wf_after_id(p_after))
      ORDER BY d.updated_at DESC, d.id DESC
      LIMIT p_limit)
$$;

-- 0040's wf_bucket_counts, the reader given
CREATE FUNCTION wf_bucket_counts_as(p_person uuid, p_context uuid, p_reader az_reader)
RETURNS TABLE (bucket text, n bigint)
LANGUAGE sql STABLE AS $$
    SELECT x.bucket, sum(x.n)::bigint
      FROM (SELECT c.bucket, c.n
              FROM demand_counts c
              JOIN definitions df ON df.workflow_key = c.workflow_key
                                 AND df.version = c.definition_version
             WHERE ((p_context IS NULL AND c.owner_person_id = p_person
                     AND c.owner_space_id IS NULL)
                    OR (c.owner_space_id = p_context
                        AND az_sees(p_person, p_context, p_reader.admin, p_reader.member,
                                    p_reader.referent, p_reader.handler, p_reader.grants,
                                    p_reader.agent_groups, p_reader.third_groups,
                                    c.owner_person_id, c.owner_space_id, c.workflow_key,
                                    c.bucket, NULL, df.protected, df.agent_groups,
                                    df.third_groups)))
            UNION ALL
            SELECT wf_addressed_bucket(d.bucket, d.is_final), 1
              FROM demands d
             WHERE p_context IS NOT NULL AND p_reader.handler
               AND d.owner_space_id IS NULL AND d.form_data ? 'target_space'
               AND d.form_data->>'target_space' = p_context::text
               AND d.bucket <> 'draft') x
     GROUP BY x.bucket
    HAVING sum(x.n) <> 0;
$$;

-- The reader's standing where it is used: in a space (NULL in a personal
-- context, where no rule reads it)
CREATE FUNCTION az_reader_in(p_person uuid, p_context uuid) RETURNS az_reader
LANGUAGE plpgsql STABLE AS $$
DECLARE
    r az_reader;
BEGIN
    IF p_context IS NOT NULL THEN
        SELECT * INTO r FROM az_scope(p_person, p_context);
    END IF;
    RETURN r;
END $$;

CREATE OR REPLACE FUNCTION wf_listing_page(p_person uuid, p_context uuid, p_bucket text,
                                           p_limit int, p_after uuid)
RETURNS SETOF demands
LANGUAGE sql STABLE AS $$
    WITH s AS MATERIALIZED (SELECT az_reader_in(p_person, p_context) AS r)
    SELECT l.*
      FROM s CROSS JOIN LATERAL wf_listing_page_as(p_person, p_context, p_bucket, p_limit,
                                                   p_after, s.r) l;
$$;

CREATE OR REPLACE FUNCTION wf_bucket_counts(p_person uuid, p_context uuid)
RETURNS TABLE (bucket text, n bigint)
LANGUAGE sql STABLE AS $$
    WITH s AS MATERIALIZED (SELECT az_reader_in(p_person, p_context) AS r)
    SELECT c.bucket, c.n
      FROM s CROSS JOIN LATERAL wf_bucket_counts_as(p_person, p_context, s.r) c;
$$;

-- 0046's wf_dashboard_json, the reader read once for the counts and the lists
CREATE OR REPLACE FUNCTION wf_dashboard_json(p_person uuid, p_context uuid, p_per int,
                                             p_buckets text[], p_starts jsonb)
RETURNS text
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_reader az_reader := az_reader_in(p_person, p_context);
BEGIN
    RETURN json_build_object(
        'counts', coalesce((SELECT json_object_agg(c.bucket, c.n)
                              FROM wf_bucket_counts_as(p_person, p_context, v_reader) c),
                           '{}'),
        'demands', coalesce((SELECT json_agg(wf_summary_json(d) ORDER BY d.updated_at DESC)
                               FROM unnest(p_buckets) AS b(bucket)
                              CROSS JOIN LATERAL wf_listing_page_as(p_person, p_context,
                                                                    b.bucket, p_per, NULL,
                                                                    v_reader) d),
                            '[]'),
        'keys', coalesce((SELECT json_agg(DISTINCT workflow_key ORDER BY workflow_key)
                            FROM definitions), '[]'),
        'groups', coalesce((SELECT json_agg(json_build_object('id', g.id, 'name', g.name)
                                            ORDER BY g.name)
                              FROM agent_members am JOIN agent_groups g ON g.id = am.group_id
                             WHERE am.person_id = p_person), '[]'),
        'starts', coalesce((SELECT json_agg(json_build_array(m.verdict, coalesce(m.reason, ''))
                                            ORDER BY m.i)
                              FROM authz_may_many(p_person, p_context, p_starts)
                                   WITH ORDINALITY AS m(verdict, reason, i)), '[]'))::text;
END $$;

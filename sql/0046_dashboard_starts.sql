-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0046_dashboard_starts.sql -- the dashboard answers its "may I start this
-- procedure?" questions in its own statement (issue 12).
--
-- The dashboard lists the procedures published with, for each, whether
-- the reader may start it (authz_may's start-demand).  The engine asked
-- those questions in a second statement (authz_may_many) once the first
-- had said which procedures are published.  A worker knows that list from
-- its previous dashboards (engine/wf_store.c, wf_store_current_keys), so
-- it now sends the questions with the dashboard's own statement, which
-- answers them with the same authz_may_many: a dashboard is the session
-- lookup and one statement.  A procedure published since, or a worker's
-- first dashboard, still costs the second statement (engine/h_demand.c).
--
-- wf_dashboard_json is 0040's, word for word, with p_starts (authz_may_many's
-- questions) and its answers as "starts": [[verdict, reason], ...] in the
-- order asked.

DROP FUNCTION wf_dashboard_json(uuid, uuid, int, text[]);

CREATE FUNCTION wf_dashboard_json(p_person uuid, p_context uuid, p_per int, p_buckets text[],
                                  p_starts jsonb)
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
                             WHERE am.person_id = p_person), '[]'),
        'starts', coalesce((SELECT json_agg(json_build_array(m.verdict, coalesce(m.reason, ''))
                                            ORDER BY m.i)
                              FROM authz_may_many(p_person, p_context, p_starts)
                                   WITH ORDINALITY AS m(verdict, reason, i)), '[]'))::text;
END $$;

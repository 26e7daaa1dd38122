-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0051_counter_open.sql -- the counter's open applications read without
-- their authority's history (issue 12).
--
-- A third party's counter (engine/h_counter.c, enrol.c) lists its
-- authority's identification demands: open ones by default, the
-- invalidated and all of them on request, each tab with its count.  Every
-- view read every demand the authority ever had (the GIN index on
-- data_roles finds them all; then they were counted and sorted): a
-- préfecture with years of activations behind it paid for all of them at
-- each page.  Now:
--
-- - the open applications (the counter's work) have their own index, of
--   the demands that are neither drafts nor final: the open tab, its
--   count and the counter home's counts read those only; the invalidated
--   ones too (final, not activated);
-- - the history's counts (invalidated, all) are counted up to 1,000 and
--   no further: the tab then says "plus de";
-- - the tab of all applications still sorts the authority's history, at
--   most COUNTER_LIMIT rows shown (a search narrows them).
--
-- enrol_counter_json is the counter's statement (0026's in enrol.c) as a
-- function, so that each tab's query keeps its own plan for the connection
-- and the open one can use the partial index (its predicate is written in
-- the query, not chosen by a parameter).

CREATE INDEX demands_data_roles_open ON demands USING gin (data_roles)
    WHERE bucket <> 'draft' AND NOT is_final;
-- ... and the invalidated ones (final, not activated: the enrolment's
-- success), so that counting them does not walk the activated ones
CREATE INDEX demands_data_roles_ended ON demands USING gin (data_roles)
    WHERE bucket <> 'draft' AND is_final AND state <> 'activated';

-- one row of the counter's list
CREATE FUNCTION enrol_row_json(d demands) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', d.id, 'reference', d.reference, 'state', d.state, 'version', d.version,
        'date', to_char(coalesce(d.submitted_at, d.created_at) AT TIME ZONE 'Europe/Zurich',
                        'DD.MM.YYYY'),
        'iso', to_char(coalesce(d.submitted_at, d.created_at) AT TIME ZONE 'UTC',
                       'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'first_name', coalesce(d.form_data->>'first-name', ''),
        'last_name', coalesce(d.form_data->>'last-name', ''),
        'birth_date', coalesce(d.form_data->>'birth-date', ''));
$$;

-- the counter's search: a name's beginning (first or last), a birth date,
-- a reference ('' : any)
CREATE FUNCTION enrol_matches(d demands, p_name text, p_birth text, p_ref text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT (p_name = '' OR left(lower(d.form_data->>'last-name'), length(p_name)) = lower(p_name)
            OR left(lower(d.form_data->>'first-name'), length(p_name)) = lower(p_name))
       AND (p_birth = '' OR d.form_data->>'birth-date' = p_birth)
       AND (p_ref = '' OR d.reference = p_ref);
$$;

-- {rows: at most p_limit of the tab p_show (open | invalidated | all)
-- matching the search, newest first; counts: {open, invalidated, all,
-- invalidated_more, all_more}}
CREATE FUNCTION enrol_counter_json(p_group text, p_show text, p_name text, p_birth text,
                                   p_ref text, p_limit int, p_workflow text)
RETURNS text
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_role    text[] := ARRAY['third-party:' || p_group];
    v_rows    json;
    v_open    bigint;
    v_invalid bigint;
    v_final   bigint;
    v_cap     constant int := 1000;     -- the history's counts, at most
BEGIN
    IF p_show = 'open' THEN
        SELECT json_agg(enrol_row_json(x) ORDER BY coalesce(x.submitted_at, x.created_at) DESC,
                                                   x.reference DESC)
          INTO v_rows
          FROM (SELECT d.* FROM demands d
                 WHERE d.data_roles @> v_role AND d.workflow_key = p_workflow
                   AND d.bucket <> 'draft' AND NOT d.is_final
                   AND enrol_matches(d, p_name, p_birth, p_ref)
                 ORDER BY coalesce(d.submitted_at, d.created_at) DESC, d.reference DESC
                 LIMIT p_limit) x;
    ELSIF p_show = 'invalidated' THEN
        SELECT json_agg(enrol_row_json(x) ORDER BY coalesce(x.submitted_at, x.created_at) DESC,
                                                   x.reference DESC)
          INTO v_rows
          FROM (SELECT d.* FROM demands d
                 WHERE d.data_roles @> v_role AND d.workflow_key = p_workflow
                   AND d.bucket <> 'draft' AND d.is_final AND d.state <> 'activated'
                   AND enrol_matches(d, p_name, p_birth, p_ref)
                 ORDER BY coalesce(d.submitted_at, d.created_at) DESC, d.reference DESC
                 LIMIT p_limit) x;
    ELSE
        SELECT json_agg(enrol_row_json(x) ORDER BY coalesce(x.submitted_at, x.created_at) DESC,
                                                   x.reference DESC)
          INTO v_rows
          FROM (SELECT d.* FROM demands d
                 WHERE d.data_roles @> v_role AND d.workflow_key = p_workflow
                   AND d.bucket <> 'draft'
                   AND enrol_matches(d, p_name, p_birth, p_ref)
                 ORDER BY coalesce(d.submitted_at, d.created_at) DESC, d.reference DESC
                 LIMIT p_limit) x;
    END IF;
    SELECT count(*) INTO v_open
      FROM demands d
     WHERE d.data_roles @> v_role AND d.workflow_key = p_workflow
       AND d.bucket <> 'draft' AND NOT d.is_final;
    SELECT count(*) INTO v_invalid
      FROM (SELECT 1 FROM demands d
             WHERE d.data_roles @> v_role AND d.workflow_key = p_workflow
               AND d.bucket <> 'draft' AND d.is_final AND d.state <> 'activated'
             LIMIT v_cap + 1) c;
    SELECT count(*) INTO v_final
      FROM (SELECT 1 FROM demands d
             WHERE d.data_roles @> v_role AND d.workflow_key = p_workflow
               AND d.bucket <> 'draft' AND d.is_final
             LIMIT v_cap + 1) c;
    RETURN json_build_object(
        'rows', coalesce(v_rows, '[]'),
        'counts', json_build_object(
            'open', v_open,
            'invalidated', least(v_invalid, v_cap),
            'invalidated_more', v_invalid > v_cap,
            'all', v_open + least(v_final, v_cap),
            'all_more', v_final > v_cap))::text;
END $$;

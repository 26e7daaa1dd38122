-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0038_queue_heads.sql -- the agents' queue at a cost that does not grow
-- with the number of demands waiting (issue 12; replaces 0029's queue_sql
-- and queue_count).
--
-- Measured with bench/ at 10,000 demands (15,800 waiting for serac): the
-- default page sorted every waiting demand on a text key (to_char of
-- state_since), spilling to disk, and counted every one of them: 114 ms of
-- PostgreSQL per page.  Now:
--
--   * sorted by the time in the state (the default) or by reference, the
--     page is a merge of per-state heads: for each (procedure, version,
--     state) the group works, the demands_waiting index walked in order
--     and stopped at the page's size, filters and keyset inside the walk;
--     the other sorts keep 0029's text key (an agent's explicit choice,
--     planned with its own filters);
--   * the total is demand_counts' (0008, kept by triggers) when no filter
--     narrows the states; with a filter it is counted, up to
--     queue_count_cap() and no further: the page then says "more than".

CREATE INDEX IF NOT EXISTS demands_waiting_ref ON demands (workflow_key, definition_version,
                                                          state, reference);

-- How far a filtered count goes before it says "more than".
CREATE FUNCTION queue_count_cap() RETURNS int
LANGUAGE sql IMMUTABLE AS $$ SELECT 10000 $$;

-- Whether q filters more than the states (and one procedure / state).
-- (PL/pgSQL: called from queue_count, a LANGUAGE sql body would run as a
-- statement of its own at every call)
CREATE FUNCTION queue_filtered(q jsonb) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN q ?| ARRAY['assigned', 'from', 'to', 'due', 'ids', 'text'];
END $$;

CREATE OR REPLACE FUNCTION queue_sql(q jsonb, what text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_from  text;
    v_where text := '';
    v_key   text;
    v_dir   text := CASE WHEN q->>'dir' = 'desc' THEN 'DESC' ELSE 'ASC' END;
    v_cmp   text := CASE WHEN q->>'dir' = 'desc' THEN '<' ELSE '>' END;
    v_cols  text;
    v_sql   text;
    v_sort  text := coalesce(q->>'sort', 'since');
    v_heads boolean := what IN ('rows', 'ids') AND v_sort IN ('since', 'reference');
    v_due   boolean := q ? 'due' OR v_sort = 'deadline' OR what = 'rows';
BEGIN
    v_from := ' FROM demands d'
        ' JOIN persons p ON p.id = d.owner_person_id'
        ' LEFT JOIN spaces sp ON sp.id = d.owner_space_id'
        ' LEFT JOIN entities e ON e.id = sp.entity_id'
        ' LEFT JOIN persons ap ON ap.id = d.assigned_to';
    IF v_due THEN
        v_from := v_from || ' LEFT JOIN LATERAL (SELECT t.due_at, t.name, t.transition, t.action'
            ' FROM timers t WHERE t.demand_id = d.id AND t.status IN (''pending'', ''failed'')'
            ' ORDER BY t.due_at, t.id LIMIT 1) nt ON true';
    END IF;
    IF v_heads THEN
        -- inside one head: its own (procedure, version, state)
        v_where := ' WHERE d.workflow_key = q.k AND d.definition_version = q.ver'
            ' AND d.state = q.st';
    ELSE
        v_where := ' WHERE (d.workflow_key, d.definition_version, d.state) IN'
            ' (SELECT s->>1, (s->>2)::int, s->>3 FROM jsonb_array_elements($1->''states'') s)';
    END IF;
    IF q ? 'key' THEN
        v_where := v_where || ' AND d.workflow_key = $1->>''key''';
    END IF;
    IF q ? 'state' THEN
        v_where := v_where || ' AND d.state = $1->>''state''';
    END IF;
    IF q->>'assigned' = 'none' THEN
        v_where := v_where || ' AND d.assigned_to IS NULL';
    ELSIF q ? 'assigned' THEN
        v_where := v_where || ' AND d.assigned_to = ($1->>''assigned'')::uuid';
    END IF;
    IF q ? 'from' THEN
        v_where := v_where || ' AND d.submitted_at >= (($1->>''from'')::date::timestamp'
            ' AT TIME ZONE ''Europe/Zurich'')';
    END IF;
    IF q ? 'to' THEN
        v_where := v_where || ' AND d.submitted_at < ((($1->>''to'')::date + 1)::timestamp'
            ' AT TIME ZONE ''Europe/Zurich'')';
    END IF;
    IF q->>'due' = 'overdue' THEN
        v_where := v_where || ' AND nt.due_at < now()';
    ELSIF q ? 'due' THEN
        v_where := v_where || ' AND nt.due_at < now() + make_interval(days => ($1->>''due'')::int)';
    END IF;
    IF q ? 'ids' THEN
        v_where := v_where || ' AND d.id = ANY (ARRAY(SELECT jsonb_array_elements_text($1->''ids''))::uuid[])';
    END IF;
    IF q ? 'text' THEN
        v_where := v_where || ' AND d.id IN (SELECT ds.demand_id FROM demand_search ds'
            ' WHERE ds.doc @@ queue_tsquery($1->>''text''))';
    END IF;

    IF what = 'count' THEN
        RETURN 'SELECT count(*) FROM (SELECT 1' || v_from || v_where
            || ' LIMIT queue_count_cap() + 1) c';
    END IF;

    v_cols := CASE WHEN what = 'ids' THEN ' d.id, d.reference, d.state_since'
        ELSE ' d.id, d.reference, d.workflow_key, d.definition_version, d.state,'
            ' d.version, d.state_since, d.submitted_at, coalesce(e.name, p.display_name) AS applicant,'
            ' CASE WHEN e.name IS NULL THEN ''person'' ELSE ''entity'' END AS applicant_kind,'
            ' d.assigned_to, ap.display_name AS assignee, nt.due_at, nt.name AS timer,'
            ' nt.transition AS timer_transition, nt.action AS timer_action,'
            ' d.form_data->>($1->''amount''->>d.workflow_key) AS amount' END;

    IF v_heads THEN
        -- typed keys, both unique with the reference: the index's order
        v_key := CASE v_sort WHEN 'since' THEN 'd.state_since, d.reference' ELSE 'd.reference' END;
        IF what = 'rows' AND q ? 'after' THEN
            v_where := v_where || format(' AND (%1$s) %2$s (SELECT %1$s FROM demands d'
                ' WHERE d.reference = $1->>''after'')', v_key, v_cmp);
        END IF;
        v_sql := 'SELECT' || v_cols || v_from || v_where
            || ' ORDER BY ' || replace(v_key, ',', ' ' || v_dir || ',') || ' ' || v_dir;
        IF q ? 'limit' THEN
            v_sql := v_sql || ' LIMIT ($1->>''limit'')::int';
        END IF;
        v_sql := 'SELECT x.* FROM (SELECT DISTINCT s->>1 AS k, (s->>2)::int AS ver, s->>3 AS st'
            ' FROM jsonb_array_elements($1->''states'') s) q CROSS JOIN LATERAL (' || v_sql || ') x'
            ' ORDER BY ' || replace(replace(v_key, 'd.', 'x.'), ',', ' ' || v_dir || ',')
            || ' ' || v_dir;
        IF q ? 'limit' THEN
            v_sql := v_sql || ' LIMIT ($1->>''limit'')::int';
        END IF;
        IF what = 'ids' THEN
            v_sql := 'SELECT h.id, h.reference FROM (' || v_sql || ') h';
        END IF;
        RETURN v_sql;
    END IF;

    -- the other sorts (0029): one text per row (NULL last when ascending),
    -- then the reference, unique, so the order is total and a page starts
    -- after a row
    v_key := CASE v_sort
        WHEN 'procedure' THEN 'd.workflow_key'
        WHEN 'state' THEN 'd.state'
        WHEN 'applicant' THEN 'coalesce(e.name, p.display_name)'
        WHEN 'submitted' THEN 'to_char(d.submitted_at AT TIME ZONE ''UTC'', ''YYYY-MM-DD HH24:MI:SS.US'')'
        WHEN 'deadline' THEN 'to_char(nt.due_at AT TIME ZONE ''UTC'', ''YYYY-MM-DD HH24:MI:SS.US'')'
        WHEN 'assignee' THEN 'ap.display_name'
        WHEN 'amount' THEN 'to_char((d.form_data->>($1->''amount''->>d.workflow_key))::numeric,'
                           ' ''FM000000000000000000'')'
        ELSE 'to_char(d.state_since AT TIME ZONE ''UTC'', ''YYYY-MM-DD HH24:MI:SS.US'')' END;

    IF what = 'rows' AND q ? 'after' THEN
        v_where := v_where || format(' AND ((%1$s) IS NULL, coalesce(%1$s, ''''), d.reference) %2$s'
            ' (SELECT (%1$s) IS NULL, coalesce(%1$s, ''''), d.reference%3$s'
            ' WHERE d.reference = $1->>''after'')', v_key, v_cmp, v_from);
    END IF;

    IF what = 'ids' THEN
        v_sql := 'SELECT d.id, d.reference' || v_from || v_where;
    ELSE
        v_sql := 'SELECT' || v_cols || v_from || v_where;
    END IF;
    v_sql := v_sql || format(' ORDER BY (%1$s) IS NULL %2$s, coalesce(%1$s, '''') %2$s,'
                             ' d.reference %2$s', v_key, v_dir);
    IF q ? 'limit' THEN
        v_sql := v_sql || ' LIMIT ($1->>''limit'')::int';
    END IF;
    RETURN v_sql;
END $$;

-- The plain page (sorted by the time in the state, no filter but one
-- procedure / state; engine/queue.c queue_plain() chooses it): one head per
-- (procedure, version, state) the group works, each walked on the
-- demands_waiting index from the keyset bound (the row of q.after; none:
-- from the start) and stopped at 51 rows (the page's 50, QUEUE_PAGE in
-- engine/queue.h, and one to know there is a next page), then merged.
-- PL/pgSQL with a generic plan: its two queries are planned once per
-- connection.  As one SQL statement the planner judged a plan made with
-- the query's values cheaper and planned it again at every call (~1.5 ms,
-- more than running it).
CREATE FUNCTION queue_heads(q jsonb)
RETURNS TABLE (id uuid, reference text, workflow_key text, definition_version int, state text,
               version int, state_since timestamptz, submitted_at timestamptz, applicant text,
               applicant_kind text, assigned_to uuid, assignee text, due_at timestamptz,
               timer text, timer_transition text, timer_action text, amount text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_since timestamptz;
    v_ref   text := q->>'after';
BEGIN
    IF v_ref IS NOT NULL THEN
        SELECT a.state_since INTO v_since FROM demands a WHERE a.reference = v_ref;
    END IF;
    IF q->>'dir' = 'desc' THEN
        RETURN QUERY
        SELECT h.id, h.reference, h.workflow_key, h.definition_version, h.state, h.version,
               h.state_since, h.submitted_at, coalesce(e.name, p.display_name),
               CASE WHEN e.name IS NULL THEN 'person' ELSE 'entity' END,
               h.assigned_to, ap.display_name, nt.due_at, nt.name, nt.transition, nt.action,
               h.form_data->>(q->'amount'->>h.workflow_key)
          FROM (SELECT x.*
                  FROM (SELECT DISTINCT s->>1 AS k, (s->>2)::int AS ver, s->>3 AS st
                          FROM jsonb_array_elements(q->'states') s
                         WHERE (NOT q ? 'key' OR s->>1 = q->>'key')
                           AND (NOT q ? 'state' OR s->>3 = q->>'state')) st
                 CROSS JOIN LATERAL (
                       SELECT d.* FROM demands d
                        WHERE d.workflow_key = st.k AND d.definition_version = st.ver
                          AND d.state = st.st
                          AND (d.state_since, d.reference) < (coalesce(v_since, 'infinity'), coalesce(v_ref, ''))
                        ORDER BY d.state_since DESC, d.reference DESC
                        LIMIT 51) x
                 ORDER BY x.state_since DESC, x.reference DESC
                 LIMIT 51) h
          JOIN persons p ON p.id = h.owner_person_id
          LEFT JOIN spaces sp ON sp.id = h.owner_space_id
          LEFT JOIN entities e ON e.id = sp.entity_id
          LEFT JOIN persons ap ON ap.id = h.assigned_to
          LEFT JOIN LATERAL (SELECT t.due_at, t.name, t.transition, t.action FROM timers t
                              WHERE t.demand_id = h.id AND t.status IN ('pending', 'failed')
                              ORDER BY t.due_at, t.id LIMIT 1) nt ON true
         ORDER BY h.state_since DESC, h.reference DESC;
    ELSE
        RETURN QUERY
        SELECT h.id, h.reference, h.workflow_key, h.definition_version, h.state, h.version,
               h.state_since, h.submitted_at, coalesce(e.name, p.display_name),
               CASE WHEN e.name IS NULL THEN 'person' ELSE 'entity' END,
               h.assigned_to, ap.display_name, nt.due_at, nt.name, nt.transition, nt.action,
               h.form_data->>(q->'amount'->>h.workflow_key)
          FROM (SELECT x.*
                  FROM (SELECT DISTINCT s->>1 AS k, (s->>2)::int AS ver, s->>3 AS st
                          FROM jsonb_array_elements(q->'states') s
                         WHERE (NOT q ? 'key' OR s->>1 = q->>'key')
                           AND (NOT q ? 'state' OR s->>3 = q->>'state')) st
                 CROSS JOIN LATERAL (
                       SELECT d.* FROM demands d
                        WHERE d.workflow_key = st.k AND d.definition_version = st.ver
                          AND d.state = st.st
                          AND (d.state_since, d.reference) > (coalesce(v_since, '-infinity'), coalesce(v_ref, ''))
                        ORDER BY d.state_since ASC, d.reference ASC
                        LIMIT 51) x
                 ORDER BY x.state_since ASC, x.reference ASC
                 LIMIT 51) h
          JOIN persons p ON p.id = h.owner_person_id
          LEFT JOIN spaces sp ON sp.id = h.owner_space_id
          LEFT JOIN entities e ON e.id = sp.entity_id
          LEFT JOIN persons ap ON ap.id = h.assigned_to
          LEFT JOIN LATERAL (SELECT t.due_at, t.name, t.transition, t.action FROM timers t
                              WHERE t.demand_id = h.id AND t.status IN ('pending', 'failed')
                              ORDER BY t.due_at, t.id LIMIT 1) nt ON true
         ORDER BY h.state_since ASC, h.reference ASC;
    END IF;
END $$;

-- The total: demand_counts' sum when nothing but the states narrows the
-- list (one row per procedure, version, state and owner), else counted up
-- to queue_count_cap() + 1 (the page says "more than" the cap).
CREATE OR REPLACE FUNCTION queue_count(q jsonb) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    n bigint;
BEGIN
    IF NOT queue_filtered(q) THEN
        SELECT coalesce(sum(c.n), 0) INTO n
          FROM (SELECT DISTINCT v->>1 AS k, (v->>2)::int AS ver, v->>3 AS st
                  FROM jsonb_array_elements(q->'states') AS v) s
          JOIN demand_counts c ON c.workflow_key = s.k AND c.definition_version = s.ver
                              AND c.state = s.st
         WHERE (NOT q ? 'key' OR s.k = q->>'key') AND (NOT q ? 'state' OR s.st = q->>'state');
        RETURN n;
    END IF;
    EXECUTE queue_sql(q, 'count') USING q INTO n;
    RETURN n;
END $$;

-- --- a page save is one UPDATE of the demand ----------------------------------------------
--
-- 0016 and 0026 wrapped wf_save (0004) and updated the same row twice more
-- (the pages saved, the data roles): three row versions per save, and the
-- statement triggers of demands (counts, search) fired three times.  Now
-- one UPDATE sets all of it.
CREATE OR REPLACE FUNCTION wf_save_page(c jsonb, files bytea[] DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    d      demands;
    v_id   uuid := (c->>'demand')::uuid;
    v_docs jsonb := '{}';
    v_ids  uuid[] := '{}';
BEGIN
    SELECT r.ids, r.refs INTO v_ids, v_docs FROM wf_file_refs(c, files) r;
    UPDATE demands
       SET form_data = (form_data - ARRAY(SELECT jsonb_array_elements_text(
                            COALESCE(c->'unset', '[]'))))
                       || COALESCE(c->'set', '{}') || v_docs,
           version = version + 1,
           pages_saved = CASE WHEN c ? 'page' AND NOT (c->>'page' = ANY (pages_saved))
                              THEN pages_saved || (c->>'page') ELSE pages_saved END,
           data_roles = CASE WHEN c ? 'data_roles'
                             THEN ARRAY(SELECT jsonb_array_elements_text(c->'data_roles'))
                             ELSE data_roles END
     WHERE id = v_id AND version = (c->>'version')::int
    RETURNING * INTO d;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('status',
            CASE WHEN EXISTS (SELECT 1 FROM demands WHERE id = v_id)
                 THEN 'conflict' ELSE 'notfound' END);
    END IF;
    PERFORM wf_store_files(d, c, files, v_ids, (c->'actor'->>'person')::uuid);
    IF c ? 'purge_due' THEN
        UPDATE timers SET due_at = (c->>'purge_due')::timestamptz
         WHERE demand_id = d.id AND status = 'pending' AND action = 'purge';
    END IF;
    RETURN jsonb_build_object('status', 'ok', 'version', d.version);
END $$;

-- --- the search words of drafts are not kept --------------------------------------------
--
-- The queue lists no draft, so a draft's words (0029's demand_search, a
-- GIN index: every save rewrote ~20 entries of it) are written when the
-- demand leaves the drafts, and again when its form changes after that.
CREATE OR REPLACE FUNCTION demands_search_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO demand_search (demand_id, doc)
    SELECT n.id, queue_search_text(n.reference, p.display_name, e.name, n.form_data)
      FROM new_rows n
      JOIN persons p ON p.id = n.owner_person_id
      LEFT JOIN spaces sp ON sp.id = n.owner_space_id
      LEFT JOIN entities e ON e.id = sp.entity_id
     WHERE n.bucket <> 'draft'
    ON CONFLICT (demand_id) DO UPDATE SET doc = EXCLUDED.doc;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION demands_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO demand_search (demand_id, doc)
    SELECT n.id, queue_search_text(n.reference, p.display_name, e.name, n.form_data)
      FROM new_rows n
      JOIN old_rows o ON o.id = n.id
      JOIN persons p ON p.id = n.owner_person_id
      LEFT JOIN spaces sp ON sp.id = n.owner_space_id
      LEFT JOIN entities e ON e.id = sp.entity_id
     WHERE n.bucket <> 'draft'
       AND (o.bucket = 'draft'
            OR n.form_data IS DISTINCT FROM o.form_data
            OR n.owner_person_id IS DISTINCT FROM o.owner_person_id
            OR n.owner_space_id IS DISTINCT FROM o.owner_space_id
            OR n.reference IS DISTINCT FROM o.reference)
    ON CONFLICT (demand_id) DO UPDATE SET doc = EXCLUDED.doc;
    RETURN NULL;
END $$;

DELETE FROM demand_search s USING demands d WHERE d.id = s.demand_id AND d.bucket = 'draft';

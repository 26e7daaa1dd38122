-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0029_queue.sql -- the agents' queue at scale (engine/queue.c, h_queue.c):
-- full-text search, assignment, the next deadline, keyset paging.
--
--   demand_search          one tsvector per demand: its reference, the
--                          applicant's names and the values of its fields,
--                          kept by statement-level triggers on demands (the
--                          write path: every INSERT, every change of
--                          form_data, owner or reference)
--   demands.assigned_to    who holds the demand (NULL: nobody), since when
--   events.assignee        for transition 'assign': to whom; 'release': NULL
--   queue_assign(...)      take / hand over / release: one UPDATE (version
--                          checked and moved on) and one event, one round trip
--   queue_sql(q, what)     the text of the queue's SELECT for the query q
--                          (a jsonb, always $1: values never become SQL)
--   queue_rows / queue_count / queue_ids
--   az_action_assign_demand  authz_may('assign-demand', demand, assignee)
--
-- The queue's WHERE is assembled from fixed fragments, so each query is
-- planned with its own filters (a GIN bitmap scan for a search, the
-- demands_waiting index for a procedure/state): a generic plan with
-- "($x IS NULL OR ...)" everywhere would read the whole table.

-- --- search ---------------------------------------------------------------------------

-- Lower case, the accents of French and German folded, so "geneve" finds
-- "Genève" (no extension needed).
CREATE FUNCTION queue_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(lower(t), 'àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæß',
                               'aaaaaaceeeeiiiinooooouuuuyyoas')
$$;

CREATE TABLE demand_search (
    demand_id uuid     PRIMARY KEY REFERENCES demands (id) ON DELETE CASCADE,
    doc       tsvector NOT NULL
);

CREATE INDEX demand_search_doc ON demand_search USING gin (doc);

COMMENT ON TABLE demand_search IS
    'the words a queue search finds a demand by (reference, names, field values); '
    'written by the triggers demands_search_*, never by hand';

-- The document of one demand: the reference whole and its number alone,
-- the owner's name, the entity's name, every string and number of the form.
CREATE FUNCTION queue_search_text(reference text, owner_name text, entity_name text,
                                  form_data jsonb) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('simple', queue_fold(
               reference || ' ' || split_part(reference, '-', 2) || ' '
               || coalesce(owner_name, '') || ' ' || coalesce(entity_name, '') || ' '
               || coalesce((SELECT string_agg(v.value, ' ')
                              FROM jsonb_each_text(form_data) v
                             WHERE jsonb_typeof(form_data -> v.key) IN ('string', 'number')),
                           '')))
$$;

-- Statement-level, joining the transition table (never an array of ids: a
-- bulk INSERT of a million rows is one set-based statement too); an UPDATE
-- rewrites only the rows whose form, owner or reference changed.
CREATE FUNCTION demands_search_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO demand_search (demand_id, doc)
    SELECT n.id, queue_search_text(n.reference, p.display_name, e.name, n.form_data)
      FROM new_rows n
      JOIN persons p ON p.id = n.owner_person_id
      LEFT JOIN spaces sp ON sp.id = n.owner_space_id
      LEFT JOIN entities e ON e.id = sp.entity_id
    ON CONFLICT (demand_id) DO UPDATE SET doc = EXCLUDED.doc;
    RETURN NULL;
END $$;

CREATE FUNCTION demands_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO demand_search (demand_id, doc)
    SELECT n.id, queue_search_text(n.reference, p.display_name, e.name, n.form_data)
      FROM new_rows n
      JOIN old_rows o ON o.id = n.id
      JOIN persons p ON p.id = n.owner_person_id
      LEFT JOIN spaces sp ON sp.id = n.owner_space_id
      LEFT JOIN entities e ON e.id = sp.entity_id
     WHERE n.form_data IS DISTINCT FROM o.form_data
        OR n.owner_person_id IS DISTINCT FROM o.owner_person_id
        OR n.owner_space_id IS DISTINCT FROM o.owner_space_id
        OR n.reference IS DISTINCT FROM o.reference
    ON CONFLICT (demand_id) DO UPDATE SET doc = EXCLUDED.doc;
    RETURN NULL;
END $$;

CREATE TRIGGER demands_search_insert AFTER INSERT ON demands
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demands_search_insert();
CREATE TRIGGER demands_search_update AFTER UPDATE ON demands
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION demands_search_update();

INSERT INTO demand_search (demand_id, doc)
SELECT d.id, queue_search_text(d.reference, p.display_name, e.name, d.form_data)
  FROM demands d
  JOIN persons p ON p.id = d.owner_person_id
  LEFT JOIN spaces sp ON sp.id = d.owner_space_id
  LEFT JOIN entities e ON e.id = sp.entity_id;

-- What a person typed, as a tsquery: every word (letters and digits) must
-- be there, the last one as a prefix too ("marc" finds "marché").  NULL
-- when nothing searchable was typed.
CREATE FUNCTION queue_tsquery(t text) RETURNS tsquery
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN count(*) = 0 THEN NULL
                ELSE string_agg(quote_literal(w) || ':*', ' & ')::tsquery END
      FROM (SELECT w FROM regexp_split_to_table(queue_fold(coalesce(t, '')), '[^[:alnum:]]+') AS w
             WHERE w <> '' LIMIT 8) x
$$;

-- --- assignment -----------------------------------------------------------------------

ALTER TABLE demands
    ADD COLUMN assigned_to uuid REFERENCES persons (id),
    ADD COLUMN assigned_at timestamptz;

CREATE INDEX demands_assigned ON demands (assigned_to) WHERE assigned_to IS NOT NULL;

ALTER TABLE events ADD COLUMN assignee uuid;

COMMENT ON COLUMN events.assignee IS
    'for transition = ''assign'': the agent the demand was given to';

-- Gives demand p_demand to p_assignee (NULL: releases it), as p_actor, if
-- it is still at p_version (0 or NULL: any) and not final.  The demand's
-- version moves on and an event 'assign' or 'release' is appended, so the
-- history says who held it when.  Returns {status: ok, version, event} |
-- {status: conflict, state, version} | {status: unchanged} (already so) |
-- {status: notfound}.
CREATE FUNCTION queue_assign(p_demand uuid, p_version int, p_assignee uuid, p_actor uuid,
                             p_request_id text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    d       demands;
    v_event bigint;
BEGIN
    SELECT * INTO d FROM demands WHERE id = p_demand FOR UPDATE;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('status', 'notfound');
    END IF;
    IF (coalesce(p_version, 0) <> 0 AND d.version <> p_version) OR d.is_final THEN
        RETURN jsonb_build_object('status', 'conflict', 'state', d.state,
                                  'version', d.version);
    END IF;
    IF d.assigned_to IS NOT DISTINCT FROM p_assignee THEN
        RETURN jsonb_build_object('status', 'unchanged', 'version', d.version);
    END IF;
    UPDATE demands
       SET assigned_to = p_assignee,
           assigned_at = CASE WHEN p_assignee IS NULL THEN NULL ELSE now() END,
           version = version + 1
     WHERE id = p_demand
    RETURNING * INTO d;
    INSERT INTO events (demand_id, demand_version, actor_kind, actor_person_id, transition,
                        from_state, to_state, request_id, assignee)
    VALUES (d.id, d.version, 'person', p_actor,
            CASE WHEN p_assignee IS NULL THEN 'release' ELSE 'assign' END,
            d.state, d.state, p_request_id, p_assignee)
    RETURNING id INTO v_event;
    RETURN jsonb_build_object('status', 'ok', 'version', d.version, 'event', v_event);
END $$;

-- assign-demand: object a demand id; arg the agent it goes to (NULL:
-- release).  The reader must play an agent role of the demand's procedure
-- (az_demand's roles 'agent': a member of a group it names, not on a
-- draft), the demand must not be final, and the assignee, when there is
-- one, must be a member of a group the procedure names.
CREATE FUNCTION az_action_assign_demand(p_person uuid, p_context uuid, p_admin boolean,
                  p_object text, p_arg text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_demand uuid := az_uuid(p_object);
    v_def    record;
    d        record;
BEGIN
    SELECT * INTO verdict, reason FROM az_demand(p_person, p_context, p_admin, v_demand, 'agent');
    IF verdict <> 'allow' THEN
        RETURN;
    END IF;
    SELECT workflow_key, definition_version, is_final INTO d FROM demands WHERE id = v_demand;
    IF d.is_final THEN
        verdict := 'deny';
        reason := 'queue.final';
        RETURN;
    END IF;
    IF p_arg IS NOT NULL THEN
        SELECT * INTO v_def FROM az_definition(d.workflow_key, d.definition_version);
        IF az_uuid(p_arg) IS NULL OR NOT EXISTS (
               SELECT 1 FROM agent_members am
                WHERE am.person_id = az_uuid(p_arg) AND am.group_id = ANY (v_def.agent_groups)) THEN
            verdict := 'deny';
            reason := 'queue.not_colleague';
        END IF;
    END IF;
END $$;

-- --- the queue ------------------------------------------------------------------------

-- A demand's next deadline: its earliest timer still to fire, or one that
-- failed (its deadline passed and nothing happened: overdue until an
-- administrator retries or cancels it).
CREATE INDEX timers_demand_open ON timers (demand_id, due_at)
    WHERE status IN ('pending', 'failed');

-- The query q (built by engine/queue.c; every value read from $1):
--   states   [[group, key, version, state], ...]  the states waiting for
--            the group (as wf_queue_counts takes them)
--   key, state                            one procedure / state (optional)
--   assigned "none" | a person id         (optional)
--   from, to dates (YYYY-MM-DD) of submission, inclusive (optional)
--   due      "overdue" | days: the next deadline passed / within that
--            many days from now (optional)
--   text     words to search (optional)
--   sort     reference | procedure | state | applicant | submitted | since
--            | deadline | assignee | amount; dir asc | desc
--   amount   {key: field}: the money field shown as the amount, per procedure
--   ids      [id, ...]: only these (a bulk action's ticked demands)
--   after    the reference of the last row of the previous page (optional)
--   limit    rows (page: 50; exports: none)
-- what: 'rows' (ordered, keyset, limit), 'count' or 'ids' (ordered, no
-- keyset, limit).
CREATE FUNCTION queue_sql(q jsonb, what text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_from  text;
    v_where text := '';
    v_key   text;
    v_dir   text := CASE WHEN q->>'dir' = 'desc' THEN 'DESC' ELSE 'ASC' END;
    v_cmp   text := CASE WHEN q->>'dir' = 'desc' THEN '<' ELSE '>' END;
    v_sql   text;
    v_due   boolean := q ? 'due' OR q->>'sort' = 'deadline' OR what = 'rows';
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
    v_where := ' WHERE (d.workflow_key, d.definition_version, d.state) IN'
        ' (SELECT s->>1, (s->>2)::int, s->>3 FROM jsonb_array_elements($1->''states'') s)';
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
        RETURN 'SELECT count(*)' || v_from || v_where;
    END IF;

    -- the sort key: one text per row (NULL last when ascending), then the
    -- reference, unique, so the order is total and a page starts after a row
    v_key := CASE coalesce(q->>'sort', 'since')
        WHEN 'reference' THEN 'NULL::text'
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
        v_sql := 'SELECT d.id, d.reference, d.workflow_key, d.definition_version, d.state,'
            ' d.version, d.state_since, d.submitted_at, coalesce(e.name, p.display_name) AS applicant,'
            ' CASE WHEN e.name IS NULL THEN ''person'' ELSE ''entity'' END AS applicant_kind,'
            ' d.assigned_to, ap.display_name AS assignee, nt.due_at, nt.name AS timer,'
            ' nt.transition AS timer_transition, nt.action AS timer_action,'
            ' d.form_data->>($1->''amount''->>d.workflow_key) AS amount'
            || v_from || v_where;
    END IF;
    v_sql := v_sql || format(' ORDER BY (%1$s) IS NULL %2$s, coalesce(%1$s, '''') %2$s,'
                             ' d.reference %2$s', v_key, v_dir);
    IF q ? 'limit' THEN
        v_sql := v_sql || ' LIMIT ($1->>''limit'')::int';
    END IF;
    RETURN v_sql;
END $$;

CREATE FUNCTION queue_rows(q jsonb)
RETURNS TABLE (id uuid, reference text, workflow_key text, definition_version int, state text,
               version int, state_since timestamptz, submitted_at timestamptz, applicant text,
               applicant_kind text, assigned_to uuid, assignee text, due_at timestamptz,
               timer text, timer_transition text, timer_action text, amount text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY EXECUTE queue_sql(q, 'rows') USING q;
END $$;

CREATE FUNCTION queue_count(q jsonb) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE queue_sql(q, 'count') USING q INTO n;
    RETURN n;
END $$;

CREATE FUNCTION queue_ids(q jsonb) RETURNS TABLE (id uuid, reference text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY EXECUTE queue_sql(q, 'ids') USING q;
END $$;

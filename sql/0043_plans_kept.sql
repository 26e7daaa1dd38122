-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0043_plans_kept.sql -- statements of the demand page, the dashboard and
-- the queue that PostgreSQL planned again at every call (issue 12).
--
-- Found with bench/ and pg_stat_statements (track = all, track_planning):
--   * the demand page's thread (engine/message.c) was sent as unnamed text:
--     parsed and planned at every view, 0.32 ms of planning for 0.2 ms of
--     work, and note_mark_read (0039), a LANGUAGE sql function, was planned
--     again inside it (0.09 ms);
--   * the dashboard's keyset bound wf_after_at (0040), a LANGUAGE sql
--     function with a sub-select, is never inlined: planned at every call,
--     two to four times per dashboard (0.06 ms each);
--   * the queue page added up the group's demand_counts twice: once per
--     state for the counts, once more for the total (0.23 ms), which for an
--     unfiltered page is the sum of the same counts.
-- The same meanings in PL/pgSQL, whose plans are kept for the connection.

-- 0039's note_mark_read, word for word, in PL/pgSQL.
CREATE OR REPLACE FUNCTION note_mark_read(p_person uuid, p_demand uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    WITH r AS (
        UPDATE notes SET unread = false
         WHERE demand_id = p_demand AND person_id = p_person AND unread
        RETURNING 1
    )
    INSERT INTO note_reads (person_id, demand_id, read_at)
    SELECT p_person, p_demand, now()
     WHERE EXISTS (SELECT 1 FROM r)
        OR EXISTS (SELECT 1 FROM messages m
                    WHERE m.demand_id = p_demand AND m.author_person_id <> p_person
                      AND m.created_at > coalesce((SELECT nr.read_at FROM note_reads nr
                                                    WHERE nr.person_id = p_person
                                                      AND nr.demand_id = p_demand),
                                                  '-infinity'))
    ON CONFLICT (person_id, demand_id) DO UPDATE SET read_at = EXCLUDED.read_at;
END $$;

-- A demand's message thread as its page shows it (engine/message.c
-- message_thread): the messages, each "new" when someone else wrote it
-- after the reader's previous read mark; when p_mark, the demand is read
-- (note_mark_read) and 'unread' counts the reader's other unread items.
-- The previous mark is read before marking, as the single statement this
-- replaces saw it.
CREATE FUNCTION msg_thread_json(p_person uuid, p_demand uuid, p_mark boolean) RETURNS text
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_prev timestamptz;
BEGIN
    SELECT nr.read_at INTO v_prev
      FROM note_reads nr WHERE nr.person_id = p_person AND nr.demand_id = p_demand;
    IF p_mark THEN
        PERFORM note_mark_read(p_person, p_demand);
    END IF;
    RETURN json_build_object(
        'unread', (SELECT u.n FROM note_unread_count(p_person,
                                                     CASE WHEN p_mark THEN p_demand END) u),
        'messages', coalesce((SELECT json_agg(json_build_object(
              'id', m.id, 'side', m.side, 'group', m.agent_group, 'author', p.display_name,
              'at', to_char(m.created_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI'),
              'iso', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
              'body', m.body, 'mine', m.author_person_id = p_person,
              'new', m.author_person_id <> p_person
                     AND m.created_at > coalesce(v_prev, '-infinity'))
            ORDER BY m.created_at, m.id)
            FROM messages m JOIN persons p ON p.id = m.author_person_id
           WHERE m.demand_id = p_demand), '[]'))::text;
END $$;

-- 0040's keyset bound, in PL/pgSQL (asked once per statement, as before).
CREATE OR REPLACE FUNCTION wf_after_at(p_after uuid) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v timestamptz;
BEGIN
    IF p_after IS NULL THEN
        RETURN 'infinity';
    END IF;
    SELECT a.updated_at INTO v FROM demands a WHERE a.id = p_after;
    RETURN coalesce(v, 'infinity');
END $$;

-- The queue page's counts per (procedure, state) and its total, the counts
-- added up once (engine/queue.c PAGE_SQL): the total of a page with no
-- filter but the queue's own states is the sum of its counts (0038's
-- queue_count reads the same rows); a filtered one is queue_count's.
CREATE FUNCTION queue_counts_total(q jsonb, OUT counts json, OUT total bigint)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    SELECT coalesce(json_agg(json_build_array(c.workflow_key, c.state, c.n)
                             ORDER BY c.workflow_key, c.state), '[]'),
           coalesce(sum(c.n), 0)
      INTO counts, total
      FROM wf_queue_counts(q->'states') c;
    IF q ? 'key' OR q ? 'state' OR queue_filtered(q) THEN
        total := queue_count(q);
    END IF;
END $$;

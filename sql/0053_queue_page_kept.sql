-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0053_queue_page_kept.sql -- the queue page's statement is planned once
-- per connection (issue 12).
--
-- engine/queue.c sent the page's statement (the counts and total, the
-- group's agents, the rows) as a prepared statement of its own.  With the
-- query's values known, the planner folds queue_filtered() and finds a plan
-- made for them cheaper than any plan for all values, so it planned the
-- statement again at every view: 1,564 plans for 1,560 views, 0.22 ms each,
-- on the bench's queue (pg_stat_statements with track_planning).  The same
-- statement in PL/pgSQL with a generic plan is planned once per connection;
-- queue.c asks "SELECT * FROM queue_page_rows($1, $2, heads)".
--
-- The first column is the page's document (the counts, total, "more" and
-- the group's agents, first row only), the others a row as queue.c's
-- ROW_COLS gives it (queue_col_t's order); no row: one row, the document
-- and NULLs.  p_heads: the plain page's rows from queue_heads (sql/0038),
-- else from queue_rows.
CREATE FUNCTION queue_page_rows(q jsonb, p_group text, p_heads boolean)
RETURNS TABLE (doc text, id uuid, reference text, workflow_key text, definition_version int,
               state text, version int, since date, submitted date, applicant text,
               applicant_kind text, assigned_to uuid, assignee text, due date,
               overdue boolean, timer text, timer_transition text, timer_action text,
               amount text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    v_doc text;
BEGIN
    SELECT json_build_object(
               'counts', t.counts,
               'total', t.n - t.more::int, 'more', t.more,
               'colleagues', coalesce((SELECT json_agg(json_build_object('id', p.id,
                                                                         'name', p.display_name)
                                                       ORDER BY p.display_name)
                                         FROM agent_members am JOIN persons p ON p.id = am.person_id
                                        WHERE am.group_id = p_group), '[]'))::text
      INTO v_doc
      FROM (SELECT c.counts, c.total AS n,
                   queue_filtered(q) AND c.total > queue_count_cap() AS more
              FROM queue_counts_total(q) c) t;
    -- the rows of one of the two (a parameter gates each: the other is not run)
    RETURN QUERY
    SELECT CASE WHEN x.ordinality IS NULL OR x.ordinality = 1 THEN v_doc END,
           x.id, x.reference, x.workflow_key, x.definition_version, x.state, x.version,
           (x.state_since AT TIME ZONE 'Europe/Zurich')::date,
           (x.submitted_at AT TIME ZONE 'Europe/Zurich')::date,
           x.applicant, x.applicant_kind, x.assigned_to, x.assignee,
           (x.due_at AT TIME ZONE 'Europe/Zurich')::date, x.due_at < now(),
           x.timer, x.timer_transition, x.timer_action, x.amount
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (SELECT h.* FROM queue_heads(q) WITH ORDINALITY AS h WHERE p_heads
                         UNION ALL
                         SELECT r.* FROM queue_rows(q) WITH ORDINALITY AS r WHERE NOT p_heads) x
             ON true
     ORDER BY x.ordinality;
END $$;

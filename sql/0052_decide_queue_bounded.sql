-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0052_decide_queue_bounded.sql -- the third parties' list of items to
-- answer shows at most a page, whatever their history (issue 12).
--
-- /verify (engine/h_decide.c) lists, for each of the person's authorities,
-- the items of <decide> steps that name it: those to answer, those
-- answered, or all.  0028's decide_queue gave every one of them: a commune
-- that had answered for years got a page with every answer it ever gave,
-- read, sorted and drawn at each view.  Now each list gives at most
-- p_limit items and says whether there are more (the engine shows p_limit
-- and "only the most recent are shown"):
--
--   open      oldest first (the work, in the order it came), read from
--             decide_items_group (group, final, opened_at) in its order;
--   done      the latest answers first, from the index below;
--   all       the open ones, then the latest answers.
--
-- Each returned item is 0028's object.

CREATE INDEX decide_items_answered ON decide_items (group_id, answered_at DESC)
    WHERE final;

DROP FUNCTION decide_queue(text, text);

CREATE FUNCTION decide_item_json(i decide_items) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
               'demand', d.id, 'reference', d.reference, 'workflow', d.workflow_key,
               'version', d.definition_version, 'state', d.state,
               'decide', i.decide, 'item', i.item, 'key', i.item_key,
               'outcome', i.outcome, 'final', i.final,
               'applicant', p.display_name,
               'opened', to_char(i.opened_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY'))
      FROM demands d JOIN persons p ON p.id = d.owner_person_id
     WHERE d.id = i.demand_id;
$$;

-- {items: at most p_limit, more: whether the list goes on}
CREATE FUNCTION decide_queue(p_group text, p_which text, p_limit int) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_open  jsonb := '[]';
    v_done  jsonb := '[]';
    v_n     int := 0;
BEGIN
    IF p_which IN ('open', 'all') THEN
        SELECT coalesce(jsonb_agg(decide_item_json(x) ORDER BY x.opened_at, x.demand_id,
                                                               x.decide, x.item), '[]')
          INTO v_open
          FROM (SELECT i.* FROM decide_items i
                 WHERE i.group_id = p_group AND NOT i.final
                 ORDER BY i.opened_at, i.demand_id, i.decide, i.item
                 LIMIT p_limit + 1) x;
        v_n := jsonb_array_length(v_open);
    END IF;
    IF p_which IN ('done', 'all') AND v_n <= p_limit THEN
        SELECT coalesce(jsonb_agg(decide_item_json(x) ORDER BY x.answered_at DESC, x.demand_id,
                                                               x.decide, x.item), '[]')
          INTO v_done
          FROM (SELECT i.* FROM decide_items i
                 WHERE i.group_id = p_group AND i.final
                 ORDER BY i.answered_at DESC, i.demand_id, i.decide, i.item
                 LIMIT p_limit + 1 - v_n) x;
    END IF;
    v_open := v_open || v_done;
    RETURN jsonb_build_object(
        'items', coalesce((SELECT jsonb_agg(e ORDER BY k)
                             FROM jsonb_array_elements(v_open) WITH ORDINALITY AS t(e, k)
                            WHERE k <= p_limit), '[]'),
        'more', jsonb_array_length(v_open) > p_limit);
END $$;

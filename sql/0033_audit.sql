-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0033_audit.sql -- the administrators' audit search (engine/audit.c,
-- /admin/audit): read-only, over the trails the other parts keep:
--   events           a demand's history (sql/0004)
--   space_events     spaces, members, référents, grants, delegations (0003)
--   admin_events     what administrators changed from their pages (0031)
-- found by a demand's reference, an entity's IDE number or a person's
-- e-mail address, newest first, within optional dates.

CREATE INDEX space_events_person ON space_events (person_id, at) WHERE person_id IS NOT NULL;
CREATE INDEX space_events_actor ON space_events (actor, at) WHERE actor IS NOT NULL;
CREATE INDEX admin_events_actor ON admin_events (actor, at);
CREATE INDEX events_actor_at ON events (actor_person_id, at) WHERE actor_person_id IS NOT NULL;

-- p_kind: 'reference' | 'ide' | 'email' | 'recent'; p_from, p_to: dates
-- (NULL: unbounded); at most p_limit entries.  Each entry: {at, trail
-- (demand|space|admin), action, actor, whom, what, reference, demand,
-- detail}.
CREATE FUNCTION audit_search(p_kind text, p_value text, p_from date, p_to date, p_limit int)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_person  uuid;
    v_demand  uuid;
    v_lo      timestamptz := COALESCE(p_from::timestamptz, '-infinity');
    v_hi      timestamptz := COALESCE((p_to + 1)::timestamptz, 'infinity');
    v_out     jsonb;
BEGIN
    IF p_kind = 'email' THEN
        SELECT id INTO v_person FROM persons WHERE lower(email) = lower(btrim(p_value))
         ORDER BY created_at LIMIT 1;
        IF v_person IS NULL THEN
            RETURN jsonb_build_object('found', false, 'entries', '[]'::jsonb);
        END IF;
    ELSIF p_kind = 'reference' THEN
        SELECT id INTO v_demand FROM demands WHERE reference = p_value;
        IF v_demand IS NULL THEN
            RETURN jsonb_build_object('found', false, 'entries', '[]'::jsonb);
        END IF;
    END IF;
    WITH entries AS (
        -- a demand's history
        (SELECT e.at, 'demand' AS trail, e.transition AS action,
                COALESCE(ap.display_name, e.actor_kind) AS actor, NULL::text AS whom,
                concat_ws(' → ', e.from_state, e.to_state) AS what, d.reference,
                e.demand_id::text AS demand,
                jsonb_strip_nulls(jsonb_build_object('comment', e.comment,
                                                     'role', e.actor_role,
                                                     'request', e.request_id)) AS detail
           FROM events e
           LEFT JOIN demands d ON d.id = e.demand_id
           LEFT JOIN persons ap ON ap.id = e.actor_person_id
          WHERE e.at >= v_lo AND e.at < v_hi
            AND ((p_kind = 'reference' AND e.demand_id = v_demand)
              OR (p_kind = 'email' AND e.actor_person_id = v_person))
          ORDER BY e.at DESC LIMIT p_limit)
        UNION ALL
        -- spaces and roles
        (SELECT se.at, 'space', se.action, COALESCE(ap.display_name, 'system'),
                wp.display_name, en.name || ' (' || en.ide || ')', NULL, NULL, se.detail
           FROM space_events se
           LEFT JOIN spaces s ON s.id = se.space_id
           LEFT JOIN entities en ON en.id = s.entity_id
           LEFT JOIN persons ap ON ap.id = se.actor
           LEFT JOIN persons wp ON wp.id = se.person_id
          WHERE se.at >= v_lo AND se.at < v_hi
            AND ((p_kind = 'ide' AND en.ide = p_value)
              OR (p_kind = 'email' AND (se.person_id = v_person OR se.actor = v_person))
              OR p_kind = 'recent')
          ORDER BY se.at DESC LIMIT p_limit)
        UNION ALL
        -- what administrators did
        (SELECT a.at, 'admin', a.action, ap.display_name, NULL,
                a.object_kind || ' ' || a.object_id, NULL, NULL, a.detail
           FROM admin_events a
           JOIN persons ap ON ap.id = a.actor
          WHERE a.at >= v_lo AND a.at < v_hi
            AND ((p_kind = 'email' AND (a.actor = v_person OR a.object_id = v_person::text))
              OR p_kind = 'recent')
          ORDER BY a.at DESC LIMIT p_limit)
    )
    SELECT COALESCE(jsonb_agg(jsonb_build_object(
               'at', to_char(x.at AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD HH24:MI:SS'),
               'trail', x.trail, 'action', x.action, 'actor', x.actor, 'whom', x.whom,
               'what', x.what, 'reference', x.reference, 'demand', x.demand,
               'detail', x.detail) ORDER BY x.at DESC), '[]')
      INTO v_out
      FROM (SELECT * FROM entries ORDER BY at DESC LIMIT p_limit) x;
    RETURN jsonb_build_object('found', true, 'entries', v_out);
END $$;

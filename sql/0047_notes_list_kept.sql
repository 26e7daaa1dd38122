-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0047_notes_list_kept.sql -- the notifications page's listing keeps its
-- plan (issue 12).
--
-- The listing (engine/message.c, message_notes) was a text the engine sent
-- with db_exec, which db.c prepares once per connection.  Whether
-- PostgreSQL then kept a plan for it depended on the data: when the plan
-- for any person looked dearer than the one for this person (a few people
-- with many notes beside many with few), it planned the statement again at
-- every view (0.6 ms of planning for 0.01 ms of work), as the whole test
-- suite's data showed.  The same statement in PL/pgSQL with a generic
-- plan: planned once per connection, whoever reads.  Its text is the one
-- message.c sent, word for word.

CREATE FUNCTION note_list_json(p_person uuid) RETURNS text
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN (SELECT coalesce(json_agg(x ORDER BY x.sort DESC), '[]')::text FROM (
        SELECT i.at AS sort, i.demand_id AS demand, d.reference, d.workflow_key AS workflow,
               d.definition_version AS version, i.kind,
               to_char(i.at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI') AS at,
               to_char(i.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS iso,
               coalesce(mp.display_name, ep.display_name) AS author,
               e.transition, e.to_state AS "to"
          FROM note_items(p_person) i
          JOIN demands d ON d.id = i.demand_id
          LEFT JOIN messages m ON i.kind = 'message' AND m.id = i.item
          LEFT JOIN persons mp ON mp.id = m.author_person_id
          LEFT JOIN events e ON i.kind = 'event' AND e.id = i.item
          LEFT JOIN persons ep ON ep.id = e.actor_person_id
         ORDER BY i.at DESC LIMIT 100) x);
END $$;

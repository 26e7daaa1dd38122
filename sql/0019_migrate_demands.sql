-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0019_migrate_demands.sql -- moving a running demand to another version of
-- its procedure (engine/wf_migrate.c, `guichet migrate-demands`, the
-- administrators' procedure page).
--
-- The engine checks the whole plan first (every state with running demands
-- mapped, each target a state of the new version, no final target, no
-- draft/submitted mix: wf_migrate_check) and then calls wf_migrate_demand
-- once per demand, each in its own transaction: a demand that moved in the
-- meantime is refused alone ('conflict') and the others go on.
--
-- events.definition_version: the version an event moved the demand to; set
-- by 'migrate' events only (NULL: the demand's version did not change).

ALTER TABLE events ADD COLUMN definition_version int;

COMMENT ON COLUMN events.definition_version IS
    'for transition = ''migrate'': the definition version the demand was moved to';

-- Moves one demand.  change (built by wf_migrate.c):
--   {demand, version (expected), workflow, from_version, to_version,
--    from (state), to (state), bucket, progress, final,
--    timers [{name, action, transition, due}] (the target state's, due
--    from now), actor {kind, person}, request_id}
-- The demand must still be at version, from_version and from: else nothing
-- is written and {status: conflict, state, version, definition_version}.
-- Its pending timers are cancelled and the target state's scheduled; an
-- event 'migrate' (from -> to, definition_version = to_version) is appended.
-- Returns {status: ok, version, event} | {status: conflict, ...} |
-- {status: notfound}.
CREATE FUNCTION wf_migrate_demand(c jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    d       demands;
    v_id    uuid := (c->>'demand')::uuid;
    v_event bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM definitions
                    WHERE workflow_key = c->>'workflow'
                      AND version = (c->>'to_version')::int) THEN
        RAISE EXCEPTION 'no definition % version %', c->>'workflow', c->>'to_version'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    UPDATE demands
       SET definition_version = (c->>'to_version')::int,
           state = c->>'to',
           bucket = c->>'bucket',
           progress = COALESCE((c->>'progress')::int, progress),
           is_final = COALESCE((c->>'final')::boolean, false),
           version = version + 1,
           state_since = CASE WHEN state = c->>'to' THEN state_since ELSE now() END
     WHERE id = v_id AND version = (c->>'version')::int
       AND workflow_key = c->>'workflow'
       AND definition_version = (c->>'from_version')::int
       AND state = c->>'from'
    RETURNING * INTO d;
    IF NOT FOUND THEN
        SELECT * INTO d FROM demands WHERE id = v_id;
        IF NOT FOUND THEN
            RETURN jsonb_build_object('status', 'notfound');
        END IF;
        RETURN jsonb_build_object('status', 'conflict', 'state', d.state,
                                  'version', d.version,
                                  'definition_version', d.definition_version);
    END IF;

    INSERT INTO events (demand_id, demand_version, actor_kind, actor_person_id,
                        transition, from_state, to_state, request_id, definition_version)
    VALUES (d.id, d.version, c->'actor'->>'kind', (c->'actor'->>'person')::uuid,
            'migrate', c->>'from', d.state, c->>'request_id', d.definition_version)
    RETURNING id INTO v_event;

    UPDATE timers SET status = 'cancelled', done_at = now()
     WHERE demand_id = d.id AND status = 'pending';
    PERFORM wf_schedule(d, c->'timers');

    RETURN jsonb_build_object('status', 'ok', 'version', d.version, 'event', v_event);
END $$;

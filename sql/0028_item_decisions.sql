-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0028_item_decisions.sql -- per-item decisions joined at the end: the
-- workflow language's <decide> (docs/workflow-language.md).
--
-- A demand arriving in the state of a <decide in="S" over="G"
-- by="third-party:@KEY"> gets one row of decide_items per element of its
-- repeating group form_data[G] (a JSON array of objects), each addressed to
-- the trusted third party its element names under KEY: the group of that
-- id, or the commune group of that OFS number (decide_group_of).  The
-- engine appends the internal effect "open-items" to the transition that
-- arrives there (engine/wf_decide.c), so the rows are written in that
-- transition's transaction (fx_open_items).
--
-- Each answer (valid, refused: final; pending: not final) is one call of
-- decide_answer(): the demand locked, its version moved, an event in the
-- history (transition = the decide's id), the item's row updated, the
-- answer appended to decide_answers; when no item is left without a final
-- answer, the `then` transition the engine prepared (as the system) runs
-- through wf_apply in the same transaction.
--
-- Authorization: the action 'decide-item' of authz_may() (0014: a function
-- az_action_<action>; docs/access.md): object a demand id, arg
-- "DECIDE:ITEM"; a member of the item's third-party group, else notfound
-- (another authority's item is none of its business).

CREATE TABLE decide_items (
    demand_id    uuid        NOT NULL REFERENCES demands (id) ON DELETE CASCADE,
    decide       text        NOT NULL CHECK (decide ~ '^[a-z][a-z0-9_-]{0,63}$'),
    item         int         NOT NULL CHECK (item >= 0),
    group_id     text        NOT NULL REFERENCES third_party_groups (id),
    item_key     text        NOT NULL,        -- the value that named the group
    outcome      text        CHECK (outcome IN ('valid', 'refused', 'pending')),
    final        boolean     NOT NULL DEFAULT false,
    comment      text,
    answered_by  uuid        REFERENCES persons (id),
    answered_at  timestamptz,
    event_id     bigint,
    opened_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (demand_id, decide, item),
    CHECK (final = (outcome IN ('valid', 'refused')) OR outcome IS NULL AND NOT final)
);

CREATE INDEX decide_items_group ON decide_items (group_id, final, opened_at);

COMMENT ON TABLE decide_items IS
    'one decision per item of a repeating group, by the third party the item names '
    '(<decide>); the latest answer of each';

CREATE TABLE decide_answers (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    demand_id    uuid        NOT NULL REFERENCES demands (id) ON DELETE CASCADE,
    decide       text        NOT NULL,
    item         int         NOT NULL,
    group_id     text        NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('valid', 'refused', 'pending')),
    comment      text,
    person_id    uuid        NOT NULL REFERENCES persons (id),
    at           timestamptz NOT NULL DEFAULT now(),
    event_id     bigint      NOT NULL
);

CREATE INDEX decide_answers_demand ON decide_answers (demand_id, decide, item, id);

COMMENT ON TABLE decide_answers IS 'every answer given to a <decide> item, in order';

-- The trusted third party an item names: the group of that id, else the
-- commune group of that OFS number; NULL when none.
CREATE FUNCTION decide_group_of(p_value text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(
        (SELECT g.id FROM third_party_groups g WHERE g.id = p_value),
        (SELECT g.id FROM third_party_groups g
          WHERE p_value ~ '^[0-9]{1,4}$' AND g.commune_ofs = p_value::int
          ORDER BY g.id LIMIT 1));
$$;

-- The internal effect the engine adds to a transition arriving in a
-- decide's state: args {decide, over, key, mail: {workflow, state}}.  Items
-- answered before (a demand sent back and resubmitted) start again
-- unanswered.  Each item's third party gets the mail decide-opened, whose
-- link opens the item's page.
CREATE FUNCTION fx_open_items(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_items jsonb := d.form_data -> (args->>'over');
    v_item  jsonb;
    v_i     int := 0;
    v_key   text;
    v_grp   text;
BEGIN
    IF v_items IS NULL OR jsonb_typeof(v_items) <> 'array' OR jsonb_array_length(v_items) = 0 THEN
        RAISE EXCEPTION 'decide.no_items' USING ERRCODE = 'check_violation';
    END IF;
    DELETE FROM decide_items WHERE demand_id = d.id AND decide = args->>'decide';
    FOR v_item IN SELECT value FROM jsonb_array_elements(v_items) LOOP
        v_key := btrim(v_item ->> (args->>'key'));
        v_grp := decide_group_of(v_key);
        IF v_grp IS NULL THEN
            RAISE EXCEPTION 'decide.no_authority' USING ERRCODE = 'check_violation';
        END IF;
        INSERT INTO decide_items (demand_id, decide, item, group_id, item_key)
        VALUES (d.id, args->>'decide', v_i, v_grp, v_key);
        -- its third party is told, with the link to the item's page
        PERFORM wf_queue_mails(d, jsonb_build_array(jsonb_build_object(
                    'to', 'third-party:' || v_grp, 'template', 'decide-opened',
                    'data', COALESCE(args->'mail', '{}') || jsonb_build_object(
                        'reference', d.reference,
                        'link', format('/verify/%s/%s/%s', d.id, args->>'decide', v_i)))),
                event_id, actor);
        v_i := v_i + 1;
    END LOOP;
END $$;

-- One answer: {demand, decide, item, state, outcome, final, comment,
-- actor: {kind, person, space, role}, request_id, mails, then}.
-- Returns {status: ok, version, event, done, state} | {status: conflict,
-- state} (the demand left the decision's state) | {status: answered}
-- (the item already has a final answer) | {status: notfound}.
CREATE FUNCTION decide_answer(c jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    d        demands;
    v_it     decide_items;
    v_actor  uuid := (c->'actor'->>'person')::uuid;
    v_event  bigint;
    v_left   int;
    v_then   jsonb;
    v_res    jsonb;
BEGIN
    SELECT * INTO d FROM demands WHERE id = (c->>'demand')::uuid FOR UPDATE;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('status', 'notfound');
    END IF;
    IF d.state <> c->>'state' THEN
        RETURN jsonb_build_object('status', 'conflict', 'state', d.state);
    END IF;
    SELECT * INTO v_it FROM decide_items
     WHERE demand_id = d.id AND decide = c->>'decide' AND item = (c->>'item')::int
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('status', 'notfound');
    END IF;
    IF v_it.final THEN
        RETURN jsonb_build_object('status', 'answered', 'outcome', v_it.outcome);
    END IF;

    UPDATE demands SET version = version + 1 WHERE id = d.id RETURNING * INTO d;
    INSERT INTO events (demand_id, demand_version, actor_kind, actor_person_id, actor_space_id,
                        actor_role, transition, from_state, to_state, comment, request_id)
    VALUES (d.id, d.version, 'person', v_actor, (c->'actor'->>'space')::uuid,
            'third-party:' || v_it.group_id, c->>'decide', d.state, d.state,
            NULLIF(c->>'comment', ''), c->>'request_id')
    RETURNING id INTO v_event;
    UPDATE decide_items
       SET outcome = c->>'outcome', final = (c->>'final')::boolean,
           comment = NULLIF(c->>'comment', ''), answered_by = v_actor,
           answered_at = now(), event_id = v_event
     WHERE demand_id = d.id AND decide = c->>'decide' AND item = v_it.item;
    INSERT INTO decide_answers (demand_id, decide, item, group_id, outcome, comment,
                                person_id, event_id)
    VALUES (d.id, c->>'decide', v_it.item, v_it.group_id, c->>'outcome',
            NULLIF(c->>'comment', ''), v_actor, v_event);
    PERFORM wf_queue_mails(d, COALESCE(c->'mails', '[]'), v_event, v_actor);

    SELECT count(*) INTO v_left FROM decide_items
     WHERE demand_id = d.id AND decide = c->>'decide' AND NOT final;
    IF v_left > 0 OR c->'then' IS NULL OR jsonb_typeof(c->'then') <> 'object' THEN
        RETURN jsonb_build_object('status', 'ok', 'version', d.version, 'event', v_event,
                                  'done', false, 'state', d.state);
    END IF;
    -- every item answered: the system fires `then`, in this transaction
    v_then := jsonb_set(c->'then', '{version}', to_jsonb(d.version));
    v_res := wf_apply(v_then, NULL);
    IF v_res->>'status' <> 'ok' THEN
        RAISE EXCEPTION 'decide: % could not fire: %', c->'then'->>'transition', v_res
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN jsonb_build_object('status', 'ok', 'version', (v_res->>'version')::int,
                              'event', v_event, 'done', true, 'state', v_res->>'state');
END $$;

-- The items of a demand, for its pages: [{decide, item, group, group_name,
-- key, outcome, final, comment, at}] in order.
CREATE FUNCTION decide_items_of(p_demand uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(jsonb_agg(jsonb_build_object(
               'decide', i.decide, 'item', i.item, 'group', i.group_id,
               'group_name', g.name, 'key', i.item_key, 'outcome', i.outcome,
               'final', i.final, 'comment', i.comment,
               'at', to_char(i.answered_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY HH24:MI'))
           ORDER BY i.decide, i.item), '[]')
      FROM decide_items i JOIN third_party_groups g ON g.id = i.group_id
     WHERE i.demand_id = p_demand;
$$;

-- decide-item: object a demand id, arg "DECIDE:ITEM".  A member of the
-- item's third-party group; anyone else: notfound (never "forbidden": an
-- authority does not learn which other authorities' items exist).
CREATE FUNCTION az_action_decide_item(p_person uuid, p_context uuid, p_admin boolean,
                                      p_object text, p_arg text,
                                      OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    verdict := 'notfound';
    reason := 'err.notfound';
    IF p_arg IS NULL OR p_arg !~ '^[a-z][a-z0-9_-]{0,63}:[0-9]{1,6}$' THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM decide_items i
                 JOIN third_party_members tm ON tm.group_id = i.group_id
                WHERE i.demand_id = az_uuid(p_object)
                  AND i.decide = split_part(p_arg, ':', 1)
                  AND i.item = split_part(p_arg, ':', 2)::int
                  AND tm.person_id = p_person) THEN
        verdict := 'allow';
        reason := NULL;
    END IF;
END $$;

-- The queue of a third-party group: its items, open ones first.
--   p_which: 'open' (no final answer yet), 'done', 'all'
CREATE FUNCTION decide_queue(p_group text, p_which text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(jsonb_agg(jsonb_build_object(
               'demand', d.id, 'reference', d.reference, 'workflow', d.workflow_key,
               'version', d.definition_version, 'state', d.state,
               'decide', i.decide, 'item', i.item, 'key', i.item_key,
               'outcome', i.outcome, 'final', i.final,
               'applicant', p.display_name,
               'opened', to_char(i.opened_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY'))
           ORDER BY i.final, i.opened_at, d.reference, i.item), '[]')
      FROM decide_items i
      JOIN demands d ON d.id = i.demand_id
      JOIN persons p ON p.id = d.owner_person_id
     WHERE i.group_id = p_group
       AND (p_which = 'all' OR (p_which = 'open') = NOT i.final);
$$;

-- The third-party groups a person answers for, with their open items:
-- [{id, name, open}] (the person's own memberships: their queue page).
CREATE FUNCTION decide_groups_of(p_person uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(jsonb_agg(jsonb_build_object(
               'id', g.id, 'name', g.name,
               'open', (SELECT count(*) FROM decide_items i
                         WHERE i.group_id = g.id AND NOT i.final))
           ORDER BY g.name), '[]')
      FROM third_party_members tm JOIN third_party_groups g ON g.id = tm.group_id
     WHERE tm.person_id = p_person;
$$;

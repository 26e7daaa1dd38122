-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0026_enrolment.sql -- actors chosen by the data, and the electronic
-- identification means (MIE) issued by a trusted third party at a counter.
--
-- 1. demands.data_roles: the concrete roles a demand's data names, e.g.
--    {third-party:prefecture-lausanne} for a procedure whose step is
--    by="third-party:@authority" and whose field "authority" holds
--    "prefecture-lausanne".  Computed by the engine from the definition
--    and the data (engine/wf_roles.c) and sent as "data_roles" in every
--    change: wf_apply and wf_save_page are 0004's and 0016's with that one
--    column more.  az_demand (0007's, one branch more) lets a third party
--    or an agent of a group in data_roles see the demand once it left the
--    drafts; the engine substitutes the concrete group in a transition's
--    roles before asking authz_may, so the same comparison of whole items
--    decides who fires it.  az_sees gets the same branch as an overload
--    with the data roles (the set form, tested equal to authz_may).
--    The third parties' queue reads by data_roles: GIN index.
-- 2. enrol_identifiers: every 6-character identifier ever issued (a1bc2d),
--    never reused, with who issued it, for which group, when; activated
--    once by the person who typed it (effects issue-identifier and
--    activate-identifier, engine/enrol.c).
-- 3. assurance_raises: each raise of a person's identity level, bound to
--    the login (issuer, subject) that did it, with who verified them,
--    where (the third-party group) and when (effect raise-assurance).

ALTER TABLE demands ADD COLUMN data_roles text[] NOT NULL DEFAULT '{}';

COMMENT ON COLUMN demands.data_roles IS
    'roles the demand''s data names (by="third-party:@FIELD"): {third-party:GROUP, ...}, '
    'computed by the engine (wf_roles.c) at every change';

CREATE INDEX demands_data_roles ON demands USING gin (data_roles);

-- --- the changes carry the data roles --------------------------------------------------

CREATE OR REPLACE FUNCTION wf_apply(c jsonb, files bytea[] DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    d        demands;
    v_id     uuid := (c->>'demand')::uuid;
    v_actor  uuid := (c->'actor'->>'person')::uuid;
    v_timer  bigint := (c->>'timer')::bigint;
    v_event  bigint;
    v_docs   jsonb := '{}';
    v_ids    uuid[] := '{}';
    v_last   text;
    e        jsonb;
BEGIN
    SELECT r.ids, r.refs INTO v_ids, v_docs FROM wf_file_refs(c, files) r;

    UPDATE demands
       SET state = c->>'to',
           bucket = c->>'bucket',
           progress = COALESCE((c->>'progress')::int, progress),
           is_final = COALESCE((c->>'final')::boolean, false),
           form_data = (form_data - ARRAY(SELECT jsonb_array_elements_text(
                            COALESCE(c->'unset', '[]'))))
                       || COALESCE(c->'set', '{}') || v_docs,
           version = version + 1,
           data_roles = CASE WHEN c ? 'data_roles'
                             THEN ARRAY(SELECT jsonb_array_elements_text(c->'data_roles'))
                             ELSE data_roles END,
           state_since = CASE WHEN state = c->>'to' THEN state_since ELSE now() END,
           submitted_at = COALESCE(submitted_at,
                              CASE WHEN bucket = 'draft' AND c->>'bucket' <> 'draft'
                                   THEN now() END)
     WHERE id = v_id AND version = (c->>'version')::int AND state = c->>'from'
    RETURNING * INTO d;
    IF NOT FOUND THEN
        SELECT * INTO d FROM demands WHERE id = v_id;
        IF NOT FOUND THEN
            RETURN jsonb_build_object('status', 'notfound');
        END IF;
        SELECT ev.transition INTO v_last FROM events ev
         WHERE ev.demand_id = v_id ORDER BY ev.demand_version DESC LIMIT 1;
        RETURN jsonb_build_object('status', 'conflict', 'state', d.state,
                                  'version', d.version, 'last', v_last);
    END IF;

    IF v_timer IS NOT NULL THEN
        UPDATE timers SET status = 'fired', done_at = now(), attempts = attempts + 1
         WHERE id = v_timer AND demand_id = d.id AND status = 'pending';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'timer % already fired', v_timer
                USING ERRCODE = 'serialization_failure';
        END IF;
    END IF;

    INSERT INTO events (demand_id, demand_version, actor_kind, actor_person_id, actor_space_id,
                        actor_role, transition, from_state, to_state, comment, request_id)
    VALUES (d.id, d.version, c->'actor'->>'kind', v_actor, (c->'actor'->>'space')::uuid,
            c->'actor'->>'role', c->>'transition', c->>'from', d.state,
            NULLIF(c->>'comment', ''), c->>'request_id')
    RETURNING id INTO v_event;

    PERFORM wf_store_files(d, c, files, v_ids, v_actor);

    IF c ? 'timers' THEN
        UPDATE timers SET status = 'cancelled', done_at = now()
         WHERE demand_id = d.id AND status = 'pending';
        PERFORM wf_schedule(d, c->'timers');
    END IF;

    PERFORM wf_queue_mails(d, c->'mails', v_event, v_actor);

    FOR e IN SELECT value FROM jsonb_array_elements(COALESCE(c->'effects', '[]')) LOOP
        PERFORM wf_effect(d, e->>'name', COALESCE(e->'args', '{}'), v_event, v_actor);
    END LOOP;

    RETURN jsonb_build_object('status', 'ok', 'version', d.version, 'event', v_event,
                              'state', d.state);
END $$;


-- 0016's wf_save_page, plus the data roles of the saved data.
CREATE OR REPLACE FUNCTION wf_save_page(c jsonb, files bytea[] DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    a jsonb;
BEGIN
    a := wf_save(c, files);
    IF a->>'status' = 'ok' AND c ? 'page' THEN
        UPDATE demands
           SET pages_saved = pages_saved || (c->>'page')
         WHERE id = (c->>'demand')::uuid AND NOT (c->>'page' = ANY (pages_saved));
    END IF;
    IF a->>'status' = 'ok' AND c ? 'data_roles' THEN
        UPDATE demands
           SET data_roles = ARRAY(SELECT jsonb_array_elements_text(c->'data_roles'))
         WHERE id = (c->>'demand')::uuid
           AND data_roles IS DISTINCT FROM
               ARRAY(SELECT jsonb_array_elements_text(c->'data_roles'));
    END IF;
    RETURN a;
END $$;

-- --- who sees a demand: the groups its data names ------------------------------------

CREATE OR REPLACE FUNCTION az_demand(p_person uuid, p_context uuid, p_admin boolean, p_demand uuid,
                          p_roles text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    d          record;
    v_def      record;
    v_target   uuid;               -- the space a personal demand is addressed to
    v_owner    boolean := false;   -- may act for the demand's owner
    v_handler  boolean := false;   -- référent/delegate of the target space, in it
    v_staff    boolean;
    v_view     boolean;
    v_why      text := NULL;       -- why a related person is refused
    v_role     text;
BEGIN
    verdict := 'notfound';
    reason := 'err.notfound';
    SELECT dm.owner_person_id, dm.owner_space_id, dm.workflow_key, dm.definition_version,
           dm.form_data, dm.bucket, dm.data_roles
      INTO d FROM demands dm WHERE dm.id = p_demand;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT * INTO v_def FROM az_definition(d.workflow_key, d.definition_version);

    -- the owner side
    IF d.owner_space_id IS NULL THEN
        IF d.owner_person_id = p_person THEN
            IF p_context IS NULL THEN
                v_owner := true;
            ELSE
                v_why := 'authz.switch_to_self';
            END IF;
        END IF;
        v_target := az_uuid(d.form_data->>'target_space');
        IF v_target IS NOT NULL
           AND (az_referent(p_person, v_target) OR az_delegate(p_person, v_target, 'members')
                OR az_delegate(p_person, v_target, 'grants')) THEN
            IF p_context = v_target THEN
                v_handler := true;
            ELSE
                v_why := COALESCE(v_why, 'authz.wrong_context');
            END IF;
        END IF;
    ELSIF az_member(p_person, d.owner_space_id) THEN
        IF p_context IS DISTINCT FROM d.owner_space_id THEN
            v_why := 'authz.wrong_context';
        ELSIF az_referent(p_person, d.owner_space_id)
           OR az_granted(p_person, d.owner_space_id, d.workflow_key)
           OR (NOT v_def.protected AND d.owner_person_id = p_person) THEN
            v_owner := true;
        -- 0025 (a space's delegates see its requests): kept by this replacement
        ELSIF NOT v_def.protected AND d.bucket <> 'draft'
              AND (az_delegate(p_person, d.owner_space_id, 'members')
                   OR az_delegate(p_person, d.owner_space_id, 'grants')) THEN
            v_handler := true;          -- sees it; acts only through referent:DUTY
        ELSE
            v_why := 'authz.no_grant';
        END IF;
    ELSIF d.owner_person_id = p_person THEN
        v_why := 'authz.not_member';           -- filed it, detached since
    END IF;

    -- the staff side: agents and third parties of the groups the procedure
    -- names, once the demand has left its owner's drafts
    v_staff := d.bucket <> 'draft'
           AND (EXISTS (SELECT 1 FROM agent_members am
                         WHERE am.person_id = p_person AND am.group_id = ANY (v_def.agent_groups))
                OR EXISTS (SELECT 1 FROM third_party_members tm
                            WHERE tm.person_id = p_person
                              AND tm.group_id = ANY (v_def.third_groups))
                -- the groups the demand's data names (0026: by="third-party:@FIELD")
                OR EXISTS (SELECT 1 FROM third_party_members tm
                            WHERE tm.person_id = p_person
                              AND 'third-party:' || tm.group_id = ANY (d.data_roles))
                OR EXISTS (SELECT 1 FROM agent_members am
                            WHERE am.person_id = p_person
                              AND 'agent:' || am.group_id = ANY (d.data_roles)));
    v_view := v_owner OR v_handler OR v_staff OR p_admin;

    IF p_roles IS NULL THEN
        IF v_view THEN
            verdict := 'allow';
            reason := NULL;
            RETURN;
        END IF;
    ELSE
        -- p_roles: the engine's normalised items, one blank apart
        -- (wf_people_roles): each is compared whole, never parsed
        FOREACH v_role IN ARRAY string_to_array(p_roles, ' ')
        LOOP
            IF (v_role = 'owner' AND v_owner)
               OR (v_role = 'member' AND d.owner_space_id IS NOT NULL AND v_owner)
               OR (v_role IN ('referent', 'referent:members', 'referent:grants')
                   AND p_context = COALESCE(d.owner_space_id, v_target)
                   AND (az_referent(p_person, p_context)
                        OR (v_role = 'referent:members'
                            AND az_delegate(p_person, p_context, 'members'))
                        OR (v_role = 'referent:grants'
                            AND az_delegate(p_person, p_context, 'grants'))))
               OR (d.bucket <> 'draft' AND (
                      (v_role = 'agent' AND EXISTS (
                           SELECT 1 FROM agent_members am WHERE am.person_id = p_person
                              AND am.group_id = ANY (v_def.agent_groups)))
                   OR EXISTS (
                           SELECT 1 FROM agent_members am WHERE am.person_id = p_person
                              AND 'agent:' || am.group_id = v_role)
                   OR EXISTS (
                           SELECT 1 FROM third_party_members tm WHERE tm.person_id = p_person
                              AND 'third-party:' || tm.group_id = v_role))) THEN
                verdict := 'allow';
                reason := NULL;
                RETURN;
            END IF;
            -- 'system' never matches: timers act without a request
        END LOOP;
        IF v_view THEN
            verdict := 'deny';
            reason := CASE WHEN p_admin AND NOT (v_owner OR v_handler OR v_staff)
                           THEN 'authz.read_only' ELSE 'authz.not_your_step' END;
            RETURN;
        END IF;
    END IF;

    IF v_why IS NOT NULL THEN
        verdict := 'deny';
        reason := v_why;
    END IF;
END $$;

-- az_sees (0008) with the demand's data roles: the same rule plus the
-- branch az_demand got above.
CREATE FUNCTION az_sees(p_person uuid, p_context uuid,
                        s_admin boolean, s_member boolean, s_referent boolean,
                        s_handler boolean, s_grants text[], s_agent text[], s_third text[],
                        d_owner_person uuid, d_owner_space uuid, d_key text, d_bucket text,
                        d_target text, df_protected boolean, df_agent text[], df_third text[],
                        d_data_roles text[])
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT az_sees(p_person, p_context, s_admin, s_member, s_referent, s_handler, s_grants,
                   s_agent, s_third, d_owner_person, d_owner_space, d_key, d_bucket,
                   d_target, df_protected, df_agent, df_third)
        OR coalesce(d_bucket <> 'draft'
                    AND (ARRAY(SELECT 'third-party:' || g FROM unnest(s_third) g) && d_data_roles
                         OR ARRAY(SELECT 'agent:' || g FROM unnest(s_agent) g) && d_data_roles),
                    false);
$$;

-- --- identifiers issued at the counter ------------------------------------------------

CREATE TABLE enrol_identifiers (
    identifier    text        PRIMARY KEY CHECK (identifier ~ '^[a-z0-9]{6}$'
                                                 AND identifier ~ '[a-z]'
                                                 AND identifier ~ '[0-9]'),
    demand_id     uuid        REFERENCES demands (id) ON DELETE SET NULL,
    person_id     uuid        NOT NULL REFERENCES persons (id),   -- whom it was issued to
    issued_by     uuid        NOT NULL REFERENCES persons (id),   -- the third party
    issued_group  text        REFERENCES third_party_groups (id) ON DELETE SET NULL,
    issued_at     timestamptz NOT NULL DEFAULT now(),
    event_id      bigint,
    activated_at  timestamptz
);

CREATE UNIQUE INDEX enrol_identifiers_demand ON enrol_identifiers (demand_id)
    WHERE demand_id IS NOT NULL;

COMMENT ON TABLE enrol_identifiers IS
    'every MIE identifier ever issued (never deleted, so never reused), '
    'with who issued it, where and when';

-- The third-party group the actor acts for on demand d: one of theirs the
-- demand's data names.
CREATE FUNCTION enrol_actor_group(d demands, p_actor uuid) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT tm.group_id FROM third_party_members tm
     WHERE tm.person_id = p_actor AND 'third-party:' || tm.group_id = ANY (d.data_roles)
     ORDER BY tm.group_id LIMIT 1;
$$;

-- issue-identifier: the first of the engine's fresh candidates
-- (args.candidates, engine/wf_effect.c) never issued before.
CREATE FUNCTION fx_issue_identifier(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_cand text;
BEGIN
    IF actor IS NULL THEN
        RAISE EXCEPTION 'enrol.identifier.no_actor';
    END IF;
    FOR v_cand IN SELECT jsonb_array_elements_text(COALESCE(args->'candidates', '[]')) LOOP
        BEGIN
            INSERT INTO enrol_identifiers (identifier, demand_id, person_id, issued_by,
                                           issued_group, event_id)
            VALUES (v_cand, d.id, d.owner_person_id, actor, enrol_actor_group(d, actor),
                    event_id);
            RETURN;
        EXCEPTION WHEN unique_violation THEN
            -- this demand already has one: never two
            IF EXISTS (SELECT 1 FROM enrol_identifiers e WHERE e.demand_id = d.id) THEN
                RAISE;
            END IF;
            -- a candidate issued before: the next one
        END;
    END LOOP;
    RAISE EXCEPTION 'enrol.identifier.exhausted';
END $$;

-- activate-identifier: the identifier the owner typed (args.field names
-- the field) is this demand's, not yet activated: marked activated.
CREATE FUNCTION fx_activate_identifier(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE enrol_identifiers e
       SET activated_at = now()
     WHERE e.demand_id = d.id AND e.activated_at IS NULL
       AND e.identifier = lower(btrim(d.form_data ->> (args ->> 'field')))
       AND e.person_id = actor;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enrol.identifier.wrong';
    END IF;
END $$;

-- --- raising a person's identity level ------------------------------------------------

CREATE TABLE assurance_raises (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id       uuid        NOT NULL REFERENCES persons (id),
    level           text        NOT NULL CHECK (level IN ('verified', 'strong')),
    previous        text        NOT NULL,
    -- the login it is bound to (kept as it was: an identity may be
    -- deleted with its account, the record stays)
    issuer          text        NOT NULL,
    subject         text        NOT NULL,
    demand_id       uuid,                   -- no foreign key: the trail outlives it
    event_id        bigint,
    -- who checked the person in person, where, when (the identifier's issue)
    verified_by     uuid        REFERENCES persons (id),
    verified_group  text,
    verified_at     timestamptz,
    raised_at       timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX assurance_raises_demand ON assurance_raises (demand_id)
    WHERE demand_id IS NOT NULL;
CREATE INDEX assurance_raises_person ON assurance_raises (person_id);

CREATE TRIGGER assurance_raises_append_only BEFORE UPDATE OR DELETE ON assurance_raises
    FOR EACH ROW EXECUTE FUNCTION space_trail_append_only();

COMMENT ON TABLE assurance_raises IS
    'each raise of a person''s identity level: the login (issuer, subject) it is bound '
    'to, who verified them, where and when; append-only';

-- raise-assurance: the owner's identity is raised to args.level, once per
-- demand, bound to the identity the owner logged in with last (the one
-- firing the step: the owner's own login); the verification is the
-- identifier issued for this demand, when there is one.
CREATE FUNCTION fx_raise_assurance(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_level text := args->>'level';
    v_prev  text;
    v_id    record;
    v_ver   record;
BEGIN
    IF v_level NOT IN ('verified', 'strong') THEN
        RAISE EXCEPTION 'raise-assurance: level %', v_level;
    END IF;
    IF actor IS DISTINCT FROM d.owner_person_id THEN
        RAISE EXCEPTION 'enrol.assurance.not_owner';
    END IF;
    SELECT i.issuer, i.subject INTO v_id FROM identities i
     WHERE i.person_id = actor ORDER BY i.last_login DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'enrol.assurance.no_identity';
    END IF;
    SELECT e.issued_by, e.issued_group, e.issued_at INTO v_ver
      FROM enrol_identifiers e WHERE e.demand_id = d.id;
    SELECT p.assurance INTO v_prev FROM persons p WHERE p.id = actor FOR UPDATE;
    INSERT INTO assurance_raises (person_id, level, previous, issuer, subject, demand_id,
                                  event_id, verified_by, verified_group, verified_at)
    VALUES (actor, v_level, v_prev, v_id.issuer, v_id.subject, d.id, event_id,
            v_ver.issued_by, v_ver.issued_group, v_ver.issued_at);
    -- never lowered: strong stays strong
    UPDATE persons SET assurance = v_level
     WHERE id = actor
       AND array_position(ARRAY['none', 'email', 'verified', 'strong'], assurance)
           < array_position(ARRAY['none', 'email', 'verified', 'strong'], v_level);
END $$;

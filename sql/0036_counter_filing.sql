-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0036_counter_filing.sql -- at the counter: an agent files a demand on
-- behalf of a person who came in (issue 11).
--
--   demands.filed_by, filed_group   who filed the draft at the counter, for
--                                   which agent group (NULL: the owner
--                                   filed it themself)
--   events.on_behalf_of             the person an event was done for, when
--                                   the agent who filed the draft did it as
--                                   its owner (set by a trigger, so no
--                                   writer of events needs to know)
--   az_demand                       0026's rule, plus: the filing agent plays
--                                   the owner while the demand is a draft
--                                   never submitted, a member of the group, acting for themself
--   az_sees (21 arguments)          the same for the set form
--   az_action_file_at_counter       action 'file-at-counter': object an agent
--                                   group, arg a procedure key
--   desk_find, desk_person,         the reads and the one write of the
--   desk_file, desk_drafts          counter desk (engine/desk.c)

ALTER TABLE demands
    ADD COLUMN filed_by    uuid REFERENCES persons (id),
    ADD COLUMN filed_group text CHECK (filed_group ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    ADD CONSTRAINT demands_filed_both CHECK ((filed_by IS NULL) = (filed_group IS NULL));

COMMENT ON COLUMN demands.filed_by IS
    'the agent who filed this demand at the counter for its owner (filed_group: their group)';

CREATE INDEX demands_filed_by ON demands (filed_by, created_at DESC) WHERE filed_by IS NOT NULL;

ALTER TABLE events ADD COLUMN on_behalf_of uuid;

COMMENT ON COLUMN events.on_behalf_of IS
    'the owner person, when the agent who filed the demand at the counter acted as its owner';

-- Marks an event done at the counter: its actor is the agent who filed the
-- demand, acting for the owner while the draft was never submitted (or in
-- the transaction that submits it).  Every writer of events (wf_apply,
-- wf_save, ...) is covered without knowing of the counter.
CREATE FUNCTION desk_event_on_behalf() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    IF NEW.actor_person_id IS NULL OR NEW.on_behalf_of IS NOT NULL THEN
        RETURN NEW;
    END IF;
    SELECT owner_person_id, filed_by, bucket, submitted_at INTO d
      FROM demands WHERE id = NEW.demand_id;
    IF FOUND AND d.filed_by = NEW.actor_person_id AND d.owner_person_id <> d.filed_by
       AND ((d.bucket = 'draft' AND d.submitted_at IS NULL) OR d.submitted_at = now()) THEN
        NEW.on_behalf_of := d.owner_person_id;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER events_on_behalf BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION desk_event_on_behalf();

-- --- who sees and acts on a demand: 0026's rule and the counter's ----------------------

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
           dm.form_data, dm.bucket, dm.data_roles, dm.filed_by, dm.filed_group,
           dm.submitted_at
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

    -- 0036, at the counter: the agent who filed the draft for the person
    -- plays its owner until it is first submitted, while still a member of
    -- the group they filed it for, acting for themself (their desk's work,
    -- not a space's)
    IF d.filed_by = p_person AND d.bucket = 'draft' AND d.submitted_at IS NULL
       AND EXISTS (SELECT 1 FROM agent_members am
                    WHERE am.person_id = p_person AND am.group_id = d.filed_group) THEN
        IF p_context IS NULL THEN
            v_owner := true;
        ELSE
            v_why := COALESCE(v_why, 'authz.switch_to_self');
        END IF;
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

-- az_sees (0026's 18 arguments) with the counter's columns: the same rule
-- plus the branch az_demand got above.  Proven equal to authz_may by
-- tests/integration/test_listing_sets.py.
CREATE FUNCTION az_sees(p_person uuid, p_context uuid,
                        s_admin boolean, s_member boolean, s_referent boolean,
                        s_handler boolean, s_grants text[], s_agent text[], s_third text[],
                        d_owner_person uuid, d_owner_space uuid, d_key text, d_bucket text,
                        d_target text, df_protected boolean, df_agent text[], df_third text[],
                        d_data_roles text[], d_filed_by uuid, d_filed_group text,
                        d_submitted_at timestamptz)
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT az_sees(p_person, p_context, s_admin, s_member, s_referent, s_handler, s_grants,
                   s_agent, s_third, d_owner_person, d_owner_space, d_key, d_bucket,
                   d_target, df_protected, df_agent, df_third, d_data_roles)
        OR coalesce(p_context IS NULL AND d_filed_by = p_person AND d_bucket = 'draft'
                    AND d_submitted_at IS NULL AND d_filed_group = ANY (s_agent), false);
$$;

-- file-at-counter: object an agent group, arg a procedure key (or NULL:
-- the desk itself).  A member of the group, for a procedure whose newest
-- version names the group (by="agent:GROUP"), acting for themself
-- (authz.switch_to_self otherwise).  An unknown group is
-- notfound; someone else, administrators too, authz.not_agent; a procedure
-- the group does not act in (or that does not exist) desk.not_this_group.
CREATE FUNCTION az_action_file_at_counter(p_person uuid, p_context uuid, p_admin boolean,
                  p_object text, p_arg text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_def record;
BEGIN
    verdict := 'deny';
    reason := NULL;
    IF NOT EXISTS (SELECT 1 FROM agent_groups WHERE id = p_object) THEN
        verdict := 'notfound';
        reason := 'err.notfound';
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM agent_members
                    WHERE group_id = p_object AND person_id = p_person) THEN
        reason := 'authz.not_agent';
        RETURN;
    END IF;
    IF p_context IS NOT NULL THEN           -- the desk's work is the agent's own
        reason := 'authz.switch_to_self';
        RETURN;
    END IF;
    IF p_arg IS NOT NULL THEN
        SELECT * INTO v_def FROM az_definition(p_arg, NULL);
        IF NOT v_def.known OR NOT (p_object = ANY (v_def.agent_groups)) THEN
            reason := 'desk.not_this_group';
            RETURN;
        END IF;
    END IF;
    verdict := 'allow';
END $$;

-- --- the desk's reads -------------------------------------------------------------------

-- What the desk shows of a person: name, e-mail, AVS number, assurance,
-- birth date when the person register knows it, and the active spaces they
-- are a live member of.
CREATE FUNCTION desk_person_json(p persons) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', p.id, 'name', p.display_name, 'email', p.email, 'avs13', p.avs13,
        'assurance', p.assurance,
        'birth', (SELECT to_char(r.birth_date, 'DD.MM.YYYY') FROM ref_persons r
                   WHERE r.avs13 = p.avs13),
        'spaces', coalesce((SELECT jsonb_agg(jsonb_build_object('id', s.id, 'name', e.name,
                                                              'kind', e.legal_form)
                                             ORDER BY e.name)
                              FROM memberships m JOIN spaces s ON s.id = m.space_id
                              JOIN entities e ON e.id = s.entity_id
                             WHERE m.person_id = p.id AND m.ended_at IS NULL
                               AND s.status = 'active'), '[]'));
$$;

-- The persons an e-mail address or an AVS number (already in the form
-- 756.xxxx.xxxx.xx) names, deleted accounts left out: [person...].
CREATE FUNCTION desk_find(p_ident text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(desk_person_json(p) ORDER BY p.display_name), '[]')
      FROM persons p
     WHERE p.deleted_at IS NULL
       AND CASE WHEN position('@' IN p_ident) > 0
                THEN lower(p.email) = lower(btrim(p_ident))
                ELSE p.avs13 = btrim(p_ident) END;
$$;

-- One person by id (NULL when unknown or deleted).
CREATE FUNCTION desk_person(p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT desk_person_json(p) FROM persons p WHERE p.id = p_id AND p.deleted_at IS NULL;
$$;

-- The drafts an agent filed at the counter for a group and nobody has
-- submitted yet, newest first: what they may resume.
CREATE FUNCTION desk_drafts(p_agent uuid, p_group text, p_limit int) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(y.x ORDER BY y.created_at DESC), '[]')
      FROM (SELECT jsonb_build_object(
                   'id', d.id, 'reference', d.reference, 'workflow', d.workflow_key,
                   'version', d.definition_version, 'state', d.state,
                   'person', p.display_name, 'space', e.name,
                   'created', to_char(d.created_at AT TIME ZONE 'Europe/Zurich',
                                      'DD.MM.YYYY HH24:MI')) AS x, d.created_at
              FROM demands d JOIN persons p ON p.id = d.owner_person_id
              LEFT JOIN spaces s ON s.id = d.owner_space_id
              LEFT JOIN entities e ON e.id = s.entity_id
             WHERE d.filed_by = p_agent AND d.filed_group = p_group
               AND d.bucket = 'draft' AND d.submitted_at IS NULL
             ORDER BY d.created_at DESC LIMIT p_limit) y;
$$;

-- --- the desk's write -------------------------------------------------------------------

-- Creates the draft of c (wf_create's document: owner the person, actor the
-- agent), records who filed it (c->'filed_by', c->'filed_group'), and
-- queues the mail telling the person (template counter-filed, in the
-- demand's language; c->'mail': {workflow: the procedure's title}; state:
-- the agent and their group).  One transaction.
CREATE FUNCTION desk_file(c jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_new jsonb;
    d     demands;
BEGIN
    v_new := wf_create(c);
    UPDATE demands SET filed_by = (c->>'filed_by')::uuid, filed_group = c->>'filed_group'
     WHERE id = (v_new->>'id')::uuid
    RETURNING * INTO d;
    INSERT INTO outbox (demand_id, template, recipient, recipient_name, person_id, lang, data)
    SELECT d.id, 'counter-filed', p.email, p.display_name, p.id, d.lang,
           jsonb_build_object('reference', d.reference,
                              'state', a.display_name || ', ' || g.name)
           || COALESCE(c->'mail', '{}')
      FROM persons p, persons a, agent_groups g
     WHERE a.id = d.filed_by AND g.id = d.filed_group AND p.id = d.owner_person_id AND p.deleted_at IS NULL
       AND p.email ~ '^[^\s<>,;@]+@[^\s<>,;@]+$';
    RETURN to_jsonb(d);
END $$;

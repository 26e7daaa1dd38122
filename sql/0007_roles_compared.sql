-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0007_roles_compared.sql -- a transition's roles reach authz_may() parsed.
--
-- A transition's by="..." is parsed once, when the engine loads the
-- definition (engine/wf_def.c), with the group id rule of the tables below
-- (agent_groups.id, third_party_groups.id: ^[a-z0-9][a-z0-9-]{0,62}$,
-- engine/authz.c authz_group_ok).  The engine hands authz_may('fire-transition')
-- the parsed roles in one normalised form (engine/wf_fire.c wf_people_roles):
-- 'owner', 'member', 'referent', 'referent:members', 'referent:grants',
-- 'agent', 'agent:GROUP', 'third-party:GROUP', one blank apart.  0003's
-- az_demand split that text again with its own pattern and took groups
-- apart with split_part; this version only compares each item whole, so
-- what the engine parsed is what the database honours.  Everything else
-- is 0003's az_demand unchanged.

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
           dm.form_data, dm.bucket
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
                              AND tm.group_id = ANY (v_def.third_groups)));
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

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0025_space_procs.sql -- the effects that change a professional space from
-- a procedure (workflows/space_join.xml, workflows/service_access.xml, and
-- any procedure an administrator writes with them).
--
-- Each effect is the function fx_<action> that wf_effect() (0020) calls
-- inside the transition's transaction, with the demand as the transition
-- leaves it and the person who fired it as actor (NULL: a timer).  They
-- change nothing themselves: they find the space and the person the
-- arguments name, then call the space_* functions of 0003, which check
-- the rules (one référent, a live member...) and append to space_events.
-- A refusal (key as the message, SQLSTATE P0001) rolls the whole
-- transition back.
--
--   address-space     entity-field: the personal demand is addressed to the
--                     active space of the IDE entity (form_data.target_space,
--                     set by the engine: engine/wf_effect.c); checked here
--   attach-member     person-field, space-field, function-field
--   detach-member     person-field, space-field
--   set-referent      person-field, space-field
--   delegate          duty, person-field, space-field
--   revoke-delegation duty, person-field, space-field
--   grant-access      service | service-field, person-field, space-field
--   revoke-access     service | service-field, person-field, space-field
--
-- Which space: space-field (a space id, or an IDE number: that entity's
-- active space), else the demand's own space, else the space a personal
-- demand is addressed to (target_space).  Which person: person-field (a
-- person id, or the e-mail address of exactly one person), else the
-- demand's owner.
--
-- Does not own: who may fire the transition (authz_may, checked before),
-- the rules of a space (0003's functions), the one-time codes and the
-- opening of a space (other migrations).

-- --- where and who ---------------------------------------------------------------

-- The active space of the entity with IDE number p_ide, and whether
-- p_person is a live member of it (engine/space.c space_of_ide).
CREATE FUNCTION space_active_of_ide(p_ide text, p_person uuid)
RETURNS TABLE (space_id uuid, is_member boolean)
LANGUAGE sql STABLE AS $$
    SELECT s.id, p_person IS NOT NULL AND az_member(p_person, s.id)
      FROM entities e JOIN spaces s ON s.entity_id = e.id AND s.status = 'active'
     WHERE e.ide = p_ide;
$$;

CREATE FUNCTION fx_space(d demands, args jsonb) RETURNS uuid
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_val   text;
    v_space uuid;
BEGIN
    IF args ? 'space-field' THEN
        v_val := fx_arg(d, args, 'space');
        v_space := az_uuid(v_val);
        IF v_space IS NULL AND v_val IS NOT NULL THEN
            SELECT a.space_id INTO v_space FROM space_active_of_ide(v_val, NULL) a;
        END IF;
    ELSE
        v_space := COALESCE(d.owner_space_id, az_uuid(d.form_data->>'target_space'));
    END IF;
    IF v_space IS NULL THEN
        RAISE EXCEPTION 'spaceprocs.no_space';
    END IF;
    RETURN v_space;
END $$;

CREATE FUNCTION fx_person(d demands, args jsonb) RETURNS uuid
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_val    text;
    v_person uuid;
BEGIN
    IF NOT args ? 'person-field' THEN
        RETURN d.owner_person_id;
    END IF;
    v_val := fx_arg(d, args, 'person');
    v_person := az_uuid(v_val);
    IF v_person IS NULL AND v_val IS NOT NULL THEN
        SELECT p.id INTO v_person FROM persons p WHERE lower(p.email) = lower(v_val);
        IF (SELECT count(*) FROM persons p WHERE lower(p.email) = lower(v_val)) <> 1 THEN
            v_person := NULL;
        END IF;
    END IF;
    IF v_person IS NULL OR NOT EXISTS (SELECT 1 FROM persons WHERE id = v_person) THEN
        RAISE EXCEPTION 'spaceprocs.no_person';
    END IF;
    RETURN v_person;
END $$;

-- The service a grant effect names: a protected procedure that exists.
CREATE FUNCTION fx_service(d demands, args jsonb) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_key text := fx_arg(d, args, 'service');
    v_def record;
BEGIN
    SELECT * INTO v_def FROM az_definition(v_key, NULL);
    IF v_key IS NULL OR NOT v_def.known OR NOT v_def.protected THEN
        RAISE EXCEPTION 'spaceprocs.no_service';
    END IF;
    RETURN v_key;
END $$;

-- --- the effects -------------------------------------------------------------------

-- The engine put the space in form_data.target_space (and args.space);
-- this checks it again in the transaction: still active, the owner still
-- not a member.
CREATE FUNCTION fx_address_space(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_space uuid := az_uuid(d.form_data->>'target_space');
BEGIN
    IF v_space IS NULL OR v_space IS DISTINCT FROM az_uuid(args->>'space')
       OR NOT EXISTS (SELECT 1 FROM spaces WHERE id = v_space AND status = 'active') THEN
        RAISE EXCEPTION 'spaceprocs.no_space';
    END IF;
    IF az_member(d.owner_person_id, v_space) THEN
        RAISE EXCEPTION 'spaceprocs.already_member';
    END IF;
END $$;

CREATE FUNCTION fx_attach_member(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM space_attach(fx_space(d, args), fx_person(d, args), fx_arg(d, args, 'function'),
                         actor);
END $$;

CREATE FUNCTION fx_detach_member(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM space_detach(fx_space(d, args), fx_person(d, args), actor);
END $$;

CREATE FUNCTION fx_set_referent(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM space_set_referent(fx_space(d, args), fx_person(d, args), actor);
END $$;

-- 'identification' is in the language for the enrolment at a counter; a
-- space's delegations hold members and grants only.
CREATE FUNCTION fx_delegate(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF args->>'duty' NOT IN ('members', 'grants') THEN
        RAISE EXCEPTION 'spaceprocs.duty';
    END IF;
    PERFORM space_delegate(fx_space(d, args), fx_person(d, args), args->>'duty', NULL, actor);
END $$;

CREATE FUNCTION fx_revoke_delegation(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF args->>'duty' NOT IN ('members', 'grants') THEN
        RAISE EXCEPTION 'spaceprocs.duty';
    END IF;
    PERFORM space_undelegate(fx_space(d, args), fx_person(d, args), args->>'duty', actor);
END $$;

-- A grant the person already holds (given meanwhile from the members
-- page) is left as it is: the demand still ends granted.
CREATE FUNCTION fx_grant_access(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_space   uuid := fx_space(d, args);
    v_person  uuid := fx_person(d, args);
    v_service text := fx_service(d, args);
BEGIN
    IF NOT az_granted(v_person, v_space, v_service) THEN
        PERFORM space_grant(v_space, v_person, v_service, actor);
    END IF;
END $$;

-- Likewise a grant already revoked stays revoked.
CREATE FUNCTION fx_revoke_access(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_space   uuid := fx_space(d, args);
    v_person  uuid := fx_person(d, args);
    v_service text := fx_arg(d, args, 'service');
BEGIN
    IF az_granted(v_person, v_space, v_service) THEN
        PERFORM space_revoke(v_space, v_person, v_service, actor);
    END IF;
END $$;

-- --- the référent's delegates see what they handle ------------------------------------
--
-- A member holding one of the référent's duties (members, grants), acting
-- for the space, also sees the space's demands of procedures that are not
-- protected, once out of their filer's drafts: the access requests of the
-- other members that by="referent:grants" lets them decide
-- (workflows/service_access.xml).  Before, they
-- could fire the step but not open the demand.  Protected procedures stay
-- the référent's and the grant holders'.  az_demand is 0007's with that one
-- change; az_sees (0008) says the same for listings.

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

CREATE OR REPLACE FUNCTION az_sees(p_person uuid, p_context uuid,
                        s_admin boolean, s_member boolean, s_referent boolean,
                        s_handler boolean, s_grants text[], s_agent text[], s_third text[],
                        d_owner_person uuid, d_owner_space uuid, d_key text, d_bucket text,
                        d_target text, df_protected boolean, df_agent text[], df_third text[])
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(s_admin
        OR (d_owner_space IS NULL AND p_context IS NULL AND d_owner_person = p_person)
        OR (d_owner_space IS NULL AND p_context IS NOT NULL AND s_handler
            AND az_uuid(d_target) = p_context)
        OR (d_owner_space = p_context AND s_member
            AND (s_referent OR d_key = ANY (s_grants)
                 OR (NOT df_protected
                     AND (d_owner_person = p_person
                          OR (s_handler AND NOT s_referent AND d_bucket <> 'draft')))))
        OR (d_bucket <> 'draft'
            AND (df_agent && s_agent OR df_third && s_third)), false);
$$;

-- --- requests addressed to a space, on its handlers' dashboard -------------------------
--
-- A join request is the person's own demand (owner_space_id NULL) addressed
-- to a space (form_data.target_space): its référent and delegates, acting
-- for that space, see it (az_demand, az_sees) but the dashboard (0008)
-- listed only the space's own demands.  Now it lists them too: under
-- "to do" while they wait (out of drafts, not final), under "archived"
-- once decided -- the handler's words, not the applicant's bucket.

CREATE INDEX demands_target_space ON demands ((form_data->>'target_space'), updated_at)
    WHERE owner_space_id IS NULL AND form_data ? 'target_space';

-- The handler's bucket of an addressed demand.
CREATE FUNCTION wf_addressed_bucket(d_bucket text, d_final boolean) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN d_bucket = 'draft' THEN NULL
                WHEN d_final THEN 'archived' ELSE 'to-do' END;
$$;

CREATE OR REPLACE FUNCTION wf_listing(p_person uuid, p_context uuid, p_bucket text, p_limit int)
RETURNS SETOF demands
LANGUAGE sql STABLE AS $$
    (SELECT d.*
       FROM demands d
      WHERE p_context IS NULL AND d.owner_person_id = p_person AND d.owner_space_id IS NULL
        AND d.bucket = p_bucket
      ORDER BY d.updated_at DESC
      LIMIT p_limit)
    UNION ALL
    (SELECT d.*
       FROM az_scope(p_person, p_context) s,
            demands d
       JOIN definitions df ON df.workflow_key = d.workflow_key
                          AND df.version = d.definition_version
      WHERE d.owner_space_id = p_context AND d.bucket = p_bucket
        AND az_sees(p_person, p_context, s.admin, s.member, s.referent, s.handler, s.grants,
                    s.agent_groups, s.third_groups, d.owner_person_id, d.owner_space_id,
                    d.workflow_key, d.bucket, NULL, df.protected, df.agent_groups,
                    df.third_groups)
      ORDER BY d.updated_at DESC
      LIMIT p_limit)
    UNION ALL
    (SELECT d.*
       FROM az_scope(p_person, p_context) s,
            demands d
      WHERE p_context IS NOT NULL AND s.handler
        AND d.owner_space_id IS NULL AND d.form_data ? 'target_space'
        AND d.form_data->>'target_space' = p_context::text
        AND wf_addressed_bucket(d.bucket, d.is_final) = p_bucket
      ORDER BY d.updated_at DESC
      LIMIT p_limit)
$$;

CREATE OR REPLACE FUNCTION wf_bucket_counts(p_person uuid, p_context uuid)
RETURNS TABLE (bucket text, n bigint)
LANGUAGE sql STABLE AS $$
    SELECT x.bucket, sum(x.n)::bigint
      FROM (SELECT c.bucket, c.n
              FROM az_scope(p_person, p_context) s,
                   demand_counts c
              JOIN definitions df ON df.workflow_key = c.workflow_key
                                 AND df.version = c.definition_version
             WHERE ((p_context IS NULL AND c.owner_person_id = p_person
                     AND c.owner_space_id IS NULL)
                    OR (c.owner_space_id = p_context
                        AND az_sees(p_person, p_context, s.admin, s.member, s.referent,
                                    s.handler, s.grants, s.agent_groups, s.third_groups,
                                    c.owner_person_id, c.owner_space_id, c.workflow_key,
                                    c.bucket, NULL, df.protected, df.agent_groups,
                                    df.third_groups)))
            UNION ALL
            SELECT wf_addressed_bucket(d.bucket, d.is_final), 1
              FROM az_scope(p_person, p_context) s,
                   demands d
             WHERE p_context IS NOT NULL AND s.handler
               AND d.owner_space_id IS NULL AND d.form_data ? 'target_space'
               AND d.form_data->>'target_space' = p_context::text
               AND d.bucket <> 'draft') x
     GROUP BY x.bucket
    HAVING sum(x.n) <> 0;
$$;

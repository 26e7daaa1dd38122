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

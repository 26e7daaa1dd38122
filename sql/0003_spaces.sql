-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0003_spaces.sql -- for whom a person acts, and what they may do there.
--
--   entities            IDE entities (association, foundation, SA, Sàrl,
--                       commune, ...) with their registered postal address
--   spaces              the professional space of an entity: pending ->
--                       active -> closed; exactly one référent while active
--   memberships         person x space, with a function, since, ended_at
--   delegations         duties the référent hands to a member ('members':
--                       attach/detach and join requests; 'grants': access
--                       to services), optionally until a date
--   access_grants       member x protected service (workflow key), who
--                       granted it and when, revoked (never deleted)
--   agent_groups        back-office services (SERAC, contrôle des habitants)
--   third_party_groups  trusted third parties (préfecture, commune)
--   administrators      who administers the portal
--   space_events        append-only trail of every change above
--   identity_links      trail of identities an administrator moved
--
-- and the functions that change them (one round trip each), plus the one
-- authorization question every handler asks: authz_may(), called by
-- engine/authz.c.  docs/access.md explains the rules in prose.
--
-- Written by engine/space.c (and the workflow effects that call the same
-- functions); read by engine/session.c (the contexts of a person) and
-- engine/authz.c.

-- --- IDE numbers --------------------------------------------------------------

-- CHE-123.456.789 with the mod-11 check digit of the Swiss UID register
-- (weights 5 4 3 2 7 6 5 4; a check value of 10 is never issued).  The
-- canonical form only: the C side normalises input (engine/field_ids.c).
CREATE FUNCTION ide_valid(v text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    d text;
    w int[] := '{5,4,3,2,7,6,5,4}';
    s int := 0;
    c int;
BEGIN
    IF v !~ '^CHE-[0-9]{3}\.[0-9]{3}\.[0-9]{3}$' THEN
        RETURN false;
    END IF;
    d := translate(substr(v, 5), '.', '');
    FOR i IN 1..8 LOOP
        s := s + substr(d, i, 1)::int * w[i];
    END LOOP;
    c := 11 - s % 11;
    IF c = 11 THEN
        c := 0;
    END IF;
    RETURN c <> 10 AND c = substr(d, 9, 1)::int;
END $$;

-- --- entities and their spaces ---------------------------------------------------

CREATE TABLE entities (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    ide           text        NOT NULL UNIQUE CHECK (ide_valid(ide)),
    legal_form    text        NOT NULL CHECK (legal_form IN
                      ('association', 'foundation', 'sa', 'sarl', 'cooperative',
                       'partnership', 'individual', 'commune', 'public', 'other')),
    name          text        NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 300),
    -- the registered postal address (IDE register): activation letters go there
    care_of       text        CHECK (length(care_of) <= 200),
    street        text        NOT NULL CHECK (btrim(street) <> '' AND length(street) <= 200),
    house_number  text        CHECK (length(house_number) <= 20),
    post_box      text        CHECK (length(post_box) <= 50),
    postcode      text        NOT NULL CHECK (length(postcode) BETWEEN 1 AND 12),
    locality      text        NOT NULL CHECK (btrim(locality) <> '' AND length(locality) <= 100),
    country       text        NOT NULL DEFAULT 'CH' CHECK (country ~ '^[A-Z]{2}$'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (country <> 'CH' OR postcode ~ '^[1-9][0-9]{3}$')
);

-- The kind of entity a procedure's <audience entity-kinds="..."> names
-- (engine/wf_def.c): coarser than the legal form, which decides the
-- documents to provide (an SA and a Sàrl are both a company).
CREATE FUNCTION entity_kind(p_legal_form text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_legal_form
           WHEN 'sa' THEN 'company'
           WHEN 'sarl' THEN 'company'
           WHEN 'individual' THEN 'sole-proprietorship'
           WHEN 'public' THEN 'public-body'
           ELSE p_legal_form END;
$$;

CREATE TRIGGER entities_touch BEFORE UPDATE ON entities
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

COMMENT ON TABLE entities IS 'Entities of the IDE/UID register for which people act';

CREATE TABLE spaces (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    entity_id           uuid        NOT NULL REFERENCES entities (id),
    status              text        NOT NULL DEFAULT 'pending'
                                    CHECK (status IN ('pending', 'active', 'closed')),
    -- the single administrator of the space (while pending: the applicant)
    referent_person_id  uuid        REFERENCES persons (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    activated_at        timestamptz,
    closed_at           timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- exactly one référent per active space: the column holds at most one,
    -- this check at least one, spaces_referent_check (below) that it is a
    -- live member
    CONSTRAINT spaces_active_has_referent
        CHECK (status <> 'active' OR referent_person_id IS NOT NULL),
    CHECK (status <> 'active' OR activated_at IS NOT NULL),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);

-- one open (pending or active) space per entity
CREATE UNIQUE INDEX spaces_one_open ON spaces (entity_id) WHERE status <> 'closed';
CREATE INDEX spaces_referent ON spaces (referent_person_id) WHERE status = 'active';

CREATE TRIGGER spaces_touch BEFORE UPDATE ON spaces
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

COMMENT ON TABLE spaces IS
    'Professional spaces (Espace sécurisé professionnel) of entities; one référent while active';

-- sessions.space_id (0002) names the active context
ALTER TABLE sessions ADD CONSTRAINT sessions_space_fk
    FOREIGN KEY (space_id) REFERENCES spaces (id) ON DELETE SET NULL;

CREATE TABLE memberships (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_id   uuid        NOT NULL REFERENCES spaces (id),
    person_id  uuid        NOT NULL REFERENCES persons (id),
    function   text        CHECK (length(function) <= 200),   -- "trésorière"
    since      timestamptz NOT NULL DEFAULT now(),
    added_by   uuid        REFERENCES persons (id),
    ended_at   timestamptz,
    ended_by   uuid        REFERENCES persons (id),
    CHECK (ended_at IS NULL OR ended_at >= since)
);

CREATE UNIQUE INDEX memberships_live ON memberships (space_id, person_id) WHERE ended_at IS NULL;
CREATE INDEX memberships_person ON memberships (person_id) WHERE ended_at IS NULL;

COMMENT ON TABLE memberships IS
    'Who belongs to a space; ended rows are kept (ended_at) for the trail';

CREATE TABLE delegations (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_id    uuid        NOT NULL REFERENCES spaces (id),
    person_id   uuid        NOT NULL REFERENCES persons (id),
    duty        text        NOT NULL CHECK (duty IN ('members', 'grants')),
    -- last day it holds (civil date in Zurich); NULL = until revoked
    until       date,
    granted_by  uuid        REFERENCES persons (id),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    revoked_by  uuid        REFERENCES persons (id)
);

CREATE UNIQUE INDEX delegations_live ON delegations (space_id, person_id, duty)
    WHERE revoked_at IS NULL;

COMMENT ON TABLE delegations IS
    'Duties of the référent handed to a member: members (attach, detach, join requests), '
    'grants (access to protected services)';

CREATE TABLE access_grants (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_id      uuid        NOT NULL REFERENCES spaces (id),
    person_id     uuid        NOT NULL REFERENCES persons (id),
    workflow_key  text        NOT NULL CHECK (workflow_key ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    granted_by    uuid        REFERENCES persons (id),
    granted_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    revoked_by    uuid        REFERENCES persons (id),
    CHECK (revoked_at IS NULL OR revoked_at >= granted_at)
);

CREATE UNIQUE INDEX access_grants_live ON access_grants (space_id, person_id, workflow_key)
    WHERE revoked_at IS NULL;

COMMENT ON TABLE access_grants IS
    'Member x protected service: may use it for the space (the référent always may)';

-- --- groups and administrators ------------------------------------------------------

CREATE TABLE agent_groups (
    id          text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text        NOT NULL CHECK (btrim(name) <> ''),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agent_members (
    group_id    text        NOT NULL REFERENCES agent_groups (id) ON DELETE CASCADE,
    person_id   uuid        NOT NULL REFERENCES persons (id),
    since       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, person_id)
);

CREATE INDEX agent_members_person ON agent_members (person_id);

COMMENT ON TABLE agent_groups IS
    'Back-office services; a procedure names the group that works it (by="agent:GROUP")';

CREATE TABLE third_party_groups (
    id          text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text        NOT NULL CHECK (btrim(name) <> ''),
    kind        text        NOT NULL DEFAULT 'authority'
                            CHECK (kind IN ('prefecture', 'commune', 'authority')),
    commune_ofs int         CHECK (commune_ofs BETWEEN 1 AND 9999),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE third_party_members (
    group_id    text        NOT NULL REFERENCES third_party_groups (id) ON DELETE CASCADE,
    person_id   uuid        NOT NULL REFERENCES persons (id),
    since       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, person_id)
);

CREATE INDEX third_party_members_person ON third_party_members (person_id);

COMMENT ON TABLE third_party_groups IS
    'Trusted third parties (préfecture, municipal secretary) that check people in person';

CREATE TABLE administrators (
    person_id   uuid        PRIMARY KEY REFERENCES persons (id),
    since       timestamptz NOT NULL DEFAULT now(),
    granted_by  uuid        REFERENCES persons (id)
);

COMMENT ON TABLE administrators IS
    'Portal administrators: publish procedures, link identities, see everything read-only';

-- --- trails ---------------------------------------------------------------------------

CREATE TABLE space_events (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_id    uuid        NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       uuid,                    -- NULL: the system (a workflow effect)
    action      text        NOT NULL CHECK (action IN
                    ('create', 'activate', 'close', 'attach', 'detach', 'referent',
                     'grant', 'revoke', 'delegate', 'undelegate')),
    person_id   uuid,                    -- whom it concerns
    detail      jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX space_events_space ON space_events (space_id, at);

CREATE TABLE identity_links (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issuer       text        NOT NULL,
    subject      text        NOT NULL,
    from_person  uuid        NOT NULL,
    to_person    uuid        NOT NULL,
    linked_by    uuid        NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION space_trail_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER space_events_no_update BEFORE UPDATE OR DELETE ON space_events
    FOR EACH ROW EXECUTE FUNCTION space_trail_append_only();
CREATE TRIGGER identity_links_no_update BEFORE UPDATE OR DELETE ON identity_links
    FOR EACH ROW EXECUTE FUNCTION space_trail_append_only();

-- --- the référent is a live member of an active space ------------------------------

-- Checked at commit, so that "attach then make référent" or "replace the
-- référent then detach the old one" may happen in either order inside one
-- transaction.
CREATE FUNCTION spaces_referent_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_space uuid;
BEGIN
    IF TG_TABLE_NAME = 'spaces' THEN
        v_space := NEW.id;
    ELSE
        v_space := OLD.space_id;
    END IF;
    IF EXISTS (SELECT 1 FROM spaces s
                WHERE s.id = v_space AND s.status = 'active'
                  AND NOT EXISTS (SELECT 1 FROM memberships m
                                   WHERE m.space_id = s.id
                                     AND m.person_id = s.referent_person_id
                                     AND m.ended_at IS NULL)) THEN
        RAISE EXCEPTION 'the référent of an active space must be one of its members'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'spaces_referent_is_member';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER spaces_referent_is_member
    AFTER INSERT OR UPDATE ON spaces DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION spaces_referent_check();
CREATE CONSTRAINT TRIGGER memberships_referent_is_member
    AFTER UPDATE OR DELETE ON memberships DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION spaces_referent_check();

-- --- changes (engine/space.c; workflow effects) --------------------------------------
-- Each is one round trip.  Business refusals raise SQLSTATE P0001 with a
-- message key as the message (db_exec maps it to EN_BADINPUT), duplicates
-- raise unique_violation (EN_CONFLICT).  Authorization is NOT checked here:
-- the caller asked authz_check first (or is a workflow effect whose
-- transition was authorized).

-- Creates (or reuses, by IDE number) the entity and opens a pending space
-- with the applicant as its future référent and first member.
-- e: {ide, legal_form, name, care_of, street, house_number, post_box,
--     postcode, locality, country}
CREATE FUNCTION space_create(e jsonb, p_applicant uuid) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_entity uuid;
    v_space  uuid;
BEGIN
    INSERT INTO entities (ide, legal_form, name, care_of, street, house_number, post_box,
                          postcode, locality, country)
    VALUES (e->>'ide', e->>'legal_form', e->>'name', e->>'care_of', e->>'street',
            e->>'house_number', e->>'post_box', e->>'postcode', e->>'locality',
            COALESCE(e->>'country', 'CH'))
    ON CONFLICT (ide) DO UPDATE
       SET legal_form = EXCLUDED.legal_form, name = EXCLUDED.name,
           care_of = EXCLUDED.care_of, street = EXCLUDED.street,
           house_number = EXCLUDED.house_number, post_box = EXCLUDED.post_box,
           postcode = EXCLUDED.postcode, locality = EXCLUDED.locality,
           country = EXCLUDED.country
    RETURNING id INTO v_entity;
    IF EXISTS (SELECT 1 FROM spaces WHERE entity_id = v_entity AND status <> 'closed') THEN
        RAISE EXCEPTION 'space.already_open' USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO spaces (entity_id, referent_person_id)
    VALUES (v_entity, p_applicant) RETURNING id INTO v_space;
    INSERT INTO memberships (space_id, person_id, function, added_by)
    VALUES (v_space, p_applicant, NULL, p_applicant);
    INSERT INTO space_events (space_id, actor, action, person_id, detail)
    VALUES (v_space, p_applicant, 'create', p_applicant, jsonb_build_object('ide', e->>'ide'));
    RETURN v_space;
END $$;

-- pending -> active (the activation code was confirmed).
CREATE FUNCTION space_activate(p_space uuid, p_actor uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE spaces SET status = 'active', activated_at = now()
     WHERE id = p_space AND status = 'pending';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'space.not_pending';
    END IF;
    INSERT INTO space_events (space_id, actor, action) VALUES (p_space, p_actor, 'activate');
END $$;

-- Closes a space: memberships, grants and delegations end with it.
CREATE FUNCTION space_close(p_space uuid, p_actor uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE spaces SET status = 'closed', closed_at = now()
     WHERE id = p_space AND status <> 'closed';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'space.closed';
    END IF;
    UPDATE access_grants SET revoked_at = now(), revoked_by = p_actor
     WHERE space_id = p_space AND revoked_at IS NULL;
    UPDATE delegations SET revoked_at = now(), revoked_by = p_actor
     WHERE space_id = p_space AND revoked_at IS NULL;
    UPDATE memberships SET ended_at = now(), ended_by = p_actor
     WHERE space_id = p_space AND ended_at IS NULL;
    INSERT INTO space_events (space_id, actor, action) VALUES (p_space, p_actor, 'close');
END $$;

-- Attaches a person to an open space.  Returns the membership id.
CREATE FUNCTION space_attach(p_space uuid, p_person uuid, p_function text, p_actor uuid)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM 1 FROM spaces WHERE id = p_space AND status <> 'closed' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'space.closed';
    END IF;
    INSERT INTO memberships (space_id, person_id, function, added_by)
    VALUES (p_space, p_person, NULLIF(btrim(p_function), ''), p_actor)
    RETURNING id INTO v_id;
    INSERT INTO space_events (space_id, actor, action, person_id, detail)
    VALUES (p_space, p_actor, 'attach', p_person,
            jsonb_build_object('function', NULLIF(btrim(p_function), '')));
    RETURN v_id;
END $$;

-- Detaches a member: their grants and delegations end too.  The référent
-- cannot be detached (replace them first).
CREATE FUNCTION space_detach(p_space uuid, p_person uuid, p_actor uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM spaces WHERE id = p_space AND referent_person_id = p_person
                                      AND status <> 'closed') THEN
        RAISE EXCEPTION 'space.referent_not_detachable';
    END IF;
    UPDATE memberships SET ended_at = now(), ended_by = p_actor
     WHERE space_id = p_space AND person_id = p_person AND ended_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'space.not_member';
    END IF;
    UPDATE access_grants SET revoked_at = now(), revoked_by = p_actor
     WHERE space_id = p_space AND person_id = p_person AND revoked_at IS NULL;
    UPDATE delegations SET revoked_at = now(), revoked_by = p_actor
     WHERE space_id = p_space AND person_id = p_person AND revoked_at IS NULL;
    INSERT INTO space_events (space_id, actor, action, person_id)
    VALUES (p_space, p_actor, 'detach', p_person);
END $$;

-- Makes a live member the référent (replacing the previous one, who stays
-- a member).
CREATE FUNCTION space_set_referent(p_space uuid, p_person uuid, p_actor uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_old uuid;
BEGIN
    SELECT referent_person_id INTO v_old FROM spaces
     WHERE id = p_space AND status <> 'closed' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'space.closed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM memberships WHERE space_id = p_space AND person_id = p_person
                                               AND ended_at IS NULL) THEN
        RAISE EXCEPTION 'space.not_member';
    END IF;
    UPDATE spaces SET referent_person_id = p_person WHERE id = p_space;
    INSERT INTO space_events (space_id, actor, action, person_id, detail)
    VALUES (p_space, p_actor, 'referent', p_person, jsonb_build_object('previous', v_old));
END $$;

-- Grants a live member access to a protected service.  Returns the grant id.
CREATE FUNCTION space_grant(p_space uuid, p_person uuid, p_workflow text, p_actor uuid)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM memberships m JOIN spaces s ON s.id = m.space_id
                    WHERE m.space_id = p_space AND m.person_id = p_person
                      AND m.ended_at IS NULL AND s.status = 'active') THEN
        RAISE EXCEPTION 'space.not_member';
    END IF;
    INSERT INTO access_grants (space_id, person_id, workflow_key, granted_by)
    VALUES (p_space, p_person, p_workflow, p_actor) RETURNING id INTO v_id;
    INSERT INTO space_events (space_id, actor, action, person_id, detail)
    VALUES (p_space, p_actor, 'grant', p_person, jsonb_build_object('workflow', p_workflow));
    RETURN v_id;
END $$;

CREATE FUNCTION space_revoke(p_space uuid, p_person uuid, p_workflow text, p_actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE access_grants SET revoked_at = now(), revoked_by = p_actor
     WHERE space_id = p_space AND person_id = p_person AND workflow_key = p_workflow
       AND revoked_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'space.no_grant';
    END IF;
    INSERT INTO space_events (space_id, actor, action, person_id, detail)
    VALUES (p_space, p_actor, 'revoke', p_person, jsonb_build_object('workflow', p_workflow));
END $$;

-- Hands a duty of the référent to a live member, optionally until a date.
CREATE FUNCTION space_delegate(p_space uuid, p_person uuid, p_duty text, p_until date,
                               p_actor uuid) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM memberships m JOIN spaces s ON s.id = m.space_id
                    WHERE m.space_id = p_space AND m.person_id = p_person
                      AND m.ended_at IS NULL AND s.status = 'active') THEN
        RAISE EXCEPTION 'space.not_member';
    END IF;
    IF p_until IS NOT NULL AND p_until < (now() AT TIME ZONE 'Europe/Zurich')::date THEN
        RAISE EXCEPTION 'space.until_past' USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO delegations (space_id, person_id, duty, until, granted_by)
    VALUES (p_space, p_person, p_duty, p_until, p_actor) RETURNING id INTO v_id;
    INSERT INTO space_events (space_id, actor, action, person_id, detail)
    VALUES (p_space, p_actor, 'delegate', p_person,
            jsonb_build_object('duty', p_duty, 'until', p_until));
    RETURN v_id;
END $$;

CREATE FUNCTION space_undelegate(p_space uuid, p_person uuid, p_duty text, p_actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE delegations SET revoked_at = now(), revoked_by = p_actor
     WHERE space_id = p_space AND person_id = p_person AND duty = p_duty
       AND revoked_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'space.no_delegation';
    END IF;
    INSERT INTO space_events (space_id, actor, action, person_id, detail)
    VALUES (p_space, p_actor, 'undelegate', p_person, jsonb_build_object('duty', p_duty));
END $$;

-- An administrator moves the identity (issuer, subject) to person p_to:
-- both accounts then log in as one person.  The person it leaves keeps its
-- data (and any other identity); their open sessions end, since they were
-- opened through this identity or may have been.  Refused unless p_admin
-- is an administrator (checked again here: this changes who someone is).
-- Returns the person the identity belonged to.
CREATE FUNCTION identity_link(p_issuer text, p_subject text, p_to uuid, p_admin uuid)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_from uuid;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM administrators WHERE person_id = p_admin) THEN
        RAISE EXCEPTION 'authz.admin_only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM persons WHERE id = p_to) THEN
        RAISE EXCEPTION 'identity.no_person';
    END IF;
    SELECT person_id INTO v_from FROM identities
     WHERE issuer = p_issuer AND subject = p_subject FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'identity.unknown';
    END IF;
    IF v_from = p_to THEN
        RETURN v_from;                 -- already linked: nothing to do
    END IF;
    UPDATE identities SET person_id = p_to WHERE issuer = p_issuer AND subject = p_subject;
    DELETE FROM sessions WHERE person_id = v_from;
    INSERT INTO identity_links (issuer, subject, from_person, to_person, linked_by)
    VALUES (p_issuer, p_subject, v_from, p_to, p_admin);
    RETURN v_from;
END $$;

-- --- reads ------------------------------------------------------------------------------

-- The active spaces a person may act for (the contexts of /context).
CREATE FUNCTION space_contexts(p_person uuid)
RETURNS TABLE (space_id uuid, entity_name text, ide text, legal_form text,
               is_referent boolean, function text)
LANGUAGE sql STABLE AS $$
    SELECT s.id, e.name, e.ide, e.legal_form, s.referent_person_id = p_person, m.function
      FROM memberships m
      JOIN spaces s ON s.id = m.space_id AND s.status = 'active'
      JOIN entities e ON e.id = s.entity_id
     WHERE m.person_id = p_person AND m.ended_at IS NULL
     ORDER BY e.name, s.id;
$$;

-- --- authorization -------------------------------------------------------------------------
-- The predicates below are the vocabulary of authz_may; each is one
-- indexed lookup.  "live" = not ended/revoked/expired, in an active space.

CREATE FUNCTION az_member(p_person uuid, p_space uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM memberships m JOIN spaces s ON s.id = m.space_id
                    WHERE m.space_id = p_space AND m.person_id = p_person
                      AND m.ended_at IS NULL AND s.status = 'active');
$$;

CREATE FUNCTION az_referent(p_person uuid, p_space uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM spaces s
                    WHERE s.id = p_space AND s.status = 'active'
                      AND s.referent_person_id = p_person)
       AND az_member(p_person, p_space);
$$;

CREATE FUNCTION az_delegate(p_person uuid, p_space uuid, p_duty text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM delegations d
                    WHERE d.space_id = p_space AND d.person_id = p_person
                      AND d.duty = p_duty AND d.revoked_at IS NULL
                      AND (d.until IS NULL
                           OR d.until >= (now() AT TIME ZONE 'Europe/Zurich')::date))
       AND az_member(p_person, p_space);
$$;

CREATE FUNCTION az_granted(p_person uuid, p_space uuid, p_workflow text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM access_grants g
                    WHERE g.space_id = p_space AND g.person_id = p_person
                      AND g.workflow_key = p_workflow AND g.revoked_at IS NULL)
       AND az_member(p_person, p_space);
$$;

CREATE FUNCTION az_admin(p_person uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM administrators a WHERE a.person_id = p_person);
$$;

CREATE FUNCTION az_uuid(v text) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                THEN v::uuid END;
$$;

-- What a definition says about access: whether its service is protected
-- (<audience ... protected="yes"/>: members need an access grant, the
-- référent always may), and the agent and third-party groups its
-- transitions name in by="agent:GROUP" / by="third-party:GROUP".  Read
-- from the published XML of that version (definitions, 0004), so the
-- rules cannot drift from the procedure.  version NULL = the latest.
CREATE FUNCTION az_definition(p_key text, p_version int,
                              OUT known boolean, OUT protected boolean,
                              OUT agent_groups text[], OUT third_groups text[])
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_xml  xml;
    v_by   text[];
BEGIN
    SELECT d.xml::xml INTO v_xml FROM definitions d
     WHERE d.workflow_key = p_key AND (p_version IS NULL OR d.version = p_version)
     ORDER BY d.version DESC LIMIT 1;
    known := v_xml IS NOT NULL;
    protected := false;
    agent_groups := '{}';
    third_groups := '{}';
    IF NOT known THEN
        RETURN;
    END IF;
    protected := COALESCE((xpath('string(//*[local-name()="audience"]/@protected)',
                                 v_xml))[1]::text, '') = 'yes';
    SELECT array_agg(DISTINCT r) INTO v_by
      FROM unnest(xpath('//@by', v_xml)) AS a(v),
           regexp_split_to_table(a.v::text, '[\s,]+') AS r
     WHERE r <> '';
    SELECT COALESCE(array_agg(substr(r, 7)), '{}') INTO agent_groups
      FROM unnest(v_by) AS r WHERE r LIKE 'agent:_%';
    SELECT COALESCE(array_agg(substr(r, 13)), '{}') INTO third_groups
      FROM unnest(v_by) AS r WHERE r LIKE 'third-party:_%';
END $$;

-- May p_person, acting for p_context (NULL = for themself), do p_action on
-- p_object with p_arg?  verdict: 'allow', 'deny' (reason: a message key
-- saying why, shown on the 403 page) or 'notfound' (the object does not
-- exist, or exists but is none of the person's business: no oracle).
-- Actions and their objects are listed in engine/authz.h; the rules are
-- explained in docs/access.md.
CREATE FUNCTION authz_may(p_person uuid, p_context uuid, p_action text, p_object text,
                          p_arg text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_admin   boolean := az_admin(p_person);
    v_id      uuid;
    v_space   spaces;
    v_entity  entities;
    v_kinds   text[];
    v_aud     text;
    v_def     record;
BEGIN
    verdict := 'deny';
    reason := 'err.forbidden';
    IF p_person IS NULL THEN
        reason := 'err.login_needed';
        RETURN;
    END IF;

    CASE p_action
    WHEN 'admin' THEN
        IF v_admin THEN verdict := 'allow'; ELSE reason := 'authz.admin_only'; END IF;

    WHEN 'switch-context' THEN
        IF p_object IS NULL OR p_object = '' THEN
            verdict := 'allow';                 -- for oneself: always
            RETURN;
        END IF;
        v_id := az_uuid(p_object);
        SELECT * INTO v_space FROM spaces WHERE id = v_id;
        IF NOT FOUND THEN
            verdict := 'notfound';
        ELSIF v_space.status <> 'active' THEN
            reason := 'authz.space_inactive';
        ELSIF az_member(p_person, v_id) THEN
            verdict := 'allow';
        ELSE
            reason := 'authz.not_member';
        END IF;

    WHEN 'manage-members', 'grant-access' THEN
        v_id := az_uuid(p_object);
        SELECT * INTO v_space FROM spaces WHERE id = v_id;
        IF NOT FOUND THEN
            verdict := 'notfound';
        ELSIF v_space.status <> 'active' THEN
            reason := 'authz.space_inactive';
        ELSIF NOT (az_referent(p_person, v_id)
                   OR az_delegate(p_person, v_id,
                                  CASE p_action WHEN 'manage-members' THEN 'members'
                                                ELSE 'grants' END)) THEN
            reason := 'authz.not_referent';
        ELSIF p_context IS DISTINCT FROM v_id THEN
            reason := 'authz.wrong_context';    -- they may, but acting for another context
        ELSE
            verdict := 'allow';
        END IF;

    WHEN 'use-service' THEN
        v_id := COALESCE(az_uuid(p_object), p_context);
        IF v_id IS NULL THEN
            reason := 'authz.professional_only';
        ELSIF NOT EXISTS (SELECT 1 FROM spaces WHERE id = v_id) THEN
            verdict := 'notfound';
        ELSIF NOT az_member(p_person, v_id) THEN
            reason := 'authz.not_member';
        ELSIF p_context IS DISTINCT FROM v_id THEN
            reason := 'authz.wrong_context';
        ELSIF az_referent(p_person, v_id) OR az_granted(p_person, v_id, p_arg) THEN
            verdict := 'allow';
        ELSE
            reason := 'authz.no_grant';
        END IF;

    WHEN 'start-demand' THEN
        -- arg: the audience: personal | professional | any, optionally
        -- "professional:kind kind..." (entity kinds or legal forms allowed)
        v_aud := COALESCE(NULLIF(split_part(COALESCE(p_arg, ''), ':', 1), ''), 'any');
        v_kinds := NULLIF(regexp_split_to_array(btrim(substr(p_arg, length(v_aud) + 2)),
                                                 '[\s,]+'), '{""}');
        SELECT * INTO v_def FROM az_definition(p_object, NULL);
        IF NOT v_def.known THEN
            verdict := 'notfound';
        ELSIF p_context IS NULL THEN
            IF v_aud = 'professional' THEN
                reason := 'authz.professional_only';
            ELSE
                verdict := 'allow';
            END IF;
        ELSIF NOT az_member(p_person, p_context) THEN
            reason := 'authz.not_member';
        ELSIF v_aud = 'personal' THEN
            reason := 'authz.personal_only';
        ELSE
            SELECT e.* INTO v_entity FROM spaces s JOIN entities e ON e.id = s.entity_id
             WHERE s.id = p_context;
            IF v_kinds IS NOT NULL AND NOT (v_entity.legal_form = ANY (v_kinds)
                                            OR entity_kind(v_entity.legal_form) = ANY (v_kinds)) THEN
                reason := 'authz.entity_kind';
            ELSIF v_def.protected AND NOT (az_referent(p_person, p_context)
                                           OR az_granted(p_person, p_context, p_object)) THEN
                reason := 'authz.no_grant';
            ELSE
                verdict := 'allow';
            END IF;
        END IF;

    WHEN 'work-queue' THEN
        IF NOT EXISTS (SELECT 1 FROM agent_groups WHERE id = p_object) THEN
            verdict := 'notfound';
        ELSIF EXISTS (SELECT 1 FROM agent_members
                       WHERE group_id = p_object AND person_id = p_person) THEN
            verdict := 'allow';
        ELSE
            reason := 'authz.not_agent';
        END IF;

    WHEN 'third-party' THEN
        IF NOT EXISTS (SELECT 1 FROM third_party_groups WHERE id = p_object) THEN
            verdict := 'notfound';
        ELSIF EXISTS (SELECT 1 FROM third_party_members
                       WHERE group_id = p_object AND person_id = p_person) THEN
            verdict := 'allow';
        ELSE
            reason := 'authz.not_third_party';
        END IF;

    WHEN 'view-demand', 'fire-transition' THEN
        SELECT * INTO verdict, reason
          FROM az_demand(p_person, p_context, v_admin, az_uuid(p_object),
                         CASE p_action WHEN 'view-demand' THEN NULL
                                       ELSE COALESCE(p_arg, '') END);

    WHEN 'view-document' THEN
        SELECT * INTO verdict, reason
          FROM az_document(p_person, p_context, v_admin, az_uuid(p_object));

    ELSE
        RAISE EXCEPTION 'authz_may: unknown action %', p_action
            USING ERRCODE = 'invalid_parameter_value';
    END CASE;
END $$;

-- The demand rules (view when p_roles IS NULL, else fire a transition whose
-- by="..." is p_roles).  See docs/access.md for the table.
--
--   view: the owner side (the person, for a demand filed for themself,
--         acting for themself; for a demand filed for a space, acting for
--         it: the référent, members holding the grant for the procedure,
--         and the filer when the procedure is not protected); for a
--         personal demand addressed to a space (form field target_space:
--         a join request), its référent and delegates acting for it;
--         agents and third parties of the groups the procedure names,
--         once it is no longer a draft; administrators (read-only).
--   fire: a role of by="..." the person plays now; someone who may view
--         but plays none is told it is not their step (administrators:
--         read-only).
--   else: 'deny' with the reason when the person is related to the demand
--         (their own, from the wrong context; their space's, without the
--         grant), 'notfound' otherwise -- the same answer as for a demand
--         that does not exist, so ids cannot be probed.
CREATE FUNCTION az_demand(p_person uuid, p_context uuid, p_admin boolean, p_demand uuid,
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
    v_grp      text;
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
        FOR v_role IN SELECT r FROM regexp_split_to_table(p_roles, '[\s,]+') AS r WHERE r <> ''
        LOOP
            v_grp := split_part(v_role, ':', 2);
            IF (v_role = 'owner' AND v_owner)
               OR (v_role = 'member' AND d.owner_space_id IS NOT NULL AND v_owner)
               OR (split_part(v_role, ':', 1) = 'referent'
                   AND p_context = COALESCE(d.owner_space_id, v_target)
                   AND (az_referent(p_person, p_context)
                        OR (v_grp IN ('members', 'grants')
                            AND az_delegate(p_person, p_context, v_grp))))
               OR (d.bucket <> 'draft' AND (
                      (v_role = 'agent' AND EXISTS (
                           SELECT 1 FROM agent_members am WHERE am.person_id = p_person
                              AND am.group_id = ANY (v_def.agent_groups)))
                   OR (v_role LIKE 'agent:_%' AND EXISTS (
                           SELECT 1 FROM agent_members am WHERE am.person_id = p_person
                              AND am.group_id = v_grp))
                   OR (v_role LIKE 'third-party:_%' AND EXISTS (
                           SELECT 1 FROM third_party_members tm WHERE tm.person_id = p_person
                              AND tm.group_id = v_grp)))) THEN
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

-- Documents: one attached to a demand is visible to whoever may view the
-- demand; one in a wallet (no demand) to its owner person in their
-- personal context, or (owner_space set) to the uploader and the référent
-- acting for that space.  Administrators: read-only, everything.
CREATE FUNCTION az_document(p_person uuid, p_context uuid, p_admin boolean, p_doc uuid,
                            OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v record;
BEGIN
    verdict := 'notfound';
    reason := 'err.notfound';
    SELECT doc.demand_id, doc.owner_person_id, doc.owner_space_id, doc.uploaded_by
      INTO v FROM documents doc WHERE doc.id = p_doc;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF v.demand_id IS NOT NULL THEN
        SELECT * INTO verdict, reason FROM az_demand(p_person, p_context, p_admin, v.demand_id, NULL);
        RETURN;
    END IF;
    IF p_admin
       OR (v.owner_space_id IS NULL AND v.owner_person_id = p_person AND p_context IS NULL)
       OR (v.owner_space_id IS NOT NULL AND p_context = v.owner_space_id
           AND (az_referent(p_person, v.owner_space_id)
                OR (az_member(p_person, v.owner_space_id)
                    AND p_person IN (v.owner_person_id, v.uploaded_by)))) THEN
        verdict := 'allow';
        reason := NULL;
    ELSIF v.owner_person_id = p_person THEN
        verdict := 'deny';
        reason := CASE WHEN v.owner_space_id IS NULL THEN 'authz.switch_to_self'
                       ELSE 'authz.wrong_context' END;
    END IF;
END $$;

COMMENT ON FUNCTION authz_may(uuid, uuid, text, text, text) IS
    'The one authorization question (engine/authz.c): allow | deny (+ reason key) | notfound';

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0022_space_open.sql -- the IDE register, and the effects of the
-- procedure "open a professional space" (workflows/space_open.xml).
--
--   ide_register     the entities of the federal IDE/UID register the
--                    portal knows: number, name, legal form and the
--                    registered postal address (where the activation
--                    letter goes).  Loaded from data/ref/ide_register.csv
--                    (scripts/demo_world.py load_ide_register); the portal
--                    never changes it from a request.
--   ide_signatories  who may sign for each entity, and how: 'individual'
--                    (alone) or 'collective' (with others).  A signatory is
--                    named by the login of their identity (the demo
--                    provider's account) and/or their AVS number.
--
-- Effects (wf_effect, 0020):
--   fx_ide_lookup     copies the register's facts about the IDE a demand
--                     names into the demand's fields, so the definition's
--                     conditions (which documents) and pages show them: the
--                     applicant never types them
--   fx_create_space   the pending space of the register's entity, with the
--                     owner as its future référent (space_create, 0003);
--                     the demand is then about that space (subject_space_id)
--   fx_activate_space the space the demand is about becomes active; its
--                     owner is its référent
--
-- Read by engine/ide_register.c (the guard ide-registered); nothing else
-- writes these tables.

CREATE TABLE ide_register (
    ide           text        PRIMARY KEY CHECK (ide_valid(ide)),
    name          text        NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 300),
    legal_form    text        NOT NULL CHECK (legal_form IN
                      ('association', 'foundation', 'sa', 'sarl', 'cooperative',
                       'partnership', 'individual', 'commune', 'public', 'other')),
    care_of       text        CHECK (length(care_of) <= 200),
    street        text        NOT NULL CHECK (btrim(street) <> '' AND length(street) <= 200),
    house_number  text        CHECK (length(house_number) <= 20),
    post_box      text        CHECK (length(post_box) <= 50),
    postcode      text        NOT NULL CHECK (length(postcode) BETWEEN 1 AND 12),
    locality      text        NOT NULL CHECK (btrim(locality) <> '' AND length(locality) <= 100),
    country       text        NOT NULL DEFAULT 'CH' CHECK (country ~ '^[A-Z]{2}$'),
    loaded_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (country <> 'CH' OR postcode ~ '^[1-9][0-9]{3}$')
);

COMMENT ON TABLE ide_register IS
    'Entities of the federal IDE/UID register (reference data loaded from a CSV)';

CREATE TABLE ide_signatories (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ide          text        NOT NULL REFERENCES ide_register (ide) ON DELETE CASCADE,
    given_name   text        NOT NULL CHECK (btrim(given_name) <> '' AND length(given_name) <= 200),
    family_name  text        NOT NULL CHECK (btrim(family_name) <> ''
                                             AND length(family_name) <= 200),
    avs13        text        CHECK (avs13 ~ '^756\.[0-9]{4}\.[0-9]{4}\.[0-9]{2}$'),
    login        text        CHECK (length(login) BETWEEN 1 AND 255),
    mode         text        NOT NULL CHECK (mode IN ('individual', 'collective')),
    UNIQUE (ide, given_name, family_name)
);

CREATE INDEX ide_signatories_login ON ide_signatories (login) WHERE login IS NOT NULL;

COMMENT ON TABLE ide_signatories IS
    'Who may sign for an IDE entity: alone (individual) or with others (collective)';

-- Replaces the register with the rows of r (the CSV files as JSON):
--   {"entities": [{ide, name, legal_form, care_of, street, house_number,
--                  post_box, postcode, locality, country}...],
--    "signatories": [{ide, given_name, family_name, avs13, login, mode}...]}
-- Entities no longer listed are kept when a space names them (entities
-- table), else removed.  Returns the number of entities loaded.
CREATE FUNCTION ide_register_load(r jsonb) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    n int;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('guichet.ide_register'));
    DELETE FROM ide_signatories;
    INSERT INTO ide_register (ide, name, legal_form, care_of, street, house_number, post_box,
                              postcode, locality, country)
    SELECT x->>'ide', x->>'name', x->>'legal_form', NULLIF(x->>'care_of', ''), x->>'street',
           NULLIF(x->>'house_number', ''), NULLIF(x->>'post_box', ''), x->>'postcode',
           x->>'locality', COALESCE(NULLIF(x->>'country', ''), 'CH')
      FROM jsonb_array_elements(COALESCE(r->'entities', '[]')) AS x
    ON CONFLICT (ide) DO UPDATE
       SET name = EXCLUDED.name, legal_form = EXCLUDED.legal_form,
           care_of = EXCLUDED.care_of, street = EXCLUDED.street,
           house_number = EXCLUDED.house_number, post_box = EXCLUDED.post_box,
           postcode = EXCLUDED.postcode, locality = EXCLUDED.locality,
           country = EXCLUDED.country, loaded_at = now();
    GET DIAGNOSTICS n = ROW_COUNT;
    DELETE FROM ide_register g
     WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(r->'entities', '[]')) AS x
                        WHERE x->>'ide' = g.ide);
    INSERT INTO ide_signatories (ide, given_name, family_name, avs13, login, mode)
    SELECT x->>'ide', x->>'given_name', x->>'family_name', NULLIF(x->>'avs13', ''),
           NULLIF(x->>'login', ''), x->>'mode'
      FROM jsonb_array_elements(COALESCE(r->'signatories', '[]')) AS x;
    RETURN n;
END $$;

-- The register's entry for p_ide, in the shape space_create (0003) takes,
-- or NULL when the IDE is not registered.
CREATE FUNCTION ide_register_entry(p_ide text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
               'ide', g.ide, 'legal_form', g.legal_form, 'name', g.name,
               'care_of', g.care_of, 'street', g.street, 'house_number', g.house_number,
               'post_box', g.post_box, 'postcode', g.postcode, 'locality', g.locality,
               'country', g.country))
      FROM ide_register g WHERE g.ide = p_ide;
$$;

-- The registered address on lines, as the applicant reads it:
-- "c/o ...", "Rue 2", "Case postale 12", "1005 Lausanne" (+ country abroad).
CREATE FUNCTION ide_register_address(p_ide text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT concat_ws(E'\n',
               CASE WHEN g.care_of IS NOT NULL THEN 'c/o ' || g.care_of END,
               btrim(g.street || ' ' || COALESCE(g.house_number, '')),
               g.post_box,
               g.postcode || ' ' || g.locality,
               CASE WHEN g.country <> 'CH' THEN g.country END)
      FROM ide_register g WHERE g.ide = p_ide;
$$;

-- 'alone' when p_person is a registered signatory of p_ide with an
-- individual signature (matched by the login of one of their identities),
-- else 'others': someone else signs too, or instead.
CREATE FUNCTION ide_signature_of(p_ide text, p_person uuid) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN EXISTS (
               SELECT 1 FROM ide_signatories s JOIN identities i ON i.subject = s.login
                WHERE s.ide = p_ide AND s.mode = 'individual' AND i.person_id = p_person)
           THEN 'alone' ELSE 'others' END;
$$;

-- --- effects ----------------------------------------------------------------------

-- <effect action="ide-lookup" entity-field="ide" name-field="entity-name"
--         legal-form-field="legal-form" address-field="entity-address"
--         signature-field="signature"/>
-- Writes the register's name, legal form, address and the owner's
-- signature mode ('alone' | 'others') into the fields named.
CREATE FUNCTION fx_ide_lookup(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_ide  text := fx_arg(d, args, 'entity');
    g      ide_register;
    v_set  jsonb := '{}';
BEGIN
    SELECT * INTO g FROM ide_register WHERE ide = v_ide;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ide.unknown';
    END IF;
    IF args ? 'name-field' THEN
        v_set := v_set || jsonb_build_object(args->>'name-field', g.name);
    END IF;
    IF args ? 'legal-form-field' THEN
        v_set := v_set || jsonb_build_object(args->>'legal-form-field', g.legal_form);
    END IF;
    IF args ? 'address-field' THEN
        v_set := v_set || jsonb_build_object(args->>'address-field',
                                             ide_register_address(v_ide));
    END IF;
    IF args ? 'signature-field' THEN
        v_set := v_set || jsonb_build_object(args->>'signature-field',
                                             ide_signature_of(v_ide, d.owner_person_id));
    END IF;
    UPDATE demands SET form_data = form_data || v_set WHERE id = d.id;
END $$;

-- <effect action="create-space" entity-field="ide"/>
-- The register's entity gets a pending space whose future référent (and
-- first member) is the demand's owner.  A pending space left behind by an
-- opening that ended without activation (expired, refused) is closed first,
-- so that starting again works.
CREATE FUNCTION fx_create_space(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_ide   text := fx_arg(d, args, 'entity');
    v_e     jsonb := ide_register_entry(v_ide);
    v_old   uuid;
    v_space uuid;
BEGIN
    IF v_e IS NULL THEN
        RAISE EXCEPTION 'ide.unknown';
    END IF;
    IF fx_arg(d, args, 'name') IS NOT NULL THEN
        v_e := v_e || jsonb_build_object('name', fx_arg(d, args, 'name'));
    END IF;
    SELECT s.id INTO v_old FROM spaces s JOIN entities e ON e.id = s.entity_id
     WHERE e.ide = v_ide AND s.status = 'pending'
       AND NOT EXISTS (SELECT 1 FROM demands o
                        WHERE o.subject_space_id = s.id AND NOT o.is_final AND o.id <> d.id)
     FOR UPDATE OF s;
    IF FOUND THEN
        PERFORM space_close(v_old, actor);
    END IF;
    v_space := space_create(v_e, d.owner_person_id);
    UPDATE demands SET subject_space_id = v_space WHERE id = d.id;
END $$;

-- <effect action="activate-space"/>
-- The space this demand is about becomes active, with the demand's owner
-- as its only référent.
CREATE FUNCTION fx_activate_space(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_space uuid;
    v_ref   uuid;
BEGIN
    SELECT subject_space_id INTO v_space FROM demands WHERE id = d.id;
    SELECT referent_person_id INTO v_ref FROM spaces WHERE id = v_space;
    IF v_space IS NULL OR NOT FOUND THEN
        RAISE EXCEPTION 'space.not_pending';
    END IF;
    IF v_ref IS DISTINCT FROM d.owner_person_id THEN
        PERFORM space_set_referent(v_space, d.owner_person_id, actor);
    END IF;
    PERFORM space_activate(v_space, actor);
END $$;

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0024_space_tools.sql -- the référent's own tools ("Administrer l'espace
-- professionnel"): attach a verified person directly, one-time join keys
-- (the departmental portal's "clé de partage"), detach, the référent
-- hand-over that both confirm, delegations, access grants, and the
-- space's own contact e-mail.
--
--   persons.avs13           a person's AVS number (756.1234.5678.97), by
--                           which a référent may name them, as the seeds do
--   spaces.contact_email    the space's own address: shown to its members,
--                           and where mails to the space go (else to the
--                           référent's own address)
--   space_join_keys         one-time keys, stored as a SHA-256 hash only,
--                           with an expiry; used once, never again
--   space_referent_offers   the référent proposes a member; nothing changes
--                           until that member accepts (space_set_referent)
--   space_events.action     + join-key, join, referent-offer,
--                           referent-decline, referent-withdraw, contact
--
-- Functions, one round trip each, each leaving its space_events row(s)
-- and queuing the mail to the person concerned in the same transaction:
-- st_attach, st_detach, st_join_key, st_join, st_referent_offer,
-- st_referent_withdraw, st_referent_answer, st_delegate, st_undelegate,
-- st_grant, st_revoke, st_set_contact; read st_services.
-- They call the functions of 0003 (space_attach, space_detach,
-- space_set_referent, space_grant, space_revoke, space_delegate,
-- space_undelegate).  Who may call them is authz_may's: the actions
-- manage-members and grant-access of 0003, and three added here
-- (az_action_administer_space, az_action_join_space,
-- az_action_answer_referent).  Written by engine/space_tools.c only.

ALTER TABLE persons ADD COLUMN IF NOT EXISTS avs13 text;
ALTER TABLE persons ADD CONSTRAINT persons_avs13_format
    CHECK (avs13 ~ '^756\.[0-9]{4}\.[0-9]{4}\.[0-9]{2}$');
CREATE UNIQUE INDEX persons_avs13_one ON persons (avs13) WHERE avs13 IS NOT NULL;
CREATE INDEX persons_email_lower ON persons (lower(email));

COMMENT ON COLUMN persons.avs13 IS
    'AVS number (756.xxxx.xxxx.xx) by which a référent may attach the person';

ALTER TABLE spaces ADD COLUMN contact_email text
    CHECK (contact_email ~ '^[^\s<>,;@]+@[^\s<>,;@]+$' AND length(contact_email) <= 320);

COMMENT ON COLUMN spaces.contact_email IS
    'The space''s own contact address: shown to members, used for mails to the space';

ALTER TABLE space_events DROP CONSTRAINT IF EXISTS space_events_action_check;
ALTER TABLE space_events ADD CONSTRAINT space_events_action_check CHECK (action IN
    ('create', 'activate', 'close', 'attach', 'detach', 'referent',
     'grant', 'revoke', 'delegate', 'undelegate',
     'join-key', 'join', 'referent-offer', 'referent-decline', 'referent-withdraw',
     'contact'));

CREATE TABLE space_join_keys (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_id    uuid        NOT NULL REFERENCES spaces (id),
    -- SHA-256 (hex) of the key as shown; the key itself is never stored
    key_hash    text        NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    created_by  uuid        NOT NULL REFERENCES persons (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    used_by     uuid        REFERENCES persons (id),
    CHECK (expires_at > created_at),
    CHECK ((used_at IS NULL) = (used_by IS NULL))
);

CREATE INDEX space_join_keys_space ON space_join_keys (space_id, created_at);

COMMENT ON TABLE space_join_keys IS
    'One-time keys to join a space (clé de partage), hashed, expiring, single use';

CREATE TABLE space_referent_offers (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    space_id     uuid        NOT NULL REFERENCES spaces (id),
    from_person  uuid        NOT NULL REFERENCES persons (id),
    to_person    uuid        NOT NULL REFERENCES persons (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    answered_at  timestamptz,
    -- void: the offer lapsed (the member was detached, the référent changed)
    outcome      text        CHECK (outcome IN ('accepted', 'declined', 'withdrawn', 'void')),
    CHECK ((answered_at IS NULL) = (outcome IS NULL)),
    CHECK (from_person <> to_person)
);

CREATE UNIQUE INDEX space_referent_offers_open ON space_referent_offers (space_id)
    WHERE answered_at IS NULL;
CREATE INDEX space_referent_offers_to ON space_referent_offers (to_person)
    WHERE answered_at IS NULL;

COMMENT ON TABLE space_referent_offers IS
    'Référent hand-over: proposed by the référent, effective when the member accepts';

-- --- mails ------------------------------------------------------------------------

-- Queues mail p_template to person p_person (nothing when they have no
-- usable address).  data.workflow carries the entity's name: it is the
-- {arg} of the generic mail's texts (xslt/mail/generic.xsl).
CREATE FUNCTION st_mail_person(p_space uuid, p_person uuid, p_template text, p_lang text,
                               p_data jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO outbox (template, recipient, recipient_name, person_id, lang, data)
    SELECT p_template, p.email, p.display_name, p.id,
           CASE WHEN p_lang IN ('fr', 'de', 'en') THEN p_lang ELSE 'fr' END,
           jsonb_build_object('workflow', e.name) || COALESCE(p_data, '{}')
      FROM persons p, spaces s JOIN entities e ON e.id = s.entity_id
     WHERE p.id = p_person AND s.id = p_space AND p.deleted_at IS NULL
       AND p.email ~ '^[^\s<>,;@]+@[^\s<>,;@]+$';
$$;

-- Queues mail p_template to the space itself: its contact e-mail when it
-- has one, else its référent's own address.
CREATE FUNCTION st_mail_space(p_space uuid, p_template text, p_lang text, p_data jsonb)
RETURNS void
LANGUAGE sql AS $$
    INSERT INTO outbox (template, recipient, recipient_name, person_id, lang, data)
    SELECT p_template, COALESCE(s.contact_email, p.email), e.name, p.id,
           CASE WHEN p_lang IN ('fr', 'de', 'en') THEN p_lang ELSE 'fr' END,
           jsonb_build_object('workflow', e.name) || COALESCE(p_data, '{}')
      FROM spaces s JOIN entities e ON e.id = s.entity_id
      LEFT JOIN persons p ON p.id = s.referent_person_id
     WHERE s.id = p_space
       AND COALESCE(s.contact_email, p.email) ~ '^[^\s<>,;@]+@[^\s<>,;@]+$';
$$;

-- The title of a procedure in a language (its latest published version),
-- else in French, else its key.
CREATE FUNCTION st_service_title(p_key text, p_lang text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(
        NULLIF((xpath(format('string(/*[local-name()="workflow"]/*[local-name()="title"][lang(%L)])',
                             CASE WHEN p_lang IN ('fr', 'de', 'en') THEN p_lang ELSE 'fr' END),
                      d.xml::xml))[1]::text, ''),
        NULLIF((xpath('string(/*[local-name()="workflow"]/*[local-name()="title"][lang("fr")])',
                      d.xml::xml))[1]::text, ''),
        p_key)
      FROM definitions d WHERE d.workflow_key = p_key
     ORDER BY d.version DESC LIMIT 1;
$$;

-- A join key as typed, normalised by the engine (upper case, no blanks or
-- dashes), to what is stored.
CREATE FUNCTION st_key_hash(p_key text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT encode(sha256(convert_to(p_key, 'UTF8')), 'hex');
$$;

-- Ends the open offer of a space with p_outcome (void, withdrawn...).
-- Returns the person it was made to, or NULL when there was none.
CREATE FUNCTION st_offer_close(p_space uuid, p_outcome text) RETURNS uuid
LANGUAGE sql AS $$
    UPDATE space_referent_offers SET answered_at = now(), outcome = p_outcome
     WHERE space_id = p_space AND answered_at IS NULL
    RETURNING to_person;
$$;

-- --- reads ------------------------------------------------------------------------

-- The protected procedures a référent may grant (latest published version
-- protected), with their title in p_lang, by title.
CREATE FUNCTION st_services(p_lang text)
RETURNS TABLE (workflow_key text, title text)
LANGUAGE sql STABLE AS $$
    SELECT k.workflow_key, st_service_title(k.workflow_key, p_lang)
      FROM (SELECT DISTINCT ON (d.workflow_key) d.workflow_key, d.protected
              FROM definitions d ORDER BY d.workflow_key, d.version DESC) k
     WHERE k.protected
     ORDER BY 2, 1;
$$;

-- --- changes ----------------------------------------------------------------------
-- Business refusals raise a message key (SQLSTATE P0001), as 0003 does;
-- engine/space.c's space_error_key turns it into the catalogue key.

-- Attaches the verified person named by p_ident (an e-mail address, or an
-- AVS number 756.xxxx.xxxx.xx) with a function.  Returns their person id.
CREATE FUNCTION st_attach(p_space uuid, p_ident text, p_function text, p_actor uuid,
                          p_lang text) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_ids uuid[];
    v_who persons;
BEGIN
    IF position('@' IN p_ident) > 0 THEN
        SELECT array_agg(id) INTO v_ids FROM persons
         WHERE lower(email) = lower(btrim(p_ident)) AND deleted_at IS NULL;
    ELSE
        SELECT array_agg(id) INTO v_ids FROM persons
         WHERE avs13 = btrim(p_ident) AND deleted_at IS NULL;
    END IF;
    IF v_ids IS NULL THEN
        RAISE EXCEPTION 'space.person_unknown';
    ELSIF cardinality(v_ids) > 1 THEN
        RAISE EXCEPTION 'space.person_ambiguous';
    END IF;
    SELECT * INTO v_who FROM persons WHERE id = v_ids[1];
    IF v_who.assurance NOT IN ('verified', 'strong') THEN
        RAISE EXCEPTION 'space.person_not_verified';
    END IF;
    IF EXISTS (SELECT 1 FROM memberships WHERE space_id = p_space AND person_id = v_who.id
                                           AND ended_at IS NULL) THEN
        RAISE EXCEPTION 'space.already_member';
    END IF;
    PERFORM space_attach(p_space, v_who.id, p_function, p_actor);
    PERFORM st_mail_person(p_space, v_who.id, 'space-attached', p_lang,
                           jsonb_build_object('state', NULLIF(btrim(p_function), '')));
    RETURN v_who.id;
END $$;

-- Detaches a member (not the référent); an offer made to them lapses.
CREATE FUNCTION st_detach(p_space uuid, p_person uuid, p_actor uuid, p_lang text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM space_detach(p_space, p_person, p_actor);
    UPDATE space_referent_offers SET answered_at = now(), outcome = 'void'
     WHERE space_id = p_space AND to_person = p_person AND answered_at IS NULL;
    PERFORM st_mail_person(p_space, p_person, 'space-detached', p_lang, NULL);
END $$;

-- Records a join key (its hash only) valid p_days days.  Returns its expiry.
CREATE FUNCTION st_join_key(p_space uuid, p_key text, p_days int, p_actor uuid)
RETURNS timestamptz
LANGUAGE plpgsql AS $$
DECLARE
    v_id  bigint;
    v_exp timestamptz := now() + make_interval(days => p_days);
BEGIN
    PERFORM 1 FROM spaces WHERE id = p_space AND status = 'active' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'space.closed';
    END IF;
    INSERT INTO space_join_keys (space_id, key_hash, created_by, expires_at)
    VALUES (p_space, st_key_hash(p_key), p_actor, v_exp) RETURNING id INTO v_id;
    INSERT INTO space_events (space_id, actor, action, detail)
    VALUES (p_space, p_actor, 'join-key', jsonb_build_object('key', v_id, 'expires', v_exp));
    RETURN v_exp;
END $$;

-- p_person joins the space of key p_key, with a function.  The key is
-- used up.  Returns the space id.
CREATE FUNCTION st_join(p_person uuid, p_key text, p_function text, p_lang text)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    k     space_join_keys;
    v_who persons;
BEGIN
    SELECT * INTO k FROM space_join_keys WHERE key_hash = st_key_hash(p_key) FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'space.key_unknown';
    ELSIF k.used_at IS NOT NULL THEN
        RAISE EXCEPTION 'space.key_used';
    ELSIF k.expires_at <= now() THEN
        RAISE EXCEPTION 'space.key_expired';
    ELSIF NOT EXISTS (SELECT 1 FROM spaces WHERE id = k.space_id AND status = 'active') THEN
        RAISE EXCEPTION 'space.closed';
    END IF;
    SELECT * INTO v_who FROM persons WHERE id = p_person;
    IF v_who.assurance NOT IN ('verified', 'strong') THEN
        RAISE EXCEPTION 'space.person_not_verified';
    END IF;
    IF EXISTS (SELECT 1 FROM memberships WHERE space_id = k.space_id AND person_id = p_person
                                           AND ended_at IS NULL) THEN
        RAISE EXCEPTION 'space.already_member';
    END IF;
    UPDATE space_join_keys SET used_at = now(), used_by = p_person WHERE id = k.id;
    PERFORM space_attach(k.space_id, p_person, p_function, p_person);
    INSERT INTO space_events (space_id, actor, action, person_id, detail)
    VALUES (k.space_id, p_person, 'join', p_person,
            jsonb_build_object('key', k.id, 'key_by', k.created_by));
    PERFORM st_mail_person(k.space_id, p_person, 'space-joined', p_lang,
                           jsonb_build_object('state', NULLIF(btrim(p_function), '')));
    PERFORM st_mail_space(k.space_id, 'space-member-joined', p_lang,
                          jsonb_build_object('state', v_who.display_name));
    RETURN k.space_id;
END $$;

-- The référent proposes member p_to as the next référent.  An earlier
-- open offer is withdrawn.  Nothing else changes until p_to accepts.
CREATE FUNCTION st_referent_offer(p_space uuid, p_to uuid, p_actor uuid, p_lang text)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_ref uuid;
BEGIN
    SELECT referent_person_id INTO v_ref FROM spaces
     WHERE id = p_space AND status = 'active' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'space.closed';
    ELSIF v_ref = p_to THEN
        RAISE EXCEPTION 'space.already_referent';
    ELSIF NOT EXISTS (SELECT 1 FROM memberships WHERE space_id = p_space AND person_id = p_to
                                                  AND ended_at IS NULL) THEN
        RAISE EXCEPTION 'space.not_member';
    END IF;
    PERFORM st_offer_close(p_space, 'withdrawn');
    INSERT INTO space_referent_offers (space_id, from_person, to_person)
    VALUES (p_space, v_ref, p_to);
    INSERT INTO space_events (space_id, actor, action, person_id)
    VALUES (p_space, p_actor, 'referent-offer', p_to);
    PERFORM st_mail_person(p_space, p_to, 'space-referent-offer', p_lang, NULL);
END $$;

-- The référent takes back the open offer.
CREATE FUNCTION st_referent_withdraw(p_space uuid, p_actor uuid, p_lang text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_to uuid;
BEGIN
    v_to := st_offer_close(p_space, 'withdrawn');
    IF v_to IS NULL THEN
        RAISE EXCEPTION 'space.no_offer';
    END IF;
    INSERT INTO space_events (space_id, actor, action, person_id)
    VALUES (p_space, p_actor, 'referent-withdraw', v_to);
    PERFORM st_mail_person(p_space, v_to, 'space-referent-withdrawn', p_lang, NULL);
END $$;

-- The member an offer was made to accepts (becomes the référent; the
-- previous one stays a member) or declines.  The référent is mailed.
CREATE FUNCTION st_referent_answer(p_space uuid, p_person uuid, p_accept boolean,
                                   p_lang text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    o     space_referent_offers;
    v_ref uuid;
    v_who persons;
BEGIN
    SELECT referent_person_id INTO v_ref FROM spaces
     WHERE id = p_space AND status = 'active' FOR UPDATE;
    SELECT * INTO o FROM space_referent_offers
     WHERE space_id = p_space AND answered_at IS NULL FOR UPDATE;
    IF NOT FOUND OR o.to_person <> p_person OR v_ref IS NULL THEN
        RAISE EXCEPTION 'space.no_offer';
    END IF;
    SELECT * INTO v_who FROM persons WHERE id = p_person;
    IF o.from_person IS DISTINCT FROM v_ref THEN
        -- made by a référent who is no longer one: it lapsed
        PERFORM st_offer_close(p_space, 'void');
        RAISE EXCEPTION 'space.no_offer';
    END IF;
    IF p_accept THEN
        PERFORM st_offer_close(p_space, 'accepted');
        PERFORM space_set_referent(p_space, p_person, p_person);
        PERFORM st_mail_person(p_space, o.from_person, 'space-referent-accepted', p_lang,
                               jsonb_build_object('state', v_who.display_name));
        PERFORM st_mail_person(p_space, p_person, 'space-referent-now', p_lang, NULL);
    ELSE
        PERFORM st_offer_close(p_space, 'declined');
        INSERT INTO space_events (space_id, actor, action, person_id)
        VALUES (p_space, p_person, 'referent-decline', p_person);
        PERFORM st_mail_person(p_space, o.from_person, 'space-referent-declined', p_lang,
                               jsonb_build_object('state', v_who.display_name));
    END IF;
END $$;

-- Delegations: a duty (members, grants) handed to a member until a date
-- (NULL: until taken back), or taken back.
CREATE FUNCTION st_delegate(p_space uuid, p_person uuid, p_duty text, p_until date,
                            p_actor uuid, p_lang text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM spaces WHERE id = p_space AND referent_person_id = p_person) THEN
        RAISE EXCEPTION 'space.already_referent';
    END IF;
    PERFORM space_delegate(p_space, p_person, p_duty, p_until, p_actor);
    PERFORM st_mail_person(p_space, p_person, 'space-delegated-' || p_duty, p_lang,
                           jsonb_build_object('state', to_char(p_until, 'DD.MM.YYYY')));
END $$;

CREATE FUNCTION st_undelegate(p_space uuid, p_person uuid, p_duty text, p_actor uuid,
                              p_lang text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM space_undelegate(p_space, p_person, p_duty, p_actor);
    PERFORM st_mail_person(p_space, p_person, 'space-undelegated-' || p_duty, p_lang, NULL);
END $$;

-- Access to a protected service, given or taken back.  Only a published
-- procedure whose latest version is protected may be granted.
CREATE FUNCTION st_grant(p_space uuid, p_person uuid, p_workflow text, p_actor uuid,
                         p_lang text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM st_services('fr') s WHERE s.workflow_key = p_workflow) THEN
        RAISE EXCEPTION 'space.workflow_invalid';
    END IF;
    IF EXISTS (SELECT 1 FROM spaces WHERE id = p_space AND referent_person_id = p_person) THEN
        RAISE EXCEPTION 'space.already_referent';
    END IF;
    PERFORM space_grant(p_space, p_person, p_workflow, p_actor);
    PERFORM st_mail_person(p_space, p_person, 'space-granted', p_lang,
                           jsonb_build_object('state', st_service_title(p_workflow, p_lang)));
END $$;

CREATE FUNCTION st_revoke(p_space uuid, p_person uuid, p_workflow text, p_actor uuid,
                          p_lang text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM space_revoke(p_space, p_person, p_workflow, p_actor);
    PERFORM st_mail_person(p_space, p_person, 'space-revoked', p_lang,
                           jsonb_build_object('state', st_service_title(p_workflow, p_lang)));
END $$;

-- The space's contact e-mail (NULL or '': none, mails go to the référent).
-- The new address is told, so that a mistyped one is noticed.
CREATE FUNCTION st_set_contact(p_space uuid, p_email text, p_actor uuid, p_lang text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE spaces SET contact_email = NULLIF(btrim(p_email), '')
     WHERE id = p_space AND status = 'active';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'space.closed';
    END IF;
    INSERT INTO space_events (space_id, actor, action, detail)
    VALUES (p_space, p_actor, 'contact',
            jsonb_build_object('email', NULLIF(btrim(p_email), '')));
    IF NULLIF(btrim(p_email), '') IS NOT NULL THEN
        PERFORM st_mail_space(p_space, 'space-contact', p_lang, NULL);
    END IF;
END $$;

-- --- authorization (authz_may dispatches to az_action_<action>, 0014) ----------------

-- administer-space: object a space id.  The référent only (no delegate),
-- acting for the active space: delegations, the hand-over, the contact
-- e-mail.  Same refusals as manage-members.
CREATE FUNCTION az_action_administer_space(p_person uuid, p_context uuid, p_admin boolean,
                                           p_object text, p_arg text,
                                           OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_id    uuid := az_uuid(p_object);
    v_space spaces;
BEGIN
    verdict := 'deny';
    reason := 'err.forbidden';
    SELECT * INTO v_space FROM spaces WHERE id = v_id;
    IF NOT FOUND THEN
        verdict := 'notfound';
        reason := 'err.notfound';
    ELSIF v_space.status <> 'active' THEN
        reason := 'authz.space_inactive';
    ELSIF NOT az_referent(p_person, v_id) THEN
        reason := 'authz.referent_only';
    ELSIF p_context IS DISTINCT FROM v_id THEN
        reason := 'authz.wrong_context';
    ELSE
        verdict := 'allow';
        reason := NULL;
    END IF;
END $$;

-- join-space: object NULL.  A person whose identity was verified, acting
-- for themself (the key is entered from the personal space).
CREATE FUNCTION az_action_join_space(p_person uuid, p_context uuid, p_admin boolean,
                                     p_object text, p_arg text,
                                     OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    verdict := 'deny';
    reason := 'err.forbidden';
    IF NOT EXISTS (SELECT 1 FROM persons WHERE id = p_person AND deleted_at IS NULL
                                           AND assurance IN ('verified', 'strong')) THEN
        reason := 'authz.verified_only';
    ELSIF p_context IS NOT NULL THEN
        reason := 'authz.switch_to_self';
    ELSE
        verdict := 'allow';
        reason := NULL;
    END IF;
END $$;

-- answer-referent: object a space id.  The member an open offer of that
-- active space was made to, in any context (it is their own decision);
-- anyone else: notfound.
CREATE FUNCTION az_action_answer_referent(p_person uuid, p_context uuid, p_admin boolean,
                                          p_object text, p_arg text,
                                          OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    verdict := 'notfound';
    reason := 'err.notfound';
    IF EXISTS (SELECT 1 FROM space_referent_offers o
                WHERE o.space_id = az_uuid(p_object) AND o.to_person = p_person
                  AND o.answered_at IS NULL)
       AND az_member(p_person, az_uuid(p_object)) THEN
        verdict := 'allow';
        reason := NULL;
    END IF;
END $$;

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0014_account.sql -- "Gérer mon compte" and "Mes relations".
--
--   account_contacts    a person's contact e-mail per context: the personal
--                       space (space_id NULL) and each professional space
--                       they belong to; mails about that context's demands
--                       go there instead of the provider's address
--   account_mail_kinds  which kind of mail each outbox template is
--                       (status, reminder, message, or required: security,
--                       codes, legal deadlines and decisions, never off)
--   account_mail_prefs  the kinds a person turned off (no row: on)
--   relations           legal persons a person acts for without a
--                       professional space (Culture FAQ "Mes relations")
--   account_events      append-only trail of every change made here
--   persons.deleted_at  an account deleted by its owner (the person row
--                       stays: filed demands and their trail keep it)
--   outbox.status       + 'skipped': a mail its recipient turned off,
--                       recorded rather than lost
--
-- Functions, one round trip each: account_outbox_route (the mailer asks
-- it for every row it claims: send or skip, and to which address),
-- account_save_contacts, account_save_prefs, relation_add,
-- relation_remove, account_export, account_delete; and authz_may()
-- replaced with two more actions ('manage-account', 'manage-relation').
--
-- Written by engine/account.c only; read by engine/mailer.c
-- (account_outbox_route).  docs/account.md explains it in prose.

ALTER TABLE persons ADD COLUMN deleted_at timestamptz;

ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'skipped'));

CREATE TABLE account_contacts (
    person_id   uuid        NOT NULL REFERENCES persons (id),
    -- NULL: the personal space
    space_id    uuid        REFERENCES spaces (id),
    email       text        NOT NULL CHECK (email ~ '^[^\s<>,;@]+@[^\s<>,;@]+$'
                                            AND length(email) <= 320),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX account_contacts_one ON account_contacts
    (person_id, coalesce(space_id, '00000000-0000-0000-0000-000000000000'::uuid));

COMMENT ON TABLE account_contacts IS
    'Contact e-mail per context (space_id NULL: personal); else the provider''s address';

CREATE TABLE account_mail_kinds (
    template  text PRIMARY KEY CHECK (template ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    kind      text NOT NULL CHECK (kind IN ('status', 'reminder', 'message', 'required'))
);

-- A template not listed here is 'required': a new mail is sent until
-- someone decides it may be turned off.
INSERT INTO account_mail_kinds (template, kind) VALUES
    ('status-changed', 'status'),
    ('demand-received', 'status'),
    ('demand-new', 'status'),
    ('demand-withdrawn', 'status'),
    ('demand-completed', 'status'),
    ('demand-reminder', 'reminder'),
    ('demand-incomplete', 'required'),
    ('demand-decided', 'required'),
    ('demand-lapsed', 'required');

COMMENT ON TABLE account_mail_kinds IS
    'Kind of each mail template for the preferences; unlisted = required (cannot be turned off)';

CREATE TABLE account_mail_prefs (
    person_id   uuid        NOT NULL REFERENCES persons (id),
    kind        text        NOT NULL CHECK (kind IN ('status', 'reminder', 'message')),
    enabled     boolean     NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, kind)
);

COMMENT ON TABLE account_mail_prefs IS 'Kinds of mail a person chose; no row = on';

CREATE TABLE relations (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    person_id     uuid        NOT NULL REFERENCES persons (id),
    name          text        NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 300),
    ide           text        CHECK (ide IS NULL OR ide_valid(ide)),
    street        text        NOT NULL CHECK (btrim(street) <> '' AND length(street) <= 200),
    postcode      text        NOT NULL CHECK (postcode ~ '^[1-9][0-9]{3}$'),
    locality      text        NOT NULL CHECK (btrim(locality) <> '' AND length(locality) <= 100),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX relations_person ON relations (person_id);

COMMENT ON TABLE relations IS
    'Legal persons a person acts for without a professional space (Mes relations)';

CREATE TABLE account_events (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id   uuid        NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    action      text        NOT NULL CHECK (action IN
                    ('contacts', 'preferences', 'relation-add', 'relation-remove',
                     'export', 'delete')),
    detail      jsonb       NOT NULL DEFAULT '{}',
    request_id  text
);

CREATE INDEX account_events_person ON account_events (person_id, at);

CREATE TRIGGER account_events_no_update BEFORE UPDATE OR DELETE ON account_events
    FOR EACH ROW EXECUTE FUNCTION space_trail_append_only();

COMMENT ON TABLE account_events IS 'append-only trail of the account pages'' changes';

-- --- the mailer's question ---------------------------------------------------------

-- For outbox row p_id: send it (deliver) to recipient, or skip it because
-- its person turned that kind of mail off (reason says which).  The
-- address: the person's contact e-mail for the demand's context when they
-- are on its owner side (the owner of a personal demand: personal
-- contact; a live member of the space a demand was filed for: that
-- space's contact), else the row's recipient.  A deleted account gets
-- nothing but required mail... and has no address left: skipped.
CREATE FUNCTION account_outbox_route(p_id bigint, OUT deliver boolean, OUT recipient text,
                                     OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    o       outbox;
    v_kind  text;
    v_space uuid;
    v_owner uuid;
    v_mail  text;
BEGIN
    SELECT * INTO o FROM outbox WHERE id = p_id;
    deliver := true;
    recipient := o.recipient;
    IF o.person_id IS NULL THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM persons WHERE id = o.person_id AND deleted_at IS NOT NULL) THEN
        deliver := false;
        reason := 'account deleted';
        RETURN;
    END IF;
    v_kind := COALESCE((SELECT kind FROM account_mail_kinds WHERE template = o.template),
                       'required');
    IF v_kind <> 'required' AND EXISTS (
           SELECT 1 FROM account_mail_prefs
            WHERE person_id = o.person_id AND kind = v_kind AND NOT enabled) THEN
        deliver := false;
        reason := 'turned off by its recipient: ' || v_kind;
        RETURN;
    END IF;
    SELECT owner_space_id, owner_person_id INTO v_space, v_owner
      FROM demands WHERE id = o.demand_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF v_space IS NULL AND v_owner = o.person_id THEN
        SELECT email INTO v_mail FROM account_contacts
         WHERE person_id = o.person_id AND space_id IS NULL;
    ELSIF v_space IS NOT NULL AND az_member(o.person_id, v_space) THEN
        SELECT email INTO v_mail FROM account_contacts
         WHERE person_id = o.person_id AND space_id = v_space;
    END IF;
    recipient := COALESCE(v_mail, o.recipient);
END $$;

-- --- changes -----------------------------------------------------------------------

-- c: {"personal": "a@b.ch" | "", "spaces": {"<space uuid>": "x@y.ch" | ""}}
-- (already validated by the engine); an empty address removes the
-- contact (the provider's address is used again).  Only spaces the
-- person is a live member of are taken: others raise account.not_member.
CREATE FUNCTION account_save_contacts(p_person uuid, c jsonb, p_request text)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    k text;
    v text;
BEGIN
    DELETE FROM account_contacts WHERE person_id = p_person AND space_id IS NULL;
    IF COALESCE(c->>'personal', '') <> '' THEN
        INSERT INTO account_contacts (person_id, space_id, email)
        VALUES (p_person, NULL, c->>'personal');
    END IF;
    FOR k, v IN SELECT key, value FROM jsonb_each_text(COALESCE(c->'spaces', '{}')) LOOP
        IF NOT az_member(p_person, k::uuid) THEN
            RAISE EXCEPTION 'account.not_member' USING ERRCODE = 'check_violation';
        END IF;
        DELETE FROM account_contacts WHERE person_id = p_person AND space_id = k::uuid;
        IF v <> '' THEN
            INSERT INTO account_contacts (person_id, space_id, email)
            VALUES (p_person, k::uuid, v);
        END IF;
    END LOOP;
    INSERT INTO account_events (person_id, action, detail, request_id)
    VALUES (p_person, 'contacts', c, p_request);
END $$;

-- p: {"status": true|false, "reminder": ..., "message": ...}
CREATE FUNCTION account_save_prefs(p_person uuid, p jsonb, p_request text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_mail_prefs (person_id, kind, enabled)
    SELECT p_person, k.key, k.value::boolean
      FROM jsonb_each_text(p) k
     WHERE k.key IN ('status', 'reminder', 'message')
    ON CONFLICT (person_id, kind) DO UPDATE
       SET enabled = EXCLUDED.enabled, updated_at = now();
    INSERT INTO account_events (person_id, action, detail, request_id)
    VALUES (p_person, 'preferences', p, p_request);
END $$;

-- r: {name, ide (or null), street, postcode, locality}, validated by the engine
CREATE FUNCTION relation_add(p_person uuid, r jsonb, p_request text)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid;
BEGIN
    INSERT INTO relations (person_id, name, ide, street, postcode, locality)
    VALUES (p_person, r->>'name', NULLIF(r->>'ide', ''), r->>'street', r->>'postcode',
            r->>'locality')
    RETURNING id INTO v_id;
    INSERT INTO account_events (person_id, action, detail, request_id)
    VALUES (p_person, 'relation-add', r || jsonb_build_object('id', v_id), p_request);
    RETURN v_id;
END $$;

CREATE FUNCTION relation_remove(p_person uuid, p_id uuid, p_request text)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v relations;
BEGIN
    DELETE FROM relations WHERE id = p_id AND person_id = p_person RETURNING * INTO v;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO account_events (person_id, action, detail, request_id)
    VALUES (p_person, 'relation-remove', to_jsonb(v), p_request);
    RETURN true;
END $$;

-- --- export ------------------------------------------------------------------------

-- Everything the portal holds about p_person, as one JSON document: the
-- person, identities (provider and subject, the claims received), contact
-- e-mails, mail preferences, relations, memberships, the demands they own
-- (form data, the trail of each, their documents' metadata with sha256 and
-- the link that downloads the bytes), documents of their personal wallet,
-- and the mails sent to them.  Nothing about another person: other actors
-- of a demand's trail appear by role only.  Audited.
CREATE FUNCTION account_export(p_person uuid, p_request text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v jsonb;
BEGIN
    SELECT jsonb_build_object(
        'format', 'guichet-account-export/1',
        'exported_at', now(),
        'person', (SELECT jsonb_build_object(
                       'id', p.id, 'display_name', p.display_name,
                       'given_name', p.given_name, 'family_name', p.family_name,
                       'email', p.email, 'assurance', p.assurance,
                       'created_at', p.created_at)
                     FROM persons p WHERE p.id = p_person),
        'identities', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                       'issuer', i.issuer, 'subject', i.subject, 'provider', i.idp,
                       'claims', i.claims, 'last_login', i.last_login) ORDER BY i.issuer)
                     FROM identities i WHERE i.person_id = p_person), '[]'),
        'contacts', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                       'space', c.space_id, 'email', c.email))
                     FROM account_contacts c WHERE c.person_id = p_person), '[]'),
        'mail_preferences', COALESCE((SELECT jsonb_object_agg(m.kind, m.enabled)
                     FROM account_mail_prefs m WHERE m.person_id = p_person), '{}'),
        'relations', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                       'name', r.name, 'ide', r.ide, 'street', r.street,
                       'postcode', r.postcode, 'locality', r.locality,
                       'created_at', r.created_at) ORDER BY r.created_at)
                     FROM relations r WHERE r.person_id = p_person), '[]'),
        'memberships', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                       'space', m.space_id, 'entity', e.name, 'ide', e.ide,
                       'function', m.function, 'since', m.since, 'ended_at', m.ended_at)
                       ORDER BY m.since)
                     FROM memberships m JOIN spaces s ON s.id = m.space_id
                     JOIN entities e ON e.id = s.entity_id
                     WHERE m.person_id = p_person), '[]'),
        'demands', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                       'id', d.id, 'reference', d.reference, 'procedure', d.workflow_key,
                       'version', d.definition_version, 'state', d.state,
                       'space', d.owner_space_id, 'created_at', d.created_at,
                       'submitted_at', d.submitted_at, 'updated_at', d.updated_at,
                       'form', d.form_data,
                       'events', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                               'at', ev.at, 'transition', ev.transition,
                               'from', ev.from_state, 'to', ev.to_state,
                               'by', CASE WHEN ev.actor_person_id = p_person THEN 'me'
                                          WHEN ev.actor_kind = 'system' THEN 'system'
                                          ELSE COALESCE(ev.actor_role, 'other') END,
                               'comment', ev.comment) ORDER BY ev.demand_version)
                             FROM events ev WHERE ev.demand_id = d.id), '[]'),
                       'documents', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                               'id', doc.id, 'field', doc.field, 'filename', doc.filename,
                               'mime', doc.mime, 'size', doc.size, 'sha256', doc.sha256,
                               'created_at', doc.created_at,
                               'download', '/documents/' || doc.id) ORDER BY doc.created_at)
                             FROM documents doc WHERE doc.demand_id = d.id), '[]'))
                       ORDER BY d.created_at)
                     FROM demands d WHERE d.owner_person_id = p_person), '[]'),
        'wallet', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                       'id', doc.id, 'filename', doc.filename, 'mime', doc.mime,
                       'size', doc.size, 'sha256', doc.sha256, 'created_at', doc.created_at,
                       'download', '/documents/' || doc.id) ORDER BY doc.created_at)
                     FROM documents doc
                    WHERE doc.demand_id IS NULL AND doc.owner_space_id IS NULL
                      AND doc.owner_person_id = p_person), '[]'),
        'mails', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                       'template', o.template, 'to', o.recipient, 'status', o.status,
                       'created_at', o.created_at, 'sent_at', o.sent_at) ORDER BY o.id)
                     FROM outbox o WHERE o.person_id = p_person), '[]'))
      INTO v;
    INSERT INTO account_events (person_id, action, request_id)
    VALUES (p_person, 'export', p_request);
    RETURN v;
END $$;

-- --- deletion ----------------------------------------------------------------------

-- Deletes p_person's account at their request.  Kept, as the law wants:
-- demands already filed, their trail (events) and documents, and the name
-- they were filed under.  Gone: drafts (with their documents and timers;
-- a 'purge' event each, as the draft purge writes), the personal wallet,
-- contact e-mails, preferences, relations, the e-mail address and names
-- from the provider, live memberships of spaces (ended, in space_events),
-- every login binding (identities) and every session.  The next login
-- with the same provider account makes a new person.  Refused, with the
-- key as the message: the référent of an active space
-- (account.referent), an agent, a trusted third party or an
-- administrator (account.staff): others depend on them.
-- Returns {drafts, documents, kept}.
CREATE FUNCTION account_delete(p_person uuid, p_request text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    d       demands;
    n_draft int := 0;
    n_doc   int;
    n_kept  int;
    m       memberships;
BEGIN
    PERFORM 1 FROM persons WHERE id = p_person AND deleted_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'err.notfound' USING ERRCODE = 'no_data_found';
    END IF;
    IF EXISTS (SELECT 1 FROM spaces WHERE referent_person_id = p_person
                                      AND status <> 'closed') THEN
        RAISE EXCEPTION 'account.referent' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM agent_members WHERE person_id = p_person)
       OR EXISTS (SELECT 1 FROM third_party_members WHERE person_id = p_person)
       OR EXISTS (SELECT 1 FROM administrators WHERE person_id = p_person) THEN
        RAISE EXCEPTION 'account.staff' USING ERRCODE = 'check_violation';
    END IF;
    FOR d IN DELETE FROM demands
              WHERE owner_person_id = p_person AND bucket = 'draft' RETURNING * LOOP
        INSERT INTO events (demand_id, demand_version, actor_kind, actor_person_id,
                            transition, from_state, to_state, request_id)
        VALUES (d.id, d.version + 1, 'person', p_person, 'purge', d.state, NULL, p_request);
        n_draft := n_draft + 1;
    END LOOP;
    DELETE FROM documents
     WHERE owner_person_id = p_person AND demand_id IS NULL AND owner_space_id IS NULL;
    GET DIAGNOSTICS n_doc = ROW_COUNT;
    SELECT count(*) INTO n_kept FROM demands WHERE owner_person_id = p_person;
    FOR m IN SELECT * FROM memberships WHERE person_id = p_person AND ended_at IS NULL LOOP
        PERFORM space_detach(m.space_id, p_person, p_person);
    END LOOP;
    DELETE FROM account_contacts WHERE person_id = p_person;
    DELETE FROM account_mail_prefs WHERE person_id = p_person;
    DELETE FROM relations WHERE person_id = p_person;
    DELETE FROM sessions WHERE person_id = p_person;
    DELETE FROM identities WHERE person_id = p_person;
    UPDATE persons SET deleted_at = now(), email = NULL, given_name = NULL,
                       family_name = NULL
     WHERE id = p_person;
    INSERT INTO account_events (person_id, action, detail, request_id)
    VALUES (p_person, 'delete',
            jsonb_build_object('drafts', n_draft, 'wallet_documents', n_doc, 'kept', n_kept),
            p_request);
    RETURN jsonb_build_object('drafts', n_draft, 'documents', n_doc, 'kept', n_kept);
END $$;

-- --- authorization -----------------------------------------------------------------

-- authz_may() as in 0003, with one change: an action it does not name is
-- the function az_action_<action> (dashes as underscores) of (person,
-- context, admin, object, arg), defined by the migration that adds the
-- action, so no later migration copies authz_may again (docs/access.md).
-- This one adds two (below):
--   manage-account   object NULL: one's own account; any logged-in person
--                    not deleted, in any context (it is theirs, not the
--                    context's)
--   manage-relation  object: a relation id; its person only, else notfound
CREATE OR REPLACE FUNCTION authz_may(p_person uuid, p_context uuid, p_action text, p_object text,
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
        -- an action added after 0003 is a function az_action_<action>
        -- (dashes as underscores) of (person, context, admin, object, arg),
        -- defined by the migration that adds it: authz_may is written once
        IF p_action !~ '^[a-z][a-z-]{0,40}$'
           OR to_regprocedure(format('az_action_%s(uuid,uuid,boolean,text,text)',
                                     replace(p_action, '-', '_'))) IS NULL THEN
            RAISE EXCEPTION 'authz_may: unknown action %', p_action
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        EXECUTE format('SELECT verdict, reason FROM %I($1, $2, $3, $4, $5)',
                       'az_action_' || replace(p_action, '-', '_'))
           INTO verdict, reason USING p_person, p_context, v_admin, p_object, p_arg;
    END CASE;
END $$;

-- manage-account: object NULL, one's own account: any logged-in person
-- whose account is not deleted, in any context.
CREATE FUNCTION az_action_manage_account(p_person uuid, p_context uuid, p_admin boolean, p_object text,
                  p_arg text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    verdict := 'deny';
    reason := 'err.forbidden';
    IF EXISTS (SELECT 1 FROM persons WHERE id = p_person AND deleted_at IS NULL) THEN
        verdict := 'allow';
    ELSE
        reason := 'err.login_needed';
    END IF;
END $$;

-- manage-relation: object a relation id; its person only, else notfound.
CREATE FUNCTION az_action_manage_relation(p_person uuid, p_context uuid, p_admin boolean, p_object text,
                  p_arg text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    verdict := 'deny';
    reason := 'err.forbidden';
    IF EXISTS (SELECT 1 FROM relations
                WHERE id = az_uuid(p_object) AND person_id = p_person) THEN
        verdict := 'allow';
    ELSE
        verdict := 'notfound';
        reason := 'err.notfound';
    END IF;
END $$;


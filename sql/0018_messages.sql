-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0018_messages.sql -- messages per demand and the notifications list.
--
-- Owns: the table messages (a thread per demand between its owner side and
-- the agents), note_reads (when each person last looked at each demand),
-- msg_post() (a message, its mails and the poster's read mark in one
-- statement), note_items() / note_unread_count() (the notifications list
-- and the header's count), note_mark_read() / note_mark_all(), and the
-- action 'post-message' of authz_may() (the whole function is replaced:
-- 0017's body plus that one branch).  Does not own: events (a message is
-- not a transition: the demand's state and version do not change, so a
-- message is its own audited table, append-only like events), the outbox
-- (0004; rows are added here like wf_queue_mails does), the mail texts
-- (xslt/i18n/mail.xml, keys mail.message-*).  C side: engine/message.c.

-- --- messages ----------------------------------------------------------------------

CREATE TABLE messages (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    demand_id        uuid        NOT NULL REFERENCES demands (id),
    author_person_id uuid        NOT NULL REFERENCES persons (id),
    author_space_id  uuid        REFERENCES spaces (id),   -- the context acted for
    -- owner: the applicant's side; agent: an agent of agent_group
    side             text        NOT NULL CHECK (side IN ('owner', 'agent')),
    agent_group      text        REFERENCES agent_groups (id),
    body             text        NOT NULL CHECK (char_length(btrim(body)) BETWEEN 1 AND 4000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    request_id       text,
    CHECK ((side = 'agent') = (agent_group IS NOT NULL))
);

CREATE INDEX messages_demand ON messages (demand_id, created_at);
CREATE INDEX messages_author ON messages (author_person_id, demand_id);

COMMENT ON TABLE messages IS 'append-only: a trigger refuses UPDATE, DELETE and TRUNCATE';

CREATE TRIGGER messages_no_update BEFORE UPDATE OR DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER messages_no_truncate BEFORE TRUNCATE ON messages
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON messages FROM PUBLIC;

-- --- read marks ---------------------------------------------------------------------

-- When a person last looked at a demand (opened its page, posted on it, or
-- "tout marquer comme lu").  Items after it are unread.
CREATE TABLE note_reads (
    person_id  uuid        NOT NULL REFERENCES persons (id),
    demand_id  uuid        NOT NULL,            -- no foreign key: a purge keeps marks harmless
    read_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, demand_id)
);

-- the demands a person follows (note_items): filed, posted on, acted on
CREATE INDEX events_actor ON events (actor_person_id, demand_id) WHERE actor_person_id IS NOT NULL;
CREATE INDEX demands_owner_person ON demands (owner_person_id);

-- --- posting ------------------------------------------------------------------------

-- A message by p_person acting for p_context on p_demand, in one statement:
-- authorization again (the C caller asked authz_check first), the row, one
-- mail to the other side, and the poster's read mark.  Mails: the owner
-- side writes -> every agent of the groups the procedure names (French,
-- like wf_queue_mails' non-owner mails); an agent writes -> the owner
-- person, in the demand's language.  p_data: the mail's data (reference,
-- workflow title by language); the body is added as its comment.
CREATE FUNCTION msg_post(p_person uuid, p_context uuid, p_demand uuid, p_body text,
                         p_data jsonb, p_request_id text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_ok    record;
    d       demands;
    v_def   record;
    v_side  text;
    v_group text;
    v_id    bigint;
    v_data  jsonb;
BEGIN
    SELECT * INTO v_ok FROM authz_may(p_person, p_context, 'post-message', p_demand::text, NULL);
    IF v_ok.verdict <> 'allow' THEN
        RAISE EXCEPTION '%', COALESCE(v_ok.reason, 'err.forbidden')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO d FROM demands WHERE id = p_demand FOR SHARE;
    SELECT * INTO v_def FROM az_definition(d.workflow_key, d.definition_version);
    IF (SELECT a.verdict FROM az_demand(p_person, p_context, false, p_demand, 'owner') a) = 'allow' THEN
        v_side := 'owner';
    ELSE
        v_side := 'agent';
        SELECT am.group_id INTO v_group FROM agent_members am
         WHERE am.person_id = p_person AND am.group_id = ANY (v_def.agent_groups)
         ORDER BY am.group_id LIMIT 1;
    END IF;
    INSERT INTO messages (demand_id, author_person_id, author_space_id, side, agent_group,
                          body, request_id)
    VALUES (p_demand, p_person, p_context, v_side, v_group, p_body, p_request_id)
    RETURNING id INTO v_id;

    v_data := COALESCE(p_data, '{}') || jsonb_build_object('reference', d.reference,
                                                           'comment', p_body);
    IF v_side = 'owner' THEN
        INSERT INTO outbox (demand_id, template, recipient, recipient_name, person_id, lang, data)
        SELECT DISTINCT ON (p.email) d.id, 'message-to-agents', p.email, p.display_name, p.id,
               'fr', v_data
          FROM agent_members am JOIN persons p ON p.id = am.person_id
         WHERE am.group_id = ANY (v_def.agent_groups) AND p.id <> p_person
           AND p.email ~ '^[^\s<>,;@]+@[^\s<>,;@]+$';
    ELSE
        INSERT INTO outbox (demand_id, template, recipient, recipient_name, person_id, lang, data)
        SELECT d.id, 'message-to-owner', p.email, p.display_name, p.id, d.lang, v_data
          FROM persons p
         WHERE p.id = d.owner_person_id AND p.id <> p_person
           AND p.email ~ '^[^\s<>,;@]+@[^\s<>,;@]+$';
    END IF;

    INSERT INTO note_reads (person_id, demand_id, read_at) VALUES (p_person, p_demand, now())
    ON CONFLICT (person_id, demand_id) DO UPDATE SET read_at = EXCLUDED.read_at;
    RETURN v_id;
END $$;

-- --- notifications --------------------------------------------------------------------

-- What is new for p_person: on the demands they follow (filed, posted a
-- message on, or fired a step of), every message and every step by
-- somebody else (an agent, a colleague, a timer) since they last looked at
-- that demand.  The demand's creation is never news.
CREATE FUNCTION note_items(p_person uuid)
RETURNS TABLE (demand_id uuid, kind text, at timestamptz, item bigint)
LANGUAGE sql STABLE AS $$
    WITH f AS (
        SELECT d.id FROM demands d WHERE d.owner_person_id = p_person
        UNION
        SELECT m.demand_id FROM messages m WHERE m.author_person_id = p_person
        UNION
        SELECT e.demand_id FROM events e WHERE e.actor_person_id = p_person
    ), fr AS (
        -- a purged draft's trail stays in events: not news any more
        SELECT f.id, COALESCE(nr.read_at, '-infinity') AS read_at
          FROM f JOIN demands d ON d.id = f.id
          LEFT JOIN note_reads nr ON nr.person_id = p_person AND nr.demand_id = f.id
    )
    SELECT m.demand_id, 'message', m.created_at, m.id
      FROM fr JOIN messages m ON m.demand_id = fr.id
     WHERE m.author_person_id <> p_person AND m.created_at > fr.read_at
    UNION ALL
    SELECT e.demand_id, 'event', e.at, e.id
      FROM fr JOIN events e ON e.demand_id = fr.id
     WHERE e.actor_person_id IS DISTINCT FROM p_person AND e.transition <> 'create'
       AND e.at > fr.read_at
$$;

CREATE FUNCTION note_unread_count(p_person uuid) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM note_items(p_person)
$$;

CREATE FUNCTION note_mark_read(p_person uuid, p_demand uuid) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO note_reads (person_id, demand_id, read_at) VALUES (p_person, p_demand, now())
    ON CONFLICT (person_id, demand_id) DO UPDATE SET read_at = EXCLUDED.read_at
$$;

CREATE FUNCTION note_mark_all(p_person uuid) RETURNS int
LANGUAGE sql AS $$
    WITH n AS (
        INSERT INTO note_reads (person_id, demand_id, read_at)
        SELECT DISTINCT p_person, i.demand_id, now() FROM note_items(p_person) i
        ON CONFLICT (person_id, demand_id) DO UPDATE SET read_at = EXCLUDED.read_at
        RETURNING 1
    )
    SELECT count(*)::int FROM n
$$;

-- --- authorization ----------------------------------------------------------------------

-- authz_may() as 0017 left it, with one more action (docs/access.md):
--   post-message  object: demand id.  The owner side or an agent of a group
--                 the procedure names (az_demand's roles 'owner agent'), not
--                 on a draft (message.draft).  Someone who sees the demand
--                 but is neither (a third party, an administrator) gets
--                 message.not_yours / authz.read_only; a stranger notfound.
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

    WHEN 'manage-account' THEN
        IF EXISTS (SELECT 1 FROM persons WHERE id = p_person AND deleted_at IS NULL) THEN
            verdict := 'allow';
        ELSE
            reason := 'err.login_needed';
        END IF;

    WHEN 'manage-relation' THEN
        IF EXISTS (SELECT 1 FROM relations
                    WHERE id = az_uuid(p_object) AND person_id = p_person) THEN
            verdict := 'allow';
        ELSE
            verdict := 'notfound';
            reason := 'err.notfound';
        END IF;

    WHEN 'manage-document' THEN
        SELECT * INTO verdict, reason
          FROM az_document_do(p_person, p_context, v_admin, az_uuid(p_object), true);

    WHEN 'post-message' THEN
        -- 0018: the owner side or an agent of a group the procedure names,
        -- once the demand has left its owner's drafts (az_demand's roles)
        SELECT * INTO verdict, reason
          FROM az_demand(p_person, p_context, v_admin, az_uuid(p_object), 'owner agent');
        IF verdict = 'allow' AND EXISTS (SELECT 1 FROM demands
                                          WHERE id = az_uuid(p_object) AND bucket = 'draft') THEN
            verdict := 'deny';
            reason := 'message.draft';
        ELSIF verdict = 'deny' AND reason = 'authz.not_your_step' THEN
            reason := 'message.not_yours';
        END IF;


    ELSE
        RAISE EXCEPTION 'authz_may: unknown action %', p_action
            USING ERRCODE = 'invalid_parameter_value';
    END CASE;
END $$;

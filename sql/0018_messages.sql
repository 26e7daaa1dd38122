-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0018_messages.sql -- messages per demand and the notifications list.
--
-- Owns: the table messages (a thread per demand between its owner side and
-- the agents), note_reads (when each person last looked at each demand),
-- msg_post() (a message, its mails and the poster's read mark in one
-- statement), note_items() / note_unread_count() (the notifications list
-- and the header's count), note_mark_read() / note_mark_all(), and the
-- action 'post-message' of authz_may() (its function az_action_post_message,
-- 0014's way to add an action).  Does not own: events (a message is
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

-- The action 'post-message' of authz_may() (0014: an action is a function
-- az_action_<action>; docs/access.md):
--   post-message  object: demand id.  The owner side or an agent of a group
--                 the procedure names (az_demand's roles 'owner agent'), not
--                 on a draft (message.draft).  Someone who sees the demand
--                 but is neither (a third party, an administrator) gets
--                 message.not_yours / authz.read_only; a stranger notfound.
-- post-message: object a demand id (see the header of this file).
CREATE FUNCTION az_action_post_message(p_person uuid, p_context uuid, p_admin boolean, p_object text,
                  p_arg text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    verdict := 'deny';
    reason := 'err.forbidden';
    -- 0018: the owner side or an agent of a group the procedure names,
    -- once the demand has left its owner's drafts (az_demand's roles)
    SELECT * INTO verdict, reason
      FROM az_demand(p_person, p_context, p_admin, az_uuid(p_object), 'owner agent');
    IF verdict = 'allow' AND EXISTS (SELECT 1 FROM demands
                                      WHERE id = az_uuid(p_object) AND bucket = 'draft') THEN
        verdict := 'deny';
        reason := 'message.draft';
    ELSIF verdict = 'deny' AND reason = 'authz.not_your_step' THEN
        reason := 'message.not_yours';
    END IF;
END $$;


-- Both messages are of the kind "message" a person may turn off in their
-- notification preferences (0014's account_mail_kinds).
INSERT INTO account_mail_kinds (template, kind) VALUES
    ('message-to-owner', 'message'),
    ('message-to-agents', 'message');

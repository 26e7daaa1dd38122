-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0004_workflow.sql -- the workflow runtime: published definitions (every
-- version kept), demands (persisted state machines), their append-only
-- history, timers, the mail outbox, one-time codes and documents; and the
-- plpgsql functions that change them, each in ONE round trip:
--
--   wf_publish(key, sha256, xml, source)   a definition, if it changed
--   wf_create(change jsonb)                a demand in its initial state
--   wf_apply(change jsonb, files bytea[])  fire one transition
--   wf_purge(change jsonb)                 a draft-purge timer
--   wf_save(change jsonb)                  save a draft's fields
--
-- The C side (engine/wf_fire.c, wf_demand.c) checks who may act, the guard
-- and the form; these functions only write, guarded by the demand's version
-- (optimistic lock): zero rows updated means someone else moved first.

-- --- definitions -----------------------------------------------------------

CREATE TABLE definitions (
    workflow_key  text        NOT NULL CHECK (workflow_key ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    version       int         NOT NULL CHECK (version > 0),
    sha256        text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    xml           text        NOT NULL,
    source        text,                         -- file it was read from
    published_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workflow_key, version),
    CHECK (sha256 = encode(sha256(convert_to(xml, 'UTF8')), 'hex'))
);

COMMENT ON TABLE definitions IS
    'Every published version of every workflow definition; a demand keeps the version it started with';

CREATE FUNCTION definitions_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a published definition is never changed; publish a new version'
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER definitions_immutable BEFORE UPDATE ON definitions
    FOR EACH ROW EXECUTE FUNCTION definitions_immutable();

-- Publishes xml as the next version of key unless the latest version has
-- the same sha256.  Returns the version serving now and whether it is new.
CREATE FUNCTION wf_publish(p_key text, p_sha256 text, p_xml text, p_source text,
                           OUT def_version int, OUT is_new boolean)
LANGUAGE plpgsql AS $$
DECLARE
    last_v   int;
    last_sha text;
BEGIN
    -- two hosts reloading at once publish one version, not two
    PERFORM pg_advisory_xact_lock(hashtext('guichet.wf_publish'), hashtext(p_key));
    SELECT d.version, d.sha256 INTO last_v, last_sha
      FROM definitions d WHERE d.workflow_key = p_key
     ORDER BY d.version DESC LIMIT 1;
    IF last_sha = p_sha256 THEN
        def_version := last_v;
        is_new := false;
        RETURN;
    END IF;
    def_version := COALESCE(last_v, 0) + 1;
    INSERT INTO definitions (workflow_key, version, sha256, xml, source)
    VALUES (p_key, def_version, p_sha256, p_xml, p_source);
    is_new := true;
END $$;

-- --- demands ------------------------------------------------------------------

CREATE TABLE demands (
    id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    reference          text        NOT NULL UNIQUE CHECK (reference ~ '^[0-9]{4}-[0-9]{6,}$'),
    workflow_key       text        NOT NULL,
    definition_version int         NOT NULL,
    state              text        NOT NULL,
    -- copied from the definition at each transition, for the dashboard
    bucket             text        NOT NULL CHECK (bucket IN
                           ('draft', 'in-progress', 'to-do', 'decision-unread', 'archived')),
    progress           smallint    NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    is_final           boolean     NOT NULL DEFAULT false,
    owner_person_id    uuid        NOT NULL REFERENCES persons (id),
    owner_space_id     uuid        REFERENCES spaces (id),
    form_data          jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(form_data) = 'object'),
    -- the language the owner filed it in: their mails speak it
    lang               text        NOT NULL DEFAULT 'fr' CHECK (lang IN ('fr', 'de', 'en')),
    version            int         NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    submitted_at       timestamptz,
    state_since        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workflow_key, definition_version) REFERENCES definitions (workflow_key, version)
);

COMMENT ON COLUMN demands.version IS
    'optimistic lock: every change is UPDATE ... WHERE id = $1 AND version = $2, then version + 1';

CREATE INDEX demands_person_bucket ON demands (owner_person_id, bucket, updated_at DESC)
    WHERE owner_space_id IS NULL;
CREATE INDEX demands_space_bucket ON demands (owner_space_id, bucket, updated_at DESC)
    WHERE owner_space_id IS NOT NULL;
CREATE INDEX demands_queue ON demands (workflow_key, state, updated_at);

CREATE TRIGGER demands_touch BEFORE UPDATE ON demands
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Human reference numbers, 2026-000123: one sequence per civil year in
-- Zurich, made on first use (numbers may skip after a rollback; they never
-- repeat).
CREATE FUNCTION wf_next_reference() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    y   int := extract(year FROM now() AT TIME ZONE 'Europe/Zurich');
    seq text := 'demand_reference_' || y;
    n   bigint;
BEGIN
    IF to_regclass(seq) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL;       -- made by a concurrent first demand of the year
        END;
    END IF;
    n := nextval(seq::regclass);
    RETURN y || '-' || CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END;
END $$;

-- --- events: the audit trail -------------------------------------------------------

CREATE TABLE events (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- no foreign key: the trail outlives a purged draft
    demand_id       uuid        NOT NULL,
    demand_version  int         NOT NULL,    -- the demand's version this event made
    at              timestamptz NOT NULL DEFAULT now(),
    actor_kind      text        NOT NULL CHECK (actor_kind IN ('person', 'system')),
    actor_person_id uuid,
    actor_space_id  uuid,
    actor_role      text,                    -- the by="..." that allowed it
    transition      text        NOT NULL,    -- a transition id, 'create' or 'purge'
    from_state      text,
    to_state        text,
    comment         text,
    request_id      text,
    CHECK ((actor_kind = 'person') = (actor_person_id IS NOT NULL)),
    -- one event per version: a transition can never be written twice
    UNIQUE (demand_id, demand_version)
);

COMMENT ON TABLE events IS 'append-only: a trigger refuses UPDATE, DELETE and TRUNCATE';

CREATE FUNCTION events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC;

-- --- timers -----------------------------------------------------------------------

CREATE TABLE timers (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    demand_id   uuid        NOT NULL REFERENCES demands (id) ON DELETE CASCADE,
    state       text        NOT NULL,       -- the state it belongs to
    name        text,                       -- its id in the definition
    action      text        NOT NULL CHECK (action IN ('fire', 'purge')),
    transition  text,
    due_at      timestamptz NOT NULL,
    status      text        NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'fired', 'cancelled', 'failed')),
    attempts    int         NOT NULL DEFAULT 0,
    last_error  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    done_at     timestamptz,
    CHECK ((action = 'fire') = (transition IS NOT NULL))
);

-- (due_at, id): the scheduler's ORDER BY, so its claim reads one index entry
CREATE INDEX timers_due ON timers (due_at, id) WHERE status = 'pending';
CREATE INDEX timers_demand ON timers (demand_id) WHERE status = 'pending';

-- --- outbox -----------------------------------------------------------------------

CREATE TABLE outbox (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    demand_id       uuid,                   -- no foreign key: mail outlives a purge
    event_id        bigint,
    template        text        NOT NULL CHECK (template ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    recipient       text        NOT NULL CHECK (recipient ~ '^[^\s<>,;@]+@[^\s<>,;@]+$'),
    recipient_name  text,
    person_id       uuid,
    lang            text        NOT NULL DEFAULT 'fr' CHECK (lang IN ('fr', 'de', 'en')),
    data            jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object'),
    status          text        NOT NULL DEFAULT 'pending'
                                CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);

CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_failed ON outbox (created_at) WHERE status = 'failed';

COMMENT ON TABLE outbox IS
    'mail queued in the transaction that caused it; status failed = an incident to look at '
    '(requeue: UPDATE outbox SET status = ''pending'', attempts = 0, next_attempt_at = now())';

-- --- one-time codes (stored hashed) -----------------------------------------------

CREATE TABLE codes (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    demand_id   uuid        REFERENCES demands (id) ON DELETE CASCADE,
    person_id   uuid        REFERENCES persons (id),
    purpose     text        NOT NULL,
    channel     text        NOT NULL CHECK (channel IN ('mail', 'letter')),
    code_hash   text        NOT NULL,       -- HMAC-SHA256 of the code, never the code
    tries_left  int         NOT NULL DEFAULT 5 CHECK (tries_left >= 0),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX codes_demand ON codes (demand_id);

-- --- documents ---------------------------------------------------------------------

CREATE TABLE documents (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_person_id uuid        NOT NULL REFERENCES persons (id),
    owner_space_id  uuid        REFERENCES spaces (id),
    demand_id       uuid        REFERENCES demands (id) ON DELETE CASCADE,
    field           text,                   -- form field or attachment it answers
    filename        text        NOT NULL,   -- as sent: for display only
    mime            text        NOT NULL,   -- sniffed from the bytes
    content         bytea       NOT NULL,
    size            int         GENERATED ALWAYS AS (octet_length(content)) STORED,
    sha256          text        GENERATED ALWAYS AS (encode(sha256(content), 'hex')) STORED,
    uploaded_by     uuid,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX documents_demand ON documents (demand_id);
CREATE INDEX documents_owner ON documents (owner_person_id);

-- --- who gets mail -----------------------------------------------------------------

-- The persons a notification target (a <mail to="..."> or a notify token,
-- as wf_check.c resolves them) names, for demand d:
--   owner              the person who owns the demand
--   actor              the person who fired the transition
--   referent           the référent of the space the demand concerns (the
--                      space it was filed for, or for a personal demand
--                      addressed to a space, the form's target_space)
--   members            the live members of that space
--   agent:GROUP        the agents of GROUP
--   third-party:GROUP  the members of the trusted third party GROUP
CREATE FUNCTION wf_recipients(d demands, target text, actor uuid)
RETURNS TABLE (person_id uuid, email text, display_name text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_space uuid := COALESCE(d.owner_space_id,
                     CASE WHEN d.form_data->>'target_space'
                               ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                          THEN (d.form_data->>'target_space')::uuid END);
    v_group text := split_part(target, ':', 2);
BEGIN
    CASE split_part(target, ':', 1)
    WHEN 'owner' THEN
        RETURN QUERY SELECT p.id, p.email, p.display_name
                       FROM persons p WHERE p.id = d.owner_person_id;
    WHEN 'actor' THEN
        RETURN QUERY SELECT p.id, p.email, p.display_name
                       FROM persons p WHERE p.id = actor;
    WHEN 'referent' THEN
        RETURN QUERY SELECT p.id, p.email, p.display_name
                       FROM spaces s JOIN persons p ON p.id = s.referent_person_id
                      WHERE s.id = v_space;
    WHEN 'members' THEN
        RETURN QUERY SELECT p.id, p.email, p.display_name
                       FROM memberships m JOIN persons p ON p.id = m.person_id
                      WHERE m.space_id = v_space AND m.ended_at IS NULL;
    WHEN 'agent' THEN
        RETURN QUERY SELECT p.id, p.email, p.display_name
                       FROM agent_members am JOIN persons p ON p.id = am.person_id
                      WHERE am.group_id = v_group;
    WHEN 'third-party' THEN
        RETURN QUERY SELECT p.id, p.email, p.display_name
                       FROM third_party_members tm JOIN persons p ON p.id = tm.person_id
                      WHERE tm.group_id = v_group;
    ELSE
        RAISE EXCEPTION 'unknown notification target %', target
            USING ERRCODE = 'feature_not_supported';
    END CASE;
END $$;

-- --- side effects --------------------------------------------------------------------

-- The closed list of named engine actions a transition may run, inside its
-- transaction.  The checker refuses a definition naming an unknown one; an
-- action named here but not yet implemented refuses the whole transition.
CREATE FUNCTION wf_effect(d demands, name text, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    CASE name
    WHEN 'noop' THEN
        NULL;
    ELSE
        RAISE EXCEPTION 'effect not implemented: %', name
            USING ERRCODE = 'feature_not_supported';
    END CASE;
END $$;

-- --- the changes ---------------------------------------------------------------------

-- Queues one mail per recipient of each entry of mails (array of
-- {to, template, lang, data}); a person without an address is skipped.
-- lang: the entry's (the actor's own language), else the demand's for its
-- owner, else French.
CREATE FUNCTION wf_queue_mails(d demands, mails jsonb, event_id bigint, actor uuid)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    m jsonb;
    n int := 0;
    k int;
BEGIN
    FOR m IN SELECT value FROM jsonb_array_elements(COALESCE(mails, '[]')) LOOP
        INSERT INTO outbox (demand_id, event_id, template, recipient, recipient_name,
                            person_id, lang, data)
        SELECT DISTINCT ON (r.email)
               d.id, event_id, m->>'template', r.email, r.display_name, r.person_id,
               COALESCE(m->>'lang', CASE WHEN r.person_id = d.owner_person_id
                                         THEN d.lang ELSE 'fr' END),
               COALESCE(m->'data', '{}')
          FROM wf_recipients(d, m->>'to', actor) r
         -- a person without a usable address gets no mail, and never
         -- blocks the transition
         WHERE r.email ~ '^[^\s<>,;@]+@[^\s<>,;@]+$';
        GET DIAGNOSTICS k = ROW_COUNT;
        n := n + k;
    END LOOP;
    -- no pg_notify: it serialises every committing transaction on the
    -- notification queue's lock; the mailer polls every second instead
    RETURN n;
END $$;

-- Schedules the timers of a state: [{name, action, transition, due}].
CREATE FUNCTION wf_schedule(d demands, timers jsonb)
RETURNS void
LANGUAGE sql AS $$
    INSERT INTO timers (demand_id, state, name, action, transition, due_at)
    SELECT d.id, d.state, t->>'name', t->>'action', t->>'transition', (t->>'due')::timestamptz
      FROM jsonb_array_elements(COALESCE(timers, '[]')) AS t;
$$;

-- Creates a demand in its initial state.  change:
--   {workflow, version, state, bucket, progress, final, owner_person,
--    owner_space, form_data, lang, actor: {kind, person, space, role},
--    request_id, timers: [...]}
-- Returns the new row as jsonb.
CREATE FUNCTION wf_create(c jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    d demands;
BEGIN
    INSERT INTO demands (reference, workflow_key, definition_version, state, bucket, progress,
                         is_final, owner_person_id, owner_space_id, form_data, lang)
    VALUES (wf_next_reference(), c->>'workflow', (c->>'version')::int, c->>'state',
            c->>'bucket', COALESCE((c->>'progress')::int, 0),
            COALESCE((c->>'final')::boolean, false), (c->>'owner_person')::uuid,
            (c->>'owner_space')::uuid, COALESCE(c->'form_data', '{}'),
            COALESCE(c->>'lang', 'fr'))
    RETURNING * INTO d;
    INSERT INTO events (demand_id, demand_version, actor_kind, actor_person_id, actor_space_id,
                        actor_role, transition, from_state, to_state, request_id)
    VALUES (d.id, d.version, c->'actor'->>'kind', (c->'actor'->>'person')::uuid,
            (c->'actor'->>'space')::uuid, c->'actor'->>'role', 'create', NULL, d.state,
            c->>'request_id');
    PERFORM wf_schedule(d, c->'timers');
    RETURN to_jsonb(d);
END $$;

-- The uploads of a change (c->'files', bytes in files[]): a fresh document id
-- for each, and the references the form fields get ({field: {document,
-- filename, mime, size}}; attachments, kind <> 'field', get none).  Ids come
-- first so that one UPDATE of the demand can link them.
CREATE FUNCTION wf_file_refs(c jsonb, files bytea[], OUT ids uuid[], OUT refs jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    f jsonb;
    i int := 0;
BEGIN
    ids := '{}';
    refs := '{}';
    FOR f IN SELECT value FROM jsonb_array_elements(COALESCE(c->'files', '[]')) LOOP
        i := i + 1;
        ids := ids || gen_random_uuid();
        IF COALESCE(f->>'kind', 'field') = 'field' THEN
            refs := refs || jsonb_build_object(f->>'field', jsonb_build_object(
                'document', ids[i], 'filename', f->>'filename', 'mime', f->>'mime',
                'size', octet_length(files[(f->>'index')::int])));
        END IF;
    END LOOP;
END $$;

-- Stores the uploads of a change under the ids wf_file_refs gave them.
CREATE FUNCTION wf_store_files(d demands, c jsonb, files bytea[], ids uuid[],
                               actor uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    f jsonb;
    i int := 0;
BEGIN
    FOR f IN SELECT value FROM jsonb_array_elements(COALESCE(c->'files', '[]')) LOOP
        i := i + 1;
        INSERT INTO documents (id, owner_person_id, owner_space_id, demand_id, field, filename,
                               mime, content, uploaded_by)
        VALUES (ids[i], d.owner_person_id, d.owner_space_id, d.id, f->>'field',
                f->>'filename', f->>'mime', files[(f->>'index')::int], actor);
    END LOOP;
END $$;

-- Fires one transition.  change (built by wf_fire.c):
--   demand, version (expected), from, to, transition, bucket, progress, final,
--   set {field: value}, unset [field], files [{field, index, filename, mime}],
--   actor {kind, person, space, role}, comment, request_id,
--   timer (the timer being fired, if any),
--   timers [...] (present when the state changes: the old state's timers
--   are cancelled and these scheduled), mails [...], effects [{name, args}]
-- files[i] are the uploaded bytes named by the files entries' index.
-- Returns {status: ok, version, event, state} | {status: conflict, state,
-- version, last} | {status: notfound}.  Anything raised rolls back all.
CREATE FUNCTION wf_apply(c jsonb, files bytea[] DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    d        demands;
    v_id     uuid := (c->>'demand')::uuid;
    v_actor  uuid := (c->'actor'->>'person')::uuid;
    v_timer  bigint := (c->>'timer')::bigint;
    v_event  bigint;
    v_docs   jsonb := '{}';
    v_ids    uuid[] := '{}';
    v_last   text;
    e        jsonb;
BEGIN
    SELECT r.ids, r.refs INTO v_ids, v_docs FROM wf_file_refs(c, files) r;

    UPDATE demands
       SET state = c->>'to',
           bucket = c->>'bucket',
           progress = COALESCE((c->>'progress')::int, progress),
           is_final = COALESCE((c->>'final')::boolean, false),
           form_data = (form_data - ARRAY(SELECT jsonb_array_elements_text(
                            COALESCE(c->'unset', '[]'))))
                       || COALESCE(c->'set', '{}') || v_docs,
           version = version + 1,
           state_since = CASE WHEN state = c->>'to' THEN state_since ELSE now() END,
           submitted_at = COALESCE(submitted_at,
                              CASE WHEN bucket = 'draft' AND c->>'bucket' <> 'draft'
                                   THEN now() END)
     WHERE id = v_id AND version = (c->>'version')::int AND state = c->>'from'
    RETURNING * INTO d;
    IF NOT FOUND THEN
        SELECT * INTO d FROM demands WHERE id = v_id;
        IF NOT FOUND THEN
            RETURN jsonb_build_object('status', 'notfound');
        END IF;
        SELECT ev.transition INTO v_last FROM events ev
         WHERE ev.demand_id = v_id ORDER BY ev.demand_version DESC LIMIT 1;
        RETURN jsonb_build_object('status', 'conflict', 'state', d.state,
                                  'version', d.version, 'last', v_last);
    END IF;

    IF v_timer IS NOT NULL THEN
        UPDATE timers SET status = 'fired', done_at = now(), attempts = attempts + 1
         WHERE id = v_timer AND demand_id = d.id AND status = 'pending';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'timer % already fired', v_timer
                USING ERRCODE = 'serialization_failure';
        END IF;
    END IF;

    INSERT INTO events (demand_id, demand_version, actor_kind, actor_person_id, actor_space_id,
                        actor_role, transition, from_state, to_state, comment, request_id)
    VALUES (d.id, d.version, c->'actor'->>'kind', v_actor, (c->'actor'->>'space')::uuid,
            c->'actor'->>'role', c->>'transition', c->>'from', d.state,
            NULLIF(c->>'comment', ''), c->>'request_id')
    RETURNING id INTO v_event;

    PERFORM wf_store_files(d, c, files, v_ids, v_actor);

    IF c ? 'timers' THEN
        UPDATE timers SET status = 'cancelled', done_at = now()
         WHERE demand_id = d.id AND status = 'pending';
        PERFORM wf_schedule(d, c->'timers');
    END IF;

    PERFORM wf_queue_mails(d, c->'mails', v_event, v_actor);

    FOR e IN SELECT value FROM jsonb_array_elements(COALESCE(c->'effects', '[]')) LOOP
        PERFORM wf_effect(d, e->>'name', COALESCE(e->'args', '{}'), v_event, v_actor);
    END LOOP;

    RETURN jsonb_build_object('status', 'ok', 'version', d.version, 'event', v_event,
                              'state', d.state);
END $$;

-- Purges a draft for its timer: the demand (and with it its timers, codes
-- and documents) is deleted; the trail keeps a 'purge' event.
--   {demand, version, state, timer, request_id}
CREATE FUNCTION wf_purge(c jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    d demands;
BEGIN
    DELETE FROM demands
     WHERE id = (c->>'demand')::uuid AND version = (c->>'version')::int
       AND state = c->>'state'
    RETURNING * INTO d;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('status', 'conflict');
    END IF;
    INSERT INTO events (demand_id, demand_version, actor_kind, transition, from_state,
                        to_state, request_id)
    VALUES (d.id, d.version + 1, 'system', 'purge', d.state, NULL, c->>'request_id');
    RETURN jsonb_build_object('status', 'ok', 'reference', d.reference);
END $$;

-- Saves fields of a demand without a transition (a draft being filled in):
--   {demand, version, set, unset, files, actor, purge_due}
-- A draft's purge timer restarts from now (purged after N days unused).
-- Returns {status: ok, version} | {status: conflict} | {status: notfound}.
CREATE FUNCTION wf_save(c jsonb, files bytea[] DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    d      demands;
    v_id   uuid := (c->>'demand')::uuid;
    v_docs jsonb := '{}';
    v_ids  uuid[] := '{}';
BEGIN
    SELECT r.ids, r.refs INTO v_ids, v_docs FROM wf_file_refs(c, files) r;
    UPDATE demands
       SET form_data = (form_data - ARRAY(SELECT jsonb_array_elements_text(
                            COALESCE(c->'unset', '[]'))))
                       || COALESCE(c->'set', '{}') || v_docs,
           version = version + 1
     WHERE id = v_id AND version = (c->>'version')::int
    RETURNING * INTO d;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('status',
            CASE WHEN EXISTS (SELECT 1 FROM demands WHERE id = v_id)
                 THEN 'conflict' ELSE 'notfound' END);
    END IF;
    PERFORM wf_store_files(d, c, files, v_ids, (c->'actor'->>'person')::uuid);
    IF c ? 'purge_due' THEN
        UPDATE timers SET due_at = (c->>'purge_due')::timestamptz
         WHERE demand_id = d.id AND status = 'pending' AND action = 'purge';
    END IF;
    RETURN jsonb_build_object('status', 'ok', 'version', d.version);
END $$;

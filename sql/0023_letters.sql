-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0023_letters.sql -- letters rendered to PDF, the print queue, print-letter.
--
-- The letters table and letter_enqueue() are 0020's.  This migration adds
-- what the rendering job and the print queue need (engine/letters.c owns
-- these statements; engine/letters_job.c renders):
--
--   next_attempt_at   a letter whose rendering failed waits (backoff)
--   letter_rendered() the PDF becomes a document of the demand, the code
--                     leaves letters.data: the PDF is then its only copy
--   letter_failed()   attempts + 1, last_error, next try or 'failed'
--   letters_mark_sent() the print queue's "marquer comme envoyé": each
--                     letter sent, and an event "letter-sent" in the
--                     demand's history (who, when)
--   fx_print_letter() the effect <effect action="print-letter">
--   az_action_print_letters() who works the print queue
--
-- A letter is for the agents of one group (the configuration's
-- letters_group, default "impression", "Centrale d'impression"), created
-- here so that a fresh installation has it (members are added by hand or by
-- the demo world).

ALTER TABLE letters
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();

CREATE INDEX letters_due ON letters (next_attempt_at, id) WHERE status = 'queued';

INSERT INTO agent_groups (id, name) VALUES ('impression', 'Centrale d''impression')
ON CONFLICT (id) DO NOTHING;

-- What a letter shows of an expiry (data.expires_at: an ISO date, or an
-- instant such as the one issue-code writes, "2026-12-30T17:09:13Z"), in
-- the Swiss time of the letter's readers: {expires_on: YYYY-MM-DD,
-- expires_time: HH24:MI (for an instant)}; {} when there is none or it
-- does not read as a time (the letter then prints expires_at as it is).
CREATE FUNCTION letter_local_expiry(p_data jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_at timestamptz;
    v    text := p_data ->> 'expires_at';
BEGIN
    IF v IS NULL THEN
        RETURN '{}';
    END IF;
    IF v ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
        RETURN jsonb_build_object('expires_on', to_char(v::date, 'YYYY-MM-DD'));
    END IF;
    v_at := v::timestamptz;
    RETURN jsonb_build_object(
        'expires_on', to_char(v_at AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD'),
        'expires_time', to_char(v_at AT TIME ZONE 'Europe/Zurich', 'HH24:MI'));
EXCEPTION WHEN others THEN
    RETURN '{}';
END $$;

-- The PDF of letter p_letter, made by the job: stored as a document of the
-- letter's demand (owner: the demand's owner side, so that whoever may see
-- the demand may download it, sql/0003 az_document), the letter rendered,
-- and its "code" gone from data.  Returns the document id.
CREATE FUNCTION letter_rendered(p_letter bigint, p_pdf bytea, p_filename text)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    l     letters;
    d     demands;
    v_doc uuid;
BEGIN
    SELECT * INTO l FROM letters WHERE id = p_letter FOR UPDATE;
    IF NOT FOUND OR l.status <> 'queued' THEN
        RAISE EXCEPTION 'letter.not_queued' USING ERRCODE = 'P0002';
    END IF;
    SELECT * INTO d FROM demands WHERE id = l.demand_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'letter.no_demand' USING ERRCODE = 'P0002';
    END IF;
    INSERT INTO documents (owner_person_id, owner_space_id, demand_id, field, filename, mime,
                           content, uploaded_by)
    VALUES (d.owner_person_id, d.owner_space_id, d.id, 'letter', p_filename,
            'application/pdf', p_pdf, NULL)
    RETURNING id INTO v_doc;
    UPDATE letters
       SET status = 'rendered', document_id = v_doc, rendered_at = now(),
           attempts = attempts + 1, last_error = NULL, data = data - 'code'
     WHERE id = p_letter;
    RETURN v_doc;
END $$;

-- A rendering that failed: tried again after p_wait seconds, or 'failed'
-- for good after p_max attempts (the print queue shows it with the error).
CREATE FUNCTION letter_failed(p_letter bigint, p_error text, p_wait int, p_max int)
RETURNS text
LANGUAGE sql AS $$
    UPDATE letters
       SET attempts = attempts + 1,
           last_error = left(p_error, 500),
           status = CASE WHEN attempts + 1 >= p_max THEN 'failed' ELSE 'queued' END,
           next_attempt_at = now() + make_interval(secs => p_wait)
     WHERE id = p_letter AND status = 'queued'
    RETURNING status;
$$;

-- "Marquer comme envoyé": c = {letters: [id...], actor, role, request_id}
-- (role: "agent:<print group>", the event's actor_role).  Each
-- rendered letter becomes sent (sent_at, sent_by) and its demand gets an
-- event "letter-sent" (the state does not change; the version moves on, as
-- every event has its own).  Letters already sent, not rendered or unknown
-- are left alone.  Returns {sent: n}.
CREATE FUNCTION letters_mark_sent(c jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    l       letters;
    d       demands;
    v_actor uuid := (c->>'actor')::uuid;
    n       int := 0;
BEGIN
    FOR l IN SELECT * FROM letters
              WHERE id IN (SELECT jsonb_array_elements_text(COALESCE(c->'letters', '[]'))::bigint)
                AND status = 'rendered'
              ORDER BY id FOR UPDATE
    LOOP
        UPDATE letters SET status = 'sent', sent_at = now(), sent_by = v_actor
         WHERE id = l.id;
        UPDATE demands SET version = version + 1 WHERE id = l.demand_id RETURNING * INTO d;
        IF FOUND THEN
            INSERT INTO events (demand_id, demand_version, actor_kind, actor_person_id,
                                actor_role, transition, from_state, to_state, comment,
                                request_id)
            VALUES (d.id, d.version, 'person', v_actor, c->>'role', 'letter-sent',
                    d.state, d.state, NULL, c->>'request_id');
        END IF;
        n := n + 1;
    END LOOP;
    RETURN jsonb_build_object('sent', n);
END $$;

-- --- the effect print-letter ------------------------------------------------------------

-- <effect action="print-letter" template="T" to="entity|owner"/>: a letter
-- of template T (xslt/letters/T.xsl) for the demand, queued in the
-- transition's transaction.  The address is the registered one of the
-- entity the demand is about (demands.subject_space_id when a procedure
-- set it, else the demand's own space).  to="owner": persons have no
-- postal address here, so the letter goes to that same entity address,
-- "à l'attention de" the owner; a demand with no entity at all (a personal
-- one) has no address: the transition is refused (letter.no_address).
-- The letter's data: reference, procedure, state, the transition that
-- asked and its comment, the entity and owner names, the filing date.
CREATE FUNCTION fx_print_letter(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_space uuid := COALESCE(d.subject_space_id, d.owner_space_id);
    v_addr  jsonb;
    v_owner text;
    v_ev    record;
BEGIN
    SELECT letter_address_entity(s.entity_id) INTO v_addr FROM spaces s WHERE s.id = v_space;
    IF v_addr IS NULL THEN
        RAISE EXCEPTION 'letter.no_address';
    END IF;
    SELECT display_name INTO v_owner FROM persons WHERE id = d.owner_person_id;
    IF COALESCE(args ->> 'to', 'entity') = 'owner' THEN
        v_addr := v_addr || jsonb_build_object('attention', v_owner);
    END IF;
    SELECT transition, comment INTO v_ev FROM events WHERE id = event_id;
    PERFORM letter_enqueue(d.id, event_id, args ->> 'template', v_addr,
        jsonb_strip_nulls(jsonb_build_object(
            'reference', d.reference,
            'workflow', d.workflow_key,
            'definition_version', d.definition_version,
            'state', d.state,
            'transition', v_ev.transition,
            'comment', v_ev.comment,
            'entity', v_addr ->> 'name',
            'owner', v_owner,
            'filed', to_char(COALESCE(d.submitted_at, d.created_at) AT TIME ZONE 'Europe/Zurich',
                             'YYYY-MM-DD'))),
        d.lang);
END $$;

-- --- authorization ----------------------------------------------------------------------

-- The action 'print-letters' of authz_may() (0014: an action is a function
-- az_action_<action>; docs/access.md):
--   print-letters  object: a letter id, or NULL for the queue itself; arg:
--                  the print group (the configuration's letters_group).
--                  Allowed to the members of that agent group; a letter
--                  that does not exist is notfound; anyone else is denied
--                  (authz.not_printer), administrators too: printing and
--                  marking sent are acts, not reading.
CREATE FUNCTION az_action_print_letters(p_person uuid, p_context uuid, p_admin boolean,
                                        p_object text, p_arg text,
                                        OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM agent_members
                    WHERE group_id = p_arg AND person_id = p_person) THEN
        verdict := 'deny';
        reason := 'authz.not_printer';
        RETURN;
    END IF;
    IF p_object IS NOT NULL
       AND (p_object !~ '^[0-9]{1,18}$'
            OR NOT EXISTS (SELECT 1 FROM letters WHERE id = p_object::bigint)) THEN
        verdict := 'notfound';
        reason := 'err.notfound';
        RETURN;
    END IF;
    verdict := 'allow';
    reason := NULL;
END $$;

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0037_letter_incidents.sql -- two gaps closed:
--
-- 1. Letters that failed for good are incidents (/admin/incidents,
--    engine/ops.c): 0031's incidents_list, ops_health and incident_act
--    with one kind more, 'letter' (sql/0023: the letters job typesets a
--    letter, retries with backoff, then marks it 'failed').
--      retry   the letter queued again, due now, attempts from zero, its
--              error cleared: the real job typesets it again, and the
--              print queue offers it once it is rendered
--      cancel  the letter 'cancelled' (given up): the print queue no
--              longer lists it, and the demand's history gets an event
--              "letter-cancelled" (actor: the administrator) -- the
--              applicant and the agents read there that the letter was
--              NOT posted, so nobody waits for it (an activation code
--              letter, for one, must then be asked again)
--    Each act is kept in admin_events (object_kind 'letter').  The
--    letters job's health: what is queued and due for more than five
--    minutes, and when it last typeset a letter.
--
-- 2. The third parties of a demand's per-item decisions (<decide>, 0028)
--    read the demand, its documents included (the commune secretary and
--    the identity copy of an applicant the person register did not know):
--    ONE rule, "demands.data_roles holds 'third-party:' || group of every
--    item the demand has" -- az_demand() and az_sees() already honour
--    data_roles (0026), so the single-object and the set forms keep
--    agreeing.  The engine recomputes data_roles from the data at every
--    change (wf_roles.c) and knows nothing of the items' groups (an OFS
--    number becomes a commune group in SQL, decide_group_of), so:
--      demands_item_roles   a trigger: whatever a change writes into
--                           data_roles, the items' groups stay in it
--      fx_open_items        0028's, which also puts the new items' groups
--                           into data_roles and takes out those of the
--                           items it replaced (a demand sent back and
--                           resubmitted for other communes)
--    The roles last as long as the items: after the request is
--    transmitted a secretary still reads what they decided on.  The
--    sealed letter stays refused (0035's az_document_do checks it after
--    az_demand).

-- --- 1. failed letters ------------------------------------------------------------------

CREATE INDEX letters_failed ON letters (created_at) WHERE status = 'failed';

-- When a letter failed for good (the page says when); before this
-- migration the time was not kept: the last planned try stands for it.
ALTER TABLE letters ADD COLUMN failed_at timestamptz;
UPDATE letters SET failed_at = next_attempt_at WHERE status = 'failed';

-- 0023's letter_failed, which also notes when the letter failed for good.
CREATE OR REPLACE FUNCTION letter_failed(p_letter bigint, p_error text, p_wait int, p_max int)
RETURNS text
LANGUAGE sql AS $$
    UPDATE letters
       SET attempts = attempts + 1,
           last_error = left(p_error, 500),
           status = CASE WHEN attempts + 1 >= p_max THEN 'failed' ELSE 'queued' END,
           failed_at = CASE WHEN attempts + 1 >= p_max THEN now() END,
           next_attempt_at = now() + make_interval(secs => p_wait)
     WHERE id = p_letter AND status = 'queued'
    RETURNING status;
$$;

-- 0031's, with the letters: {timers, mails, letters, n_timers, n_mails,
-- n_letters}; a letter: {id, template, reference, demand, recipient,
-- locality, attempts, last_error, created, failed_at, sealed}.
CREATE OR REPLACE FUNCTION incidents_list(p_limit int) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'timers', COALESCE((SELECT jsonb_agg(t ORDER BY t.done_at DESC) FROM (
            SELECT t.id, t.name, t.transition, t.action, t.state, t.attempts,
                   t.last_error, d.reference, d.id AS demand, d.workflow_key AS workflow,
                   to_char(t.due_at AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD HH24:MI') AS due,
                   to_char(t.done_at AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD HH24:MI')
                       AS failed_at, t.done_at,
                   d.state = t.state AS applies
              FROM timers t JOIN demands d ON d.id = t.demand_id
             WHERE t.status = 'failed'
             ORDER BY t.done_at DESC LIMIT p_limit) t), '[]'),
        'mails', COALESCE((SELECT jsonb_agg(m ORDER BY m.created_at DESC) FROM (
            SELECT o.id, o.template, o.recipient, o.attempts, o.last_error,
                   d.reference, o.demand_id AS demand, o.created_at,
                   to_char(o.created_at AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD HH24:MI')
                       AS created
              FROM outbox o LEFT JOIN demands d ON d.id = o.demand_id
             WHERE o.status = 'failed'
             ORDER BY o.created_at DESC LIMIT p_limit) m), '[]'),
        'letters', COALESCE((SELECT jsonb_agg(l ORDER BY l.created_at DESC, l.id DESC) FROM (
            SELECT l.id, l.template, d.reference, l.demand_id AS demand,
                   l.recipient ->> 'name' AS recipient,
                   concat_ws(' ', l.recipient ->> 'postcode', l.recipient ->> 'locality')
                       AS locality,
                   l.attempts, l.last_error, l.sealed, l.created_at,
                   to_char(l.created_at AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD HH24:MI')
                       AS created,
                   to_char(l.failed_at AT TIME ZONE 'Europe/Zurich',
                           'YYYY-MM-DD HH24:MI') AS failed_at
              FROM letters l LEFT JOIN demands d ON d.id = l.demand_id
             WHERE l.status = 'failed'
             ORDER BY l.created_at DESC, l.id DESC LIMIT p_limit) l), '[]'),
        'n_timers', (SELECT count(*) FROM timers WHERE status = 'failed'),
        'n_mails', (SELECT count(*) FROM outbox WHERE status = 'failed'),
        'n_letters', (SELECT count(*) FROM letters WHERE status = 'failed'));
$$;

-- 0031's, with the letters job: letters_late (queued, due for more than
-- five minutes), letters_pending (queued), letter_last (the last one
-- typeset).
CREATE OR REPLACE FUNCTION ops_health() RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'timers_late', (SELECT count(*) FROM timers
                         WHERE status = 'pending' AND due_at < now() - interval '5 minutes'),
        'timers_pending', (SELECT count(*) FROM timers WHERE status = 'pending'),
        'timer_last', (SELECT to_char(max(done_at) AT TIME ZONE 'Europe/Zurich',
                                      'YYYY-MM-DD HH24:MI') FROM timers
                        WHERE status = 'fired'),
        'mails_late', (SELECT count(*) FROM outbox
                        WHERE status = 'pending'
                          AND next_attempt_at < now() - interval '5 minutes'),
        'mails_pending', (SELECT count(*) FROM outbox WHERE status = 'pending'),
        'mail_last', (SELECT to_char(max(sent_at) AT TIME ZONE 'Europe/Zurich',
                                     'YYYY-MM-DD HH24:MI') FROM outbox
                       WHERE status = 'sent'),
        'letters_late', (SELECT count(*) FROM letters
                          WHERE status = 'queued'
                            AND next_attempt_at < now() - interval '5 minutes'),
        'letters_pending', (SELECT count(*) FROM letters WHERE status = 'queued'),
        'letter_last', (SELECT to_char(max(rendered_at) AT TIME ZONE 'Europe/Zurich',
                                       'YYYY-MM-DD HH24:MI') FROM letters
                         WHERE rendered_at IS NOT NULL));
$$;

-- 0031's, with p_kind 'letter' (see the head of this file).
CREATE OR REPLACE FUNCTION incident_act(p_kind text, p_id bigint, p_action text, p_admin uuid,
                                        p_request text)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_demand uuid;
    v_done   boolean;
    d        demands;
BEGIN
    IF p_action NOT IN ('retry', 'cancel') THEN
        RAISE EXCEPTION 'unknown incident action %', p_action;
    END IF;
    IF p_kind = 'timer' THEN
        UPDATE timers
           SET status = CASE p_action WHEN 'retry' THEN 'pending' ELSE 'cancelled' END,
               attempts = CASE p_action WHEN 'retry' THEN 0 ELSE attempts END,
               due_at = CASE p_action WHEN 'retry' THEN now() ELSE due_at END,
               done_at = CASE p_action WHEN 'retry' THEN NULL ELSE now() END
         WHERE id = p_id AND status = 'failed'
        RETURNING demand_id INTO v_demand;
        v_done := FOUND;
    ELSIF p_kind = 'mail' THEN
        UPDATE outbox
           SET status = CASE p_action WHEN 'retry' THEN 'pending' ELSE 'cancelled' END,
               attempts = CASE p_action WHEN 'retry' THEN 0 ELSE attempts END,
               next_attempt_at = CASE p_action WHEN 'retry' THEN now()
                                               ELSE next_attempt_at END
         WHERE id = p_id AND status = 'failed'
        RETURNING demand_id INTO v_demand;
        v_done := FOUND;
    ELSIF p_kind = 'letter' THEN
        UPDATE letters
           SET status = CASE p_action WHEN 'retry' THEN 'queued' ELSE 'cancelled' END,
               attempts = CASE p_action WHEN 'retry' THEN 0 ELSE attempts END,
               last_error = CASE p_action WHEN 'retry' THEN NULL ELSE last_error END,
               failed_at = CASE p_action WHEN 'retry' THEN NULL ELSE failed_at END,
               next_attempt_at = CASE p_action WHEN 'retry' THEN now()
                                               ELSE next_attempt_at END
         WHERE id = p_id AND status = 'failed'
        RETURNING demand_id INTO v_demand;
        v_done := FOUND;
        -- given up: the demand's history says the letter was not posted
        IF v_done AND p_action = 'cancel' AND v_demand IS NOT NULL THEN
            UPDATE demands SET version = version + 1 WHERE id = v_demand RETURNING * INTO d;
            IF FOUND THEN
                INSERT INTO events (demand_id, demand_version, actor_kind, actor_person_id,
                                    actor_role, transition, from_state, to_state, comment,
                                    request_id)
                VALUES (d.id, d.version, 'person', p_admin, 'admin', 'letter-cancelled',
                        d.state, d.state, NULL, p_request);
            END IF;
        END IF;
    ELSE
        RAISE EXCEPTION 'unknown incident kind %', p_kind;
    END IF;
    IF NOT v_done THEN
        RETURN false;
    END IF;
    INSERT INTO admin_events (actor, action, object_kind, object_id, detail, request_id)
    VALUES (p_admin, p_action, p_kind, p_id::text,
            jsonb_build_object('demand', v_demand), p_request);
    RETURN true;
END $$;

-- --- 2. the items' third parties read the demand -----------------------------------------

-- 'third-party:' || group of every item of demand p_demand, in order.
CREATE FUNCTION decide_item_roles(p_demand uuid) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(array_agg(DISTINCT 'third-party:' || i.group_id ORDER BY 'third-party:' || i.group_id),
                    '{}')
      FROM decide_items i WHERE i.demand_id = p_demand;
$$;

-- The rule: a change of data_roles (the engine's recomputation from the
-- data, at every transition and save) keeps the items' groups.
CREATE FUNCTION demands_keep_item_roles() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.data_roles := NEW.data_roles
        || ARRAY(SELECT r FROM unnest(decide_item_roles(NEW.id)) r
                  WHERE NOT r = ANY (NEW.data_roles));
    RETURN NEW;
END $$;

CREATE TRIGGER demands_item_roles BEFORE UPDATE OF data_roles ON demands
    FOR EACH ROW WHEN (NEW.data_roles IS DISTINCT FROM OLD.data_roles)
    EXECUTE FUNCTION demands_keep_item_roles();

-- 0028's fx_open_items; then data_roles: without the groups of the items
-- it replaced (a group the data also names comes back at the next change,
-- when the engine recomputes the data's roles), with those of the new ones.
CREATE OR REPLACE FUNCTION fx_open_items(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_items jsonb := d.form_data -> (args->>'over');
    v_item  jsonb;
    v_i     int := 0;
    v_key   text;
    v_grp   text;
    v_old   text[] := decide_item_roles(d.id);
    v_new   text[];
BEGIN
    IF v_items IS NULL OR jsonb_typeof(v_items) <> 'array' OR jsonb_array_length(v_items) = 0 THEN
        RAISE EXCEPTION 'decide.no_items' USING ERRCODE = 'check_violation';
    END IF;
    DELETE FROM decide_items WHERE demand_id = d.id AND decide = args->>'decide';
    FOR v_item IN SELECT value FROM jsonb_array_elements(v_items) LOOP
        v_key := btrim(v_item ->> (args->>'key'));
        v_grp := decide_group_of(v_key);
        IF v_grp IS NULL THEN
            RAISE EXCEPTION 'decide.no_authority' USING ERRCODE = 'check_violation';
        END IF;
        INSERT INTO decide_items (demand_id, decide, item, group_id, item_key)
        VALUES (d.id, args->>'decide', v_i, v_grp, v_key);
        -- its third party is told, with the link to the item's page
        PERFORM wf_queue_mails(d, jsonb_build_array(jsonb_build_object(
                    'to', 'third-party:' || v_grp, 'template', 'decide-opened',
                    'data', COALESCE(args->'mail', '{}') || jsonb_build_object(
                        'reference', d.reference,
                        'link', format('/verify/%s/%s/%s', d.id, args->>'decide', v_i)))),
                event_id, actor);
        v_i := v_i + 1;
    END LOOP;
    v_new := decide_item_roles(d.id);
    UPDATE demands dm
       SET data_roles = ARRAY(SELECT r FROM unnest(dm.data_roles) r
                               WHERE NOT r = ANY (v_old) OR r = ANY (v_new))
                        || ARRAY(SELECT r FROM unnest(v_new) r
                                  WHERE NOT r = ANY (dm.data_roles))
     WHERE dm.id = d.id;
END $$;

-- The demands whose items are open already (before this migration).
UPDATE demands dm
   SET data_roles = dm.data_roles
                    || ARRAY(SELECT r FROM unnest(decide_item_roles(dm.id)) r
                              WHERE NOT r = ANY (dm.data_roles))
 WHERE EXISTS (SELECT 1 FROM decide_items i WHERE i.demand_id = dm.id);

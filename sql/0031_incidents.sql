-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0031_incidents.sql -- what the background work could not do, for the
-- administrators (engine/ops.c, /admin/incidents): timers and mails that
-- failed for good, retried or cancelled from the page, with a trail.
--
--   outbox.status  + 'cancelled': a failed mail an administrator gave up
--   admin_events   append-only trail of what administrators changed from
--                  their pages (retry, cancel, ...): who, when, what, on what
--
-- The health of the scheduler and the mailer is read from their work:
-- what is due and waiting, and when each last did something.

ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'skipped', 'cancelled'));

CREATE INDEX timers_failed ON timers (done_at) WHERE status = 'failed';

CREATE TABLE admin_events (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       uuid        NOT NULL REFERENCES persons (id),
    action      text        NOT NULL CHECK (action ~ '^[a-z][a-z-]{1,40}$'),
    object_kind text        NOT NULL CHECK (object_kind ~ '^[a-z][a-z-]{1,40}$'),
    object_id   text        NOT NULL,
    detail      jsonb       NOT NULL DEFAULT '{}',
    request_id  text
);

CREATE INDEX admin_events_at ON admin_events (at);
CREATE INDEX admin_events_object ON admin_events (object_kind, object_id);

CREATE FUNCTION admin_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'admin_events is append-only';
END $$;

CREATE TRIGGER admin_events_no_change BEFORE UPDATE OR DELETE ON admin_events
    FOR EACH ROW EXECUTE FUNCTION admin_events_append_only();

COMMENT ON TABLE admin_events IS
    'append-only trail of what administrators changed from their pages';

-- Every incident: timers and mails failed for good (newest first, at most
-- p_limit of each), with what the page shows.
CREATE FUNCTION incidents_list(p_limit int) RETURNS jsonb
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
        'n_timers', (SELECT count(*) FROM timers WHERE status = 'failed'),
        'n_mails', (SELECT count(*) FROM outbox WHERE status = 'failed'));
$$;

-- The scheduler's and mailer's health, from their work: what is due and
-- not done for more than five minutes, and when each last did something.
CREATE FUNCTION ops_health() RETURNS jsonb
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
                       WHERE status = 'sent'));
$$;

-- Retries (action 'retry': due now, attempts from zero) or gives up
-- ('cancel') one failed timer or mail (p_kind 'timer' | 'mail'); false when
-- it is not (or no longer) failed.  The administrator's act is kept.
CREATE FUNCTION incident_act(p_kind text, p_id bigint, p_action text, p_admin uuid,
                             p_request text)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_demand uuid;
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
    ELSIF p_kind = 'mail' THEN
        UPDATE outbox
           SET status = CASE p_action WHEN 'retry' THEN 'pending' ELSE 'cancelled' END,
               attempts = CASE p_action WHEN 'retry' THEN 0 ELSE attempts END,
               next_attempt_at = CASE p_action WHEN 'retry' THEN now()
                                               ELSE next_attempt_at END
         WHERE id = p_id AND status = 'failed'
        RETURNING demand_id INTO v_demand;
    ELSE
        RAISE EXCEPTION 'unknown incident kind %', p_kind;
    END IF;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO admin_events (actor, action, object_kind, object_id, detail, request_id)
    VALUES (p_admin, p_action, p_kind, p_id::text,
            jsonb_build_object('demand', v_demand), p_request);
    RETURN true;
END $$;

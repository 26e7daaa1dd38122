-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0030_service_accounts.sql -- other systems that fire a procedure's
-- by="system" transitions over HTTPS (docs/api.md), with a token an
-- administrator creates, scopes to procedures and transitions, and revokes.
--
--   service_accounts        the account: its name, the SHA-256 of its token
--                           (a 256-bit random token: the hash is enough, and
--                           the token is never stored), who made it, revoked
--   service_account_scopes  (procedure, transition) pairs it may fire
--   service_account_events  the trail: created, revoked, every refused call
--                           (an accepted call is the demand's own event,
--                           request id "service:<name>:<request>")
--
-- Written and read by engine/service_account.c only.

CREATE TABLE service_accounts (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    description  text        NOT NULL DEFAULT ''
                             CHECK (length(description) <= 300),
    token_hash   text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_by   uuid        NOT NULL REFERENCES persons (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   uuid        REFERENCES persons (id),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

CREATE TABLE service_account_scopes (
    account_id   uuid        NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
    workflow_key text        NOT NULL,
    transition   text        NOT NULL,
    PRIMARY KEY (account_id, workflow_key, transition)
);

CREATE TABLE service_account_events (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  uuid        NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       uuid        REFERENCES persons (id),   -- NULL: the account's own call
    action      text        NOT NULL CHECK (action IN ('create', 'revoke', 'refused')),
    detail      jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX service_account_events_account ON service_account_events (account_id, at);

COMMENT ON TABLE service_accounts IS
    'external systems allowed to fire by="system" transitions (docs/api.md)';

-- Creates an account.  p_scopes: [{workflow, transition}, ...] (at least one).
CREATE FUNCTION service_account_create(p_name text, p_description text, p_token_hash text,
                                       p_scopes jsonb, p_admin uuid)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid;
BEGIN
    IF jsonb_array_length(COALESCE(p_scopes, '[]')) = 0 THEN
        RAISE EXCEPTION 'api.scope_required';
    END IF;
    INSERT INTO service_accounts (name, description, token_hash, created_by)
    VALUES (p_name, COALESCE(p_description, ''), p_token_hash, p_admin)
    RETURNING id INTO v_id;
    INSERT INTO service_account_scopes (account_id, workflow_key, transition)
    SELECT DISTINCT v_id, s->>'workflow', s->>'transition'
      FROM jsonb_array_elements(p_scopes) s;
    INSERT INTO service_account_events (account_id, actor, action, detail)
    VALUES (v_id, p_admin, 'create', jsonb_build_object('scopes', p_scopes));
    RETURN v_id;
END $$;

CREATE FUNCTION service_account_revoke(p_id uuid, p_admin uuid) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE service_accounts SET revoked_at = now(), revoked_by = p_admin
     WHERE id = p_id AND revoked_at IS NULL;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO service_account_events (account_id, actor, action)
    VALUES (p_id, p_admin, 'revoke');
    RETURN true;
END $$;

-- One call's question, in one statement: which account holds this token,
-- is it revoked, does the demand exist, and may the account fire this
-- transition of the demand's procedure.  An unknown token gives no row.
CREATE FUNCTION service_account_auth(p_hash text, p_demand uuid, p_transition text,
                                     OUT id uuid, OUT name text, OUT token_hash text,
                                     OUT revoked boolean, OUT demand_found boolean,
                                     OUT in_scope boolean)
LANGUAGE sql AS $$
    WITH a AS (
        UPDATE service_accounts s SET last_used_at = now()
         WHERE s.token_hash = p_hash AND s.revoked_at IS NULL
        RETURNING s.id
    )
    SELECT s.id, s.name, s.token_hash, s.revoked_at IS NOT NULL,
           d.id IS NOT NULL,
           EXISTS (SELECT 1 FROM service_account_scopes sc
                    WHERE sc.account_id = s.id AND sc.workflow_key = d.workflow_key
                      AND sc.transition = p_transition)
      FROM service_accounts s
      LEFT JOIN demands d ON d.id = p_demand
     WHERE s.token_hash = p_hash;
$$;

CREATE FUNCTION service_account_refused(p_id uuid, p_detail jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO service_account_events (account_id, action, detail)
    VALUES (p_id, 'refused', p_detail);
$$;

-- The administrators' list: every account with its scopes and trail.
CREATE FUNCTION service_accounts_list() RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(jsonb_agg(jsonb_build_object(
               'id', s.id, 'name', s.name, 'description', s.description,
               'created_at', to_char(s.created_at AT TIME ZONE 'Europe/Zurich',
                                     'YYYY-MM-DD HH24:MI'),
               'created_by', cp.display_name,
               'last_used_at', to_char(s.last_used_at AT TIME ZONE 'Europe/Zurich',
                                       'YYYY-MM-DD HH24:MI'),
               'revoked_at', to_char(s.revoked_at AT TIME ZONE 'Europe/Zurich',
                                     'YYYY-MM-DD HH24:MI'),
               'revoked_by', rp.display_name,
               'refused', (SELECT count(*) FROM service_account_events e
                            WHERE e.account_id = s.id AND e.action = 'refused'),
               'scopes', (SELECT COALESCE(jsonb_agg(jsonb_build_object(
                                     'workflow', sc.workflow_key,
                                     'transition', sc.transition)
                                 ORDER BY sc.workflow_key, sc.transition), '[]')
                            FROM service_account_scopes sc WHERE sc.account_id = s.id))
             ORDER BY s.revoked_at IS NOT NULL, s.name), '[]')
      FROM service_accounts s
      JOIN persons cp ON cp.id = s.created_by
      LEFT JOIN persons rp ON rp.id = s.revoked_by;
$$;

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0002_identity.sql -- who people are and how they are logged in.
--
--   persons      one per human, with the assurance level of their identity
--   identities   an account at an identity provider, keyed by (issuer,
--                subject): the same `sub` from two issuers is two
--                identities; several identities may point to one person
--   sessions     server-side login sessions behind the session cookie
--                (only the sha256 of the cookie value is stored)
--   login_flows  OpenID Connect logins in flight: the state and the nonce
--                the engine sent, consumed once by the callback
--
-- Written by engine/session.c and engine/auth_oidc.c only.

CREATE TABLE persons (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 300),
    given_name    text CHECK (length(given_name) <= 200),
    family_name   text CHECK (length(family_name) <= 200),
    email         text CHECK (length(email) <= 320),
    -- 'email': known only through an e-mail login at a provider;
    -- 'verified': identity checked in person (enrolment procedure).
    -- A strong login (acr) raises the session, not the person.
    assurance     text NOT NULL DEFAULT 'email'
                  CHECK (assurance IN ('none', 'email', 'verified', 'strong')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER persons_touch BEFORE UPDATE ON persons
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

COMMENT ON TABLE persons IS 'One row per human; identities link provider accounts to it';

CREATE TABLE identities (
    issuer      text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
    subject     text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    person_id   uuid NOT NULL REFERENCES persons (id),
    idp         text NOT NULL,                 -- configured provider name at last login
    claims      jsonb NOT NULL DEFAULT '{}',   -- sub, iss, names, email, acr, amr
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_login  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, subject)
);

CREATE INDEX identities_person ON identities (person_id);

COMMENT ON TABLE identities IS 'Provider accounts keyed by (issuer, subject), linked to a person';

CREATE TABLE sessions (
    id_hash     text PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
    person_id   uuid NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    csrf        text NOT NULL CHECK (length(csrf) >= 32),
    -- the active professional space; NULL = acting for oneself.
    -- 0003_spaces.sql adds: REFERENCES spaces (id) ON DELETE SET NULL
    space_id    uuid,
    assurance   text NOT NULL CHECK (assurance IN ('none', 'email', 'verified', 'strong')),
    idp         text,                          -- provider logged in with (for logout)
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen);
CREATE INDEX sessions_created ON sessions (created_at);

COMMENT ON TABLE sessions IS
    'Login sessions; id_hash = sha256 hex of the cookie value; idle and absolute '
    'expiry are computed from last_seen and created_at with the configured durations';

CREATE TABLE login_flows (
    state       text PRIMARY KEY CHECK (state ~ '^[A-Za-z0-9_-]{8,128}$'),
    nonce       text NOT NULL CHECK (length(nonce) BETWEEN 8 AND 128),
    idp         text NOT NULL,
    return_to   text NOT NULL CHECK (left(return_to, 1) = '/' AND left(return_to, 2) <> '//'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX login_flows_created ON login_flows (created_at);

COMMENT ON TABLE login_flows IS
    'OpenID Connect authorization requests in flight (state, nonce), consumed once';

-- identity_login: records a successful login of (issuer, subject) and
-- returns the person behind it, creating the person on first login.
-- Names come from the provider while the person is not verified in
-- person; the e-mail address is always refreshed.  Safe against two
-- first logins of one identity at once (the loser retries as an update).
CREATE FUNCTION identity_login(p_issuer text, p_subject text, p_idp text,
                               p_claims jsonb, p_display text, p_given text,
                               p_family text, p_email text)
RETURNS TABLE (person_id uuid, assurance text)
LANGUAGE plpgsql AS $$
DECLARE
    v_person uuid;
BEGIN
    LOOP
        UPDATE identities i
           SET claims = p_claims, idp = p_idp, last_login = now()
         WHERE i.issuer = p_issuer AND i.subject = p_subject
        RETURNING i.person_id INTO v_person;
        EXIT WHEN FOUND;
        BEGIN
            INSERT INTO persons (display_name, given_name, family_name, email)
            VALUES (p_display, p_given, p_family, p_email)
            RETURNING id INTO v_person;
            INSERT INTO identities (issuer, subject, person_id, idp, claims)
            VALUES (p_issuer, p_subject, v_person, p_idp, p_claims);
            EXIT;
        EXCEPTION WHEN unique_violation THEN
            -- someone else created it between our UPDATE and INSERT
            NULL;
        END;
    END LOOP;

    RETURN QUERY
    UPDATE persons p
       SET email = coalesce(p_email, p.email),
           display_name = CASE WHEN p.assurance IN ('none', 'email')
                               THEN p_display ELSE p.display_name END,
           given_name = CASE WHEN p.assurance IN ('none', 'email')
                             THEN p_given ELSE p.given_name END,
           family_name = CASE WHEN p.assurance IN ('none', 'email')
                              THEN p_family ELSE p.family_name END
     WHERE p.id = v_person
    RETURNING p.id, p.assurance;
END $$;

COMMENT ON FUNCTION identity_login(text, text, text, jsonb, text, text, text, text) IS
    'Upserts the identity (issuer, subject) after a verified login; returns its person';

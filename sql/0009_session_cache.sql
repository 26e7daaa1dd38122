-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0009_session_cache.sql -- one indexed read per request for who is asking.
--
-- The session lookup (engine/session.c) joined persons, counted the
-- person's spaces and asked whether they are an administrator on every
-- request, and every page of a space member read the list of their
-- contexts once more.  What changes rarely is now kept with the session
-- when it is opened and at every context switch (session_facts): the
-- display name, e-mail, administrator flag and the contexts (active spaces
-- the person belongs to, with their names).  When any of that changes
-- (persons, administrators, memberships, spaces, entities), the triggers
-- below empty the facts of the sessions concerned and the next lookup
-- computes them again, so a page never shows stale contexts.  What must hold at every
-- request is still checked at every request: the session is live, and the
-- active space is active and the person still a member of it.
--
-- The expiry rule, written three times in session.c's SQL until now, is
-- one function here.

-- Whether a session with these timestamps is still live, given the idle
-- and absolute durations (seconds) of the configuration.
CREATE FUNCTION session_live(p_last_seen timestamptz, p_created_at timestamptz,
                             p_idle int, p_absolute int) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_last_seen > now() - make_interval(secs => p_idle)
       AND p_created_at > now() - make_interval(secs => p_absolute);
$$;

-- When it ends if left idle from now on.
CREATE FUNCTION session_ends_at(p_last_seen timestamptz, p_created_at timestamptz,
                                p_idle int, p_absolute int) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
    SELECT least(p_last_seen + make_interval(secs => p_idle),
                 p_created_at + make_interval(secs => p_absolute));
$$;

ALTER TABLE sessions ADD COLUMN facts jsonb;

COMMENT ON COLUMN sessions.facts IS
    'kept at login and context switch (session_facts): name, email, admin, contexts';

-- What a session keeps of its person: {name, email, admin, contexts:
-- [{id, name}] (active spaces they are a live member of, by name)}.
CREATE FUNCTION session_facts(p_person uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'name', p.display_name,
        'email', coalesce(p.email, ''),
        'admin', az_admin(p_person),
        'contexts', coalesce((SELECT jsonb_agg(jsonb_build_object('id', c.space_id,
                                                                 'name', c.entity_name)
                                               ORDER BY c.entity_name, c.space_id)
                                FROM (SELECT DISTINCT space_id, entity_name
                                        FROM space_contexts(p_person)) c), '[]'))
      FROM persons p WHERE p.id = p_person;
$$;

-- Facts that changed: the sessions of the persons concerned forget theirs.
CREATE FUNCTION session_facts_forget() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME IN ('persons') THEN
        UPDATE sessions SET facts = NULL
         WHERE person_id IN (SELECT id FROM changed) AND facts IS NOT NULL;
    ELSIF TG_TABLE_NAME IN ('administrators', 'memberships') THEN
        UPDATE sessions SET facts = NULL
         WHERE person_id IN (SELECT person_id FROM changed) AND facts IS NOT NULL;
    ELSIF TG_TABLE_NAME = 'spaces' THEN
        UPDATE sessions SET facts = NULL
         WHERE person_id IN (SELECT m.person_id FROM memberships m
                              WHERE m.space_id IN (SELECT id FROM changed))
           AND facts IS NOT NULL;
    ELSE   -- entities
        UPDATE sessions SET facts = NULL
         WHERE person_id IN (SELECT m.person_id FROM memberships m
                               JOIN spaces s ON s.id = m.space_id
                              WHERE s.entity_id IN (SELECT id FROM changed))
           AND facts IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER persons_session_facts AFTER UPDATE ON persons
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION session_facts_forget();
CREATE TRIGGER spaces_session_facts AFTER UPDATE ON spaces
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION session_facts_forget();
CREATE TRIGGER entities_session_facts AFTER UPDATE ON entities
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION session_facts_forget();
CREATE TRIGGER memberships_session_facts_ins AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION session_facts_forget();
CREATE TRIGGER memberships_session_facts_upd AFTER UPDATE ON memberships
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION session_facts_forget();
CREATE TRIGGER memberships_session_facts_del AFTER DELETE ON memberships
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION session_facts_forget();
CREATE TRIGGER administrators_session_facts_ins AFTER INSERT ON administrators
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION session_facts_forget();
CREATE TRIGGER administrators_session_facts_del AFTER DELETE ON administrators
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION session_facts_forget();

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0041_authz_plans_kept.sql -- the predicates of authz_may (0003) keep
-- their plans (issue 12).
--
-- az_member, az_referent, az_delegate, az_granted and az_admin were
-- LANGUAGE sql functions whose body is a sub-select (EXISTS): PostgreSQL
-- never inlines such a body, and a SQL function called from PL/pgSQL
-- (az_demand, authz_may and the az_action_* functions call them in
-- expressions) is planned again at every call.  Measured with bench/ on a
-- demand page: 12 plans of az_member and 6 of az_granted per page, ~0.6 ms
-- per az_demand.  The same predicates in PL/pgSQL, whose statements are
-- planned once per connection.  Their meaning is 0003's, word for word.

CREATE OR REPLACE FUNCTION az_member(p_person uuid, p_space uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM memberships m JOIN spaces s ON s.id = m.space_id
                    WHERE m.space_id = p_space AND m.person_id = p_person
                      AND m.ended_at IS NULL AND s.status = 'active');
END $$;

CREATE OR REPLACE FUNCTION az_referent(p_person uuid, p_space uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM spaces s
                    WHERE s.id = p_space AND s.status = 'active'
                      AND s.referent_person_id = p_person)
       AND az_member(p_person, p_space);
END $$;

CREATE OR REPLACE FUNCTION az_delegate(p_person uuid, p_space uuid, p_duty text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM delegations d
                    WHERE d.space_id = p_space AND d.person_id = p_person
                      AND d.duty = p_duty AND d.revoked_at IS NULL
                      AND (d.until IS NULL
                           OR d.until >= (now() AT TIME ZONE 'Europe/Zurich')::date))
       AND az_member(p_person, p_space);
END $$;

CREATE OR REPLACE FUNCTION az_granted(p_person uuid, p_space uuid, p_workflow text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM access_grants g
                    WHERE g.space_id = p_space AND g.person_id = p_person
                      AND g.workflow_key = p_workflow AND g.revoked_at IS NULL)
       AND az_member(p_person, p_space);
END $$;

CREATE OR REPLACE FUNCTION az_admin(p_person uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM administrators a WHERE a.person_id = p_person);
END $$;

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0032_groups_admin.sql -- the administrators' people and groups pages
-- (engine/directory.c, /admin/groups, /admin/identities): back-office
-- agent groups and their agents, trusted third-party groups (a préfecture,
-- a commune's secretariat) and their members, the administrators, and
-- linking two identities of one person.  Every change is kept in
-- admin_events (sql/0031) in the same transaction.  Business refusals
-- raise P0001 with a catalogue key (db_exec: EN_BADINPUT); a duplicate
-- raises unique_violation (EN_CONFLICT).

-- The one person an e-mail address names (live accounts only).
CREATE FUNCTION directory_person_by_email(p_email text) RETURNS uuid
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_ids uuid[];
BEGIN
    SELECT array_agg(id) INTO v_ids FROM persons
     WHERE lower(email) = lower(btrim(p_email)) AND deleted_at IS NULL;
    IF v_ids IS NULL THEN
        RAISE EXCEPTION 'groups.no_person';
    ELSIF array_length(v_ids, 1) > 1 THEN
        RAISE EXCEPTION 'groups.ambiguous';
    END IF;
    RETURN v_ids[1];
END $$;

CREATE FUNCTION directory_audit(p_admin uuid, p_action text, p_kind text, p_id text,
                                p_detail jsonb, p_req text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO admin_events (actor, action, object_kind, object_id, detail, request_id)
    VALUES (p_admin, p_action, p_kind, p_id, COALESCE(p_detail, '{}'), p_req);
$$;

-- Everything the groups page shows, in one document.
CREATE FUNCTION directory_overview() RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'agent_groups', COALESCE((SELECT jsonb_agg(jsonb_build_object(
            'id', g.id, 'name', g.name,
            'members', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                    'id', p.id, 'name', p.display_name, 'email', p.email,
                    'since', to_char(m.since AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD'))
                    ORDER BY p.display_name, p.id)
                FROM agent_members m JOIN persons p ON p.id = m.person_id
               WHERE m.group_id = g.id), '[]')) ORDER BY g.id)
            FROM agent_groups g), '[]'),
        'third_party_groups', COALESCE((SELECT jsonb_agg(jsonb_build_object(
            'id', g.id, 'name', g.name, 'kind', g.kind, 'commune_ofs', g.commune_ofs,
            'members', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                    'id', p.id, 'name', p.display_name, 'email', p.email,
                    'since', to_char(m.since AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD'))
                    ORDER BY p.display_name, p.id)
                FROM third_party_members m JOIN persons p ON p.id = m.person_id
               WHERE m.group_id = g.id), '[]')) ORDER BY g.id)
            FROM third_party_groups g), '[]'),
        'administrators', COALESCE((SELECT jsonb_agg(jsonb_build_object(
            'id', p.id, 'name', p.display_name, 'email', p.email,
            'since', to_char(a.since AT TIME ZONE 'Europe/Zurich', 'YYYY-MM-DD'))
            ORDER BY p.display_name, p.id)
            FROM administrators a JOIN persons p ON p.id = a.person_id), '[]'));
$$;

-- A new group.  p_kind 'agent' | 'third-party'; for a third party,
-- p_tp_kind prefecture | commune | authority and, for a commune, its OFS
-- number.
CREATE FUNCTION directory_group_create(p_kind text, p_id text, p_name text, p_tp_kind text,
                                       p_ofs int, p_admin uuid, p_req text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_id !~ '^[a-z0-9][a-z0-9-]{0,62}$' THEN
        RAISE EXCEPTION 'groups.bad_id';
    END IF;
    IF btrim(COALESCE(p_name, '')) = '' OR length(p_name) > 200 THEN
        RAISE EXCEPTION 'groups.bad_name';
    END IF;
    IF EXISTS (SELECT 1 FROM agent_groups WHERE id = p_id)
       OR EXISTS (SELECT 1 FROM third_party_groups WHERE id = p_id) THEN
        RAISE EXCEPTION 'groups.id_taken' USING ERRCODE = 'unique_violation';
    END IF;
    IF p_kind = 'agent' THEN
        INSERT INTO agent_groups (id, name) VALUES (p_id, btrim(p_name));
    ELSIF p_kind = 'third-party' THEN
        IF p_tp_kind NOT IN ('prefecture', 'commune', 'authority') THEN
            RAISE EXCEPTION 'groups.bad_kind';
        END IF;
        IF (p_tp_kind = 'commune') <> (p_ofs IS NOT NULL) OR p_ofs NOT BETWEEN 1 AND 9999 THEN
            RAISE EXCEPTION 'groups.bad_ofs';
        END IF;
        INSERT INTO third_party_groups (id, name, kind, commune_ofs)
        VALUES (p_id, btrim(p_name), p_tp_kind, p_ofs);
    ELSE
        RAISE EXCEPTION 'groups.bad_kind';
    END IF;
    PERFORM directory_audit(p_admin, 'create', p_kind || '-group', p_id,
                            jsonb_build_object('name', btrim(p_name), 'kind', p_tp_kind,
                                               'commune_ofs', p_ofs), p_req);
END $$;

-- Adds the person of p_email to a group; returns them.
CREATE FUNCTION directory_member_add(p_kind text, p_group text, p_email text, p_admin uuid,
                                     p_req text)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_person uuid := directory_person_by_email(p_email);
BEGIN
    IF p_kind = 'agent' THEN
        IF NOT EXISTS (SELECT 1 FROM agent_groups WHERE id = p_group) THEN
            RAISE EXCEPTION 'groups.no_group';
        END IF;
        INSERT INTO agent_members (group_id, person_id) VALUES (p_group, v_person)
        ON CONFLICT DO NOTHING;
    ELSIF p_kind = 'third-party' THEN
        IF NOT EXISTS (SELECT 1 FROM third_party_groups WHERE id = p_group) THEN
            RAISE EXCEPTION 'groups.no_group';
        END IF;
        INSERT INTO third_party_members (group_id, person_id) VALUES (p_group, v_person)
        ON CONFLICT DO NOTHING;
    ELSE
        RAISE EXCEPTION 'groups.bad_kind';
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'groups.already';
    END IF;
    PERFORM directory_audit(p_admin, 'add-member', p_kind || '-group', p_group,
                            jsonb_build_object('person', v_person), p_req);
    RETURN v_person;
END $$;

CREATE FUNCTION directory_member_remove(p_kind text, p_group text, p_person uuid,
                                        p_admin uuid, p_req text)
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF p_kind = 'agent' THEN
        DELETE FROM agent_members WHERE group_id = p_group AND person_id = p_person;
    ELSIF p_kind = 'third-party' THEN
        DELETE FROM third_party_members WHERE group_id = p_group AND person_id = p_person;
    ELSE
        RETURN false;
    END IF;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM directory_audit(p_admin, 'remove-member', p_kind || '-group', p_group,
                            jsonb_build_object('person', p_person), p_req);
    RETURN true;
END $$;

CREATE FUNCTION directory_admin_add(p_email text, p_admin uuid, p_req text) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_person uuid := directory_person_by_email(p_email);
BEGIN
    INSERT INTO administrators (person_id, granted_by) VALUES (v_person, p_admin)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'groups.already';
    END IF;
    PERFORM directory_audit(p_admin, 'add', 'administrator', v_person::text, '{}', p_req);
    RETURN v_person;
END $$;

-- An administrator never removes themself (someone else must), so there is
-- always one left.
CREATE FUNCTION directory_admin_remove(p_person uuid, p_admin uuid, p_req text)
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF p_person = p_admin THEN
        RAISE EXCEPTION 'groups.admin_self';
    END IF;
    DELETE FROM administrators WHERE person_id = p_person;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM directory_audit(p_admin, 'remove', 'administrator', p_person::text, '{}', p_req);
    RETURN true;
END $$;

-- People whose e-mail is p_q, or whose name starts with it (at most 20),
-- with their identities.
CREATE FUNCTION directory_people(p_q text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(jsonb_agg(jsonb_build_object(
               'id', p.id, 'name', p.display_name, 'email', p.email,
               'assurance', p.assurance,
               'identities', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                       'issuer', i.issuer, 'subject', i.subject, 'idp', i.idp,
                       'last_login', to_char(i.last_login AT TIME ZONE 'Europe/Zurich',
                                             'YYYY-MM-DD HH24:MI'))
                       ORDER BY i.issuer, i.subject)
                   FROM identities i WHERE i.person_id = p.id), '[]'))
             ORDER BY p.display_name, p.id), '[]')
      FROM (SELECT * FROM persons
             WHERE deleted_at IS NULL AND length(btrim(p_q)) >= 2
               AND (lower(email) = lower(btrim(p_q))
                    OR lower(display_name) LIKE lower(btrim(p_q)) || '%'
                    OR lower(family_name) LIKE lower(btrim(p_q)) || '%')
             ORDER BY display_name, id LIMIT 20) p;
$$;

-- identity_link (sql/0003), with the trail of admin_events as well.
CREATE FUNCTION directory_identity_link(p_issuer text, p_subject text, p_to_email text,
                                        p_admin uuid, p_req text)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_to   uuid := directory_person_by_email(p_to_email);
    v_from uuid;
BEGIN
    v_from := identity_link(p_issuer, p_subject, v_to, p_admin);
    IF v_from = v_to THEN
        RAISE EXCEPTION 'groups.already';
    END IF;
    PERFORM directory_audit(p_admin, 'link', 'identity', p_issuer || ' ' || p_subject,
                            jsonb_build_object('from', v_from, 'to', v_to), p_req);
    RETURN v_to;
END $$;

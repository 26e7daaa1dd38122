-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0040_dashboard_pages.sql -- the dashboard's lists, page by page (issue 12).
--
-- The dashboard showed up to 50 demands per bucket (250 cards: ~5 ms of
-- the engine's XSLT per view) and said "only the 50 most recent are shown",
-- with no way to the others.  Now it shows the few most recent of each
-- bucket and links to the bucket's own list, /dashboard/<bucket>, paged by
-- keyset: wf_listing_page() is 0025's wf_listing with a bound (the row of
-- the last demand of the previous page), in a total order (updated_at,
-- id).  wf_listing stays, as the first page.  The rule of who sees what is
-- unchanged (az_scope / az_sees, 0008, 0025).

CREATE FUNCTION wf_listing_page(p_person uuid, p_context uuid, p_bucket text, p_limit int,
                                p_after uuid)
RETURNS SETOF demands
LANGUAGE sql STABLE AS $$
    WITH b AS (
        SELECT coalesce((SELECT a.updated_at FROM demands a WHERE a.id = p_after),
                        'infinity') AS at,
               coalesce((SELECT a.id FROM demands a WHERE a.id = p_after),
                        'ffffffff-ffff-ffff-ffff-ffffffffffff') AS id
    )
    (SELECT d.*
       FROM b, demands d
      WHERE p_context IS NULL AND d.owner_person_id = p_person AND d.owner_space_id IS NULL
        AND d.bucket = p_bucket AND (d.updated_at, d.id) < (b.at, b.id)
      ORDER BY d.updated_at DESC, d.id DESC
      LIMIT p_limit)
    UNION ALL
    (SELECT d.*
       FROM b, az_scope(p_person, p_context) s,
            demands d
       JOIN definitions df ON df.workflow_key = d.workflow_key
                          AND df.version = d.definition_version
      WHERE d.owner_space_id = p_context AND d.bucket = p_bucket
        AND (d.updated_at, d.id) < (b.at, b.id)
        AND az_sees(p_person, p_context, s.admin, s.member, s.referent, s.handler, s.grants,
                    s.agent_groups, s.third_groups, d.owner_person_id, d.owner_space_id,
                    d.workflow_key, d.bucket, NULL, df.protected, df.agent_groups,
                    df.third_groups)
      ORDER BY d.updated_at DESC, d.id DESC
      LIMIT p_limit)
    UNION ALL
    (SELECT d.*
       FROM b, az_scope(p_person, p_context) s,
            demands d
      WHERE p_context IS NOT NULL AND s.handler
        AND d.owner_space_id IS NULL AND d.form_data ? 'target_space'
        AND d.form_data->>'target_space' = p_context::text
        AND wf_addressed_bucket(d.bucket, d.is_final) = p_bucket
        AND (d.updated_at, d.id) < (b.at, b.id)
      ORDER BY d.updated_at DESC, d.id DESC
      LIMIT p_limit)
$$;

CREATE OR REPLACE FUNCTION wf_listing(p_person uuid, p_context uuid, p_bucket text, p_limit int)
RETURNS SETOF demands
LANGUAGE sql STABLE AS $$
    SELECT * FROM wf_listing_page(p_person, p_context, p_bucket, p_limit, NULL);
$$;

-- az_scope (0008) was a LANGUAGE sql function returning a record: never
-- inlined, so PostgreSQL planned its body again at every call, four times
-- per dashboard (~0.75 ms each, most of the dashboard's PostgreSQL time).
-- The same answer in PL/pgSQL, whose plans are kept for the connection.
CREATE OR REPLACE FUNCTION az_scope(p_person uuid, p_context uuid,
                                    OUT admin boolean, OUT member boolean, OUT referent boolean,
                                    OUT handler boolean, OUT grants text[],
                                    OUT agent_groups text[], OUT third_groups text[])
LANGUAGE plpgsql STABLE AS $$
BEGIN
    admin := az_admin(p_person);
    member := p_context IS NOT NULL AND az_member(p_person, p_context);
    referent := member AND az_referent(p_person, p_context);
    handler := member
               AND (referent OR az_delegate(p_person, p_context, 'members')
                    OR az_delegate(p_person, p_context, 'grants'));
    grants := CASE WHEN member THEN
                  ARRAY(SELECT g.workflow_key FROM access_grants g
                         WHERE g.space_id = p_context AND g.person_id = p_person
                           AND g.revoked_at IS NULL)
              ELSE '{}'::text[] END;
    agent_groups := ARRAY(SELECT am.group_id FROM agent_members am
                           WHERE am.person_id = p_person);
    third_groups := ARRAY(SELECT tm.group_id FROM third_party_members tm
                           WHERE tm.person_id = p_person);
END $$;

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0055_start_judge_inline.sql -- "may I start this procedure?" judged in the
-- asking statement (issue 12).
--
-- 0050 split start-demand into the reader's facts (az_start_facts, read
-- once per batch) and a judge per question, az_start_judge.  The judge was
-- PL/pgSQL and called az_definition, PL/pgSQL too: two function calls and
-- two statements of their own per question, ~30 us, for a CASE and one
-- index probe.  The dashboard and the catalogue ask it for every
-- procedure published.
--
-- The judge is now one SQL query, the same rule in the same order, which
-- the planner folds into the statement that asks it (authz_may,
-- authz_may_many: their calls are unchanged).  The verdicts and reasons are
-- 0050's, word for word, including the reason an "allow" or a "notfound"
-- carries (err.forbidden, never read).  tests/integration/test_start_facts.py
-- holds it equal to 0014's rule.

DROP FUNCTION az_start_judge(az_start_fact, uuid, text, text);

CREATE FUNCTION az_start_judge(f az_start_fact, p_context uuid, p_object text, p_arg text)
RETURNS TABLE (verdict text, reason text)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN j.why IS NULL THEN 'allow'
                WHEN j.why = '' THEN 'notfound'
                ELSE 'deny' END,
           coalesce(nullif(j.why, ''), 'err.forbidden')
      FROM (SELECT CASE
                   WHEN d.known IS NULL THEN ''                       -- no such procedure
                   WHEN p_context IS NULL THEN
                        CASE WHEN a.aud = 'professional' THEN 'authz.professional_only' END
                   WHEN NOT (x.f).member THEN 'authz.not_member'
                   WHEN a.aud = 'personal' THEN 'authz.personal_only'
                   WHEN a.kinds IS NOT NULL
                        AND NOT ((x.f).legal_form = ANY (a.kinds)
                                 OR entity_kind((x.f).legal_form) = ANY (a.kinds))
                        THEN 'authz.entity_kind'
                   WHEN d.protected AND NOT ((x.f).referent OR p_object = ANY ((x.f).grants))
                        THEN 'authz.no_grant'
                   END AS why
              FROM (SELECT f OFFSET 0) x,          -- the facts once, whatever gives them
                   (SELECT v.aud,
                           NULLIF(regexp_split_to_array(btrim(substr(p_arg, length(v.aud) + 2)),
                                                        '[\s,]+'), '{""}') AS kinds
                      FROM (SELECT COALESCE(NULLIF(split_part(COALESCE(p_arg, ''), ':', 1), ''),
                                            'any') AS aud) v) a
              LEFT JOIN LATERAL (SELECT true AS known, df.protected
                                   FROM definitions df
                                  WHERE df.workflow_key = p_object
                                  ORDER BY df.version DESC LIMIT 1) d ON true
            OFFSET 0) j;                           -- the verdict once, read twice
$$;

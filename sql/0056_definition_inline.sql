-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0056_definition_inline.sql -- a procedure's access metadata read inside
-- the rule that asks it (issue 12).
--
-- az_definition (0005) says whether a procedure is protected and which
-- agent and third-party groups it names.  Every demand question asks it
-- (az_demand_facts, az_document, the queue's and the counter's rules), each
-- as SELECT * INTO v_def FROM az_definition(...).  It was PL/pgSQL: a
-- function call and a statement of its own around one index probe.  As one
-- SQL query the planner folds it into the caller's statement.  Same answer:
-- the given version, or the newest with none given; a procedure unknown
-- gives known false, not protected and no groups.

DROP FUNCTION az_definition(text, int);

CREATE FUNCTION az_definition(p_key text, p_version int)
RETURNS TABLE (known boolean, protected boolean, agent_groups text[], third_groups text[])
LANGUAGE sql STABLE AS $$
    SELECT x.known IS NOT NULL, coalesce(x.protected, false),
           coalesce(x.agent_groups, '{}'), coalesce(x.third_groups, '{}')
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (SELECT true AS known, d.protected, d.agent_groups, d.third_groups
                           FROM definitions d
                          WHERE d.workflow_key = p_key
                            AND (p_version IS NULL OR d.version = p_version)
                          ORDER BY d.version DESC LIMIT 1) x ON true;
$$;

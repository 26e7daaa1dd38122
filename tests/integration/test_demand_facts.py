# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_demand_facts.py -- a batch of questions answers what authz_may answers.

sql/0042_demand_facts.sql split az_demand into az_demand_facts (what the rule
reads) and az_demand_judge (the verdict for one question), and the engine's
batch (authz_may_many, engine/authz.c authz_check_many) judges every demand
question on one demand from one reading of it.  authz_may() stays the answer
for one question.  Here, for every person x context (personal, and every
space) of the test world (fixtures_people.py), a batch holding every demand question about every
demand (view-demand; fire-transition with every role word and group the
procedures use, lists of them, '' and 'system'; post-message), plus
questions of other kinds and objects that do not exist, gets exactly
authz_may's verdict and reason, question by question, asked in two orders
(each demand's questions together, and the demands interleaved, so that the
batch reads a demand's facts again after another's).
"""
import json

from fixtures_people import seed
from test_round_trips import superuser_sql

EQUAL_SQL = """
WITH people AS (SELECT unnest(string_to_array(:'p1', ','))::uuid AS id),
ctx AS (SELECT NULL::uuid AS id UNION ALL SELECT unnest(string_to_array(:'p2', ','))::uuid),
ds AS (SELECT unnest(string_to_array(:'p3', ','))::uuid AS id),
roles AS (
  SELECT unnest(ARRAY['', 'owner', 'member', 'referent', 'referent:members',
                      'referent:grants', 'agent', 'system', 'owner agent',
                      'member referent:grants', 'referent agent']) AS r
  UNION ALL SELECT 'agent:' || id FROM agent_groups
  UNION ALL SELECT 'third-party:' || id FROM third_party_groups
  UNION ALL SELECT 'owner third-party:' || id FROM third_party_groups
),
qs AS (
  SELECT 'fire-transition' AS a, d.id::text AS o, r.r AS g FROM ds d, roles r
  UNION ALL SELECT 'view-demand', d.id::text, NULL FROM ds d
  UNION ALL SELECT 'post-message', d.id::text, NULL FROM ds d
  UNION ALL SELECT 'view-demand', 'not-a-uuid', NULL
  UNION ALL SELECT 'fire-transition', '00000000-0000-0000-0000-000000000000', 'owner'
  UNION ALL SELECT 'post-message', '00000000-0000-0000-0000-000000000000', NULL
  UNION ALL SELECT 'work-queue', id, NULL FROM agent_groups
  UNION ALL SELECT 'switch-context', id::text, NULL FROM ctx WHERE id IS NOT NULL
  UNION ALL SELECT 'admin', NULL, NULL
),
batches AS (
  SELECT 'grouped' AS name, jsonb_agg(jsonb_build_array(a, o, g) ORDER BY o, a, g) AS q FROM qs
  UNION ALL
  SELECT 'interleaved', jsonb_agg(jsonb_build_array(a, o, g) ORDER BY g, a, o) FROM qs
),
one AS (                                     -- authz_may, once per question
  SELECT p.id AS person, c.id AS context, jsonb_build_array(q.a, q.o, q.g) AS question,
         o.verdict, o.reason
    FROM people p CROSS JOIN ctx c CROSS JOIN qs q
   CROSS JOIN LATERAL authz_may(p.id, c.id, q.a, q.o, q.g) o
),
many AS (                                    -- each batch, answers in the order asked
  SELECT b.name, p.id AS person, c.id AS context, x.v AS question, m.verdict, m.reason
    FROM people p CROSS JOIN ctx c CROSS JOIN batches b
   CROSS JOIN LATERAL (SELECT y.verdict, y.reason, row_number() OVER () AS i
                         FROM authz_may_many(p.id, c.id, b.q) y) m
    JOIN LATERAL jsonb_array_elements(b.q) WITH ORDINALITY AS x(v, i) ON x.i = m.i
)
SELECT (SELECT count(*) FROM many),
       (SELECT count(*) FROM one WHERE verdict = 'allow'),
       (SELECT count(*) FROM one WHERE verdict = 'deny'),
       (SELECT count(DISTINCT reason) FROM one),
       (SELECT count(*) FROM batches b, jsonb_array_elements(b.q)),
       coalesce((SELECT json_agg(json_build_array(m.name, m.person, m.context, m.question,
                                                  m.verdict, m.reason, o.verdict, o.reason))
                   FROM many m
                   LEFT JOIN one o ON o.person = m.person
                                  AND o.context IS NOT DISTINCT FROM m.context
                                  AND o.question = m.question
                  WHERE (m.verdict, m.reason) IS DISTINCT FROM (o.verdict, o.reason)), '[]')
"""


def test_a_batch_answers_every_question_as_authz_may_does(stack):
    world = seed(stack)
    assert world.demands, "the test world has demands"
    people = sorted(set(world.persons.values()))
    spaces = sorted(set(world.spaces.values()))
    total, allowed, denied, reasons, asked, diff = stack.sql(
        EQUAL_SQL, ",".join(people), ",".join(spaces),
        ",".join(sorted(set(world.demands.values()))))[0]
    persons, contexts = len(people), 1 + len(spaces)
    # every question of both batches answered once per person and context
    assert int(total) == int(asked) * persons * contexts
    # not a trivial question: allowed, refused for several reasons, unknown
    assert int(allowed) > 0 and int(denied) > 0 and int(reasons) >= 5
    assert json.loads(diff) == [], "authz_may_many differs from authz_may"


def test_the_facts_are_read_once_per_demand_of_a_batch(stack):
    """The batch's point: a page's questions on one demand read it once
    (counted by PostgreSQL's function statistics of the transaction)."""
    world = seed(stack)
    out = superuser_sql(stack, """
        SET track_functions = 'pl';
        BEGIN;
        SELECT string_agg(verdict, ',') FROM authz_may_many(:'p1'::uuid, :'p2'::uuid,
          jsonb_build_array(jsonb_build_array('fire-transition', :'p3', 'owner'),
                            jsonb_build_array('fire-transition', :'p3', 'agent'),
                            jsonb_build_array('view-demand', :'p3', NULL),
                            jsonb_build_array('post-message', :'p3', NULL),
                            jsonb_build_array('view-demand', :'p4', NULL)));
        SELECT calls FROM pg_stat_xact_user_functions WHERE funcname = 'az_demand_facts';
        COMMIT;
        """, world.persons["carla"], world.spaces["kiosque"],
        world.demands["kiosque_probe"], world.demands["kiosque_probe_draft"])
    verdicts, calls = out.split()
    assert verdicts == "allow,deny,allow,allow,allow"
    assert calls == "2"            # two demands: two readings, not five

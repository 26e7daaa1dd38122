# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_start_facts.py -- "may I start this procedure?" from one reading.

sql/0050_start_facts.sql split 0014's start-demand rule into az_start_facts
(what it reads of the reader: membership of the context, its entity's legal
form, référent standing, grants) and az_start_judge (the verdict for one
procedure and audience); authz_may's start-demand is judge(facts(...)) and
the batch (authz_may_many) reads the facts once for all its start-demand
questions.  Here 0014's rule, restated word for word as a temporary
function, authz_may and both orders of a batch give the same verdict and
reason for every person x context (personal, every space) of the test
world x every procedure published and one that is not x every audience the
procedures write (and a few they could).
"""
import json

from fixtures_people import seed
from test_round_trips import superuser_sql

EQUAL_SQL = r"""
CREATE FUNCTION pg_temp.start_0014(p_person uuid, p_context uuid, p_object text, p_arg text,
                                   OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_entity  entities;
    v_kinds   text[];
    v_aud     text;
    v_def     record;
BEGIN
    verdict := 'deny';
    reason := 'err.forbidden';
    IF p_person IS NULL THEN
        reason := 'err.login_needed';
        RETURN;
    END IF;
        v_aud := COALESCE(NULLIF(split_part(COALESCE(p_arg, ''), ':', 1), ''), 'any');
        v_kinds := NULLIF(regexp_split_to_array(btrim(substr(p_arg, length(v_aud) + 2)),
                                                 '[\s,]+'), '{""}');
        SELECT * INTO v_def FROM az_definition(p_object, NULL);
        IF NOT v_def.known THEN
            verdict := 'notfound';
        ELSIF p_context IS NULL THEN
            IF v_aud = 'professional' THEN
                reason := 'authz.professional_only';
            ELSE
                verdict := 'allow';
            END IF;
        ELSIF NOT az_member(p_person, p_context) THEN
            reason := 'authz.not_member';
        ELSIF v_aud = 'personal' THEN
            reason := 'authz.personal_only';
        ELSE
            SELECT e.* INTO v_entity FROM spaces s JOIN entities e ON e.id = s.entity_id
             WHERE s.id = p_context;
            IF v_kinds IS NOT NULL AND NOT (v_entity.legal_form = ANY (v_kinds)
                                            OR entity_kind(v_entity.legal_form) = ANY (v_kinds)) THEN
                reason := 'authz.entity_kind';
            ELSIF v_def.protected AND NOT (az_referent(p_person, p_context)
                                           OR az_granted(p_person, p_context, p_object)) THEN
                reason := 'authz.no_grant';
            ELSE
                verdict := 'allow';
            END IF;
        END IF;
END $$;

WITH people AS (SELECT unnest(string_to_array(:'p1', ','))::uuid AS id
                UNION ALL SELECT NULL::uuid),
ctx AS (SELECT NULL::uuid AS id UNION ALL SELECT unnest(string_to_array(:'p2', ','))::uuid
        UNION ALL SELECT '00000000-0000-0000-0000-000000000000'),
procs AS (SELECT DISTINCT workflow_key AS k FROM definitions UNION ALL SELECT 'no-such-procedure'
          UNION ALL SELECT NULL),
auds AS (SELECT unnest(ARRAY[NULL, '', 'any', 'personal', 'professional',
                             'professional:association foundation company',
                             'professional:association', 'professional:company, sa',
                             'professional:public-body', 'personal:association']) AS a),
qs AS (SELECT 'start-demand' AS a, p.k AS o, x.a AS g FROM procs p, auds x),
batches AS (
  SELECT 'by procedure' AS name, jsonb_agg(jsonb_build_array(a, o, g) ORDER BY o, g) AS q FROM qs
  UNION ALL
  SELECT 'by audience', jsonb_agg(jsonb_build_array(a, o, g) ORDER BY g, o) FROM qs
),
old AS (
  SELECT p.id AS person, c.id AS context, jsonb_build_array(q.a, q.o, q.g) AS question,
         o.verdict, o.reason
    FROM people p CROSS JOIN ctx c CROSS JOIN qs q
   CROSS JOIN LATERAL pg_temp.start_0014(p.id, c.id, q.o, q.g) o
),
one AS (
  SELECT p.id AS person, c.id AS context, jsonb_build_array(q.a, q.o, q.g) AS question,
         o.verdict, o.reason
    FROM people p CROSS JOIN ctx c CROSS JOIN qs q
   CROSS JOIN LATERAL authz_may(p.id, c.id, q.a, q.o, q.g) o
),
many AS (
  SELECT b.name, p.id AS person, c.id AS context, x.v AS question, m.verdict, m.reason
    FROM people p CROSS JOIN ctx c CROSS JOIN batches b
   CROSS JOIN LATERAL (SELECT y.verdict, y.reason, row_number() OVER () AS i
                         FROM authz_may_many(p.id, c.id, b.q) y) m
    JOIN LATERAL jsonb_array_elements(b.q) WITH ORDINALITY AS x(v, i) ON x.i = m.i
),
answers AS (
  SELECT 'authz_may' AS who, person, context, question, verdict, reason FROM one
  UNION ALL SELECT name, person, context, question, verdict, reason FROM many
)
SELECT (SELECT count(*) FROM old),
       (SELECT count(*) FROM answers),
       (SELECT json_object_agg(v, n) FROM (SELECT coalesce(reason, verdict) || ':' || verdict AS v,
                                                  count(*) AS n
                                             FROM old GROUP BY 1) r),
       coalesce((SELECT json_agg(json_build_array(a.who, a.person, a.context, a.question,
                                                  a.verdict, a.reason, o.verdict, o.reason))
                   FROM answers a
                   LEFT JOIN old o ON o.person IS NOT DISTINCT FROM a.person
                                  AND o.context IS NOT DISTINCT FROM a.context
                                  AND o.question = a.question
                  WHERE (a.verdict, a.reason) IS DISTINCT FROM (o.verdict, o.reason)), '[]');
"""


def test_start_questions_answer_as_0014s_rule_alone_and_in_a_batch(stack):
    world = seed(stack)
    people = sorted(set(world.persons.values()))
    spaces = sorted(set(world.spaces.values()))
    out = superuser_sql(stack, EQUAL_SQL, ",".join(people), ",".join(spaces)).strip()
    old, answered, kinds, diff = out.split("|")
    # three answers (authz_may, two batches) for each of 0014's
    assert int(answered) == 3 * int(old)
    kinds = json.loads(kinds)
    # not a trivial rule: every way it answers is among the questions
    for k in ("err.forbidden:allow", "err.forbidden:notfound", "err.login_needed:deny",
              "authz.professional_only:deny", "authz.not_member:deny",
              "authz.personal_only:deny", "authz.entity_kind:deny", "authz.no_grant:deny"):
        assert kinds.get(k, 0) > 0, (k, kinds)
    assert json.loads(diff) == [], "the start-demand answers differ from 0014's rule"


def test_a_batch_reads_the_readers_facts_once(stack):
    """The batch's point: a dashboard's start questions read the reader
    once (counted by PostgreSQL's function statistics of the transaction)."""
    world = seed(stack)
    out = superuser_sql(stack, """
        SET track_functions = 'pl';
        BEGIN;
        SELECT string_agg(verdict, ',') FROM authz_may_many(:'p1'::uuid, :'p2'::uuid,
          jsonb_build_array(jsonb_build_array('start-demand', 'guichet-test-probe', 'professional'),
                            jsonb_build_array('start-demand', 'guichet-test-open', 'any'),
                            jsonb_build_array('start-demand', 'guichet-test-open', 'personal'),
                            jsonb_build_array('start-demand', 'no-such-procedure', 'any')));
        SELECT calls FROM pg_stat_xact_user_functions WHERE funcname = 'az_start_facts';
        COMMIT;
        """, world.persons["carla"], world.spaces["kiosque"])
    verdicts, calls = out.split()
    assert verdicts == "allow,allow,deny,notfound"
    assert calls == "1"            # one reading for four questions

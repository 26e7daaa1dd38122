# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_listing_sets.py -- listings filtered as sets, proven equal to authz_may.

The dashboard and `guichet demand list` filter with the set form of the view
rule (az_scope / az_sees, wf_listing, wf_bucket_counts in
sql/0008_listing_sets.sql); authz_may() stays the answer for one object.

1. For every person x context (personal, and every space) x demand of the
   demo world (fixtures_people.py, plus whatever other test modules added),
   az_sees says yes exactly when authz_may('view-demand') says 'allow'; and
   each dashboard bucket lists exactly the demands of that owner position
   authz_may allows, counted the same (plus, for the référent and delegates
   of a space, the personal demands addressed to it: sql/0025).
2. With 100,000 demands in one space and 1,000,000 in the table (made with
   generate_series inside a transaction that is rolled back), the listings'
   plans walk indexes: no sequential scan of demands or events, in the
   custom and the generic plan (what a prepared statement ends up with).
"""
import json
import subprocess
import time

from fixtures_people import seed
from test_round_trips import superuser_sql

SCOPE_ARGS = ("s.admin, s.member, s.referent, s.handler, s.grants, s.agent_groups, "
              "s.third_groups")

PAIRS_SQL = f"""
WITH ctx AS (SELECT NULL::uuid AS id UNION ALL SELECT id FROM spaces),
pairs AS (
  SELECT p.id AS person, c.id AS context, d.id AS demand,
         (authz_may(p.id, c.id, 'view-demand', d.id::text, NULL)).verdict = 'allow' AS may,
         az_sees(p.id, c.id, {SCOPE_ARGS}, d.owner_person_id, d.owner_space_id,
                 d.workflow_key, d.bucket, d.form_data->>'target_space', df.protected,
                 df.agent_groups, df.third_groups, d.data_roles, d.filed_by, d.filed_group,
                 d.submitted_at) AS sees
    FROM persons p CROSS JOIN ctx c
   CROSS JOIN LATERAL az_scope(p.id, c.id) s
   CROSS JOIN demands d
    JOIN definitions df ON df.workflow_key = d.workflow_key AND df.version = d.definition_version
)
SELECT count(*), count(*) FILTER (WHERE may), count(*) FILTER (WHERE sees),
       coalesce(json_agg(json_build_array(person, context, demand, may, sees))
                FILTER (WHERE may IS DISTINCT FROM sees), '[]')
  FROM pairs
"""

# For each person x context: what the dashboard's buckets list (wf_listing,
# unbounded) against the owner position's demands authz_may allows, and
# wf_bucket_counts against their number.
LISTING_SQL = """
WITH ctx AS (SELECT NULL::uuid AS id UNION ALL SELECT id FROM spaces),
buckets AS (SELECT unnest(ARRAY['to-do', 'decision-unread', 'in-progress', 'draft',
                                'archived']) AS bucket),
listed AS (
  SELECT p.id AS person, c.id AS context, d.id AS demand, b.bucket
    FROM persons p CROSS JOIN ctx c CROSS JOIN buckets b
   CROSS JOIN LATERAL wf_listing(p.id, c.id, b.bucket, 1000000) d
),
allowed AS (
  SELECT p.id AS person, c.id AS context, d.id AS demand, d.bucket
    FROM persons p CROSS JOIN ctx c
    JOIN demands d ON (c.id IS NULL AND d.owner_space_id IS NULL AND d.owner_person_id = p.id)
                   OR d.owner_space_id = c.id
   WHERE (authz_may(p.id, c.id, 'view-demand', d.id::text, NULL)).verdict = 'allow'
  UNION ALL
  -- a personal demand addressed to the space (a join request, sql/0025):
  -- its référent and delegates, under "to-do" until decided, then "archived"
  SELECT p.id, c.id, d.id, wf_addressed_bucket(d.bucket, d.is_final)
    FROM persons p CROSS JOIN ctx c
   CROSS JOIN LATERAL az_scope(p.id, c.id) s
    JOIN demands d ON c.id IS NOT NULL AND d.owner_space_id IS NULL
                  AND d.form_data->>'target_space' = c.id::text AND d.bucket <> 'draft'
   WHERE s.handler
     AND (authz_may(p.id, c.id, 'view-demand', d.id::text, NULL)).verdict = 'allow'
),
counted AS (
  SELECT p.id AS person, c.id AS context, k.bucket, k.n
    FROM persons p CROSS JOIN ctx c CROSS JOIN LATERAL wf_bucket_counts(p.id, c.id) k
)
SELECT (SELECT count(*) FROM listed), (SELECT count(*) FROM allowed),
       (SELECT count(*) FROM ((SELECT * FROM listed EXCEPT SELECT * FROM allowed)
                              UNION ALL
                              (SELECT * FROM allowed EXCEPT SELECT * FROM listed)) x),
       (SELECT count(*) FROM (
          (SELECT person, context, bucket, count(*) FROM allowed GROUP BY 1, 2, 3
           EXCEPT SELECT * FROM counted)
          UNION ALL
          (SELECT * FROM counted
           EXCEPT SELECT person, context, bucket, count(*) FROM allowed GROUP BY 1, 2, 3)) y)
"""


def test_the_set_form_equals_authz_may_on_every_person_context_and_demand(stack):
    world = seed(stack)
    assert world.demands, "the demo world has demands"
    total, may, sees, diff = stack.sql(PAIRS_SQL)[0]
    # the question is not trivial: some pairs allowed, most not
    assert 0 < int(may) < int(total)
    assert json.loads(diff) == [], "az_sees differs from authz_may for these pairs"
    assert may == sees


def test_each_dashboard_bucket_lists_and_counts_exactly_what_authz_may_allows(stack):
    seed(stack)
    listed, allowed, differ, count_differ = stack.sql(LISTING_SQL)[0]
    assert int(allowed) > 0
    assert (listed, differ, count_differ) == (allowed, "0", "0")


def test_a_member_without_the_grant_sees_none_of_the_protected_demands(stack):
    """The equality above with a concrete case, so that a set form that lets
    everyone see everything cannot pass by being equal to a broken rule."""
    world = seed(stack)
    rows = stack.sql("SELECT d.id FROM wf_listing(:'p1'::uuid, :'p2'::uuid, 'in-progress', 100) d",
                     world.persons["david"], world.spaces["kiosque"])
    ids = {r[0] for r in rows}
    assert world.demands["kiosque_probe"] not in ids          # protected, no grant
    assert world.demands["kiosque_open_david"] in ids          # his own, unprotected
    rows = stack.sql("SELECT d.id FROM wf_listing(:'p1'::uuid, :'p2'::uuid, 'in-progress', 100) d",
                     world.persons["carla"], world.spaces["kiosque"])
    assert world.demands["kiosque_probe"] in {r[0] for r in rows}


# For each person x context: the dashboard's statement (wf_dashboard_json,
# which reads the reader once and hands it to wf_bucket_counts_as and
# wf_listing_page_as: sql/0054) against the forms proven above.
DASHBOARD_SQL = """
WITH ctx AS (SELECT NULL::uuid AS id UNION ALL SELECT id FROM spaces),
b AS (SELECT ARRAY['to-do', 'decision-unread', 'in-progress', 'draft', 'archived'] AS a),
dash AS (
  SELECT p.id AS person, c.id AS context,
         wf_dashboard_json(p.id, c.id, 1000000, b.a, '[]')::jsonb AS j
    FROM persons p CROSS JOIN ctx c CROSS JOIN b
),
got AS (
  SELECT person, context, coalesce(j->'counts', '{}') AS counts,
         (SELECT coalesce(array_agg(x->>'id' ORDER BY x->>'id'), '{}')
            FROM jsonb_array_elements(j->'demands') x) AS ids
    FROM dash
),
want AS (
  SELECT p.id AS person, c.id AS context,
         coalesce((SELECT jsonb_object_agg(k.bucket, k.n) FROM wf_bucket_counts(p.id, c.id) k),
                  '{}') AS counts,
         (SELECT coalesce(array_agg(d.id::text ORDER BY d.id::text), '{}')
            FROM b CROSS JOIN unnest(b.a) AS u(bucket)
           CROSS JOIN LATERAL wf_listing(p.id, c.id, u.bucket, 1000000) d) AS ids
    FROM persons p CROSS JOIN ctx c
)
SELECT count(*), count(*) FILTER (WHERE cardinality(w.ids) > 0),
       coalesce(json_agg(json_build_array(w.person, w.context))
                FILTER (WHERE g.counts IS DISTINCT FROM w.counts
                           OR g.ids IS DISTINCT FROM w.ids), '[]')
  FROM want w JOIN got g USING (person, context)
"""


def test_the_dashboards_statement_lists_and_counts_what_the_set_forms_do(stack):
    seed(stack)
    pairs, listing, diff = stack.sql(DASHBOARD_SQL)[0]
    assert 0 < int(listing) < int(pairs)
    assert json.loads(diff) == [], "wf_dashboard_json differs from wf_listing/wf_bucket_counts"


def test_the_dashboard_reads_the_readers_standing_once_and_only_in_a_space(stack):
    """sql/0054: the counts and the lists share one az_scope; a personal
    dashboard, where no rule reads it, reads none (PostgreSQL's function
    statistics of the transaction)."""
    world = seed(stack)

    def scopes(context):
        out = superuser_sql(stack, """
            SET track_functions = 'pl';
            BEGIN;
            SELECT length(wf_dashboard_json(:'p1'::uuid, nullif(:'p2', '')::uuid, 5,
                     ARRAY['to-do', 'decision-unread', 'in-progress', 'draft', 'archived'],
                     '[]')) > 0;
            SELECT coalesce((SELECT calls FROM pg_stat_xact_user_functions
                              WHERE funcname = 'az_scope'), 0);
            COMMIT;
            """, world.persons["carla"], context)
        shown, calls = out.split()
        assert shown == "t"
        return int(calls)

    assert scopes(world.spaces["kiosque"]) == 1
    assert scopes("") == 0


# --- plans at scale ----------------------------------------------------------------------

# Inside one transaction, rolled back: 900,000 demands spread over the
# fixture spaces' owners and 100,000 in Kiosque du Marché, most archived.
SCALE_SQL = """
BEGIN;
CREATE TEMP TABLE st (k int, state text, bucket text) ON COMMIT DROP;
INSERT INTO st
SELECT g, CASE WHEN g < 4 THEN 'draft' WHEN g < 12 THEN 'submitted' ELSE 'done' END,
          CASE WHEN g < 4 THEN 'draft' WHEN g < 12 THEN 'in-progress' ELSE 'archived' END
  FROM generate_series(0, 99) g;
INSERT INTO demands (reference, workflow_key, definition_version, state, bucket,
                     owner_person_id, owner_space_id, updated_at, state_since)
SELECT format('1999-%s', lpad(i::text, 7, '0')), 'guichet-test-probe', 1, st.state, st.bucket,
       CASE WHEN i % 10 = 0 THEN :'p1'::uuid ELSE :'p3'::uuid END,
       CASE WHEN i % 10 = 0 THEN :'p2'::uuid ELSE :'p4'::uuid END,
       timestamptz '2020-01-01' + make_interval(secs => i),
       timestamptz '2020-01-01' + make_interval(secs => i)
  FROM generate_series(1, 1000000) i JOIN st ON st.k = (i * 37) % 100;
ANALYZE demands;
ANALYZE demand_counts;
SELECT 'rows', count(*) FILTER (WHERE owner_space_id = :'p2'::uuid), count(*) FROM demands;
CREATE FUNCTION pg_temp.plan(q text, with_analyze boolean DEFAULT false) RETURNS text
LANGUAGE plpgsql AS $f$
DECLARE r json;
BEGIN
    EXECUTE CASE WHEN with_analyze THEN 'EXPLAIN (ANALYZE, FORMAT JSON) ' ELSE 'EXPLAIN (FORMAT JSON) ' END
            || q INTO r;
    RETURN (r::jsonb)::text;
END $f$;
SET plan_cache_mode = force_custom_plan;
SELECT pg_temp.plan(format('SELECT * FROM wf_listing(%L, %L, ''archived'', 50)', :'p1', :'p2'));
SELECT pg_temp.plan(format('SELECT * FROM wf_listing(%L, NULL, ''archived'', 50)', :'p1'));
SELECT pg_temp.plan(format('SELECT * FROM wf_bucket_counts(%L, %L)', :'p1', :'p2'));
SELECT pg_temp.plan('SELECT * FROM wf_queue(''[["serac","guichet-test-probe",1,"submitted"]]'', NULL, NULL, 200)');
SELECT pg_temp.plan('SELECT * FROM wf_queue_counts(''[["serac","guichet-test-probe",1,"submitted"]]'')');
SET plan_cache_mode = force_generic_plan;
PREPARE l(uuid, uuid, text, int) AS SELECT * FROM wf_listing($1, $2, $3, $4);
SELECT pg_temp.plan(format('EXECUTE l(%L, %L, ''archived'', 50)', :'p1', :'p2'));
SELECT pg_temp.plan(format('EXECUTE l(%L, NULL, ''archived'', 50)', :'p1'));
PREPARE q(jsonb, text, text, int) AS SELECT * FROM wf_queue($1, $2, $3, $4);
SELECT pg_temp.plan('EXECUTE q(''[["serac","guichet-test-probe",1,"submitted"]]'', NULL, NULL, 200)');
SELECT pg_temp.plan(format('SELECT * FROM wf_listing(%L, %L, ''archived'', 50)', :'p1', :'p2'), true);
SELECT pg_temp.plan('SELECT * FROM wf_queue(''[["serac","guichet-test-probe",1,"submitted"]]'', NULL, NULL, 200)', true);
-- ~26,000 of the space's archived demands changed at one instant, the newest
UPDATE demands SET updated_at = timestamptz '2030-01-01'
 WHERE owner_space_id = :'p2'::uuid AND bucket = 'archived' AND reference < '1999-0300000';
SELECT pg_temp.plan(format('SELECT * FROM wf_listing_page(%L, %L, ''archived'', 50, NULL)', :'p1', :'p2'), true);
ROLLBACK;
"""


def walk(node):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)


def test_listings_walk_indexes_with_100k_demands_in_a_space_and_1m_in_the_table(stack):
    world = seed(stack)
    started = time.monotonic()
    args = ["psql", "-X", "-qAt", "-F", "\x1f", "-v", "ON_ERROR_STOP=1",
            "-h", "127.0.0.1", "-p", str(stack.ports["GUICHET_PG_PORT"]),
            "-U", "guichet", "-d", "guichet"]
    for i, p in enumerate((world.persons["carla"], world.spaces["kiosque"],
                           world.persons["victor"], world.spaces["atelier"]), 1):
        args += ["-v", f"p{i}={p}"]
    r = subprocess.run(args, input=SCALE_SQL, env=stack.psql_env(), capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    rows = [tuple(line.split("\x1f")) for line in r.stdout.splitlines() if line]
    elapsed = time.monotonic() - started
    counts = next(r for r in rows if r[0] == "rows")
    assert int(counts[1]) >= 100000 and int(counts[2]) >= 1000000
    plans = [json.loads(r[0])[0] for r in rows if r[0].startswith("[")]
    assert len(plans) == 11
    for plan in plans:
        nodes = list(walk(plan["Plan"]))
        seq = [n.get("Relation Name") for n in nodes if n["Node Type"] == "Seq Scan"]
        assert "demands" not in seq and "events" not in seq, json.dumps(plan, indent=1)
        if any(n.get("Relation Name") == "demands" for n in nodes):
            assert any(n["Node Type"] in ("Index Scan", "Index Only Scan", "Bitmap Heap Scan")
                       and n.get("Relation Name") == "demands"
                       for n in nodes), json.dumps(plan, indent=1)
    # the listing reads a page's worth of rows, not the space, even when
    # thousands share the newest instant (its index ends with id, sql/0049)
    listing, queue, ties = plans[-3], plans[-2], plans[-1]
    for plan in (listing, queue, ties):
        scanned = max(n.get("Actual Rows", 0) * n.get("Actual Loops", 1)
                      for n in walk(plan["Plan"]) if n.get("Relation Name") == "demands")
        assert scanned <= 1000, json.dumps(plan, indent=1)
    print(f"\nscale test: {elapsed:.1f} s including 1,000,000 inserts")

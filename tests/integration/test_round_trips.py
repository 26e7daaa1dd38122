# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_round_trips.py -- how many statements each page costs, counted by PostgreSQL.

scripts/stack.sh preloads pg_stat_statements (track = top: a plpgsql
function's own statements are not counted, the call is).  For each page:
reset the counters, make one request, and read how many statements the
guichet database ran -- not a stopwatch.  The scheduler and the mailer run
beside the engine (every 2 s): their statements (on timers and outbox, and
the transaction around each claim) are left out of the count.

The numbers are the ones docs/pages.md states ("Database round trips per
page"); a page that grows one more statement fails here first.
"""
import re

import pytest

from fixtures_people import make_demand, seed
from oidc_login import login

# page -> statements (the session lookup included)
EXPECTED = {
    "healthz": 1,
    "dashboard": 2,
    "dashboard bucket": 2,
    "demand": 2,
    "form page": 2,
    "page save": 3,
    "agent queue": 3,
    "fire": 4,
}

# Not the page's: the scheduler's, mailer's and letters job's polls, and a worker filling
# its definition cache the first time it meets a version or asks which
# version is current (once per process: wf_store.c).
BACKGROUND = ("timers", "outbox", "BEGIN", "COMMIT", "ROLLBACK", "pg_stat_statements",
              "FROM letters l LEFT JOIN demands d",     # the letters job's claim (letters.c)
              "FROM definitions WHERE workflow_key = $1 AND version = $2",
              "SELECT max(version) FROM definitions WHERE workflow_key = $1")


def superuser_sql(stack, query, *params, notices=False):
    """Runs query as the cluster's superuser ($1.. bound from params as
    psql variables :'p1' ...); its output, or with notices what the server
    said to the client (NOTICE lines: auto_explain's plans)."""
    import subprocess
    with open(f"{stack.var}/pg-super-password") as f:
        pw = f.read().strip()
    args = ["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
            "-p", str(stack.ports["GUICHET_PG_PORT"]), "-U", "postgres", "-d", "guichet"]
    for i, p in enumerate(params, 1):
        args += ["-v", f"p{i}={p}"]
    r = subprocess.run(args, input=query, capture_output=True, text=True,
                       timeout=60, env={"PGPASSWORD": pw, "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    return r.stderr if notices else r.stdout


@pytest.fixture(scope="module")
def counter(stack):
    superuser_sql(stack, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")

    def count(action):
        action()                       # once to warm up (statements prepared)
        superuser_sql(stack, "SELECT pg_stat_statements_reset()")
        action()
        # pg_stat_statements also records the body of an immutable SQL
        # function the planner folds (az_uuid on a constant) as if it were
        # a statement: those are left out too (by their first 60 characters,
        # so that a page's own statement that begins like a function's body,
        # "SELECT json_build_object(", still counts; a shorter statement, the
        # health check's SELECT 1, is its own)
        rows = superuser_sql(stack, """
            SELECT s.calls, replace(s.query, chr(10), ' ')
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
             WHERE d.datname = 'guichet'
               AND NOT (length(s.query) >= 60 AND EXISTS (
                   SELECT 1 FROM pg_proc f JOIN pg_language l ON l.oid = f.prolang
                    WHERE l.lanname = 'sql'
                      AND position(left(regexp_replace(s.query, '\\s+', ' ', 'g'), 60)
                                   IN regexp_replace(f.prosrc, '\\s+', ' ', 'g')) > 0))""")
        n = 0
        seen = []
        for line in rows.splitlines():
            calls, query = line.split("|", 1)
            if any(b in query for b in BACKGROUND):
                continue
            n += int(calls)
            seen.append((int(calls), query[:100]))
        return n, seen
    return count


def logged_in(stack, account, space=None):
    c = stack.client()
    assert login(stack, c, account).status == 303
    if space is not None:
        r = c.get("/context")
        tok = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
        assert c.post("/context", data={"space": space, "csrf": tok}).status == 303
    r = c.get("/dashboard")
    c.token = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    return c


def test_each_page_costs_the_statements_docs_pages_md_states(stack, counter):
    world = seed(stack)
    carla = logged_in(stack, "carla", world.spaces["kiosque"])
    agnes = logged_in(stack, "agnes")
    anon = stack.client()

    draft = make_demand(stack, world, "subsidy", "carla", "kiosque", state="draft",
                        bucket="draft")
    submitted = [make_demand(stack, world, "subsidy", "carla", "kiosque") for _ in range(2)]

    def ok(r, status=200):
        assert r.status == status, r
        return r

    got = {}
    got["healthz"] = counter(lambda: ok(anon.get("/healthz")))
    # a worker's first dashboard asks which procedures may be started in a
    # second statement; from then on they go with the dashboard's own
    # (engine/h_demand.c): of 9 counted views, at most one per worker (4,
    # and a recycled one) is its first, so the fewest is the steady state
    got["dashboard"] = min((counter(lambda: ok(carla.get("/dashboard"))) for _ in range(9)),
                           key=lambda c: c[0])
    got["dashboard bucket"] = counter(lambda: ok(carla.get("/dashboard/in-progress")))
    # the demand page asks its steps' questions with its own statement,
    # for every role list of the procedures the worker has loaded
    # (engine/h_demand_view.c): a worker that has not met the demand's
    # procedure yet asks them in a second statement; the fewest of 9 views
    # is the steady state, as for the dashboard
    got["demand"] = min((counter(lambda: ok(carla.get(
                             f"/demands/{world.demands['kiosque_probe']}")))
                         for _ in range(9)), key=lambda c: c[0])
    got["form page"] = counter(lambda: ok(carla.get(f"/demands/{draft}/page/project")))
    got["page save"] = counter(lambda: ok(carla.post(
        f"/demands/{draft}/page/project",
        data={"csrf": carla.token, "nav": "save", "project-title": "Banc"}), 303))
    got["agent queue"] = counter(lambda: ok(agnes.get("/agent/serac")))
    left = list(submitted)
    got["fire"] = counter(lambda: ok(agnes.post(f"/demands/{left.pop()}/fire/take",
                                                data={"csrf": agnes.token}), 303))
    counts = {k: v[0] for k, v in got.items()}
    assert counts == EXPECTED, "\n".join(f"{k}: {v[0]} {v[1]}" for k, v in got.items())


# the dev configuration's workers, and a margin for a recycled one
WORKERS = 4 + 4


def plans_over(stack, views, page, like):
    """Views page views times (after 5 views: every worker has prepared its
    statements) with pg_stat_statements counting plans and the statements
    inside functions; [(calls, plans, query)] of those whose text is LIKE
    one of like."""
    superuser_sql(stack, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    superuser_sql(stack, "ALTER SYSTEM SET pg_stat_statements.track_planning = on;"
                         " ALTER SYSTEM SET pg_stat_statements.track = 'all';"
                         " SELECT pg_reload_conf();")
    try:
        for _ in range(5):
            assert page().status == 200
        superuser_sql(stack, "SELECT pg_stat_statements_reset()")
        for _ in range(views):
            assert page().status == 200
        rows = superuser_sql(stack, """
            SELECT s.calls, s.plans, regexp_replace(s.query, '\\s+', ' ', 'g')
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
             WHERE d.datname = 'guichet' AND s.query LIKE ANY (string_to_array(:'p1', '|'))""",
                             "|".join(like))
    finally:
        superuser_sql(stack, "ALTER SYSTEM RESET pg_stat_statements.track_planning;"
                             " ALTER SYSTEM RESET pg_stat_statements.track;"
                             " SELECT pg_reload_conf();")
    return [(int(c), int(p), q) for c, p, q in (line.split("|", 2) for line in rows.splitlines())]


def test_a_statement_run_by_its_text_is_planned_once_per_connection(stack):
    """db_exec prepares the texts it runs (engine/db.c): the notifications
    page's statement (message.c, a text, not a DB_STMT) was parsed and
    planned at every view.  Now PostgreSQL plans it a few times per worker
    connection (its plan cache tries custom plans first), not once per
    view; and the listing it calls (note_list_json, sql/0047) keeps one
    plan per connection, whatever the data (0.6 ms of planning for 0.01 ms
    of work when it was planned at every view)."""
    seed(stack)
    alice = logged_in(stack, "alice")
    views = 60
    got = {"i.demand_id AS demand" in q: (calls, plans) for calls, plans, q in plans_over(
        stack, views, lambda: alice.get("/notifications"),
        ["%i.demand_id AS demand%", "SELECT note_list_json(%"])}
    calls, plans = got[False]                   # the text the engine sends
    assert calls == views
    assert plans <= 5 * WORKERS < views, (calls, plans)
    calls, plans = got[True]                    # the listing inside the function
    assert calls == views
    assert plans <= 2 * WORKERS < views, (calls, plans)


def test_the_queue_page_is_planned_once_per_connection_not_at_every_view(stack):
    """The queue's page statement was a prepared statement that PostgreSQL
    planned again at every view (a plan made for the query's values looked
    cheaper: 0.22 ms each on the bench's queue).  It is queue_page_rows now
    (sql/0053), PL/pgSQL with a generic plan: the call and the page's
    statements inside it are planned a few times per worker, not per view."""
    seed(stack)
    agnes = logged_in(stack, "agnes")
    views = 60
    got = plans_over(stack, views, lambda: agnes.get("/agent/serac"),
                     ["SELECT * FROM queue_page_rows(%", "%LEFT JOIN LATERAL (SELECT h.*%",
                      "%queue_counts_total(q) c) t%"])
    assert len(got) == 3, got                   # the call, the document, the rows
    for calls, plans, query in got:
        assert calls == views, got
        # the call: its plan cache tries custom plans first (5 per
        # connection); the statements inside: their generic plan
        most = 5 if query.startswith("SELECT * FROM queue_page_rows(") else 2
        assert plans <= most * WORKERS < views, (calls, plans, query[:60])


def test_the_dashboard_offers_the_same_procedures_asked_alone_or_with_its_statement(stack):
    """A worker's first dashboard asks the start questions in a statement of
    their own; later ones inside the dashboard's statement (sql/0046).  The
    two give the same page: after a reload every worker is new, so the first
    views take the first way and the later ones the second."""
    world = seed(stack)
    carla = logged_in(stack, "carla", world.spaces["kiosque"])
    alice = logged_in(stack, "alice")
    stack.reload_engine_and_wait()
    for who in (carla, alice):
        seen = set()
        for _ in range(12):
            r = who.get("/dashboard")
            assert r.status == 200, r
            start = r.text.index('aria-labelledby="start-title"')
            seen.add(re.sub(r'name="csrf" value="[^"]*"', "",
                            r.text[start:r.text.index("</section>", start)]))
        assert len(seen) == 1, seen
        assert "Commencer" in seen.pop()

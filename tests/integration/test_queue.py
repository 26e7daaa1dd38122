# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_queue.py -- the agents' queue at scale (issue 11, "Agents"), through nginx.

100,000 demands inserted by SQL: filter + search + sort + a page of 50 is
planned with index scans (the plan is asserted, not a stopwatch), pages
follow each other by keyset; assignment (take, release, hand over) is
audited as events; a bulk transition on 200 demands, 3 of which changed
meanwhile, does 197 and reports 3; the CSV (python's csv module) and the
XLSX (openpyxl) hold the page's rows with their types.  The demands made
here are deleted at the end (the stack is shared by the whole session).
"""
import csv
import datetime
import io
import re
import html

import pytest

from fixtures_people import seed
from oidc_login import login
from test_round_trips import superuser_sql

MARK = "zqueuetest"

# 100,000 subsidy demands of Kiosque du Marché, spread over the states that
# wait for the SERAC and some that do not; 60 speak of a "fanfare", 200
# (submitted) are marked for the bulk test
INSERT_SQL = r"""
INSERT INTO demands (reference, workflow_key, definition_version, state, bucket, progress,
                     owner_person_id, owner_space_id, form_data, submitted_at, state_since)
SELECT '2099-' || lpad(i::text, 7, '0'), 'subsidy',
       (SELECT max(version) FROM definitions WHERE workflow_key = 'subsidy'),
       CASE WHEN i <= 200 THEN 'submitted'
            ELSE (ARRAY['submitted', 'in-review', 'incomplete', 'decided', 'archived'])[1 + (i / 3) % 5] END,
       'in-progress', 50, :'p1'::uuid, :'p2'::uuid,
       jsonb_build_object('mark', :'p3',
                          'project-title', CASE WHEN i <= 200 THEN 'Lot groupé ' || i
                                                WHEN i % 500 = 7 THEN 'Fanfare du quartier ' || i
                                                ELSE 'Projet culturel ' || i END,
                          'amount-requested', (500 + i % 400) * 100),
       now() - make_interval(days => i % 300), now() - make_interval(mins => i)
  FROM generate_series(:'p4'::int, :'p5'::int) AS i;
"""


def csrf_of(client, path="/dashboard"):
    r = client.get(path)
    m = re.search(r'name="csrf" value="([^"]+)"', r.text)
    assert m, f"no CSRF field on {path}: {r!r}"
    return m.group(1)


def logged_in(stack, account):
    c = stack.client()
    assert login(stack, c, account).status == 303
    c.token = csrf_of(c)
    return c


@pytest.fixture(scope="module")
def world(stack):
    w = seed(stack)
    for lo in range(1, 100001, 20000):        # in pieces: each psql call has 60 s
        stack.sql(INSERT_SQL, w.persons["carla"], w.spaces["kiosque"], MARK, lo, lo + 19999)
    stack.sql("ANALYZE demands; ANALYZE demand_search; ANALYZE timers;")
    yield w
    stack.sql("DELETE FROM demands WHERE form_data->>'mark' = :'p1'", MARK)


@pytest.fixture(scope="module")
def agnes(stack, world):
    return logged_in(stack, "agnes")


def rows_of(page):
    """The list's rows as {column: text}, as a person reads them."""
    out = []
    for tr in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = dict(re.findall(r'<td data-col="([a-z]+)"[^>]*>(.*?)</td>', tr, re.S))
        if not cells:
            continue
        clean = {k: html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.sub(
                     r"<button.*?</button>", "", v, flags=re.S)))).strip()
                 for k, v in cells.items()}
        sel = re.search(r'name="sel" value="([^"]+)"', tr)
        clean["sel"] = sel.group(1) if sel else None
        out.append(clean)
    return out


def serac_states(stack):
    return [["serac", "subsidy", int(v), s] for (v,) in
            stack.sql("SELECT max(version) FROM definitions WHERE workflow_key = 'subsidy'")
            for s in ("submitted", "in-review", "incomplete")]


def test_search_filter_sort_page_is_planned_on_indexes(stack, world):
    import json
    q = json.dumps({"states": serac_states(stack), "key": "subsidy", "state": "in-review",
                    "text": "fanfare", "sort": "applicant", "limit": 51})
    sql = stack.sql("SELECT queue_sql(:'p1'::jsonb, 'rows')", q)[0][0]
    plan = "\n".join(r[0] for r in stack.sql(
        f"PREPARE queue_plan(jsonb) AS {sql};\nEXPLAIN EXECUTE queue_plan(:'p1');", q))
    assert "Seq Scan on demands" not in plan, plan
    assert "demand_search_doc" in plan, plan          # the search's GIN index


def explained(stack, query, *params):
    """The plans of query and of the statements it runs inside functions,
    as auto_explain writes them (as the superuser: LOAD is theirs)."""
    return superuser_sql(stack, "LOAD 'auto_explain';"
                         " SET auto_explain.log_min_duration = 0;"
                         " SET auto_explain.log_nested_statements = on;"
                         " SET auto_explain.log_analyze = on;"
                         " SET auto_explain.log_level = notice; SET client_min_messages = notice;"
                         f" {query};", *params, notices=True)


def test_the_plain_page_walks_each_state_head_and_the_total_is_kept(stack, world, agnes):
    """The default page (sorted by the time in the state, no filter) reads
    queue_heads: one index walk per waiting state stopped at the page, no
    sort of every waiting demand (sql/0038); its total is demand_counts',
    exact; a filtered total is counted up to queue_count_cap() and the page
    says "plus de"."""
    import json
    for d in ("desc", "asc"):
        q = json.dumps({"states": serac_states(stack), "dir": d, "limit": 51})
        # the plan queue_heads really runs, as auto_explain reports it
        plan = explained(stack, "SELECT count(*) FROM queue_heads(:'p1'::jsonb)", q)
        assert "demands_waiting" in plan and "Seq Scan on demands" not in plan, plan
        assert "Sort Method: external" not in plan, plan
    # (the states of the newest version, as serac_states names them: other
    # modules of the shared stack publish and migrate versions of their own)
    waiting = int(stack.sql(
        "SELECT count(*) FROM demands WHERE workflow_key = 'subsidy'"
        " AND definition_version = (SELECT max(version) FROM definitions"
        "                            WHERE workflow_key = 'subsidy')"
        " AND state IN ('submitted', 'in-review', 'incomplete')")[0][0])
    assert waiting > 10000
    q = {"states": serac_states(stack), "limit": 51}
    assert int(stack.sql("SELECT queue_count(:'p1'::jsonb)", json.dumps(q))[0][0]) == waiting
    q["assigned"] = "none"
    assert int(stack.sql("SELECT queue_count(:'p1'::jsonb)", json.dumps(q))[0][0]) == \
        int(stack.sql("SELECT queue_count_cap() + 1")[0][0])
    r = agnes.get("/agent/serac?proc=subsidy")
    head = re.search(r'id="queue-title">(.*?)</h2>', r.text, re.S).group(1)
    # the page's default: the states waiting for the group (not "à compléter")
    for_serac = int(stack.sql(
        "SELECT count(*) FROM demands WHERE workflow_key = 'subsidy'"
        " AND state IN ('submitted', 'in-review')")[0][0])
    assert re.search(rf"Demandes correspondantes\s*:\s*{for_serac}\b", html.unescape(head)), head
    r = agnes.get("/agent/serac?assigned=none")
    assert re.search(r"Demandes correspondantes\s*:\s*plus de 10000\b", html.unescape(r.text))
    # the plain page's rows are those of the general query, in its order
    plain = [x["reference"] for x in rows_of(agnes.get("/agent/serac?dir=desc").text)]
    # (the printable list, 1000 rows, reads the general query)
    general = [x["reference"] for x in rows_of(agnes.get("/agent/serac/print?dir=desc").text)]
    assert len(plain) == 50 and plain == general[:50]
    first = [x["reference"] for x in rows_of(agnes.get("/agent/serac").text)]
    assert first == [x["reference"] for x in rows_of(agnes.get("/agent/serac/print").text)][:50]


def test_the_page_searches_sorts_and_pages_by_keyset(stack, world, agnes):
    # 200 "fanfare" demands; some of them wait for the SERAC (submitted or
    # in review), the others are incomplete, decided or archived
    want = {r[0] for r in stack.sql(
        "SELECT reference FROM demands WHERE form_data->>'mark' = :'p1'"
        " AND form_data->>'project-title' LIKE 'Fanfare%'"
        " AND state IN ('submitted', 'in-review')", MARK)}
    assert 50 < len(want) < 100, len(want)
    r = agnes.get("/agent/serac?q=FANFARE+quartier&sort=reference&dir=desc")
    assert r.status == 200, r
    first = rows_of(r.text)
    assert len(first) == 50
    assert f"Demandes correspondantes : {len(want)}" in html.unescape(r.text).replace("\u00a0", " ")
    refs = [x["reference"] for x in first]
    assert refs == sorted(refs, reverse=True)
    nxt = re.search(r'href="([^"]+)" rel="next"', r.text)
    assert nxt, "no next page"
    r2 = agnes.get(html.unescape(nxt.group(1)))
    second = rows_of(r2.text)
    assert len(second) == len(want) - 50 and 'rel="next"' not in r2.text
    assert set(refs) | {x["reference"] for x in second} == want
    # a filter by state, by procedure, by deadline: the URL carries it all
    r = agnes.get("/agent/serac?q=fanfare&state=subsidy:submitted&sort=applicant")
    one = rows_of(r.text)
    assert one and len({x["state"] for x in one}) == 1
    assert len(one) == min(50, int(stack.sql(
        "SELECT count(*) FROM demands WHERE form_data->>'mark' = :'p1'"
        " AND form_data->>'project-title' LIKE 'Fanfare%' AND state = 'submitted'", MARK)[0][0]))
    # a date range (the fanfares waiting were submitted 107 days ago, the
    # others 7 or 207):
    # ISO from the date picker, or typed the Swiss way
    today = datetime.date.today()
    lo, hi = today - datetime.timedelta(days=110), today - datetime.timedelta(days=100)
    r = agnes.get(f"/agent/serac?q=fanfare&from={lo.isoformat()}&to={hi.strftime('%d.%m.%Y')}")
    assert r.status == 200
    got = rows_of(r.text)
    assert got and {x["reference"] for x in got} < want
    for x in got:
        assert lo <= datetime.datetime.strptime(x["submitted"], "%d.%m.%Y").date() <= hi
    # the form as a browser sends it: every empty choice too
    r = agnes.get("/agent/serac?q=fanfare&scope=&state=&proc=&assigned=&due=&from=&to="
                  "&sort=reference&dir=desc")
    assert r.status == 200 and [x["reference"] for x in rows_of(r.text)] == refs
    # a refused date: said next to its field, the rest of the query kept
    r = agnes.get("/agent/serac?q=fanfare&from=31.02.2027")
    assert r.status == 400
    assert 'id="f-from-error"' in r.text and 'aria-invalid="true"' in r.text
    assert 'value="fanfare"' in r.text
    # a search in an owner's name and in a reference
    one = sorted(want)[-1]
    r = agnes.get(f"/agent/serac?q={one}")
    assert [x["reference"] for x in rows_of(r.text)] == [one]


def test_take_release_and_hand_over_are_events(stack, world, agnes):
    dem, ver, ref = stack.sql(
        "SELECT id, version, reference FROM demands WHERE reference > '2099-0000200'"
        " AND state = 'submitted' ORDER BY reference LIMIT 1")[0]
    r = agnes.post("/agent/serac/assign", data={"csrf": agnes.token, "take": f"{dem}:{ver}",
                                                 "back": f"q={ref}"})
    assert r.status == 303, r
    assert "done=taken" in r.headers["location"]
    page = agnes.get(f"/agent/serac?q={ref}&assigned=me")
    row, = rows_of(page.text)
    assert row["assignee"] == "Agnès Dubois"
    assert 'name="release"' in page.text
    assert stack.sql("SELECT transition, assignee::text FROM events WHERE demand_id = :'p1'"
                     " ORDER BY id DESC LIMIT 1", dem) == [("assign", world.persons["agnes"])]
    # the same version again: the demand moved on
    r = agnes.post("/agent/serac/assign", data={"csrf": agnes.token, "take": f"{dem}:{ver}"})
    assert r.status == 409
    ver2 = stack.sql("SELECT version FROM demands WHERE id = :'p1'", dem)[0][0]
    r = agnes.post("/agent/serac/assign", data={"csrf": agnes.token, "release": f"{dem}:{ver2}"})
    assert r.status == 303
    assert stack.sql("SELECT assigned_to IS NULL FROM demands WHERE id = :'p1'", dem) == [("t",)]
    assert stack.sql("SELECT transition FROM events WHERE demand_id = :'p1'"
                     " ORDER BY id DESC LIMIT 1", dem) == [("release",)]
    # "unassigned" shows it again
    assert rows_of(agnes.get(f"/agent/serac?q={ref}&assigned=none").text)
    # handing over to someone who works for no service of the procedure
    ver3 = stack.sql("SELECT version FROM demands WHERE id = :'p1'", dem)[0][0]
    r = agnes.post("/agent/serac/bulk", data={"csrf": agnes.token, "sel": f"{dem}:{ver3}",
                                               "action": f"assign:{world.persons['oscar']}"})
    assert r.status == 200
    assert 'data-key="queue.not_colleague"' in r.text
    # a citizen, an agent of another service: refused
    bruno = logged_in(stack, "bruno")
    assert bruno.post("/agent/serac/assign",
                      data={"csrf": bruno.token, "take": f"{dem}:{ver3}"}).status in (403, 404)
    oscar = logged_in(stack, "oscar")
    assert oscar.post("/agent/serac/assign",
                      data={"csrf": oscar.token, "take": f"{dem}:{ver3}"}).status in (403, 404)
    assert stack.sql("SELECT assigned_to IS NULL FROM demands WHERE id = :'p1'", dem) == [("t",)]


def test_bulk_on_200_with_3_conflicting(stack, world, agnes):
    rows = stack.sql("SELECT id, version FROM demands WHERE form_data->>'mark' = :'p1'"
                     " AND form_data->>'project-title' LIKE 'Lot groupé %' ORDER BY reference",
                     MARK)
    assert len(rows) == 200
    sel = [f"{i}:{v}" for i, v in rows]
    # three change after the list was read: taken by agnes in the meantime
    for i, v in rows[:3]:
        r = agnes.post("/agent/serac/assign", data={"csrf": agnes.token, "take": f"{i}:{v}"})
        assert r.status == 303
    r = agnes.post("/agent/serac/bulk", data={"csrf": agnes.token, "sel": sel,
                                               "action": "fire:subsidy:take",
                                               "comment": "Pris en charge en lot"})
    assert r.status == 200, r
    text = html.unescape(r.text)
    assert "Effectuées : 197." in text.replace("\u00a0", " ").replace("\u202f", " ")
    assert "Refusées : 3." in text.replace("\u00a0", " ").replace("\u202f", " ")
    assert r.text.count('data-key="queue.conflict"') == 3
    states = dict(stack.sql("SELECT state, count(*) FROM demands WHERE form_data->>'mark' = :'p1'"
                            " AND form_data->>'project-title' LIKE 'Lot groupé %' GROUP BY state",
                            MARK))
    assert states == {"in-review": "197", "submitted": "3"}
    assert stack.sql("SELECT count(*) FROM events e JOIN demands d ON d.id = e.demand_id"
                     " WHERE d.form_data->>'mark' = :'p1' AND e.transition = 'take'"
                     " AND e.comment = 'Pris en charge en lot'", MARK) == [("197",)]
    # "all N matching": the 200 given to agnes, each on its own
    r = agnes.post("/agent/serac/bulk", data={"csrf": agnes.token, "all": "1", "q": "groupé",
                                               "action": "assign:me"})
    assert r.status == 200
    assert stack.sql("SELECT count(*) FROM demands WHERE form_data->>'mark' = :'p1'"
                     " AND form_data->>'project-title' LIKE 'Lot groupé %'"
                     " AND assigned_to = :'p2'", MARK, world.persons["agnes"]) == [("200",)]
    # nothing ticked: said plainly
    r = agnes.post("/agent/serac/bulk", data={"csrf": agnes.token, "action": "release"})
    assert r.status == 422


def test_csv_and_xlsx_hold_the_page_rows_with_their_types(stack, world, agnes):
    import openpyxl
    query = "q=fanfare&sort=reference"
    page = rows_of(agnes.get(f"/agent/serac?{query}").text)
    assert len(page) == 50
    r = agnes.get(f"/agent/serac/export.csv?{query}")
    assert r.status == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.body.startswith(b"\xef\xbb\xbf")
    got = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline=""), delimiter=";"))
    head, body = got[0], got[1:]
    waiting = int(stack.sql("SELECT count(*) FROM demands WHERE form_data->>'mark' = :'p1'"
                            " AND form_data->>'project-title' LIKE 'Fanfare%'"
                            " AND state IN ('submitted', 'in-review')", MARK)[0][0])
    assert head[0] == "Référence" and len(body) == waiting
    for p, c in zip(page, body):
        assert c[0] == p["reference"] and c[1] == p["procedure"] and c[2] == p["state"]
        assert c[3] == p["applicant"] and c[4] == p["submitted"] and c[5] == p["since"]
        assert c[6] == p["assignee"]
        amount = float(re.sub(r"[^0-9.]", "", p["amount"]))
        assert float(c[9]) == amount
    r = agnes.get(f"/agent/serac/export.xlsx?{query}")
    assert r.status == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.body)).active
    xrows = list(ws.iter_rows(values_only=True))
    assert xrows[0][0] == "Référence" and len(xrows) == waiting + 1
    for p, x in zip(page, xrows[1:]):
        assert x[0] == p["reference"] and x[2] == p["state"]
        assert isinstance(x[4], datetime.datetime)
        assert x[4].strftime("%d.%m.%Y") == p["submitted"]
        assert isinstance(x[9], (int, float))
        assert float(x[9]) == float(re.sub(r"[^0-9.]", "", p["amount"]))
    # the printable list: the same rows, no buttons
    r = agnes.get(f"/agent/serac/print?{query}")
    assert r.status == 200
    printed = rows_of(r.text)
    assert [x["reference"] for x in printed[:50]] == [x["reference"] for x in page]
    assert 'name="take"' not in r.text
    # an agent of another service gets none of it
    oscar = logged_in(stack, "oscar")
    assert oscar.get(f"/agent/serac/export.csv?{query}").status == 403


def test_deadlines_are_listed_filtered_and_sorted(stack, world, agnes):
    refs = [r[0] for r in stack.sql(
        "SELECT reference FROM demands WHERE form_data->>'mark' = :'p1'"
        " AND form_data->>'project-title' LIKE 'Fanfare%' AND state = 'submitted'"
        " ORDER BY reference LIMIT 3", MARK)]
    # the past one failed (the scheduler gave up on it): overdue until
    # someone acts; the others are still to come
    for ref, days, status in zip(refs, (-1, 5, 20), ("failed", "pending", "pending")):
        stack.sql("INSERT INTO timers (demand_id, state, name, action, transition, due_at,"
                  "                    status)"
                  " SELECT id, state, 'remind', 'fire', 'remind',"
                  "        now() + make_interval(days => :'p2'::int), :'p3'"
                  "   FROM demands WHERE reference = :'p1'", ref, days, status)
    late, soon, later = refs

    def listed(query):
        return [x for x in rows_of(agnes.get(f"/agent/serac?q=fanfare&{query}").text)]

    overdue = listed("due=overdue")
    assert [x["reference"] for x in overdue] == [late]
    assert overdue[0]["deadline"].startswith("Dépassée")
    assert "Rappel envoyé" in overdue[0]["deadline"]
    # the day, in Zurich, written the Swiss way (hq_row from the row's date)
    due_day = stack.sql("SELECT to_char(t.due_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY')"
                        "  FROM timers t JOIN demands d ON d.id = t.demand_id"
                        " WHERE d.reference = :'p1' AND t.name = 'remind'", late)[0][0]
    assert due_day in overdue[0]["deadline"]
    assert sorted(x["reference"] for x in listed("due=7")) == [late, soon]
    assert sorted(x["reference"] for x in listed("due=30")) == [late, soon, later]
    # sorted by deadline: the nearest first, those without one last
    first = listed("sort=deadline")
    assert [x["reference"] for x in first[:3]] == [late, soon, later]
    assert first[3]["deadline"] == ""
    # a demand waiting for its applicant ("à compléter") is followed with
    # its deadline in the open demands, not in what waits for the service
    waiting_owner = stack.sql(
        "SELECT reference FROM demands WHERE form_data->>'mark' = :'p1'"
        " AND form_data->>'project-title' LIKE 'Fanfare%' AND state = 'incomplete'"
        " ORDER BY reference LIMIT 1", MARK)[0][0]
    stack.sql("INSERT INTO timers (demand_id, state, name, action, transition, due_at)"
              " SELECT id, state, 'lapse', 'fire', 'lapse', now() + interval '3 days'"
              "   FROM demands WHERE reference = :'p1'", waiting_owner)
    assert waiting_owner not in [x["reference"] for x in listed("due=7")]
    followed = {x["reference"]: x for x in listed("scope=open&due=7")}
    assert waiting_owner in followed and late in followed
    assert "Délai de réponse dépassé" in followed[waiting_owner]["deadline"]
    # and in the export
    r = agnes.get("/agent/serac/export.csv?q=fanfare&due=overdue")
    body = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [row[0] for row in body[1:]] == [late]
    assert body[1][8] == "Rappel envoyé" and body[1][7] == overdue[0]["deadline"].split()[1]


def test_the_dates_do_not_depend_on_the_clusters_datestyle(stack, world, agnes):
    """The rows' dates come as bare dates (queue.c) and the engine asks for
    them in ISO (db.c, PGDATESTYLE): a cluster set to another DateStyle
    changes nothing on the page."""
    ref = stack.sql("SELECT reference FROM demands WHERE form_data->>'mark' = :'p1'"
                    " AND state = 'submitted' ORDER BY reference LIMIT 1", MARK)[0][0]
    want = stack.sql("SELECT to_char(submitted_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY')"
                     "  FROM demands WHERE reference = :'p1'", ref)[0][0]

    def submitted():
        rows = rows_of(agnes.get(f"/agent/serac?q={ref}").text)
        return [x["submitted"] for x in rows if x["reference"] == ref]

    assert submitted() == [want]
    stack.sql("ALTER DATABASE guichet SET datestyle = 'SQL, DMY'")
    try:
        stack.reload_engine_and_wait()         # new workers, new connections
        assert stack.sql("SHOW datestyle") == [("SQL, DMY",)]
        assert submitted() == [want]
    finally:
        stack.sql("ALTER DATABASE guichet RESET datestyle")


def test_the_engine_compiles_no_statement_to_machine_code(stack, world, agnes):
    """db.c turns PostgreSQL's JIT off on the engine's connections: the
    printable list's 1,000 rows made the planner guess 100,000 and spend
    0.3 s compiling expressions (bench/README.md).  With the database set
    to compile every statement, the engine's queue statements still
    compile none."""
    if superuser_sql(stack, "SELECT pg_jit_available()").strip() != "t":
        pytest.skip("this PostgreSQL has no JIT: nothing to turn off")
    superuser_sql(stack, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    compiled = ("SELECT coalesce(sum(jit_functions), 0) FROM pg_stat_statements"
                " WHERE query LIKE '%queue_counts_total%'"
                "   AND query NOT LIKE '%pg_stat_statements%'")
    stack.sql("ALTER DATABASE guichet SET jit = on")
    stack.sql("ALTER DATABASE guichet SET jit_above_cost = 0")
    try:
        stack.reload_engine_and_wait()         # new workers, new connections
        # in force for a client that asks nothing else
        assert stack.sql("SHOW jit_above_cost") == [("0",)]
        before = int(superuser_sql(stack, compiled))
        for path in ("/agent/serac/print", "/agent/serac", "/agent/serac?sort=applicant"):
            assert agnes.get(path).status == 200
        assert int(superuser_sql(stack, compiled)) == before
    finally:
        stack.sql("ALTER DATABASE guichet RESET jit")
        stack.sql("ALTER DATABASE guichet RESET jit_above_cost")

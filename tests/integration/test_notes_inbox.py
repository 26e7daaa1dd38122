# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_notes_inbox.py -- notifications kept as rows when they happen
(sql/0039_notes_inbox.sql, engine/message.c, the unread column of
engine/session.c's lookup), through nginx, the engine and PostgreSQL.

The header's "Notifications (n)" after each thing that happens on a
subsidy demand between carla (its owner, for the Kiosque du Marché) and
agnes (SERAC agent): an agent's step is the owner's news, a message the
other side's, one's own step nobody's; opening the demand reads its news,
"tout marquer comme lu" all of it; a page view with nothing new writes
nothing.  Beyond 99 the header says "99+" (fr, de, en).  And the session
lookup of a person who follows hundreds of demands with thousands of events
is planned as an index scan of their unread notes, never of the events,
messages or demands they follow (0018's count read all of those on every
page).
"""
import os
import re

import pytest

from fixtures_people import make_demand, seed
from test_demand_web import fire, logged_in, text_of, version_of
from test_round_trips import superuser_sql


@pytest.fixture(scope="module")
def world(stack):
    return seed(stack)


@pytest.fixture(scope="module")
def carla(stack, world):
    c = logged_in(stack, "carla", world.spaces["kiosque"])
    yield c
    c.get("/dashboard?lang=fr")
    c.post("/notifications/read", data={"csrf": c.token})


@pytest.fixture(scope="module")
def agnes(stack, world):
    c = logged_in(stack, "agnes")
    yield c
    c.post("/notifications/read", data={"csrf": c.token})


HEADER = re.compile(r'class="notes-link"[^>]*>\s*(Notifications|Mitteilungen) \(([0-9+]+)\)')


def header(client, path="/dashboard"):
    r = client.get(path)
    assert r.status == 200, r
    m = HEADER.search(r.text)
    assert m, "no notifications link in the header"
    return m.group(2)


def mark_all(client):
    r = client.post("/notifications/read", data={"csrf": client.token})
    assert r.status == 303, r
    assert header(client, r.headers["location"]) == "0"


def post(client, demand, text):
    r = client.post(f"/demands/{demand}/messages", data={"message": text, "csrf": client.token})
    assert r.status == 303, r


def marks(stack, person, demand):
    """What a page view may write: the read mark and the person's notes."""
    return stack.sql("SELECT (SELECT read_at FROM note_reads WHERE person_id = :'p1'"
                     "                                   AND demand_id = :'p2'),"
                     "       (SELECT string_agg(concat_ws(':', kind, item, unread, xmin), ','"
                     "                          ORDER BY item)"
                     "          FROM notes WHERE person_id = :'p1' AND demand_id = :'p2')",
                     person, demand)[0]


def test_the_header_counts_each_thing_that_happens(stack, world, carla, agnes):
    d = make_demand(stack, world, "subsidy", "carla", "kiosque", "submitted", "in-progress")
    mark_all(carla)
    mark_all(agnes)

    # carla writes before any agent acted: agnes does not follow it yet
    post(carla, d, "Bonjour, une question sur le calendrier.")
    assert header(agnes) == "0"
    # agnes's first step: carla's news; agnes's own step is not hers, and
    # the demand's past (carla's message) does not become agnes's news
    # either (0018 counted it: she followed the demand from then on)
    assert fire(agnes, d, "take", version=version_of(stack, d)).status == 303
    assert header(carla) == "1"
    assert header(agnes) == "0"
    # the message is still "nouveau" for agnes on the page, once
    page = agnes.get(f"/demands/{d}").text
    assert 'class="badge"' in page
    assert 'class="badge"' not in agnes.get(f"/demands/{d}").text

    # opening the demand reads it; a second view writes nothing
    assert header(carla, f"/demands/{d}") == "0"
    before = marks(stack, world.persons["carla"], d)
    assert header(carla, f"/demands/{d}") == "0"
    assert marks(stack, world.persons["carla"], d) == before

    # a message is the other side's news, not its author's
    post(agnes, d, "Merci, nous regardons cela.")
    assert header(carla) == "1"
    assert header(agnes) == "0"
    post(carla, d, "Très bien, merci.")
    assert header(carla) == "0", "writing on a demand reads it"
    assert header(agnes) == "1"

    # "tout marquer comme lu"
    mark_all(agnes)
    # one's own step: no news for oneself, news for the other side
    assert fire(carla, d, "withdraw", version=version_of(stack, d)).status == 303
    assert header(carla) == "0"
    assert header(agnes) == "1"
    notes = agnes.get("/notifications").text
    assert f'href="/demands/{d}"' in notes and "Retirer la demande" in text_of(notes)
    mark_all(agnes)


def test_beyond_99_the_header_says_99_plus(stack, world, carla):
    d = make_demand(stack, world, "subsidy", "carla", "kiosque", "incomplete", "to-do")
    mark_all(carla)
    # 120 reminders by the scheduler, in one statement
    stack.sql("INSERT INTO events (demand_id, demand_version, actor_kind, transition,"
              "                    from_state, to_state, request_id)"
              " SELECT :'p1', 1000 + g, 'system', 'remind', 'incomplete', 'incomplete',"
              "        'test_notes_inbox' FROM generate_series(1, 120) g", d)
    assert stack.sql("SELECT count(*) FROM notes WHERE person_id = :'p1' AND unread",
                     world.persons["carla"]) == [("120",)]
    assert header(carla) == "99+"
    assert header(carla, "/dashboard?lang=de") == "99+"
    r = carla.get("/dashboard?lang=en")
    assert re.search(r'class="notes-link"[^>]*>\s*Notifications \(99\+\)', r.text), r.text[:3000]
    page = carla.get("/notifications?lang=fr").text
    assert len(re.findall(r'<li><a href="/demands/', page)) == 100, "the list stops at 100"
    assert "Nouveautés non lues sur vos demandes (99+)" in text_of(page)
    # opening the demand reads all 120
    assert header(carla, f"/demands/{d}") == "0"
    assert stack.sql("SELECT count(*) FROM notes WHERE person_id = :'p1' AND unread",
                     world.persons["carla"]) == [("0",)]


def test_a_purged_draft_takes_its_notes_along(stack, world, carla):
    d = make_demand(stack, world, "subsidy", "carla", "kiosque", "draft", "draft")
    mark_all(carla)
    # the scheduler's warning, then the purge (wf_purge, as the timer does)
    stack.sql("INSERT INTO events (demand_id, demand_version, actor_kind, transition,"
              "                    from_state, to_state, request_id)"
              " VALUES (:'p1', 500, 'system', 'purge-warning', 'draft', 'draft', 'test')", d)
    assert header(carla) == "1"
    assert f'href="/demands/{d}"' in carla.get("/notifications").text
    out = stack.sql("SELECT wf_purge(jsonb_build_object('demand', id, 'version', version,"
                    "                                  'state', state, 'request_id', 'test'))"
                    "  FROM demands WHERE id = :'p1'", d)
    assert '"ok"' in out[0][0], out
    assert stack.sql("SELECT count(*) FROM notes WHERE demand_id = :'p1'", d) == [("0",)]
    assert header(carla) == "0"
    r = carla.get("/notifications")
    assert r.status == 200 and f'href="/demands/{d}"' not in r.text


# --- the plans ------------------------------------------------------------------------

FOLLOWER_SQL = r"""
INSERT INTO persons (display_name, given_name, family_name, email, assurance)
VALUES ('Inbox Test', 'Inbox', 'Test', 'inbox.test@exemple.test', 'verified')
RETURNING id
"""

DEMANDS_SQL = r"""
SELECT count(wf_create(jsonb_build_object(
    'workflow', 'guichet-test-open',
    'version', (SELECT max(version) FROM definitions WHERE workflow_key = 'guichet-test-open'),
    'state', 'done', 'bucket', 'archived', 'progress', 100,
    'owner_person', :'p1'::uuid,
    'form_data', jsonb_build_object('inbox-test', true),
    'actor', jsonb_build_object('kind', 'person', 'person', :'p1'::uuid, 'role', 'owner'),
    'request_id', 'test_notes_inbox')))
  FROM generate_series(1, 300)
"""

# 20 events by somebody else on each of the 300 demands (6000 notes), all read
# but the last 3: the person follows a lot, has little unread
HISTORY_SQL = r"""
INSERT INTO events (demand_id, demand_version, actor_kind, actor_person_id, transition,
                    from_state, to_state, request_id)
SELECT d.id, 100 + g, 'person', :'p2', 'decide', 'done', 'done', 'test_notes_inbox'
  FROM demands d, generate_series(1, 20) g
 WHERE d.owner_person_id = :'p1';
SELECT note_mark_all(:'p1');
INSERT INTO events (demand_id, demand_version, actor_kind, transition, from_state, to_state,
                    request_id)
SELECT d.id, 200, 'system', 'expire', 'done', 'done', 'test_notes_inbox'
  FROM demands d WHERE d.owner_person_id = :'p1' ORDER BY d.id LIMIT 3;
ANALYZE notes; ANALYZE events; ANALYZE messages; ANALYZE demands;
SELECT u.n FROM note_unread_count(:'p1') u;
"""


def statement(stack, needle):
    """The text of a statement the engine ran, from pg_stat_statements (its
    constants made parameters: $1 ... $n)."""
    rows = superuser_sql(stack, f"""
        SELECT replace(s.query, chr(10), ' ')
          FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = 'guichet' AND strpos(s.query, '{needle}') > 0
         LIMIT 1""").strip()
    assert rows, f"no statement with {needle} ran"
    return rows


def plans(stack, sql, args=None, modes=("force_custom_plan", "force_generic_plan")):
    """The statement's plans, as EXPLAIN prints them; args None: every
    parameter NULL (the generic plan does not look at them)."""
    # a typed literal (interval '60 seconds') normalised is not SQL
    sql = re.sub(r"\binterval (\$\d+)", r"\1::interval", sql)
    if args is None:
        n = max([int(k) for k in re.findall(r"\$(\d+)", sql)] or [0])
        args = ", ".join(["NULL"] * n)
    return [superuser_sql(stack, f"""
        SET plan_cache_mode = {mode};
        PREPARE s AS {sql};
        EXPLAIN EXECUTE s({args});""") for mode in modes]


def test_the_session_lookup_reads_only_the_unread_notes(stack, world, carla):
    superuser_sql(stack, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    person = stack.sql(FOLLOWER_SQL)[0][0]
    assert stack.sql(DEMANDS_SQL, person) == [("300",)]
    out = stack.sql(HISTORY_SQL, person, world.persons["victor"])
    assert out[-1] == ("3",), out
    assert int(stack.sql("SELECT count(*) FROM notes WHERE person_id = :'p1'",
                         person)[0][0]) == 6003

    # the bounded count, with this person's statistics
    for plan in plans(stack, "SELECT u.n FROM note_unread_count($1::uuid) u", f"'{person}'"):
        assert re.search(r"(Index (Only )?Scan using|Bitmap Index Scan on) notes_unread", plan), plan
        assert "Limit" in plan and "Seq Scan on notes" not in plan, plan
        for table in ("events", "messages", "demands", "note_reads"):
            assert f" on {table}" not in plan, plan

    # the engine's own statements, as it runs them: the session lookup of
    # every page, and the list
    carla.get("/dashboard")
    carla.get("/notifications")
    lookup = statement(stack, "WHERE id_hash = $1 AND session_live(last_seen")
    assert "note_unread_count(s.person_id)" in lookup
    for plan in plans(stack, lookup, modes=("force_generic_plan",)):
        assert re.search(r"(Index (Only )?Scan using|Bitmap Index Scan on) notes_unread", plan), plan
        for table in ("events", "messages", "demands", "note_reads"):
            assert f" on {table}" not in plan, plan
    # the list: note_list_json's statement (sql/0047), planned generic
    src = superuser_sql(stack, "SELECT replace(prosrc, chr(10), ' ') FROM pg_proc"
                               " WHERE proname = 'note_list_json'")
    listing = re.search(r"RETURN \((SELECT .*)\);\s*END", src, re.S).group(1)
    assert "note_items(p_person) i" in listing
    listing = listing.replace("p_person", "$1::uuid")
    for plan in plans(stack, listing, modes=("force_generic_plan",)):
        assert "notes_unread" in plan, plan
        assert "Seq Scan on events" not in plan and "Seq Scan on notes" not in plan, plan


# --- what was unread before ---------------------------------------------------------------

SQL_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "sql")


def sql_file(name):
    with open(f"{SQL_DIR}/{name}", encoding="utf-8") as f:
        return f.read()


def test_the_backfill_is_what_0018_counted(stack, world, carla, agnes):
    """0039's backfill, run on today's data, gives every person exactly the
    items 0018's note_items() (read from its file) counts as unread."""
    old = sql_file("0018_messages.sql")
    body = re.search(r"CREATE FUNCTION note_items\(p_person uuid\)\n(.*?\$\$.*?\$\$);", old,
                     re.S).group(1)
    new = sql_file("0039_notes_inbox.sql")
    backfill = re.search(r"INSERT INTO notes \(demand_id, person_id, kind, item, at\)\n"
                         r"(SELECT m\.demand_id.*?);", new[new.index("what was unread before"):],
                         re.S).group(1)
    # something unread before, and something read since: a message of agnes
    # that carla has not read, one step carla has read
    d = make_demand(stack, world, "subsidy", "carla", "kiosque", "submitted", "in-progress")
    assert fire(agnes, d, "take", version=version_of(stack, d)).status == 303
    mark_all(carla)
    post(agnes, d, "Une dernière question avant la décision.")
    rows = stack.sql(f"""
        CREATE FUNCTION pg_temp.note_items_0018(p_person uuid) {body};
        SELECT count(*) FROM (SELECT p.id, i.demand_id, i.kind, i.item
                                FROM persons p CROSS JOIN LATERAL pg_temp.note_items_0018(p.id) i
                              EXCEPT ALL
                              SELECT person_id, demand_id, kind, item FROM ({backfill}) b (demand_id, person_id, kind, item, at)) x
        UNION ALL
        SELECT count(*) FROM (SELECT person_id, demand_id, kind, item FROM ({backfill}) b (demand_id, person_id, kind, item, at)
                              EXCEPT ALL
                              SELECT p.id, i.demand_id, i.kind, i.item
                                FROM persons p CROSS JOIN LATERAL pg_temp.note_items_0018(p.id) i) y
        UNION ALL
        SELECT count(*) FROM ({backfill}) b (demand_id, person_id, kind, item, at) WHERE person_id = :'p1' AND demand_id = :'p2'
    """, world.persons["carla"], d)
    assert rows == [("0",), ("0",), ("1",)], rows

# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo world (data/demo/world.json, scripts/demo_world.py) as `make
demo` starts it: a stack of its own, started by scripts/stack.sh with
GUICHET_DEMO=yes, so the loader runs exactly as for a new user.

It checks that loading twice changes nothing; that every account of the
development provider lands on its person and role (agnes works the SERAC's
queue, admin has /admin, carla's dashboard has a demand in every bucket,
rita sees the members page, david does not see the protected demands,
oscar is refused the SERAC's queue); that the home page lists every
account in the reader's language; and that the README's account table
names every account the provider serves, with a role and a thing to try.
"""
import html
import json
import os
import re
import subprocess

import pytest

from fixtures_people import demo_world  # scripts/demo_world.py, on the path it sets
from conftest import ROOT, Stack
from oidc_login import login

WORLD_FILE = os.path.join(ROOT, "data", "demo", "world.json")
with open(WORLD_FILE, encoding="utf-8") as _f:
    WORLD = json.load(_f)
LOGINS = [a["login"] for a in WORLD["accounts"]]
DEMANDS = {d["name"]: d for d in WORLD["demands"]}
BUCKET_OF = {"draft": "draft", "submitted": "in-progress", "in-review": "in-progress",
             "incomplete": "to-do", "decided": "decision-unread", "archived": "archived"}

COUNTS_SQL = """
SELECT 'persons', count(*) FROM persons UNION ALL
SELECT 'identities', count(*) FROM identities UNION ALL
SELECT 'entities', count(*) FROM entities UNION ALL
SELECT 'spaces', count(*) FROM spaces UNION ALL
SELECT 'memberships', count(*) FROM memberships UNION ALL
SELECT 'access_grants', count(*) FROM access_grants UNION ALL
SELECT 'space_events', count(*) FROM space_events UNION ALL
SELECT 'agent_members', count(*) FROM agent_members UNION ALL
SELECT 'third_party_members', count(*) FROM third_party_members UNION ALL
SELECT 'administrators', count(*) FROM administrators UNION ALL
SELECT 'demands', count(*) FROM demands UNION ALL
SELECT 'demand_versions', sum(version) FROM demands UNION ALL
SELECT 'events', count(*) FROM events UNION ALL
SELECT 'documents', count(*) FROM documents UNION ALL
SELECT 'messages', count(*) FROM messages
"""


@pytest.fixture(scope="module")
def demo():
    s = Stack()
    s.script_env["GUICHET_DEMO"] = "yes"
    try:
        s.start()
        yield s
    finally:
        s.stop()


def load_again(demo):
    r = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "demo_world.py")],
                       env={**os.environ, **demo.env}, cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def ids(demo):
    issuer = demo.env["GUICHET_IDP_DEV_ISSUER"]
    persons = dict(demo.sql("SELECT subject, person_id FROM identities WHERE issuer = :'p1'",
                            issuer))
    spaces = dict(demo.sql("SELECT e.ide, s.id FROM spaces s JOIN entities e ON e.id = "
                           "s.entity_id WHERE s.status = 'active'"))
    return persons, spaces


def references(demo):
    """demand name -> (reference, state), from the create event's request id."""
    rows = demo.sql("SELECT substr(e.request_id, 12), d.reference, d.state FROM events e "
                    "JOIN demands d ON d.id = e.demand_id WHERE e.transition = 'create' "
                    "AND e.request_id LIKE 'demo-world:%'")
    return {name: (ref, state) for name, ref, state in rows}


def logged_in(demo, account, space=None):
    c = demo.client()
    r = login(demo, c, account)
    assert r.status == 303, f"login of {account}: {r!r}"
    if space is not None:
        page = c.get("/context")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        r = c.post("/context", data={"space": space, "csrf": token})
        assert r.status == 303, f"context switch of {account}: {r!r}"
    return c


# --- loading ----------------------------------------------------------------------------

def test_the_world_is_loaded_once_and_a_second_load_changes_nothing(demo):
    before = demo.sql(COUNTS_SQL)
    counts = dict(before)
    assert int(counts["identities"]) == len(WORLD["accounts"])
    # and the SERAC's backlog of fictional bodies and demands (load_backlog)
    assert int(counts["spaces"]) == len(WORLD["entities"]) + len(demo_world.BACKLOG_BODIES)
    assert int(counts["demands"]) == len(WORLD["demands"]) + demo_world.BACKLOG_COUNT
    assert int(counts["administrators"]) == len(WORLD["administrators"])
    assert "0 new demands" in load_again(demo)
    assert demo.sql(COUNTS_SQL) == before


def test_every_demand_stands_in_its_state_with_a_real_history(demo):
    made = references(demo)
    assert set(made) == set(DEMANDS)
    for name, d in DEMANDS.items():
        assert made[name][1] == d["state"], name
        # one event per step, plus the create: made through the engine, not as rows
        n = demo.sql("SELECT count(*) FROM events e JOIN demands d ON d.id = e.demand_id "
                     "WHERE d.reference = :'p1'", made[name][0])[0][0]
        assert int(n) == 1 + len(d["steps"]), name
    # the submitted ones mailed the owner and the SERAC, through the outbox
    assert int(demo.sql("SELECT count(*) FROM outbox")[0][0]) > 0


def test_every_role_of_the_file_is_in_the_database(demo):
    persons, spaces = ids(demo)
    assert set(persons) == set(LOGINS)
    for e in WORLD["entities"]:
        sp = spaces[e["ide"]]
        assert demo.sql("SELECT referent_person_id FROM spaces WHERE id = :'p1'", sp) == \
            [(persons[e["referent"]],)]
        for m in e["members"]:
            assert demo.sql("SELECT function FROM memberships WHERE space_id = :'p1' AND "
                            "person_id = :'p2' AND ended_at IS NULL", sp,
                            persons[m["login"]]) == [(m["function"],)]
            grants = demo.sql("SELECT workflow_key FROM access_grants WHERE space_id = :'p1' "
                              "AND person_id = :'p2' AND revoked_at IS NULL ORDER BY 1", sp,
                              persons[m["login"]])
            assert [g for (g,) in grants] == sorted(m.get("grants", []))
    for g in WORLD["agent_groups"]:
        got = demo.sql("SELECT i.subject FROM agent_members m JOIN identities i ON "
                       "i.person_id = m.person_id WHERE m.group_id = :'p1' ORDER BY 1", g["id"])
        assert [s for (s,) in got] == sorted(g["members"])
    for g in WORLD["third_party_groups"]:
        got = demo.sql("SELECT i.subject FROM third_party_members m JOIN identities i ON "
                       "i.person_id = m.person_id WHERE m.group_id = :'p1' ORDER BY 1", g["id"])
        assert [s for (s,) in got] == sorted(g["members"])


# --- logging in as each of them ------------------------------------------------------------

def test_every_account_logs_in_as_its_seeded_person(demo):
    persons_before = demo.sql("SELECT count(*) FROM persons")
    for account in LOGINS:
        c = logged_in(demo, account)
        r = c.get("/auth/session")
        assert r.status == 200, account
        a = next(a for a in WORLD["accounts"] if a["login"] == account)
        assert f"{a['given_name']} {a['family_name']}" in r.text
    # nobody got a fresh person: each identity was linked beforehand
    assert demo.sql("SELECT count(*) FROM persons") == persons_before


def test_agnes_finds_the_demands_waiting_for_the_serac(demo):
    r = logged_in(demo, "agnes").get("/agent/serac")
    assert r.status == 200
    made = references(demo)
    for name, (ref, state) in made.items():
        waiting = state in ("submitted", "in-review")
        assert (ref in r.text) == waiting, (name, state)


def test_oscar_is_refused_the_serac_queue(demo):
    assert logged_in(demo, "oscar").get("/agent/serac").status == 403


def test_admin_reaches_the_administration(demo):
    assert logged_in(demo, "admin").get("/admin").status == 200
    assert logged_in(demo, "alice").get("/admin").status == 403


def test_carla_has_a_demand_in_every_bucket_of_the_kiosque(demo):
    _, spaces = ids(demo)
    kiosque = spaces["CHE-109.347.829"]
    r = logged_in(demo, "carla", kiosque).get("/dashboard")
    assert r.status == 200
    counts = dict((name, int(n)) for name, n in
                  re.findall(r'href="#b-([a-z-]+)"><span class="count">(\d+)</span>', r.text))
    assert set(counts) == set(BUCKET_OF.values())
    assert all(n > 0 for n in counts.values()), counts
    made = references(demo)
    for name, d in DEMANDS.items():
        if d.get("space") == "kiosque":
            assert made[name][0] in r.text, name


def test_nicolas_pages_through_his_fanfares_demands(demo):
    """The référent of a backlog body (load_backlog finds his demo account
    by its e-mail): the dashboard shows 5 of a section and links to it
    whole (/dashboard/<bucket>)."""
    _, spaces = ids(demo)
    fanfare = demo.sql("SELECT s.id FROM spaces s JOIN entities e ON e.id = s.entity_id"
                       " WHERE e.name = 'Fanfare L''Écho du Jorat'")[0][0]
    assert fanfare in spaces.values()
    c = logged_in(demo, "nicolas", fanfare)
    r = c.get("/dashboard")
    assert r.status == 200
    m = re.search(r'href="/dashboard/in-progress">Voir les (\d+) demandes', r.text)
    assert m and int(m.group(1)) > 5, r.text[:2000]
    listed = c.get("/dashboard/in-progress")
    assert listed.status == 200
    assert len(re.findall(r'<li class="demand">', listed.text)) == min(int(m.group(1)), 25)


def test_carla_and_agnes_have_a_thread_on_the_incomplete_demand(demo):
    """The demo's messages (world.json "messages", loaded with `guichet
    demand message`): on carla's demand "à compléter", under what the
    service asks."""
    _, spaces = ids(demo)
    ref = references(demo)["kiosque-incomplete"][0]
    did = demo.sql("SELECT id FROM demands WHERE reference = :'p1'", ref)[0][0]
    page = logged_in(demo, "carla", spaces["CHE-109.347.829"]).get(f"/demands/{did}").text
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    assert "Ce que le service vous demande" in text
    for m in DEMANDS["kiosque-incomplete"]["messages"]:
        assert m["text"] in text, m["by"]
    assert "Notifications (" in text


def test_david_without_the_grant_does_not_see_the_subsidy_demands(demo):
    _, spaces = ids(demo)
    r = logged_in(demo, "david", spaces["CHE-109.347.829"]).get("/dashboard")
    assert r.status == 200
    for name, (ref, _) in references(demo).items():
        assert ref not in r.text, name


def test_rita_sees_the_members_of_her_space(demo):
    _, spaces = ids(demo)
    kiosque = spaces["CHE-109.347.829"]
    r = logged_in(demo, "rita", kiosque).get(f"/spaces/{kiosque}/members")
    assert r.status == 200
    for name in ("Carla Rossi", "David Meier", "trésorière", "secrétaire"):
        assert name in r.text


def test_marc_acts_for_his_company(demo):
    _, spaces = ids(demo)
    menuiserie = next(e for e in WORLD["entities"] if e["key"] == "menuiserie")
    assert menuiserie["legal_form"] in ("sa", "sarl")
    r = logged_in(demo, "marc", spaces[menuiserie["ide"]]).get("/dashboard")
    assert r.status == 200
    assert references(demo)["menuiserie-draft"][0] in r.text


# --- telling people who to log in as -------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "de", "en"])
def test_the_home_page_lists_every_account_in_the_readers_language(demo, lang):
    r = demo.client().get(f"/?lang={lang}")
    assert r.status == 200
    rows = re.findall(r'<tr><th scope="row"><code>([a-z]+)</code>', r.text)
    assert rows == LOGINS
    text = html.unescape(r.text)
    for a in WORLD["accounts"]:
        assert a["role"][lang] in text and a["try"][lang] in text, a["login"]


def test_the_home_page_of_a_stack_without_demo_lists_no_account(stack):
    r = stack.client().get("/")
    assert r.status == 200
    assert "<code>alice</code>" not in r.text and "demo-accounts" not in r.text


def test_the_readme_names_every_account_with_its_role_and_a_thing_to_try():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    rows = re.findall(r"^\| `([a-z]+)` \|([^|]*)\|([^|]*)\|$", readme, re.M)
    assert [login for login, _, _ in rows] == LOGINS
    for login, role, thing in rows:
        assert role.strip() and thing.strip(), login


def test_the_ide_register_is_loaded_from_data_ref_and_lea_may_open_her_choirs_space(demo):
    import csv
    with open(os.path.join(ROOT, "data", "ref", "ide_register.csv"), encoding="utf-8") as f:
        entities = {row["ide"]: row for row in csv.DictReader(f)}
    rows = dict(demo.sql("SELECT ide, name FROM ide_register"))
    assert rows == {ide: e["name"] for ide, e in entities.items()}
    assert demo.sql("SELECT ide_signature_of('CHE-315.620.489', i.person_id)"
                    "  FROM identities i WHERE i.subject = 'lea'") == [("alone",)]
    # the association of lea's README row has no space yet
    assert demo.sql("SELECT count(*) FROM entities WHERE ide = 'CHE-315.620.489'") == [("0",)]


def test_admin_finds_a_failed_letter_and_the_secretary_the_identity_copy(demo):
    """The demo's failed letter (the letters job's last try, for real, on a
    template this installation lacks: sql/0037) on the incidents page; the
    identity copy of Élodie's request, which Renens' secretary downloads
    from her item's page."""
    import time
    end = time.time() + 60
    while demo.sql("SELECT count(*) FROM letters WHERE status = 'failed'"
                   " AND template = 'decision-subvention'") != [("1",)]:
        assert time.time() < end, "the demo's letter never failed"
        time.sleep(0.5)
    page = logged_in(demo, "admin").get("/admin/incidents")
    assert page.status == 200 and "decision-subvention" in page.text
    assert re.search(r'action="/admin/incidents/letter/\d+/cancel"', page.text)
    ref, state = references(demo)["elodie-communes"]
    demand, doc = demo.sql("SELECT d.id, doc.id FROM demands d JOIN documents doc"
                           " ON doc.demand_id = d.id AND doc.field = 'id-copy'"
                           " WHERE d.reference = :'p1'", ref)[0]
    nadia = logged_in(demo, "nadia")
    assert f'href="/documents/{doc}"' in nadia.get(f"/verify/{demand}/verify/0").text
    assert nadia.get(f"/documents/{doc}").status == 200

# SPDX-License-Identifier: AGPL-3.0-or-later
"""Letters that failed for good on the administrators' incidents page
(sql/0037_letter_incidents.sql, engine/ops.c, engine/h_admin_ops.c), through
nginx, the engine's own letters job, WeasyPrint and PostgreSQL: a letter
whose template this installation lacks fails for real (five tries), is
listed with its reference, attempts and error; once the cause is fixed,
"Réessayer" hands it back to the job, which typesets it, and the print
office (paul) finds it in its queue; "Abandonner" takes it off the print
queue and the demand's history says the letter was not posted; each act is
kept in admin_events; the letters job's health is on the page."""
import re
import time

import pytest

from test_demand_web import csrf_of, logged_in, q1, text_of
from test_letters import CODE_LETTER_SQL, LETTERS_XML, PUBLISH_SQL
from fixtures_people import make_demand, seed

FAIL_SQL = """
UPDATE letters SET attempts = 4, next_attempt_at = now()
 WHERE id = :'p1' AND status = 'queued'
"""


@pytest.fixture(scope="module")
def world(stack):
    w = seed(stack)
    stack.sql(PUBLISH_SQL, LETTERS_XML)
    return w


@pytest.fixture(scope="module")
def admin(stack, world):
    return logged_in(stack, "admin")


@pytest.fixture(scope="module")
def paul(stack, world):
    return logged_in(stack, "paul")


def wait_status(stack, letter, status, timeout=90):
    end = time.time() + timeout
    while True:
        now = q1(stack, "SELECT status FROM letters WHERE id = :'p1'", str(letter))
        if now == status:
            return
        assert time.time() < end, f"letter {letter} is {now}, not {status}:\n" \
            + stack.logs(tail=40)
        time.sleep(0.3)


def failed_letter(stack, world):
    """A letter the real job tried five times and gave up: its template is
    not installed here.  (demand, letter id)"""
    demand = make_demand(stack, world, "guichet-test-letters", "carla", "kiosque")
    letter = int(q1(stack, CODE_LETTER_SQL, demand, "no-such-letter", "Q8WE-3RTY"))
    # the first four tries and their backoff are test_letters.py's: the last one here
    stack.sql(FAIL_SQL, str(letter))
    if q1(stack, "SELECT attempts FROM letters WHERE id = :'p1'", str(letter)) != "4":
        stack.sql(FAIL_SQL, str(letter))     # the job had just tried it once
    wait_status(stack, letter, "failed")
    return demand, letter


def act(admin, letter, action):
    return admin.post(f"/admin/incidents/letter/{letter}/{action}",
                      data={"csrf": csrf_of(admin, "/admin/incidents")})


def item_of(page, letter):
    m = re.search(r'(?s)<li id="letter-%d">.*?</li>' % letter, page)
    return m.group(0) if m else None


def test_a_failed_letter_is_listed_then_retried_and_typeset_for_the_print_office(
        stack, world, admin, paul):
    demand, letter = failed_letter(stack, world)
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    page = admin.get("/admin/incidents")
    assert page.status == 200
    art = re.search(r'(?s)<article class="incident" aria-labelledby="letter-%d">.*?</article>'
                    % letter, page.text).group(0)
    assert ref in art and f'href="/demands/{demand}"' in art
    assert "no-such-letter" in text_of(art)             # template and error
    assert "Kiosque du Marché" in text_of(art) and "lettre scellée" in text_of(art)
    assert f'action="/admin/incidents/letter/{letter}/retry"' in art
    assert f'action="/admin/incidents/letter/{letter}/cancel"' in art
    assert re.search(r"<dd>5, \d{4}-\d\d-\d\d \d\d:\d\d</dd>", art), art
    assert "Lettres en échec" in page.text and "Lettres</dt>" in page.text
    # the print office sees it failed: nothing to print
    assert 'name="letter"' not in item_of(paul.get("/agent/letters").text, letter)

    # the cause fixed (the letter's template named right), then "Réessayer"
    stack.sql("UPDATE letters SET template = 'space-activation' WHERE id = :'p1'",
              str(letter))
    r = act(admin, letter, "retry")
    assert r.status == 200 and "C’est reparti" in r.text
    wait_status(stack, letter, "rendered")
    assert stack.sql("SELECT attempts, last_error IS NULL, failed_at IS NULL FROM letters"
                     " WHERE id = :'p1'", str(letter)) == [("1", "t", "t")]
    item = item_of(paul.get("/agent/letters").text, letter)
    assert f'href="/agent/letters/{letter}/pdf"' in item and 'name="letter"' in item
    body = paul.get(f"/agent/letters/{letter}/pdf")
    assert body.status == 200 and body.body.startswith(b"%PDF-")
    # the act is kept; the page no longer offers it; a second act is told so
    assert stack.sql("SELECT a.action, a.detail->>'demand' FROM admin_events a"
                     " JOIN persons p ON p.id = a.actor AND p.display_name LIKE 'Adrien%'"
                     " WHERE a.object_kind = 'letter' AND a.object_id = :'p1'",
                     str(letter)) == [("retry", demand)]
    assert f'action="/admin/incidents/letter/{letter}/' not in admin.get("/admin/incidents").text
    r = act(admin, letter, "cancel")
    assert r.status == 409 and "plus ouvert" in r.text
    assert q1(stack, "SELECT status FROM letters WHERE id = :'p1'", str(letter)) == "rendered"
    # the letters job's health: it typeset something
    health = re.search(r"(?s)<dt>Lettres</dt>\s*<dd>(.*?)</dd>",
                       admin.get("/admin/incidents").text).group(1)
    assert "Dernier traité" in health


def test_a_letter_given_up_leaves_the_print_queue_and_the_history_says_so(
        stack, world, admin, paul):
    demand, letter = failed_letter(stack, world)
    assert item_of(paul.get("/agent/letters").text, letter) is not None
    version = int(q1(stack, "SELECT version FROM demands WHERE id = :'p1'", demand))
    r = act(admin, letter, "cancel")
    assert r.status == 200 and "Abandonné" in r.text
    assert q1(stack, "SELECT status FROM letters WHERE id = :'p1'", str(letter)) == "cancelled"
    assert item_of(paul.get("/agent/letters").text, letter) is None
    assert f'action="/admin/incidents/letter/{letter}/' not in r.text
    # the demand's history: not posted, by the administrator
    assert stack.sql("SELECT e.transition, e.actor_role, e.from_state = e.to_state,"
                     "       e.demand_version, p.display_name LIKE 'Adrien%'"
                     "  FROM events e JOIN persons p ON p.id = e.actor_person_id"
                     " WHERE e.demand_id = :'p1' AND e.transition LIKE 'letter-%'",
                     demand) == [("letter-cancelled", "admin", "t", str(version + 1), "t")]
    carla = logged_in(stack, "carla", world.spaces["kiosque"])
    page = carla.get(f"/demands/{demand}")
    assert page.status == 200 and "Lettre non envoyée" in text_of(page.text)
    assert stack.sql("SELECT action FROM admin_events WHERE object_kind = 'letter'"
                     " AND object_id = :'p1'", str(letter)) == [("cancel",)]
    # given up for good: retrying it now is told it is no longer open
    assert act(admin, letter, "retry").status == 409
    assert q1(stack, "SELECT status FROM letters WHERE id = :'p1'", str(letter)) == "cancelled"


def test_health_says_when_the_letters_job_is_behind(stack, world, admin):
    demand = make_demand(stack, world, "guichet-test-letters", "carla", "kiosque")
    # seen inside one transaction, which the running job cannot see
    rows = stack.sql("BEGIN; SELECT letter_enqueue(:'p1', NULL, 'letter',"
                     " jsonb_build_object('name', 'X', 'postcode', '1000', 'locality', 'L'),"
                     " '{}'); UPDATE letters SET next_attempt_at = now() - interval '10 minutes'"
                     " WHERE demand_id = :'p1';"
                     " SELECT ops_health()->>'letters_late'; ROLLBACK;", demand)
    assert int(rows[-1][0]) >= 1


def test_only_administrators_act_on_a_letter(stack, world):
    demand, letter = failed_letter(stack, world)
    for account in ("agnes", "paul"):
        client = logged_in(stack, account)
        r = client.post(f"/admin/incidents/letter/{letter}/retry", data={"csrf": client.token})
        assert r.status == 403
    assert q1(stack, "SELECT status FROM letters WHERE id = :'p1'", str(letter)) == "failed"

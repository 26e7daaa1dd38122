# SPDX-License-Identifier: AGPL-3.0-or-later
"""The administrators' incidents page (engine/h_admin_ops.c, engine/ops.c,
sql/0031_incidents.sql) through nginx, the engine's own scheduler and
mailer, PostgreSQL and the SMTP sink: a timer and a mail that failed for
good are listed with their error; "Réessayer" hands them back to the
scheduler and the mailer, which then do their work for real; "Abandonner"
closes them; every act is kept in admin_events; a second act on the same
incident is told it is no longer open; only administrators see or act."""
import uuid

import pytest

from fixtures_people import make_demand
from test_demand_web import csrf_of, logged_in, world  # noqa: F401 (fixture)
from test_workflow_engine import wait_for


def q1(stack, query, *params):
    rows = stack.sql(query, *params)
    return rows[0][0] if rows else None


@pytest.fixture(scope="module")
def admin(stack, world):  # noqa: F811
    return logged_in(stack, "admin")


def failed_timer(stack, world):
    d = make_demand(stack, world, "subsidy", "carla", "kiosque", state="incomplete",
                    bucket="to-do")
    tid = q1(stack, "INSERT INTO timers (demand_id, state, name, action, transition, due_at,"
                    " status, attempts, last_error, done_at) VALUES (:'p1', 'incomplete',"
                    " 'remind', 'fire', 'remind', now() - interval '1 hour', 'failed', 5,"
                    " 'database unreachable', now()) RETURNING id", d)
    return d, tid


def failed_mail(stack, d, to="incident@exemple.test"):
    return q1(stack, "INSERT INTO outbox (demand_id, template, recipient, status, attempts,"
                     " last_error, data) VALUES (:'p1', 'status-changed', :'p2', 'failed', 8,"
                     " '550 mailbox unavailable', jsonb_build_object('reference', 'INC'))"
                     " RETURNING id", d, to)


def act(admin, kind, id_, action):
    return admin.post(f"/admin/incidents/{kind}/{id_}/{action}",
                      data={"csrf": csrf_of(admin, "/admin/incidents")})


def test_failed_timers_and_mails_are_listed_with_their_error(stack, world, admin):
    d, tid = failed_timer(stack, world)
    mid = failed_mail(stack, d)
    page = admin.get("/admin/incidents")
    assert page.status == 200
    assert f'action="/admin/incidents/timer/{tid}/retry"' in page.text
    assert f'action="/admin/incidents/mail/{mid}/cancel"' in page.text
    assert "database unreachable" in page.text and "550 mailbox unavailable" in page.text
    assert "incident@exemple.test" in page.text


def test_a_retried_timer_is_fired_by_the_scheduler_and_the_act_is_kept(stack, world, admin):
    d, tid = failed_timer(stack, world)
    r = act(admin, "timer", tid, "retry")
    # the page it answers with is the incidents page: its language links lead there
    assert 'href="/admin/incidents?lang=de"' in r.text
    assert f'href="/admin/incidents/timer/{tid}/retry?lang' not in r.text
    assert r.status == 200 and "C’est reparti" in r.text
    wait_for(lambda: q1(stack, "SELECT status FROM timers WHERE id = :'p1'", tid) == "fired",
             what="the retried timer fired")
    assert q1(stack, "SELECT count(*) FROM events WHERE demand_id = :'p1'"
                     " AND transition = 'remind'", d) == "1"
    ev = stack.sql("SELECT action, object_kind, a.actor = p.id FROM admin_events a"
                   " JOIN persons p ON p.display_name LIKE 'Adrien%' WHERE object_id = :'p1'"
                   " AND object_kind = 'timer'", tid)
    assert ev == [("retry", "timer", "t")]
    # handled already: the second act is told so, and changes nothing
    r = act(admin, "timer", tid, "cancel")
    assert r.status == 409 and "plus ouvert" in r.text
    assert q1(stack, "SELECT status FROM timers WHERE id = :'p1'", tid) == "fired"


def test_a_retried_mail_goes_out_and_a_cancelled_one_stays_closed(stack, world, admin):
    d, _ = failed_timer(stack, world)
    to = f"relance-{uuid.uuid4().hex[:8]}@exemple.test"
    mid = failed_mail(stack, d, to)
    other = failed_mail(stack, d)
    assert act(admin, "mail", mid, "retry").status == 200
    wait_for(lambda: q1(stack, "SELECT status FROM outbox WHERE id = :'p1'", mid) == "sent",
             what="the retried mail sent")
    assert any(to in (m["To"] or "") for m in stack.mails())
    assert act(admin, "mail", other, "cancel").status == 200
    assert q1(stack, "SELECT status FROM outbox WHERE id = :'p1'", other) == "cancelled"
    assert q1(stack, "SELECT count(*) FROM admin_events WHERE object_kind = 'mail'"
                     " AND object_id IN (:'p1', :'p2')", mid, other) == "2"


def test_the_trail_is_append_only(stack, world, admin):
    d, tid = failed_timer(stack, world)
    act(admin, "timer", tid, "cancel")
    with pytest.raises(RuntimeError):
        stack.sql("DELETE FROM admin_events WHERE object_id = :'p1'", tid)


def test_health_says_when_the_scheduler_is_behind(stack, world):
    d = make_demand(stack, world, "subsidy", "carla", "kiosque", state="incomplete",
                    bucket="to-do")
    # seen inside one transaction, which the running scheduler cannot see
    rows = stack.sql("BEGIN; INSERT INTO timers (demand_id, state, name, action, transition,"
                     " due_at) VALUES (:'p1', 'incomplete', 'remind', 'fire', 'remind',"
                     " now() - interval '10 minutes');"
                     " SELECT ops_health()->>'timers_late'; ROLLBACK;", d)
    assert int(rows[-1][0]) >= 1


def test_only_administrators_see_or_act(stack, world):
    d, tid = failed_timer(stack, world)
    agnes = logged_in(stack, "agnes")
    assert agnes.get("/admin/incidents").status == 403
    r = agnes.post(f"/admin/incidents/timer/{tid}/retry", data={"csrf": agnes.token})
    assert r.status == 403
    assert q1(stack, "SELECT status FROM timers WHERE id = :'p1'", tid) == "failed"


def test_an_unknown_kind_or_action_is_not_found(stack, world, admin):
    d, tid = failed_timer(stack, world)
    assert act(admin, "parcel", tid, "retry").status == 404
    assert act(admin, "timer", tid, "explode").status == 404
    assert q1(stack, "SELECT status FROM timers WHERE id = :'p1'", tid) == "failed"

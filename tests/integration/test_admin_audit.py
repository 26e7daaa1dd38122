# SPDX-License-Identifier: AGPL-3.0-or-later
"""The administrators' audit search (engine/h_admin_audit.c, engine/audit.c,
sql/0033_audit.sql) through nginx and PostgreSQL: a demand's history by its
reference, a space's by its IDE number written any way, a person's by
their address (what they did as agent, as administrator, and the roles
given to them), the latest changes when nothing is typed; dates narrow it;
what is not understood is said next to its field; only administrators."""
import datetime
import uuid

import pytest

from fixtures_people import make_demand
from test_demand_web import csrf_of, logged_in, world  # noqa: F401 (fixture)


def q1(stack, query, *params):
    rows = stack.sql(query, *params)
    return rows[0][0] if rows else None


@pytest.fixture(scope="module")
def admin(stack, world):  # noqa: F811
    return logged_in(stack, "admin")


def test_a_demands_history_by_its_reference(stack, world, admin):
    d = make_demand(stack, world, "subsidy", "carla", "kiosque")
    agnes = logged_in(stack, "agnes")
    r = agnes.post(f"/demands/{d}/fire/take", data={"csrf": agnes.token})
    assert r.status in (200, 303), r.text
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", d)
    r = admin.get(f"/admin/audit?q={ref}")
    assert r.status == 200
    assert "<code>take</code>" in r.text and "Agnès" in r.text
    assert f'href="/demands/{d}"' in r.text


def test_a_space_by_its_ide_written_loosely_and_a_person_by_address(stack, world, admin):
    r = admin.get("/admin/audit?q=che109347829")
    assert r.status == 200
    assert "Kiosque du Marché (CHE-109.347.829)" in r.text
    # something an administrator did, found by their address
    gid = "audit-" + uuid.uuid4().hex[:6]
    admin.post("/admin/groups", data={"csrf": csrf_of(admin, "/admin/groups"), "kind": "agent",
                                      "id": gid, "name": "Groupe d’audit"})
    email = q1(stack, "SELECT email FROM persons WHERE id = :'p1'", world.persons["admin"])
    r = admin.get(f"/admin/audit?q={email}")
    assert r.status == 200 and f"agent-group {gid}" in r.text
    # and in the latest changes
    r = admin.get("/admin/audit")
    assert r.status == 200 and f"agent-group {gid}" in r.text


def test_dates_narrow_the_search(stack, world, admin):
    email = q1(stack, "SELECT email FROM persons WHERE id = :'p1'", world.persons["admin"])
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    r = admin.get(f"/admin/audit?q={email}&from={tomorrow}")
    assert r.status == 200 and "Rien d’enregistré dans ces dates" in r.text


def test_what_is_not_understood_is_said_next_to_its_field(stack, admin):
    r = admin.get("/admin/audit?q=n%27importe+quoi")
    assert r.status == 422 and 'id="audit-q-error"' in r.text
    assert 'value="n\'importe quoi"' in r.text or "value=\"n&apos;importe quoi\"" in r.text \
        or "n&#39;importe quoi" in r.text
    r = admin.get("/admin/audit?q=2026-000001&from=31.02.2026")
    assert r.status == 422 and 'id="audit-from-error"' in r.text
    assert 'value="2026-000001"' in r.text
    r = admin.get("/admin/audit?q=2099-999999")
    assert r.status == 200 and "Aucune demande ne porte cette référence" in r.text


def test_only_administrators_read_the_audit(stack, world):
    agnes = logged_in(stack, "agnes")
    assert agnes.get("/admin/audit").status == 403

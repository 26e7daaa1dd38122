# SPDX-License-Identifier: AGPL-3.0-or-later
"""The administrators' people pages (engine/h_admin_groups.c,
engine/directory.c, sql/0032_groups_admin.sql) through nginx and the real
engine: groups and their members, a new group, administrators, and linking
a second identity to the person it belongs to.  Each change is checked by
what it does for the person concerned (a new agent reaches the group's
queue; a new administrator reaches /admin), kept in admin_events, and each
refusal is shown next to the form that sent it with what was typed."""
import uuid

import pytest

from test_demand_web import csrf_of, logged_in, world  # noqa: F401 (fixture)


def q1(stack, query, *params):
    rows = stack.sql(query, *params)
    return rows[0][0] if rows else None


@pytest.fixture(scope="module")
def admin(stack, world):  # noqa: F811
    return logged_in(stack, "admin")


def post(admin, path, **data):
    data["csrf"] = csrf_of(admin, "/admin/groups")
    return admin.post(path, data=data)


def email_of(stack, world, account):
    return q1(stack, "SELECT email FROM persons WHERE id = :'p1'", world.persons[account])


def audit(stack, kind, obj):
    return [r[0] for r in stack.sql("SELECT action FROM admin_events WHERE object_kind = :'p1'"
                                    " AND object_id = :'p2' ORDER BY id", kind, obj)]


def test_the_page_lists_groups_members_and_administrators(admin):
    r = admin.get("/admin/groups")
    assert r.status == 200
    for text in ("serac", "Agnès", "prefecture-lausanne", "Tiago", "commune-renens",
                 "Adrien"):
        assert text in r.text, text


def test_a_new_agent_group_and_its_agent_who_then_reaches_its_queue(stack, world, admin):
    gid = "impots-" + uuid.uuid4().hex[:6]
    r = post(admin, "/admin/groups", kind="agent", id=gid,
             name="Administration cantonale des impôts")
    assert r.status == 200 and "Le groupe est créé" in r.text
    oscar = logged_in(stack, "oscar")
    assert oscar.get(f"/agent/{gid}").status in (403, 404)
    r = post(admin, f"/admin/groups/agent/{gid}/members", email=email_of(stack, world, "oscar"))
    assert r.status == 200, r.text
    assert oscar.get(f"/agent/{gid}").status == 200
    r = post(admin, f"/admin/groups/agent/{gid}/members/{world.persons['oscar']}/remove")
    assert r.status == 200
    assert oscar.get(f"/agent/{gid}").status in (403, 404)
    assert audit(stack, "agent-group", gid) == ["create", "add-member", "remove-member"]
    # removing again: nothing to remove
    r = post(admin, f"/admin/groups/agent/{gid}/members/{world.persons['oscar']}/remove")
    assert r.status == 404


def test_a_commune_needs_its_ofs_number_and_a_taken_id_is_refused(stack, admin):
    gid = "commune-morges-" + uuid.uuid4().hex[:4]
    r = post(admin, "/admin/groups", kind="third-party", id=gid,
             name="Commune de Morges", tp_kind="commune", ofs="")
    assert r.status == 422 and 'id="new-group-error"' in r.text
    assert f'value="{gid}"' in r.text and 'value="Commune de Morges"' in r.text
    r = post(admin, "/admin/groups", kind="third-party", id=gid,
             name="Commune de Morges", tp_kind="commune", ofs="5642")
    assert r.status == 200
    assert q1(stack, "SELECT kind || commune_ofs FROM third_party_groups WHERE id = :'p1'",
              gid) == "commune5642"
    r = post(admin, "/admin/groups", kind="agent", id=gid, name="Doublon")
    assert r.status == 409 and "déjà cet identifiant" in r.text
    r = post(admin, "/admin/groups", kind="agent", id="Pas Bon", name="x")
    assert r.status == 422


def test_an_unknown_address_is_refused_next_to_its_form_with_the_typed_text(stack, admin):
    r = post(admin, "/admin/groups/agent/serac/members", email="personne@nulle-part.test")
    assert r.status == 422
    assert 'id="members-agent-serac-error"' in r.text
    assert 'value="personne@nulle-part.test"' in r.text
    assert "Aucun compte" in r.text


def test_administrators_are_named_and_removed_but_never_by_themselves(stack, world, admin):
    bruno = logged_in(stack, "bruno")
    assert bruno.get("/admin").status == 403
    r = post(admin, "/admin/administrators", email=email_of(stack, world, "bruno"))
    assert r.status == 200
    assert bruno.get("/admin").status == 200
    r = post(admin, f"/admin/administrators/{world.persons['bruno']}/remove")
    assert r.status == 200
    assert bruno.get("/admin").status == 403
    r = post(admin, f"/admin/administrators/{world.persons['admin']}/remove")
    assert r.status == 422 and "vous-même" in r.text
    assert q1(stack, "SELECT count(*) FROM administrators WHERE person_id = :'p1'",
              world.persons["admin"]) == "1"
    assert audit(stack, "administrator", world.persons["bruno"])[-2:] == ["add", "remove"]


def test_a_second_identity_is_linked_to_the_person_it_belongs_to(stack, world, admin):
    other = str(uuid.uuid4())
    subject = "alice-second-" + uuid.uuid4().hex[:6]
    stack.sql("INSERT INTO persons (id, display_name, email) VALUES"
              " (:'p1', 'Alice M. (2e compte)', :'p2');"
              " INSERT INTO identities (issuer, subject, person_id, idp)"
              " VALUES ('https://autre-fournisseur.test', :'p3', :'p1', 'autre')",
              other, subject + "@exemple.test", subject)
    r = admin.get(f"/admin/identities?q={subject}@exemple.test")
    assert r.status == 200 and subject in r.text
    r = admin.post("/admin/identities/link",
                   data={"csrf": csrf_of(admin, "/admin/groups"),
                         "issuer": "https://autre-fournisseur.test", "subject": subject,
                         "to": email_of(stack, world, "alice"), "n": "0-0",
                         "q": subject + "@exemple.test"})
    assert r.status == 200 and "rattachée" in r.text
    assert q1(stack, "SELECT person_id FROM identities WHERE subject = :'p1'",
              subject) == world.persons["alice"]
    assert q1(stack, "SELECT count(*) FROM identity_links WHERE subject = :'p1'", subject) == "1"
    assert audit(stack, "identity", f"https://autre-fournisseur.test {subject}") == ["link"]
    # an address nobody has: refused next to the identity's form, typed text kept
    r = admin.post("/admin/identities/link",
                   data={"csrf": csrf_of(admin, "/admin/groups"),
                         "issuer": "https://autre-fournisseur.test", "subject": subject,
                         "to": "nul@nulle-part.test", "n": "0-0", "q": "Alice"})
    assert r.status == 422 and "Aucun compte" in r.text


def test_only_administrators_see_or_change_people(stack, world):
    agnes = logged_in(stack, "agnes")
    for path in ("/admin/groups", "/admin/identities?q=alice"):
        assert agnes.get(path).status == 403
    r = agnes.post("/admin/administrators",
                   data={"csrf": agnes.token, "email": email_of(stack, world, "agnes")})
    assert r.status == 403
    assert q1(stack, "SELECT count(*) FROM administrators WHERE person_id = :'p1'",
              world.persons["agnes"]) == "0"

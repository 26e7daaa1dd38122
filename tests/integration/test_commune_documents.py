# SPDX-License-Identifier: AGPL-3.0-or-later
"""The commune secretary reads the identity copy of an applicant the person
register did not know (sql/0037_letter_incidents.sql: the third parties of
a demand's <decide> items are in its data_roles), through nginx: the item's
page links the copy, Renens' secretary downloads it (the bytes), before and
after her answer transmitted the request; Lausanne's secretary, whose
commune is not in the request, gets 404; a sealed letter of the demand is
still refused (sql/0035); and the engine's recomputation of the data roles
at every change keeps the items' groups."""
import pytest

from test_commune_account import FIELDS, answer, cli, link_of, state, world  # noqa: F401
from test_demand_web import PDF, logged_in, q1

ONE_COMMUNE = {k: v for k, v in FIELDS.items() if not k.startswith("communes.1.")}
ONE_COMMUNE.update({"communes.items": "1", "birth-date": "15.05.1988"})


@pytest.fixture(scope="module")
def with_copy(stack, world, tmp_path_factory):  # noqa: F811
    """A request for Renens alone, with an identity copy, in verification:
    (demand, document id)."""
    who = ["--person", world.persons["elodie"]]
    d = cli(stack, "create", *who, "commune-account")["id"]
    cli(stack, "save", *who, d, *[f"{k}={v}" for k, v in ONE_COMMUNE.items()])
    pdf = tmp_path_factory.mktemp("copy") / "copie.pdf"
    pdf.write_bytes(PDF)
    cli(stack, "fire", *who, "--file", f"id-copy={pdf}:copie-identite.pdf", d, "submit")
    code = link_of(stack, d).rsplit("/", 1)[1]
    cli(stack, "fire", *who, d, "confirm-email", f"email-code={code}")
    assert state(stack, d)[0] == "verification"
    doc = q1(stack, "SELECT id FROM documents WHERE demand_id = :'p1' AND field = 'id-copy'", d)
    assert doc
    return d, doc


def roles(stack, d):
    return q1(stack, "SELECT array_to_string(data_roles, ' ') FROM demands WHERE id = :'p1'", d)


def test_the_secretary_downloads_the_identity_copy_from_her_item(stack, with_copy):
    d, doc = with_copy
    assert roles(stack, d) == "third-party:commune-renens"
    nadia = logged_in(stack, "nadia")
    page = nadia.get(f"/verify/{d}/verify/0")
    assert page.status == 200
    assert f'<a href="/documents/{doc}">copie-identite.pdf</a>' in page.text, page.text.split("data-title")[-1]
    r = nadia.get(f"/documents/{doc}")
    assert r.status == 200 and r.body == PDF


def test_a_secretary_of_a_commune_not_in_the_request_gets_404(stack, with_copy):
    d, doc = with_copy
    ines = logged_in(stack, "ines")
    assert ines.get(f"/documents/{doc}").status == 404
    assert ines.get(f"/demands/{d}").status == 404
    assert logged_in(stack, "bruno").get(f"/documents/{doc}").status == 404


def test_a_sealed_letter_of_the_demand_stays_refused(stack, with_copy):
    d, _ = with_copy
    # a letter with a code, typeset in the same statement (the job never sees it queued)
    sealed = q1(stack, "SELECT letter_rendered(letter_enqueue(:'p1', NULL, 'space-activation',"
                       " jsonb_build_object('name', 'Élodie Pittet', 'postcode', '1020',"
                       " 'locality', 'Renens'), jsonb_build_object('code', 'ZX12-QW34')),"
                       " '\\x255044462d'::bytea, 'code.pdf')", d)
    # off the print queue at once: the print run of the shared stack reads real PDFs only
    stack.sql("UPDATE letters SET status = 'cancelled' WHERE document_id = :'p1'", sealed)
    nadia = logged_in(stack, "nadia")
    r = nadia.get(f"/documents/{sealed}")
    assert r.status == 403 and b"ZX12" not in r.body


def test_the_items_groups_survive_every_change_and_the_secretary_keeps_reading(
        stack, world, with_copy):  # noqa: F811
    d, doc = with_copy
    nadia = logged_in(stack, "nadia")
    # the engine recomputes the data roles at every change (here a
    # transition through wf_apply): the item's group stays
    assert answer(nadia, d, 0, "valid", "connue de nos services").status == 303
    assert state(stack, d)[0] == "transmitted"
    assert roles(stack, d) == "third-party:commune-renens"
    # a change that writes the data's roles alone is completed by the rule
    stack.sql("UPDATE demands SET data_roles = '{}' WHERE id = :'p1'", d)
    assert roles(stack, d) == "third-party:commune-renens"
    # transmitted: she still reads what she decided on
    assert nadia.get(f"/documents/{doc}").status == 200
    assert nadia.get(f"/verify/{d}/verify/0").status == 200
    assert logged_in(stack, "ines").get(f"/documents/{doc}").status == 404

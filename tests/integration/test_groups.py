# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_groups.py -- repeating groups of fields and lookups in reference
registers, through nginx, the engine and PostgreSQL for real.

The module runs its own stack on a workflows/ folder holding the test
procedure tests/fixtures/groups/grouptest.xml (an identification page with a
person lookup by AVS13 + birth date; a page asked only when the person is not
found; communes, each with its applications, the OFS number looked up in
the communes register), and loads the registers from data/ref/ with
scripts/load_registers.py, as `make demo` does.

  * the storage contract (wf_group.h): form_data["communes"] is an array of
    objects, each with its "applications" array;
  * "+ Ajouter" / "Retirer" are submit buttons: the page is saved and shown
    again with one item more or less; the limits are refused next to the
    group, with what was typed kept;
  * an item's field refused next to it ("communes.1.ofs"), the other items
    kept; text that is not UTF-8 refused; required-ness on "next";
  * a lookup fills read-only fields, and its "not found" shows a page.
"""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, Stack
from fixtures_people import seed
from test_demand_web import csrf_of, error_next_to, logged_in, post_page, text_of

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import load_registers  # noqa: E402

ALICE_AVS, ALICE_BIRTH = "756.0123.4010.14", "14.03.1985"   # data/ref/persons.csv
UNKNOWN_AVS = "756.9999.9999.91"                              # valid check digit, nobody


@pytest.fixture(scope="module")
def gs(tmp_path_factory):
    wf_dir = tmp_path_factory.mktemp("workflows")
    os.chmod(wf_dir, 0o755)
    shutil.copy(os.path.join(ROOT, "tests", "fixtures", "groups", "grouptest.xml"),
                wf_dir / "grouptest.xml")
    s = Stack()
    s.script_env["GUICHET_WORKFLOWS_DIR"] = str(wf_dir)
    try:
        s.start()
        seed(s)
        counts = load_registers.load(s.sql, log=lambda *_: None)
        assert counts["ref_communes"] >= 10 and counts["ref_persons"] >= 12, counts
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def bruno(gs):
    return logged_in(gs, "bruno")


def new_demand(client):
    r = client.post("/demands", data={"workflow": "grouptest", "new": "1", "csrf": client.token})
    assert r.status == 303, r
    m = re.fullmatch(r"/demands/([0-9a-f-]{36})/page/identification", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


def stored(stack, demand):
    rows = stack.sql("SELECT form_data FROM demands WHERE id = :'p1'", demand)
    return json.loads(rows[0][0])


def commune(i, ofs, function="secretary", apps=(("RCPERS", ""),), other=None):
    d = {f"communes.{i}.ofs": ofs, f"communes.{i}.function": function,
         f"communes.{i}.applications.items": str(len(apps))}
    if other is not None:
        d[f"communes.{i}.function-other"] = other
    for j, (app, comment) in enumerate(apps):
        d[f"communes.{i}.applications.{j}.app"] = app
        d[f"communes.{i}.applications.{j}.comment"] = comment
    return d


def communes(*items):
    d = {"communes.items": str(len(items)), "institution": "Commune de Renens"}
    for i, it in enumerate(items):
        d.update(commune(i, *it))
    return d


def test_the_registers_load_idempotently_with_valid_avs_numbers(gs):
    again = load_registers.load(gs.sql, log=lambda *_: None)
    assert again["ref_communes"] == int(gs.sql("SELECT count(*) FROM ref_communes")[0][0])
    for ofs, name in [(5586, "Lausanne"), (5938, "Yverdon-les-Bains"), (5886, "Montreux"),
                      (5591, "Renens (VD)"), (5724, "Nyon"), (5890, "Vevey"), (5590, "Pully"),
                      (5642, "Morges"), (5721, "Gland"), (5589, "Prilly")]:
        assert gs.sql("SELECT name FROM ref_communes WHERE ofs = :'p1'", ofs)[0][0] == name
    for (avs,) in gs.sql("SELECT avs13 FROM ref_persons"):
        assert load_registers.avs13_ok(avs), avs


def test_a_person_in_the_register_is_found_and_the_document_page_is_not_asked(gs, bruno):
    d = new_demand(bruno)
    r = post_page(bruno, d, "identification", {"avs": ALICE_AVS, "birth-date": ALICE_BIRTH})
    assert r.status == 303, r
    assert r.headers["location"].endswith("/page/communes"), r.headers["location"]
    data = stored(gs, d)
    assert data["person-found"] == "yes" and data["person-name"] == "Alice Martin", data
    page = bruno.get(f"/demands/{d}/page/identification").text
    # the looked-up fields are read only: shown, never an input
    assert 'name="person-name"' not in page and 'name="person-found"' not in page
    assert "Alice Martin" in text_of(page)
    assert f"/demands/{d}/page/document" not in page
    # a value typed for a looked-up field is ignored
    r = post_page(bruno, d, "identification", {"avs": ALICE_AVS, "birth-date": ALICE_BIRTH,
                                               "person-name": "Mallory", "person-found": "no"})
    assert r.status == 303, r
    assert stored(gs, d)["person-name"] == "Alice Martin"


def test_a_person_not_found_must_attach_an_identity_document(gs, bruno):
    d = new_demand(bruno)
    # right AVS, wrong birth date: not the same person
    r = post_page(bruno, d, "identification", {"avs": ALICE_AVS, "birth-date": "15.03.1985"})
    assert r.status == 303, r
    assert r.headers["location"].endswith("/page/document"), r.headers["location"]
    data = stored(gs, d)
    assert data["person-found"] == "no" and data["person-name"] == "", data
    page = bruno.get(f"/demands/{d}/page/document")
    assert page.status == 200 and 'name="id-copy"' in page.text
    assert "Nous ne vous avons pas trouvé" in page.text
    r = post_page(bruno, d, "document", {})
    assert r.status == 422 and error_next_to(r.text, "f-id-copy") is not None
    # found after correcting the date: the page is no longer asked
    r = post_page(bruno, d, "identification", {"avs": ALICE_AVS, "birth-date": ALICE_BIRTH})
    assert r.headers["location"].endswith("/page/communes"), r.headers["location"]
    r = post_page(bruno, d, "identification", {"avs": UNKNOWN_AVS, "birth-date": ALICE_BIRTH})
    assert r.headers["location"].endswith("/page/document"), r.headers["location"]


def test_the_communes_page_starts_with_one_commune_and_one_application(gs, bruno):
    d = new_demand(bruno)
    page = bruno.get(f"/demands/{d}/page/communes").text
    assert re.search(r'<fieldset class="group-item" id="f-communes\.0">\s*<legend>Commune 1</legend>',
                     page), page
    assert 'name="communes.0.ofs"' in page and 'name="communes.0.applications.0.app"' in page
    assert 'name="communes.1.ofs"' not in page
    assert 'name="communes.items" value="1"' in page
    assert 'value="add:communes"' in page and "+ Ajouter une autre commune" in page
    assert 'value="add:communes.0.applications"' in page
    # at the minimum, nothing to remove
    assert 'value="remove:communes.0"' not in page


def test_adding_and_removing_items_saves_the_page_with_one_more_or_less(gs, bruno):
    d = new_demand(bruno)
    r = post_page(bruno, d, "communes", communes(("5586",)), nav="add:communes")
    assert r.status == 303, text_of(r.text)[:2000]
    assert r.headers["location"].endswith("/page/communes#f-communes"), r
    data = stored(gs, d)
    assert data["institution"] == "Commune de Renens"
    assert len(data["communes"]) == 2, data
    first = data["communes"][0]
    assert first["ofs"] == "5586" and first["commune-name"] == "Lausanne", first
    assert first["commune-known"] == "yes" and first["function"] == "secretary"
    assert first["applications"] == [{"app": "RCPERS", "comment": ""}], first
    page = bruno.get(f"/demands/{d}/page/communes").text
    assert "<legend>Commune 2</legend>" in page and 'name="communes.1.ofs"' in page
    assert 'value="remove:communes.1"' in page and "Lausanne" in text_of(page)

    # a second application for the first commune (nested)
    r = post_page(bruno, d, "communes",
                  communes(("5586",), ("5591", "other", (("ACTIS", "permis"),), "Urbaniste")),
                  nav="add:communes.0.applications")
    assert r.status == 303, r
    data = stored(gs, d)
    assert len(data["communes"][0]["applications"]) == 2
    second = data["communes"][1]
    assert second["commune-name"] == "Renens (VD)" and second["function-other"] == "Urbaniste"
    assert second["applications"] == [{"app": "ACTIS", "comment": "permis"}]

    # remove the first commune: the second moves up
    r = post_page(bruno, d, "communes",
                  communes(("5586", "secretary", (("RCPERS", ""), ("UNIREG", "x"))),
                           ("5591", "other", (("ACTIS", "permis"),), "Urbaniste")),
                  nav="remove:communes.0")
    assert r.status == 303, r
    data = stored(gs, d)
    assert [c["ofs"] for c in data["communes"]] == ["5591"], data


def test_the_limits_are_refused_next_to_the_group_with_the_input_kept(gs, bruno):
    d = new_demand(bruno)
    three = communes(("5586",), ("5591",), ("5724",))
    r = post_page(bruno, d, "communes", three, nav="save")
    assert r.status == 303, r
    page = bruno.get(f"/demands/{d}/page/communes").text
    assert 'value="add:communes"' not in page          # at max: no button
    r = post_page(bruno, d, "communes", three, nav="add:communes")
    assert r.status == 422, r
    msg = error_next_to(r.text, "f-communes")
    assert msg is not None and "plus de 3" in msg, msg
    assert 'name="communes.2.ofs" value="5724"' in r.text
    assert 'name="communes.3.ofs"' not in r.text
    assert len(stored(gs, d)["communes"]) == 3

    one = communes(("5586",))
    r = post_page(bruno, d, "communes", one, nav="save")
    assert r.status == 303 and len(stored(gs, d)["communes"]) == 1
    r = post_page(bruno, d, "communes", one, nav="remove:communes.0")
    assert r.status == 422, r
    msg = error_next_to(r.text, "f-communes")
    assert msg is not None and "au moins 1" in msg, msg
    assert len(stored(gs, d)["communes"]) == 1
    # a path that names nothing is no operation: a plain save
    r = post_page(bruno, d, "communes", one, nav="remove:nothing.7")
    assert r.status == 303 and len(stored(gs, d)["communes"]) == 1


def test_an_items_field_is_refused_next_to_it_and_the_other_items_are_kept(gs, bruno):
    d = new_demand(bruno)
    r = post_page(bruno, d, "communes", communes(("5586",)), nav="save")
    assert r.status == 303
    before = stored(gs, d)["communes"]
    r = post_page(bruno, d, "communes", communes(("5724",), ("12ab",)), nav="save")
    assert r.status == 422, r
    msg = error_next_to(r.text, "f-communes.1.ofs")
    assert msg is not None, r.text
    assert error_next_to(r.text, "f-communes.0.ofs") is None
    assert 'name="communes.0.ofs" value="5724"' in r.text
    assert 'name="communes.1.ofs" value="12ab"' in r.text
    # the summary names the item and links to the field
    assert 'href="#f-communes.1.ofs"' in r.text and "Commune 2" in r.text
    # nothing of the refused group was stored; the rest of the page was
    assert stored(gs, d)["communes"] == before


def test_text_that_is_not_utf8_is_refused_in_an_item(gs, bruno):
    d = new_demand(bruno)
    body = communes(("5586",))
    body["communes.0.applications.0.comment"] = b"caf\xe9"        # Latin-1, not UTF-8
    r = post_page(bruno, d, "communes", body, nav="save")
    assert r.status == 422, r
    msg = error_next_to(r.text, "f-communes.0.applications.0.comment")
    assert msg is not None and "caractères illisibles" in msg, msg


def test_next_asks_for_every_required_field_of_every_item(gs, bruno):
    d = new_demand(bruno)
    body = communes(("5586", "other", (("", ""),)))
    r = post_page(bruno, d, "communes", body, nav="next")
    assert r.status == 422, r
    assert error_next_to(r.text, "f-communes.0.function-other") is not None   # required-when
    assert error_next_to(r.text, "f-communes.0.applications.0.app") is not None
    assert error_next_to(r.text, "f-communes.0.ofs") is None


def test_an_unknown_ofs_number_is_not_found_and_fills_nothing(gs, bruno):
    d = new_demand(bruno)
    r = post_page(bruno, d, "communes", communes(("6999",)), nav="save")
    assert r.status == 303, r
    item = stored(gs, d)["communes"][0]
    assert item["commune-known"] == "no" and item["commune-name"] == "", item


def test_the_groups_are_submitted_and_shown_on_the_review_the_demand_and_its_print(gs, bruno):
    d = new_demand(bruno)
    assert post_page(bruno, d, "identification",
                     {"avs": ALICE_AVS, "birth-date": ALICE_BIRTH}).status == 303
    r = post_page(bruno, d, "communes",
                  communes(("5586", "secretary", (("RCPERS", ""), ("ACTIS", "permis"))),
                           ("5591",)), nav="next")
    assert r.status == 303 and r.headers["location"].endswith("/review"), r
    review = bruno.get(f"/demands/{d}/review").text
    t = text_of(review)
    assert "Commune 1" in t and "Commune 2" in t and "Lausanne" in t and "Renens (VD)" in t
    assert "Application 2" in t and "ACTIS – Autorisations de construire" in t
    r = bruno.post(f"/demands/{d}/fire/submit", data={"csrf": csrf_of(bruno, f"/demands/{d}")})
    assert r.status == 303, r
    assert gs.sql("SELECT state FROM demands WHERE id = :'p1'", d)[0][0] == "submitted"
    for path in (f"/demands/{d}", f"/demands/{d}/print"):
        t = text_of(bruno.get(path).text)
        assert "Commune 2" in t and "Renens (VD)" in t and "RCPers" in t, path


def test_the_submit_transition_checks_the_stored_groups_too(gs, bruno):
    d = new_demand(bruno)
    assert post_page(bruno, d, "identification",
                     {"avs": ALICE_AVS, "birth-date": ALICE_BIRTH}).status == 303
    # saved without its function (a save does not ask for required-ness)
    assert post_page(bruno, d, "communes", communes(("5586", "")), nav="save").status == 303
    r = bruno.post(f"/demands/{d}/fire/submit", data={"csrf": csrf_of(bruno, f"/demands/{d}")})
    assert r.status == 422, r
    assert f"/demands/{d}/page/communes#f-communes.0.function" in r.text
    assert gs.sql("SELECT state FROM demands WHERE id = :'p1'", d)[0][0] == "draft"


def test_guichet_check_reports_group_mistakes_as_file_and_line(gs):
    fx = os.path.join(ROOT, "tests", "fixtures", "workflows")
    r = gs.guichet("check", os.path.join(fx, "group_min_max.xml"))
    assert r.returncode == 1
    assert re.search(r"group_min_max\.xml:\d+: group \"communes\": min=4 is greater than max=3",
                     r.stdout + r.stderr), r
    r = gs.guichet("check", os.path.join(ROOT, "tests", "fixtures", "groups", "grouptest.xml"))
    assert r.returncode == 0, r


def test_the_groups_in_chromium_have_no_axe_violation_and_fit_a_phone(gs):
    """tests/browser/groups.test.mjs against this module's stack (the only
    one with the test procedure)."""
    browser_dir = os.path.join(ROOT, "tests", "browser")
    shots = os.path.join(ROOT, "build", "screenshots")
    os.makedirs(shots, exist_ok=True)
    r = subprocess.run(["node", "--test", "groups.test.mjs"], cwd=browser_dir,
                       env={**os.environ, **gs.env, "GUICHET_BASE_URL": gs.base_url,
                            "GUICHET_GROUPS": "yes", "GUICHET_SCREENSHOTS": shots},
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "# pass 1" in r.stdout and "# skipped 0" in r.stdout, r.stdout[-2000:]

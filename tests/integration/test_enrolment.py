# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_enrolment.py -- the electronic identification means (MIE,
workflows/enrolment.xml) through nginx, with every actor of the demo world:

  bruno   citizen known by e-mail only: files, then activates
  tiago   trusted third party of the Lausanne prefecture (prefecture-lausanne)
  nadia   trusted third party of another authority (commune-renens)

The actor chosen by the data (by="third-party:@authority", demands.data_roles),
the form's rules (foreign identity card, under 15, minors' guardians), the
secret code at the counter (issue-code / verify-code), the 6-character
identifier (issue-identifier, enrol_identifiers), the activation
(activate-identifier, raise-assurance) and the two deadlines (3 months, 10
days: due times moved, the scheduler run).  Bruno's level is put back to
e-mail at the end, for the modules after this one.
"""
import datetime
import re

import pytest

from test_demand_web import (PDF, error_next_to, fire, logged_in, post_page, q1,  # noqa: F401
                             state_of, text_of, version_of, wait_for_mail, world)

AVS = "756.1234.5678.97"


def years_ago(n, days=0):
    d = datetime.date.today()
    try:
        d = d.replace(year=d.year - n)
    except ValueError:                      # 29 February
        d = d.replace(year=d.year - n, day=28)
    return (d - datetime.timedelta(days=days)).strftime("%d.%m.%Y")


@pytest.fixture(scope="module")
def bruno(stack, world):
    c = logged_in(stack, "bruno")
    yield c
    # the modules after this one know bruno at the e-mail level
    stack.sql("UPDATE persons SET assurance = 'email' WHERE id = :'p1'",
              world.persons["bruno"])


@pytest.fixture(scope="module")
def tiago(stack, world):
    return logged_in(stack, "tiago")


@pytest.fixture(scope="module")
def nadia(stack, world):
    return logged_in(stack, "nadia")


def start(client):
    r = client.post("/demands", data={"workflow": "enrolment", "new": "1",
                                      "csrf": client.token})
    assert r.status == 303, r
    m = re.fullmatch(r"/demands/([0-9a-f-]{36})/page/identity", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


def fill(client, demand, birth=None, document="swiss-id-card", authority="prefecture-lausanne",
         guardians=None):
    r = post_page(client, demand, "identity", {
        "first-name": "Bruno", "last-name": "Keller", "avs13": AVS,
        "birth-date": birth or years_ago(34)})
    assert r.status == 303, r
    r = post_page(client, demand, "contact", {"email": "bruno.keller@exemple.test",
                                              "mobile": "079 123 45 67"})
    assert r.status == 303, r
    r = post_page(client, demand, "document", {"id-document": document,
                                               "id-document-number": "S1234567"})
    assert r.status == 303, r
    if guardians is not None:
        files = {name: ("doc.pdf", PDF, "application/pdf") for name in guardians[1]}
        r = post_page(client, demand, "guardians", {"guardians": guardians[0]}, files=files)
        assert r.status == 303, r
    r = post_page(client, demand, "authority", {"authority": authority})
    assert r.status == 303, r


def mail_count(stack, to, needle):
    n = 0
    for m in stack.mails():
        if to in (m.get("To") or ""):
            parts = [m] if not m.is_multipart() else list(m.walk())
            if any(p.get_payload(decode=True)
                   and needle in p.get_payload(decode=True).decode("utf-8", "replace")
                   for p in parts):
                n += 1
    return n


# --- the form's rules ------------------------------------------------------------------

def test_a_foreign_identity_card_is_refused_with_the_reason(stack, bruno):
    demand = start(bruno)
    r = post_page(bruno, demand, "document", {"id-document": "foreign-id-card",
                                              "id-document-number": "X99"})
    assert r.status == 422, r
    msg = error_next_to(r.text, "f-id-document")
    assert msg and "cartes d'identité étrangères ne sont pas acceptées" in msg.replace("’", "'")
    assert re.search(r'<option value="foreign-id-card" selected', r.text), "the choice is kept"
    # a foreign passport passes
    r = post_page(bruno, demand, "document", {"id-document": "foreign-passport"})
    assert r.status == 303, r


def test_under_15_is_refused_with_the_reason(stack, bruno):
    demand = start(bruno)
    r = post_page(bruno, demand, "identity", {
        "first-name": "Bruno", "last-name": "Keller", "avs13": AVS,
        "birth-date": years_ago(14, days=-3)})
    assert r.status == 422, r
    msg = error_next_to(r.text, "f-birth-date")
    assert msg and "délivré dès 15 ans" in msg
    assert 'value="Keller"' in r.text, "the rest is kept"
    # 15 today passes
    r = post_page(bruno, demand, "identity", {
        "first-name": "Bruno", "last-name": "Keller", "avs13": AVS,
        "birth-date": years_ago(15)})
    assert r.status == 303, r


def test_an_adult_skips_the_guardians_page_a_minor_is_asked_for_it(stack, bruno):
    adult = start(bruno)
    fill(bruno, adult)
    assert q1(stack, "SELECT pages_saved @> '{authority}' AND NOT pages_saved @> '{guardians}'"
                     " FROM demands WHERE id = :'p1'", adult) == "t"
    r = post_page(bruno, adult, "document", {"id-document": "swiss-passport"})
    assert r.headers["location"].endswith("/page/authority"), r.headers["location"]

    minor = start(bruno)
    r = post_page(bruno, minor, "identity", {
        "first-name": "Bruno", "last-name": "Keller", "avs13": AVS,
        "birth-date": years_ago(16)})
    assert r.status == 303
    post_page(bruno, minor, "contact", {"email": "bruno.keller@exemple.test",
                                        "mobile": "079 123 45 67"})
    r = post_page(bruno, minor, "document", {"id-document": "swiss-id-card"})
    assert r.headers["location"].endswith("/page/guardians"), r.headers["location"]
    page = bruno.get(f"/demands/{minor}/page/guardians")
    assert "Représentants légaux" in text_of(page.text)


def test_data_roles_name_the_authority_chosen(stack, bruno):
    demand = start(bruno)
    fill(bruno, demand, authority="commune-renens")
    assert q1(stack, "SELECT data_roles::text FROM demands WHERE id = :'p1'", demand) \
        == "{third-party:commune-renens}"
    post_page(bruno, demand, "authority", {"authority": "prefecture-lausanne"})
    assert q1(stack, "SELECT data_roles::text FROM demands WHERE id = :'p1'", demand) \
        == "{third-party:prefecture-lausanne}"

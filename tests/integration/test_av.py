# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_av.py -- every upload is scanned by ClamAV before it is stored
(issue 11), through nginx, the engine, PostgreSQL and a real clamd: the
stack's own (scripts/stack.sh, component "clamd"), whose only signature
is the project's tests/fixtures/clamav/eicar.ndb.

The EICAR test string goes in a PDF (the file fields take PDF only, and
check the bytes are one): clamd finds it inside.  It is refused at every
upload point -- a form page's file field (wf_save), the same field sent
with a transition (wf_fire), a transition's attachment, and `guichet
demand fire --file` -- with the message next to the field in fr/de/en,
nothing stored, the demand's version unchanged; a clean PDF passes.  With
clamd stopped, uploads are refused with their own message (fail closed)
while pages without an upload keep working; clamd back, uploads pass
again.
"""
import html
import os
import re

import pytest

from fixtures_people import make_demand, seed
from test_demand_web import logged_in

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CLEAN = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
         b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
         b"trailer<</Root 1 0 R>>\n%%EOF\n")
# a PDF to the type check (%PDF-, %%EOF at its end), EICAR in a stream
INFECTED = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"3 0 obj<</Length 68>>stream\n" + EICAR + b"\nendstream\nendobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")

INFECTED_MSG = {"fr": "Ce fichier contient un virus",
                "de": "Diese Datei enthält einen Virus",
                "en": "This file contains a virus"}
DOWN_MSG = {"fr": "Le contrôle antivirus est momentanément indisponible",
            "de": "Die Virenprüfung ist vorübergehend nicht verfügbar",
            "en": "The virus check is unavailable for the moment"}


# --- fixtures and helpers ------------------------------------------------------------

@pytest.fixture(scope="module")
def world(stack):
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(stack.var, "mail", sub), exist_ok=True)
    return seed(stack)


@pytest.fixture(scope="module")
def carla(stack, world):
    return logged_in(stack, "carla", world.spaces["kiosque"])


@pytest.fixture(scope="module")
def agnes(stack, world):
    return logged_in(stack, "agnes")


def q1(stack, query, *params):
    rows = stack.sql(query, *params)
    return rows[0][0] if rows else None


def text_of(page):
    body = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def error_next_to(page, field_id):
    m = re.search(r'<p class="error-msg" id="%s-error">(.*?)</p>' % re.escape(field_id),
                  page, re.S)
    return text_of(m.group(1)) if m else None


def post_page(client, demand, page, data=None, files=None, nav="next", lang=None):
    q = f"?lang={lang}" if lang else ""
    return client.post(f"/demands/{demand}/page/{page}{q}",
                       data={"csrf": client.token, "nav": nav, **(data or {})}, files=files)


def fire(client, demand, step, data=None, files=None, version=None, lang=None):
    body = {"csrf": client.token, **(data or {})}
    if version is not None:
        body["version"] = str(version)
    q = f"?lang={lang}" if lang else ""
    return client.post(f"/demands/{demand}/fire/{step}{q}", data=body, files=files)


def version_of(stack, demand):
    return int(q1(stack, "SELECT version FROM demands WHERE id = :'p1'", demand))


def untouched(stack, demand):
    """What a refused upload must leave as it was."""
    return stack.sql(
        "SELECT d.version, d.state, d.form_data::text,"
        "       (SELECT count(*) FROM documents),"
        "       (SELECT count(*) FROM events WHERE demand_id = d.id)"
        "  FROM demands d WHERE d.id = :'p1'", demand)[0]


def eicar_stored(stack):
    return int(q1(stack, "SELECT count(*) FROM documents"
                         " WHERE position(decode(:'p1', 'hex') IN content) > 0", EICAR.hex()))


def pdf(content, name="pièce.pdf"):
    return (name, content, "application/pdf")


def draft(stack, world):
    return make_demand(stack, world, "subsidy", "carla", "kiosque", state="draft",
                       bucket="draft")


DECISION = {"outcome": "granted", "amount-granted": "4000"}


@pytest.fixture
def clamd_back(stack):
    """Whatever a test did to clamd, the next one finds it running."""
    yield
    stack.start_component("clamd")


# --- infected ---------------------------------------------------------------------------

def test_the_shipped_signature_finds_eicar_and_nothing_else(stack):
    """The stack's clamd: the EICAR string, bare or inside a PDF, is found;
    a clean PDF and ordinary bytes are not."""
    import socket
    import struct

    def scan(data):
        s = socket.socket(socket.AF_UNIX)
        s.connect(stack.env["GUICHET_CLAMD_SOCKET"])
        s.sendall(b"zINSTREAM\0" + struct.pack(">I", len(data)) + data + struct.pack(">I", 0))
        reply = s.recv(256)
        s.close()
        return reply

    assert scan(EICAR) == b"stream: Eicar-Test-Signature.UNOFFICIAL FOUND\0"
    assert scan(INFECTED) == b"stream: Eicar-Test-Signature.UNOFFICIAL FOUND\0"
    assert scan(CLEAN) == b"stream: OK\0"
    assert scan(EICAR[:-1] + b"!") == b"stream: OK\0"     # one byte off: not EICAR
    assert scan(bytes(range(256)) * 64) == b"stream: OK\0"


def test_an_infected_file_on_a_form_page_is_refused_and_nothing_stored(stack, carla, world):
    demand = draft(stack, world)
    before, stored_before = untouched(stack, demand), eicar_stored(stack)
    r = post_page(carla, demand, "documents",
                  files={"budget-file": pdf(INFECTED, "budget.pdf")}, nav="save")
    assert r.status == 422, r
    assert INFECTED_MSG["fr"] in error_next_to(r.text, "f-budget-file")
    assert "Eicar" not in r.text, "the signature's name is for the log only"
    assert untouched(stack, demand) == before
    assert eicar_stored(stack) == stored_before == 0
    assert "Eicar-Test-Signature" in stack.logs(tail=200), "the log names the signature"

    # in the reader's language
    for lang in ("de", "en"):
        r = post_page(carla, demand, "documents",
                      files={"budget-file": pdf(INFECTED)}, nav="save", lang=lang)
        assert r.status == 422 and INFECTED_MSG[lang] in error_next_to(r.text, "f-budget-file")
    carla.get("/dashboard?lang=fr")
    assert untouched(stack, demand) == before

    # sent with a clean file: the page keeps what was right (the clean one),
    # never the infected one
    r = post_page(carla, demand, "documents",
                  files={"budget-file": pdf(INFECTED, "budget.pdf"),
                         "project-file": pdf(CLEAN, "projet.pdf")}, nav="save")
    assert r.status == 422, r
    assert INFECTED_MSG["fr"] in error_next_to(r.text, "f-budget-file")
    assert error_next_to(r.text, "f-project-file") is None
    assert q1(stack, "SELECT string_agg(field, ',') FROM documents WHERE demand_id = :'p1'",
              demand) == "project-file"
    assert eicar_stored(stack) == 0

    # a clean file passes
    r = post_page(carla, demand, "documents",
                  files={"budget-file": pdf(CLEAN, "budget.pdf")}, nav="save")
    assert r.status == 303, r
    assert int(q1(stack, "SELECT count(*) FROM documents WHERE demand_id = :'p1'"
                         " AND field = 'budget-file'", demand)) == 1


def complete_draft(stack, carla, world):
    """A draft every page of which is filled in (files clean): submit
    would go through."""
    demand = draft(stack, world)
    pages = [
        ("applicant", {"contact-name": "Carla Rossi", "contact-email": "carla.rossi@exemple.test",
                       "contact-phone": "021 316 11 11"}, None),
        ("project", {"project-title": "Festival des Arches", "discipline": "music",
                     "description": "Un festival de musique de chambre sur la place, "
                                    "trois soirs, ouvert à tous.",
                     "start-date": "01.06.2027", "end-date": "30.06.2027",
                     "place": "Lausanne"}, None),
        ("budget", {"total-budget": "12000", "amount-requested": "5000"}, None),
        ("documents", {}, {"budget-file": pdf(CLEAN), "project-file": pdf(CLEAN)}),
        ("bank", {"account-holder": "Kiosque du Marché",
                  "iban": "CH93 0076 2011 6238 5295 7"}, None),
    ]
    for page, data, files in pages:
        r = post_page(carla, demand, page, data, files=files, nav="save")
        assert r.status == 303, (page, r)
    return demand


def test_an_infected_file_sent_with_a_transition_is_refused(stack, carla, world):
    demand = complete_draft(stack, carla, world)
    before = untouched(stack, demand)
    r = fire(carla, demand, "submit", files={"budget-file": pdf(INFECTED)},
             version=version_of(stack, demand))
    assert r.status == 422, r
    assert f'href="/demands/{demand}/page/documents#f-budget-file"' in r.text
    assert INFECTED_MSG["fr"] in text_of(r.text)
    assert untouched(stack, demand) == before and eicar_stored(stack) == 0
    # the same step without it goes through: the virus was the reason
    r = fire(carla, demand, "submit", version=version_of(stack, demand))
    assert r.status == 303, r


def test_an_infected_attachment_is_refused_with_the_decision_kept(stack, agnes, world):
    demand = make_demand(stack, world, "subsidy", "carla", "kiosque", state="in-review")
    before = untouched(stack, demand)
    for lang in ("fr", "de", "en"):
        r = fire(agnes, demand, "decide", DECISION, files={"decision": pdf(INFECTED)},
                 version=version_of(stack, demand), lang=lang)
        assert r.status == 422, r
        assert INFECTED_MSG[lang] in error_next_to(r.text, "t-decide-decision")
        assert re.search(r'value="granted" checked', r.text), "the outcome is kept"
        assert "Eicar" not in r.text
    agnes.get("/dashboard?lang=fr")
    assert untouched(stack, demand) == before and eicar_stored(stack) == 0

    r = fire(agnes, demand, "decide", DECISION, files={"decision": pdf(CLEAN, "décision.pdf")},
             version=version_of(stack, demand))
    assert r.status == 303, r
    assert q1(stack, "SELECT state FROM demands WHERE id = :'p1'", demand) == "decided"


def test_an_infected_file_from_the_command_line_is_refused(stack, world):
    demand = make_demand(stack, world, "subsidy", "carla", "kiosque", state="in-review")
    before = untouched(stack, demand)
    path = os.path.join(stack.var, "decision-infected.pdf")
    with open(path, "wb") as f:
        f.write(INFECTED)
    r = stack.guichet("demand", "fire", "--person", world.persons["agnes"],
                      "--file", f"decision={path}", demand, "decide",
                      "outcome=granted", "amount-granted=4000")
    assert r.returncode == 11, (r.stdout, r.stderr)
    assert '"key":"av.infected"' in r.stdout.replace(" ", ""), r.stdout
    assert untouched(stack, demand) == before and eicar_stored(stack) == 0


# --- clamd down: fail closed ---------------------------------------------------------------

def test_clamd_down_refuses_uploads_and_nothing_else(stack, carla, agnes, world, clamd_back):
    page_demand = draft(stack, world)
    decide_demand = make_demand(stack, world, "subsidy", "carla", "kiosque", state="in-review")
    before_page, before_decide = untouched(stack, page_demand), untouched(stack, decide_demand)

    stack.stop_component("clamd")
    assert not os.path.exists(stack.env["GUICHET_CLAMD_SOCKET"])

    # a clean file cannot be checked: refused, with its own message
    r = post_page(carla, page_demand, "documents",
                  files={"budget-file": pdf(CLEAN)}, nav="save")
    assert r.status == 422, r
    assert DOWN_MSG["fr"] in error_next_to(r.text, "f-budget-file")
    for lang in ("de", "en"):
        r = post_page(carla, page_demand, "documents",
                      files={"budget-file": pdf(CLEAN)}, nav="save", lang=lang)
        assert r.status == 422 and DOWN_MSG[lang] in error_next_to(r.text, "f-budget-file")
    carla.get("/dashboard?lang=fr")
    r = fire(agnes, decide_demand, "decide", DECISION, files={"decision": pdf(CLEAN)},
             version=version_of(stack, decide_demand))
    assert r.status == 422, r
    assert DOWN_MSG["fr"] in error_next_to(r.text, "t-decide-decision")
    assert re.search(r'value="granted" checked', r.text)
    assert untouched(stack, page_demand) == before_page
    assert untouched(stack, decide_demand) == before_decide
    assert "upload refused: not scanned" in stack.logs(tail=200)

    # pages without an upload keep working, reading and writing
    assert carla.get("/dashboard").status == 200
    assert carla.get(f"/demands/{page_demand}").status == 200
    assert carla.get(f"/demands/{page_demand}/page/documents").status == 200
    r = post_page(carla, page_demand, "bank", {"account-holder": "Kiosque du Marché",
                                               "iban": "CH93 0076 2011 6238 5295 7"}, nav="save")
    assert r.status == 303, r
    assert version_of(stack, page_demand) == int(before_page[0]) + 1
    assert stack.client().get("/healthz").status == 200

    # clamd back: uploads pass again, no engine restart
    stack.start_component("clamd")
    r = post_page(carla, page_demand, "documents",
                  files={"budget-file": pdf(CLEAN)}, nav="save")
    assert r.status == 303, r
    r = fire(agnes, decide_demand, "decide", DECISION, files={"decision": pdf(CLEAN)},
             version=version_of(stack, decide_demand))
    assert r.status == 303, r

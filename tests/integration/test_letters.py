# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_letters.py -- letters typeset to PDF by the engine's letters job and
the print queue of the print office (engine/letters*.c, h_letters.c,
xslt/letters/, sql/0023_letters.sql), through nginx, the engine,
PostgreSQL, WeasyPrint and poppler's pdftotext/pdfinfo for real.

A code letter (queued as issue-code queues it: letter_enqueue in SQL) is
typeset by the job that the engine's master runs: its text shows the code,
the entity's registered address (in the envelope window), the expiry; one
A4 page; the code is gone from letters.data.  print-letter, fired by an
agent on a test procedure, queues a letter to the owner at the entity's
address (and is refused on a personal demand: no address).  paul (the
print group's agent) lists, downloads, prints the day's letters as one PDF
and marks them sent, one and several: each demand's history says so; the
applicant downloads the letter from the demand page; everybody else gets
403, an unknown letter 404.  A letter that cannot be typeset is retried,
then failed and shown with its error.
"""
import os
import re
import subprocess
import tempfile
import time

import pytest

from fixtures_people import make_demand, seed
from test_demand_web import csrf_of, fire, logged_in, q1, text_of, version_of

LETTERS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<workflow xmlns="urn:guichet:workflow:1" id="guichet-test-letters" version="1">
  <title xml:lang="fr">Sonde des lettres</title>
  <audience space="any"/>
  <states initial="submitted">
    <state id="submitted" bucket="in-progress"><label xml:lang="fr">Transmise</label></state>
    <state id="answered" bucket="decision-unread"><label xml:lang="fr">Réglée par courrier</label></state>
    <state id="done" bucket="archived" final="yes"><label xml:lang="fr">Classée</label></state>
  </states>
  <transition id="post" from="submitted" to="answered" by="agent:serac">
    <label xml:lang="fr">Répondre par courrier</label>
    <effect action="print-letter" template="letter" to="owner"/>
  </transition>
  <transition id="file" from="answered" to="done" by="owner">
    <label xml:lang="fr">Classer</label>
  </transition>
</workflow>
"""

PUBLISH_SQL = """
SELECT wf_publish('guichet-test-letters', encode(sha256(convert_to(:'p1', 'UTF8')), 'hex'),
                  :'p1', 'tests/integration/test_letters.py')
 WHERE NOT EXISTS (SELECT 1 FROM definitions WHERE workflow_key = 'guichet-test-letters')
"""

# as the effect issue-code (channel letter) queues the activation letter
CODE_LETTER_SQL = """
SELECT letter_enqueue(d.id, NULL, :'p2',
                      letter_address_entity(s.entity_id),
                      jsonb_build_object('code', :'p3', 'expires_at', '2026-12-30',
                                         'reference', d.reference, 'entity', e.name,
                                         'purpose', 'activation'), 'fr')
  FROM demands d JOIN spaces s ON s.id = d.owner_space_id JOIN entities e ON e.id = s.entity_id
 WHERE d.id = :'p1'
"""

CODE = "K7QM-4XPR"
MM = 72 / 25.4          # PDF points per millimetre


@pytest.fixture(scope="module")
def world(stack):
    w = seed(stack)
    stack.sql(PUBLISH_SQL, LETTERS_XML)
    return w


@pytest.fixture(scope="module")
def paul(stack, world):
    return logged_in(stack, "paul")


@pytest.fixture(scope="module")
def agnes(stack, world):
    return logged_in(stack, "agnes")


@pytest.fixture(scope="module")
def carla(stack, world):
    return logged_in(stack, "carla", world.spaces["kiosque"])


def code_letter(stack, world, template="space-activation", code=CODE):
    demand = make_demand(stack, world, "guichet-test-letters", "carla", "kiosque")
    letter = int(q1(stack, CODE_LETTER_SQL, demand, template, code))
    return demand, letter


def wait_typeset(stack, letter, timeout=60):
    """The letter's status once the job has tried it (not 'queued' with no
    attempt)."""
    end = time.time() + timeout
    while time.time() < end:
        status, attempts = stack.sql("SELECT status, attempts FROM letters WHERE id = :'p1'",
                                     str(letter))[0]
        if status != "queued" or int(attempts) > 0:
            return status
        time.sleep(0.3)
    raise AssertionError(f"letter {letter} not typeset after {timeout} s:\n"
                         + stack.logs(tail=40))


def pdf_tool(*args, data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        r = subprocess.run([*args, f.name, *(["-"] if args[0] == "pdftotext" else [])],
                           capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def pages(data):
    return int(re.search(r"^Pages:\s+(\d+)", pdf_tool("pdfinfo", data=data), re.M).group(1))


def words(data):
    """(word, xMin, yMin) in points, from pdftotext -bbox."""
    out = pdf_tool("pdftotext", "-bbox", data=data)
    return [(html_unescape(m.group(5)), float(m.group(1)), float(m.group(2)))
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                 r'yMax="([\d.]+)">([^<]*)</word>', out)]


def html_unescape(s):
    import html
    return html.unescape(s)


def keep(stack, name, body):
    """The letter as typeset, kept for a look (build/letters/, ignored by git),
    with a PNG of its first page."""
    out = os.path.join(stack.root, "build", "letters")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name + ".pdf"), "wb") as f:
        f.write(body)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile",
                    os.path.join(out, name + ".pdf"), os.path.join(out, name)],
                   capture_output=True, timeout=60)


def letter_pdf(client, letter):
    r = client.get(f"/agent/letters/{letter}/pdf")
    assert r.status == 200, r
    assert r.headers["content-type"] == "application/pdf"
    return r.body


# --- typesetting ---------------------------------------------------------------------------

def test_the_code_letter_shows_code_address_and_expiry_on_one_page(stack, world, paul):
    demand, letter = code_letter(stack, world)
    assert wait_typeset(stack, letter) == "rendered"
    body = letter_pdf(paul, letter)
    keep(stack, "space-activation", body)
    assert body.startswith(b"%PDF-")
    assert pages(body) == 1, pdf_tool("pdftotext", data=body)
    text = re.sub(r"\s+", " ", pdf_tool("pdftotext", data=body))
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    addr = stack.sql("SELECT e.name, e.street || ' ' || coalesce(e.house_number, ''),"
                     "       e.postcode || ' ' || e.locality"
                     "  FROM entities e JOIN spaces s ON s.entity_id = e.id"
                     " WHERE s.id = :'p1'", world.spaces["kiosque"])[0]
    for needle in (CODE, *[a.strip() for a in addr], "30 décembre 2026", ref,
                   "Confirmer l’ouverture", "Code d’activation"):
        assert needle in text, f"{needle!r} not in the letter: {text}"
    # the address block sits in the right window of a C5 envelope (SN 010 130):
    # from 118 mm across and 55 mm down on the sheet, within 100 x 45 mm
    first = next(w for w in words(body) if w[0] == addr[0].split()[0])
    assert 117 * MM <= first[1] <= 120 * MM, first
    assert 52 * MM <= first[2] <= 62 * MM, first
    # the PDF is the code's only copy: gone from the letter's data
    assert q1(stack, "SELECT data ? 'code' FROM letters WHERE id = :'p1'", str(letter)) == "f"
    assert q1(stack, "SELECT data->>'expires_at' FROM letters WHERE id = :'p1'",
              str(letter)) == "2026-12-30"
    doc = stack.sql("SELECT d.demand_id, d.mime, d.field FROM letters l"
                    "  JOIN documents d ON d.id = l.document_id WHERE l.id = :'p1'",
                    str(letter))
    assert doc == [(demand, "application/pdf", "letter")]


def test_print_letter_queues_a_letter_to_the_owner_at_the_entity(stack, world, agnes, paul):
    demand = make_demand(stack, world, "guichet-test-letters", "carla", "kiosque")
    r = fire(agnes, demand, "post", {"comment": "Votre subvention est versée en mars."},
             version=version_of(stack, demand))
    assert r.status == 303, r
    row = stack.sql("SELECT id, template, recipient->>'attention', recipient->>'name',"
                    "       data->>'comment', data->>'transition'"
                    "  FROM letters WHERE demand_id = :'p1'", demand)
    assert len(row) == 1
    letter, template, attention, name, comment, transition = row[0]
    assert (template, attention, name, transition) == \
        ("letter", "Carla Rossi", "Kiosque du Marché", "post")
    assert comment == "Votre subvention est versée en mars."
    assert wait_typeset(stack, int(letter)) == "rendered"
    body = letter_pdf(paul, letter)
    keep(stack, "letter", body)
    text = re.sub(r"\s+", " ", pdf_tool("pdftotext", data=body))
    for needle in ("Sonde des lettres", "À l’attention de Carla Rossi", "Kiosque du Marché",
                   "Répondre par courrier", "Réglée par courrier",
                   "Votre subvention est versée en mars."):
        assert needle in text, f"{needle!r} not in the letter: {text}"
    # posted: the history says so, and the decision on top stays the step's
    token = csrf_of(paul, "/agent/letters")
    assert paul.post(f"/agent/letters/{letter}/sent", data={"csrf": token}).status == 303
    carla = logged_in(stack, "carla", world.spaces["kiosque"])
    page = carla.get(f"/demands/{demand}").text
    top = re.search(r'(?s)<section class="top-note decision".*?</section>', page).group(0)
    assert "Répondre par courrier" in text_of(top)
    assert "Votre subvention est versée en mars." in text_of(top)
    assert "Lettre envoyée par la poste" in text_of(page)


def test_print_letter_on_a_demand_without_an_entity_is_refused(stack, world, agnes):
    demand = make_demand(stack, world, "guichet-test-letters", "alice")
    before = stack.sql("SELECT (SELECT count(*) FROM letters), (SELECT count(*) FROM events)")
    r = fire(agnes, demand, "post", {}, version=version_of(stack, demand))
    assert r.status >= 400, r
    assert q1(stack, "SELECT state FROM demands WHERE id = :'p1'", demand) == "submitted"
    assert stack.sql("SELECT (SELECT count(*) FROM letters),"
                     " (SELECT count(*) FROM events)") == before


def test_a_letter_that_cannot_be_typeset_is_retried_then_failed(stack, world, paul):
    demand, letter = code_letter(stack, world, template="no-such-letter")
    assert wait_typeset(stack, letter) == "queued"
    attempts, error, later = stack.sql(
        "SELECT attempts, last_error, next_attempt_at > now() + interval '30 seconds'"
        "  FROM letters WHERE id = :'p1'", str(letter))[0]
    assert attempts == "1" and "no-such-letter" in error and later == "t"
    # the last try: failed for good, shown to the print office with its error
    stack.sql("UPDATE letters SET attempts = 4, next_attempt_at = now() WHERE id = :'p1'",
              str(letter))
    end = time.time() + 60
    while q1(stack, "SELECT status FROM letters WHERE id = :'p1'", str(letter)) != "failed":
        assert time.time() < end, "the letter never failed"
        time.sleep(0.3)
    page = paul.get("/agent/letters").text
    item = re.search(r'(?s)<li id="letter-%d">.*?</li>' % letter, page).group(0)
    assert "échec de la mise en page" in text_of(item) and "no-such-letter" in text_of(item)
    assert 'name="letter"' not in item      # nothing to print, nothing to mark sent
    assert paul.get(f"/agent/letters/{letter}/pdf").status == 404
    assert q1(stack, "SELECT data ? 'code' FROM letters WHERE id = :'p1'", str(letter)) == "t"


# --- the print queue ------------------------------------------------------------------------

def test_the_queue_is_the_print_office_s(stack, world, paul, agnes, carla):
    demand, letter = code_letter(stack, world)
    wait_typeset(stack, letter)
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    r = paul.get("/agent/letters")
    assert r.status == 200
    item = re.search(r'(?s)<li id="letter-%d">.*?</li>' % letter, r.text).group(0)
    assert ref in item and "Kiosque du Marché" in item
    assert "Code d’activation d’un espace professionnel" in text_of(item)
    assert f'href="/agent/letters/{letter}/pdf"' in item
    assert f'formaction="/agent/letters/{letter}/sent"' in item
    # the agent's home leads there
    assert 'href="/agent/letters"' in paul.get("/agent").text
    # nobody else: agents of other groups, the applicant, strangers
    for client in (agnes, carla, logged_in(stack, "bruno"), logged_in(stack, "admin")):
        for path in ("/agent/letters", f"/agent/letters/{letter}/pdf",
                     "/agent/letters/print.pdf"):
            assert client.get(path).status == 403, path
    assert paul.get("/agent/letters/999999999/pdf").status == 404


PLAIN_LETTER_SQL = """
SELECT letter_enqueue(d.id, NULL, 'letter', letter_address_entity(s.entity_id),
                      jsonb_build_object('reference', d.reference, 'entity', e.name), 'fr')
  FROM demands d JOIN spaces s ON s.id = d.owner_space_id JOIN entities e ON e.id = s.entity_id
 WHERE d.id = :'p1'
"""


def test_the_applicant_downloads_the_letter_from_the_demand_page(stack, world, carla, paul):
    demand = make_demand(stack, world, "guichet-test-letters", "carla", "kiosque")
    letter = int(q1(stack, PLAIN_LETTER_SQL, demand))
    wait_typeset(stack, letter)
    doc = q1(stack, "SELECT document_id FROM letters WHERE id = :'p1'", str(letter))
    page = carla.get(f"/demands/{demand}").text
    assert f'href="/documents/{doc}"' in page
    assert re.search(r"Lettre\s*:\s*<a href=\"/documents/%s\"" % doc, page), "no letter label"
    r = carla.get(f"/documents/{doc}")
    assert r.status == 200 and r.body == letter_pdf(paul, letter)
    assert logged_in(stack, "bruno").get(f"/documents/{doc}").status == 404


def test_a_letter_with_a_code_reaches_the_applicant_by_post_only(stack, world, carla, paul):
    """The code proves the applicant gets the entity's mail: its letter's PDF
    is sealed (sql/0035): only the print office reads it."""
    demand, letter = code_letter(stack, world)
    assert wait_typeset(stack, letter) == "rendered"
    doc = q1(stack, "SELECT document_id FROM letters WHERE id = :'p1'", str(letter))
    assert q1(stack, "SELECT sealed FROM letters WHERE id = :'p1'", str(letter)) == "t"
    assert f"/documents/{doc}" not in carla.get(f"/demands/{demand}").text
    r = carla.get(f"/documents/{doc}")
    assert r.status == 403 and "par la poste" in r.text
    assert logged_in(stack, "admin").get(f"/documents/{doc}").status == 403
    assert logged_in(stack, "bruno").get(f"/documents/{doc}").status == 404
    assert letter_pdf(paul, letter)[:4] == b"%PDF"


def test_the_print_run_is_one_pdf_of_every_ready_letter(stack, world, paul):
    for _ in range(2):
        _demand, letter = code_letter(stack, world)
        wait_typeset(stack, letter)
    ready = [r[0] for r in stack.sql("SELECT id FROM letters WHERE status = 'rendered'"
                                     " ORDER BY created_at, id")]
    assert len(ready) >= 2
    expected = sum(pages(letter_pdf(paul, i)) for i in ready)
    r = paul.get("/agent/letters/print.pdf")
    assert r.status == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["x-letters-count"] == str(len(ready))
    assert pages(r.body) == expected
    page = paul.get("/agent/letters").text
    assert "Imprimer les lettres prêtes en un seul PDF (%d)" % len(ready) in text_of(page)


def sent_events(stack, demand):
    return stack.sql("SELECT e.transition, e.from_state = e.to_state, p.display_name,"
                     "       e.actor_role"
                     "  FROM events e JOIN persons p ON p.id = e.actor_person_id"
                     " WHERE e.demand_id = :'p1' AND e.transition = 'letter-sent'", demand)


def test_marking_sent_one_and_several_writes_the_demands_history(stack, world, paul, carla):
    (d1, l1), (d2, l2), (d3, l3) = [code_letter(stack, world) for _ in range(3)]
    for letter in (l1, l2, l3):
        assert wait_typeset(stack, letter) == "rendered"
    token = csrf_of(paul, "/agent/letters")
    # without the CSRF token: refused, nothing written
    assert paul.post(f"/agent/letters/{l1}/sent", data={}).status == 403
    assert q1(stack, "SELECT status FROM letters WHERE id = :'p1'", str(l1)) == "rendered"
    # one
    r = paul.post(f"/agent/letters/{l1}/sent", data={"csrf": token})
    assert r.status == 303 and r.headers["location"] == "/agent/letters?sent=1"
    status, by = stack.sql("SELECT l.status, p.display_name FROM letters l"
                           "  JOIN persons p ON p.id = l.sent_by WHERE l.id = :'p1'",
                           str(l1))[0]
    assert (status, by) == ("sent", "Paul Jaquier")
    assert sent_events(stack, d1) == [("letter-sent", "t", "Paul Jaquier", "agent:impression")]
    page = paul.get("/agent/letters?sent=1").text
    assert "Lettres marquées comme envoyées : 1." in text_of(page)
    assert f'id="letter-{l1}"' not in page
    # several, ticked
    r = paul.post("/agent/letters/sent", data={"csrf": token, "letter": [str(l2), str(l3)]})
    assert r.status == 303 and r.headers["location"] == "/agent/letters?sent=2"
    for demand in (d2, d3):
        assert len(sent_events(stack, demand)) == 1
    # again: already sent, nothing more
    r = paul.post("/agent/letters/sent", data={"csrf": token, "letter": [str(l2)]})
    assert r.headers["location"] == "/agent/letters?sent=0"
    assert len(sent_events(stack, d2)) == 1
    # a value that is no letter number: a bad request
    assert paul.post("/agent/letters/sent", data={"csrf": token, "letter": "x"}).status == 422
    # the applicant's history says when the letter left
    history = text_of(carla.get(f"/demands/{d1}").text)
    assert "Lettre envoyée par la poste" in history


# --- publishing --------------------------------------------------------------------------------

def test_publish_refuses_a_print_letter_whose_template_does_not_exist(stack, world, tmp_path):
    os.chmod(tmp_path, 0o755)
    good = LETTERS_XML.replace('id="guichet-test-letters"', 'id="guichet-test-letters-ok"')
    bad = LETTERS_XML.replace('id="guichet-test-letters"', 'id="guichet-test-letters-typo"') \
        .replace('template="letter"', 'template="lettre"')
    (tmp_path / "ok.xml").write_text(good, encoding="utf-8")
    (tmp_path / "typo.xml").write_text(bad, encoding="utf-8")
    r = stack.guichet_env({"GUICHET_WORKFLOWS_DIR": str(tmp_path)}, "publish")
    assert r.returncode == 1, r.stdout
    assert re.search(r'typo\.xml:\d+: letter template "lettre" does not exist', r.stderr), \
        r.stderr
    assert "1 published, 0 unchanged, 1 refused" in r.stdout, r.stdout
    assert q1(stack, "SELECT count(*) FROM definitions"
                     " WHERE workflow_key = 'guichet-test-letters-typo'") == "0"


# --- the code letter of issue-code, end to end -------------------------------------------------

CODE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<workflow xmlns="urn:guichet:workflow:1" id="guichet-test-code-letter" version="1">
  <title xml:lang="fr">Sonde du code par courrier</title>
  <audience space="professional"/>
  <form id="confirm">
    <page id="code">
      <title xml:lang="fr">Code</title>
      <field name="code" type="text" required="yes" max-length="40">
        <label xml:lang="fr">Code reçu par la poste</label>
      </field>
    </page>
  </form>
  <states initial="submitted">
    <state id="submitted" bucket="in-progress"><label xml:lang="fr">Transmise</label></state>
    <state id="code-sent" bucket="to-do"><label xml:lang="fr">Code envoyé</label></state>
    <state id="done" bucket="archived" final="yes"><label xml:lang="fr">Confirmée</label></state>
  </states>
  <transition id="validate" from="submitted" to="code-sent" by="agent:serac">
    <label xml:lang="fr">Valider et envoyer le code</label>
    <effect action="issue-code" purpose="activation" channel="letter" valid="P30D"/>
  </transition>
  <transition id="confirm" from="code-sent" to="done" by="owner" form="confirm">
    <label xml:lang="fr">Confirmer l'ouverture</label>
    <effect action="verify-code" purpose="activation" field="code"/>
  </transition>
</workflow>
"""


def test_the_code_printed_by_issue_code_is_the_one_that_works(stack, world, agnes, paul, carla):
    stack.sql(PUBLISH_SQL.replace("guichet-test-letters", "guichet-test-code-letter"),
              CODE_XML)
    demand = make_demand(stack, world, "guichet-test-code-letter", "carla", "kiosque")
    r = fire(agnes, demand, "validate", {}, version=version_of(stack, demand))
    assert r.status == 303, r
    letter = int(q1(stack, "SELECT id FROM letters WHERE demand_id = :'p1'", demand))
    assert wait_typeset(stack, letter) == "rendered"
    body = letter_pdf(paul, letter)
    assert pages(body) == 1
    text = re.sub(r"\s+", " ", pdf_tool("pdftotext", data=body))
    m = re.search(r"Votre code d’activation : ([A-HJ-NP-Z2-9]{8}) ", text)
    assert m, text
    # the expiry, in Swiss time, 30 days on
    day = q1(stack, "SELECT to_char(expires_at AT TIME ZONE 'Europe/Zurich', 'FMDD')"
                    "  FROM codes WHERE demand_id = :'p1'", demand)
    assert re.search(r"valable jusqu’au %s \w+ 20\d\d à \d\d:\d\d\." % day, text), text
    # nowhere else: not in the letter's data any more, not in any mail
    assert q1(stack, "SELECT data ? 'code' FROM letters WHERE id = :'p1'", str(letter)) == "f"
    assert not [x for x in stack.mails() if m.group(1).encode() in x.as_bytes()]
    # the applicant types it: the demand moves on
    r = fire(carla, demand, "confirm", {"code": m.group(1).lower()},
             version=version_of(stack, demand))
    assert r.status == 303, r
    assert q1(stack, "SELECT state FROM demands WHERE id = :'p1'", demand) == "done"

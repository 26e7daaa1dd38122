# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_demand_web.py -- the pages through which people file and work
demands, through nginx, the engine, PostgreSQL, the SMTP sink and the
identity provider for real (tests/integration/conftest.py), with the demo
world of fixtures_people.py:

  carla   member of "Kiosque du Marché" holding the subsidy grant (rita is
          its référent), acting for it
  agnes   agent of the SERAC group
  alice, bruno   citizens, for themselves

The SERAC subsidy (workflows/subsidy.xml) goes the whole way: started from
the dashboard, filled page by page (a missing required field, a bad IBAN
and a PNG renamed .pdf each refused with 422, the message next to its
field, everything else typed kept), submitted (twice: the second click is
told "already done" and writes nothing), taken by agnes from her queue,
sent back "à compléter" with a comment (mail to carla), completed,
decided with a decision letter, and read by carla (the read receipt fires
on viewing and archives it).  Then who may not: alice from her personal
space (refused up front, with the reason), bruno on carla's demand (404,
nothing written).
"""
import html
import os
import re
import time

import pytest

from fixtures_people import seed
from oidc_login import login

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
       b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
       b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

GOOD_IBAN = "CH93 0076 2011 6238 5295 7"
BAD_IBAN = "CH93 0076 2011 6238 5295 8"          # check digits do not match
DESCRIPTION = ("Un festival de musique de chambre sur la place du marché, "
               "trois soirs, ouvert à tous et gratuit.")


# --- fixtures ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(stack):
    # the SMTP sink writes into a Maildir whose tmp/new/cur must exist
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(stack.var, "mail", sub), exist_ok=True)
    return seed(stack)


def csrf_of(client, path="/dashboard"):
    r = client.get(path)
    m = re.search(r'name="csrf" value="([^"]+)"', r.text)
    assert m, f"no CSRF field on {path}: {r!r}"
    return m.group(1)


def logged_in(stack, account, space=None):
    c = stack.client()
    r = login(stack, c, account)
    assert r.status == 303, f"login of {account}: {r!r}"
    if space is not None:
        r = c.post("/context", data={"space": space, "csrf": csrf_of(c, "/context")})
        assert r.status == 303, f"context switch of {account}: {r!r}"
    c.token = csrf_of(c)
    return c


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
    """The visible text of a page, whitespace folded."""
    body = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def section(page, section_id):
    """The HTML of the dashboard section headed by id (up to the next one)."""
    m = re.search(r'(?s)<h2 id="%s".*?(?=<section|</main>)' % re.escape(section_id), page)
    assert m, f"no section {section_id}"
    return m.group(0)


def input_value(page, name):
    m = re.search(r'<input[^>]*name="%s"[^>]*value="([^"]*)"' % re.escape(name), page)
    return html.unescape(m.group(1)) if m else None


def error_next_to(page, field_id):
    """The message shown under a field, and whether the input points at it."""
    m = re.search(r'<p class="error-msg" id="%s-error">(.*?)</p>' % re.escape(field_id), page,
                  re.S)
    if not m:
        return None
    ctl = re.search(r'<(?:input|select|textarea|fieldset)[^>]*id="%s"[^>]*>' % re.escape(field_id),
                    page)
    assert ctl, f"no control {field_id}"
    assert f"{field_id}-error" in ctl.group(0) and 'aria-invalid="true"' in ctl.group(0), \
        f"{field_id} is not described by its error: {ctl.group(0)}"
    return text_of(m.group(1))


def post_page(client, demand, page, data, files=None, nav="next"):
    body = {"csrf": client.token, "nav": nav, **data}
    return client.post(f"/demands/{demand}/page/{page}", data=body, files=files)


def fire(client, demand, step, data=None, files=None, version=None):
    body = {"csrf": client.token, **(data or {})}
    if version is not None:
        body["version"] = str(version)
    return client.post(f"/demands/{demand}/fire/{step}", data=body, files=files)


def version_of(stack, demand):
    return int(q1(stack, "SELECT version FROM demands WHERE id = :'p1'", demand))


def events(stack, demand, transition=None):
    if transition is None:
        return int(q1(stack, "SELECT count(*) FROM events WHERE demand_id = :'p1'", demand))
    return int(q1(stack, "SELECT count(*) FROM events WHERE demand_id = :'p1'"
                         " AND transition = :'p2'", demand, transition))


def state_of(stack, demand):
    return q1(stack, "SELECT state FROM demands WHERE id = :'p1'", demand)


def fingerprint(stack):
    """Everything a refused request must leave untouched."""
    return stack.sql(
        "SELECT (SELECT count(*) FROM demands), (SELECT coalesce(sum(version), 0) FROM demands),"
        "       (SELECT count(*) FROM events), (SELECT count(*) FROM documents),"
        "       (SELECT count(*) FROM outbox), (SELECT count(*) FROM timers)")[0]


def wait_for_mail(stack, to, needle, timeout=40, about=None):
    """The first mail to `to` whose body says needle (and, with about, that
    names about in its subject or text: another module's tests may have
    sent the same words about another demand)."""
    end = time.time() + timeout
    while time.time() < end:
        for m in stack.mails():
            if to in (m.get("To") or ""):
                if about is not None and about not in (m.get("Subject") or "") \
                        and about not in m.as_string():
                    continue
                parts = [m] if not m.is_multipart() else list(m.walk())
                for p in parts:
                    payload = p.get_payload(decode=True)
                    if payload and needle in payload.decode("utf-8", "replace"):
                        return m
        time.sleep(0.3)
    raise AssertionError(f"no mail to {to} mentioning {needle!r}; got "
                         f"{[(m.get('To'), m.get('Subject')) for m in stack.mails()]}")


# --- the round trip ---------------------------------------------------------------------

STATE = {}


def test_carla_starts_a_subsidy_from_her_dashboard(stack, carla):
    r = carla.get("/dashboard")
    assert r.status == 200, r
    t = text_of(r.text)
    assert "Avancement des démarches" in t and "Kiosque du Marché" in t
    for bucket in ("En cours de traitement", "À traiter / à compléter",
                   "Décisions reçues / à lire", "Lues et archivées", "Brouillons"):
        assert bucket in t, bucket
    assert 'name="workflow" value="subsidy"' in r.text, "subsidy not offered to carla"

    before = int(q1(stack, "SELECT count(*) FROM demands WHERE workflow_key = 'subsidy'"))
    r = carla.post("/demands", data={"workflow": "subsidy", "new": "1", "csrf": carla.token})
    assert r.status == 303, r
    m = re.fullmatch(r"/demands/([0-9a-f-]{36})/page/applicant", r.headers["location"])
    assert m, r.headers["location"]
    STATE["id"] = demand = m.group(1)
    assert int(q1(stack, "SELECT count(*) FROM demands WHERE workflow_key = 'subsidy'")) \
        == before + 1
    assert state_of(stack, demand) == "draft"

    r = carla.get(f"/demands/{demand}/page/applicant")
    assert r.status == 200, r
    assert "Étape 1 sur 5" in text_of(r.text)
    # prefilled from her profile, labels tied to their inputs
    assert input_value(r.text, "contact-name") == "Carla Rossi"
    assert input_value(r.text, "contact-email") == "carla.rossi@exemple.test"
    assert '<label for="f-contact-phone">' in r.text
    # the draft shows on the dashboard, with its state and progress in text
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    drafts = text_of(section(carla.get("/dashboard").text, "b-draft"))
    assert ref in drafts and "Brouillon" in drafts and "Avancement : 0 %" in drafts


def test_carla_fills_the_form_page_by_page_with_messages_next_to_fields(stack, carla):
    demand = STATE["id"]
    r = post_page(carla, demand, "applicant", {
        "contact-name": "Carla Rossi", "contact-function": "trésorière",
        "contact-email": "carla.rossi@exemple.test", "contact-phone": "021 316 11 11"})
    assert r.status == 303 and r.headers["location"].endswith("/page/project"), r

    # a missing required field: 422, its message next to it, the rest kept
    project = {"project-title": "", "discipline": "music", "description": DESCRIPTION,
               "start-date": "01.06.2027", "end-date": "30.06.2027",
               "place": "Place de la Riponne, Lausanne", "place-npa": "1005"}
    r = post_page(carla, demand, "project", project)
    assert r.status == 422, r
    assert "Ce champ est obligatoire" in error_next_to(r.text, "f-project-title")
    assert 'href="#f-project-title"' in r.text, "the summary links to the field"
    assert 'role="alert"' in r.text
    assert "Étape 2 sur 5" in text_of(r.text)
    assert input_value(r.text, "place") == "Place de la Riponne, Lausanne"
    assert input_value(r.text, "start-date") == "01.06.2027"
    assert html.escape(DESCRIPTION, quote=False) in r.text or DESCRIPTION in html.unescape(r.text)
    assert re.search(r'<option value="music" selected', r.text), "the choice is kept"
    assert r.text.count('class="error-msg"') == 1

    project["project-title"] = "Festival des Arches"
    r = post_page(carla, demand, "project", project)
    assert r.status == 303 and r.headers["location"].endswith("/page/budget"), r

    r = post_page(carla, demand, "budget", {
        "total-budget": "12'000", "amount-requested": "5000.50", "own-funds": "2000",
        "other-funding": "Commune de Lausanne : 3000 francs (demandé)"})
    assert r.status == 303 and r.headers["location"].endswith("/page/documents"), r

    # going back shows what was saved, the Swiss way
    r = carla.get(f"/demands/{demand}/page/budget")
    assert input_value(r.text, "amount-requested") == "5000.50"
    assert input_value(r.text, "total-budget") == "12000.00"


def test_files_are_judged_by_their_bytes_not_their_name(stack, carla):
    demand = STATE["id"]
    docs_before = int(q1(stack, "SELECT count(*) FROM documents WHERE demand_id = :'p1'", demand))
    r = post_page(carla, demand, "documents", {},
                  files={"budget-file": ("budget.pdf", PNG, "application/pdf")})
    assert r.status == 422, r
    assert "type de fichier n’est pas accepté" in error_next_to(r.text, "f-budget-file")
    assert "obligatoire" in error_next_to(r.text, "f-project-file")
    assert 'enctype="multipart/form-data"' in r.text
    assert int(q1(stack, "SELECT count(*) FROM documents WHERE demand_id = :'p1'", demand)) \
        == docs_before, "the PNG must not be stored"

    r = post_page(carla, demand, "documents", {},
                  files={"budget-file": ("budget détaillé.pdf", PDF, "application/pdf"),
                         "project-file": ("dossier.pdf", PDF, "application/octet-stream")})
    assert r.status == 303 and r.headers["location"].endswith("/page/bank"), r
    r = carla.get(f"/demands/{demand}/page/documents")
    assert "budget détaillé.pdf" in html.unescape(r.text)
    doc = re.search(r'href="/documents/([0-9a-f-]{36})"', r.text)
    assert doc
    d = carla.get(f"/documents/{doc.group(1)}")
    assert d.status == 200 and d.body == PDF
    assert d.headers["content-type"].startswith("application/pdf")
    assert d.headers["content-disposition"].startswith("attachment;")


def multipart(client, path, fields, files):
    """A multipart POST written byte by byte: file names that are not UTF-8
    cannot go through Client.post's f-strings."""
    boundary = b"----guichetraw"
    parts = []
    for k, v in fields.items():
        parts.append(b"--" + boundary + b'\r\nContent-Disposition: form-data; name="'
                     + k.encode() + b'"\r\n\r\n' + (v if isinstance(v, bytes) else v.encode())
                     + b"\r\n")
    for k, (fname, content, ctype) in files.items():
        parts.append(b"--" + boundary + b'\r\nContent-Disposition: form-data; name="'
                     + k.encode() + b'"; filename="' + fname + b'"\r\nContent-Type: '
                     + ctype.encode() + b"\r\n\r\n" + content + b"\r\n")
    body = b"".join(parts) + b"--" + boundary + b"--\r\n"
    return client.request("POST", path, body=body, headers={
        "Content-Type": "multipart/form-data; boundary=" + boundary.decode()})


def test_a_file_whose_name_is_not_utf8_is_refused_next_to_its_field(stack, carla):
    """Regression: jansson dropped the filename key and the documents insert
    hit NOT NULL: a 500.  Now: 422, the message by the field, nothing
    stored, the file saved before still there."""
    demand = STATE["id"]
    before = fingerprint(stack)
    stored = q1(stack, "SELECT form_data->'budget-file'->>'document' FROM demands"
                       " WHERE id = :'p1'", demand)
    r = multipart(carla, f"/demands/{demand}/page/documents",
                  {"csrf": carla.token, "nav": "next"},
                  {"budget-file": (b"\xff\xfe.pdf", PDF, "application/pdf")})
    assert r.status == 422, r
    assert "caractères illisibles" in error_next_to(r.text, "f-budget-file")
    assert fingerprint(stack) == before, "nothing stored"
    assert q1(stack, "SELECT form_data->'budget-file'->>'document' FROM demands"
                     " WHERE id = :'p1'", demand) == stored

    # a field value that is not UTF-8 is refused by its field, the rest kept
    r = carla.post(f"/demands/{demand}/page/bank",
                   data={"csrf": carla.token, "nav": "next",
                         "account-holder": b"Kiosque \xff\xfe", "iban": BAD_IBAN})
    assert r.status == 422, r
    assert "caractères illisibles" in error_next_to(r.text, "f-account-holder")
    assert input_value(r.text, "iban") == BAD_IBAN
    assert fingerprint(stack) == before


def test_a_bad_iban_and_a_missing_holder_are_refused_with_the_iban_kept(stack, carla):
    demand = STATE["id"]
    r = post_page(carla, demand, "bank", {"account-holder": "", "iban": BAD_IBAN})
    assert r.status == 422, r
    assert "IBAN n’est pas valable" in error_next_to(r.text, "f-iban")
    assert "obligatoire" in error_next_to(r.text, "f-account-holder")
    assert input_value(r.text, "iban") == BAD_IBAN, "what she typed is given back"
    assert "2 données sont à corriger" in text_of(r.text)
    assert "<title>Erreur :" in r.text
    assert q1(stack, "SELECT form_data->>'iban' FROM demands WHERE id = :'p1'", demand) is None

    # the same in German: the messages follow the reader's language
    r = carla.post(f"/demands/{demand}/page/bank?lang=de",
                   data={"csrf": carla.token, "nav": "next", "account-holder": "",
                         "iban": BAD_IBAN})
    assert r.status == 422 and "Diese IBAN ist ungültig" in r.text, r
    carla.get("/dashboard?lang=fr")

    r = post_page(carla, demand, "bank", {"account-holder": "Kiosque du Marché",
                                          "iban": GOOD_IBAN})
    assert r.status == 303 and re.search(rf"/demands/{demand}(#actions|/review)?$",
                                         r.headers["location"]), r


def test_carla_submits_and_a_second_click_is_told_already_done(stack, carla):
    demand = STATE["id"]
    r = carla.get(f"/demands/{demand}")
    assert r.status == 200, r
    t = text_of(r.text)
    assert "Festival des Arches" in t and "5'000.50 CHF" in t and "CH93 0076 2011 6238 5295 7" in t
    assert f'action="/demands/{demand}/fire/submit"' in r.text
    version = int(re.search(r'name="version" value="(\d+)"', r.text).group(1))

    r1 = fire(carla, demand, "submit", version=version)
    assert r1.status == 303, r1
    r2 = fire(carla, demand, "submit", version=version)
    assert r2.status == 409, r2
    assert "Déjà fait" in text_of(r2.text) and "Transmise" in text_of(r2.text)
    assert events(stack, demand, "submit") == 1
    assert state_of(stack, demand) == "submitted"

    r = carla.get(r1.headers["location"])
    assert r.status == 200 and "Transmettre la demande" in text_of(r.text)
    dash = carla.get("/dashboard").text
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    STATE["ref"] = ref
    assert ref in section(dash, "b-in-progress"), "submitted: en cours de traitement"
    assert ref not in section(dash, "b-draft")


def test_a_required_comment_that_is_not_utf8_is_refused_not_dropped(stack, agnes):
    """Regression: a comment of bytes that are not UTF-8 was dropped by
    jansson, and ask-completion (comment="required") committed without it
    and mailed carla without it.  Now: 422 with the message by the box, the
    demand where it was, no event, no mail."""
    demand = STATE["id"]
    v = version_of(stack, demand)
    before = fingerprint(stack)
    r = fire(agnes, demand, "ask-completion", {"comment": b"\xff\xfe manque le budget"},
             version=v)
    assert r.status == 422, r
    assert "caractères illisibles" in text_of(r.text)
    assert 'id="t-ask-completion-comment-error"' in r.text
    assert state_of(stack, demand) == "submitted"
    assert events(stack, demand, "ask-completion") == 0
    assert fingerprint(stack) == before, "no event, no mail, nothing written"


def test_agnes_takes_it_from_her_queue_and_asks_for_more(stack, agnes, carla):
    demand, ref = STATE["id"], STATE["ref"]
    r = agnes.get("/agent")
    assert r.status == 200 and "/agent/serac" in r.text, r
    r = agnes.get("/agent/serac")
    assert r.status == 200 and ref in r.text, r
    assert "Kiosque du Marché" in text_of(r.text)
    r = agnes.get("/agent/serac?state=subsidy:submitted")
    assert r.status == 200 and ref in r.text
    r = agnes.get("/agent/serac?state=subsidy:decided")
    assert r.status == 200 and ref not in r.text

    r = agnes.get(f"/demands/{demand}")
    assert r.status == 200, r
    assert f'/demands/{demand}/fire/take"' in r.text
    assert f'/demands/{demand}/fire/submit"' not in r.text, "not her step"
    r = fire(agnes, demand, "take", version=version_of(stack, demand))
    assert r.status == 303, r

    # a comment is required to ask for more: 422 with the message by the box
    v = version_of(stack, demand)
    r = fire(agnes, demand, "ask-completion", {"comment": "  "}, version=v)
    assert r.status == 422, r
    assert "commentaire est nécessaire" in text_of(r.text)
    assert 'id="t-ask-completion-comment-error"' in r.text
    assert state_of(stack, demand) == "in-review"

    comment = "Merci de joindre le budget signé par le comité."
    r = fire(agnes, demand, "ask-completion", {"comment": comment}, version=v)
    assert r.status == 303, r
    assert state_of(stack, demand) == "incomplete"

    dash = carla.get("/dashboard").text
    assert ref in section(dash, "b-to-do"), "à compléter"
    page = carla.get(f"/demands/{demand}").text
    assert comment in html.unescape(page)
    mail = wait_for_mail(stack, "carla.rossi@exemple.test", comment, about=ref)
    assert ref in (mail.get("Subject") or "") or ref in mail.as_string()


def test_carla_completes_agnes_decides_carla_reads(stack, agnes, carla):
    demand, ref = STATE["id"], STATE["ref"]
    r = post_page(carla, demand, "documents", {},
                  files={"statutes-file": ("statuts.pdf", PDF, "application/pdf")})
    assert r.status == 303, r
    r = carla.get(f"/demands/{demand}")
    assert f'/demands/{demand}/fire/resubmit"' in r.text
    r = fire(carla, demand, "resubmit", version=version_of(stack, demand))
    assert r.status == 303, r
    assert state_of(stack, demand) == "in-review"
    assert ref in section(carla.get("/dashboard").text, "b-in-progress")

    # the decision needs its letter: refused without it, the choice kept
    v = version_of(stack, demand)
    r = agnes.get(f"/demands/{demand}")
    assert 'enctype="multipart/form-data"' in r.text and 'name="decision"' in r.text
    r = fire(agnes, demand, "decide", {"outcome": "granted", "amount-granted": "4000"},
             files={"x": ("empty.txt", b"", "text/plain")}, version=v)
    assert r.status == 422, r
    assert "obligatoire" in error_next_to(r.text, "t-decide-decision")
    assert re.search(r'value="granted" checked', r.text)
    # the letter's name and the amount must be UTF-8: refused by each, not a
    # 500 and not a decision without its letter (regression)
    before = fingerprint(stack)
    r = multipart(agnes, f"/demands/{demand}/fire/decide",
                  {"csrf": agnes.token, "version": str(v), "outcome": "granted",
                   "amount-granted": b"4000\xff"},
                  {"decision": (b"d\xe9cision.pdf", PDF, "application/pdf")})
    assert r.status == 422, r
    assert "caractères illisibles" in error_next_to(r.text, "t-decide-decision")
    assert "caractères illisibles" in error_next_to(r.text, "t-decide-amount-granted")
    assert fingerprint(stack) == before and state_of(stack, demand) == "in-review"
    r = fire(agnes, demand, "decide", {"outcome": "granted", "amount-granted": "4000"},
             files={"decision": ("décision.pdf", PDF, "application/pdf")}, version=v)
    assert r.status == 303, r
    assert state_of(stack, demand) == "decided"
    dash = carla.get("/dashboard").text
    assert ref in section(dash, "b-decision-unread"), "décisions reçues / à lire"

    # the receipt is the owner's: an agent looking, or a HEAD, takes none
    assert agnes.get(f"/demands/{demand}").status == 200
    assert carla.request("HEAD", f"/demands/{demand}").status == 200
    assert state_of(stack, demand) == "decided" and events(stack, demand, "read") == 0

    # opening it is the read receipt
    r = carla.get(f"/demands/{demand}")
    assert r.status == 200, r
    t = text_of(r.text)
    assert "Lue et archivée" in t and "décision.pdf" in html.unescape(r.text)
    assert events(stack, demand, "read") == 1
    assert state_of(stack, demand) == "archived"
    carla.get(f"/demands/{demand}")
    assert events(stack, demand, "read") == 1, "a second view fires nothing"
    dash = carla.get("/dashboard").text
    assert ref in section(dash, "b-archived"), "lues et archivées"
    assert ref not in section(dash, "b-decision-unread")

    doc = q1(stack, "SELECT id FROM documents WHERE demand_id = :'p1' AND field = 'decision'",
             demand)
    d = carla.get(f"/documents/{doc}")
    assert d.status == 200 and d.body == PDF and "attachment" in d.headers["content-disposition"]


def test_submitting_an_incomplete_draft_says_what_is_missing_page_by_page(stack, carla):
    r = carla.post("/demands", data={"workflow": "subsidy", "new": "1", "csrf": carla.token})
    assert r.status == 303, r
    demand = r.headers["location"].split("/")[2]
    r = post_page(carla, demand, "applicant", {
        "contact-name": "Carla Rossi", "contact-email": "carla.rossi@exemple.test",
        "contact-phone": "+41 21 316 11 11"}, nav="save")
    assert r.status == 303 and r.headers["location"].endswith("?saved=1"), r
    assert "Brouillon enregistré" in carla.get(r.headers["location"]).text

    r = fire(carla, demand, "submit", version=version_of(stack, demand))
    assert r.status == 422, r
    assert f'href="/demands/{demand}/page/project#f-project-title"' in r.text
    assert f'href="/demands/{demand}/page/bank#f-iban"' in r.text
    assert "Titre du projet : Ce champ est obligatoire" in text_of(r.text)
    assert state_of(stack, demand) == "draft" and events(stack, demand, "submit") == 0

    # the draft can be given up; it leaves the drafts
    r = fire(carla, demand, "discard", version=version_of(stack, demand))
    assert r.status == 303, r
    assert state_of(stack, demand) == "withdrawn"
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    dash = carla.get("/dashboard").text
    assert ref in section(dash, "b-archived") and ref not in section(dash, "b-draft")


# --- who may not ----------------------------------------------------------------------

def test_alice_from_her_personal_space_is_refused_up_front_with_the_reason(stack, world):
    alice = logged_in(stack, "alice")
    dash = alice.get("/dashboard")
    assert dash.status == 200
    t = text_of(dash.text)
    assert "Demande de soutien culturel" in t and "Pas disponible ici" in t
    assert "espace sécurisé professionnel" in t
    assert 'name="workflow" value="subsidy"' not in dash.text

    before = fingerprint(stack)
    r = alice.post("/demands", data={"workflow": "subsidy", "csrf": alice.token})
    assert r.status == 403, r
    t = text_of(r.text)
    assert "ne peut pas être commencée ici" in t
    assert "espace sécurisé professionnel" in t, "the procedure's own reason"
    assert fingerprint(stack) == before, "nothing written"


def test_bruno_cannot_see_or_touch_carlas_demand(stack, world):
    demand = STATE["id"]
    bruno = logged_in(stack, "bruno")
    before = fingerprint(stack)
    for path in (f"/demands/{demand}", f"/demands/{demand}/page/applicant"):
        r = bruno.get(path)
        assert r.status in (403, 404), (path, r)
        assert "Festival des Arches" not in r.text
    for step in ("read", "withdraw", "take"):
        r = fire(bruno, demand, step, version=version_of(stack, demand))
        assert r.status in (403, 404), (step, r)
    r = post_page(bruno, demand, "bank", {"account-holder": "Bruno", "iban": GOOD_IBAN})
    assert r.status in (403, 404), r
    doc = q1(stack, "SELECT id FROM documents WHERE demand_id = :'p1' LIMIT 1", demand)
    assert bruno.get(f"/documents/{doc}").status in (403, 404)
    assert fingerprint(stack) == before, "nothing written"
    assert bruno.get("/agent").status == 403
    assert bruno.get("/agent/serac").status == 403


def test_a_stranger_firing_a_step_the_state_cannot_take_gets_404_not_409(stack, world, carla):
    """A 409 "already done" would tell bruno that carla's demand exists (and
    how far it went): he gets the 404 of a demand that does not exist;
    carla, whom it concerns, still hears "already done"."""
    demand = world.demands["kiosque_probe"]            # carla's, state submitted
    assert state_of(stack, demand) == "submitted"
    page = carla.get(f"/demands/{demand}")
    assert page.status == 200, "the probe definition loads: no 500"
    before = fingerprint(stack)
    bruno = logged_in(stack, "bruno")
    version = version_of(stack, demand)
    r = fire(bruno, demand, "submit", version=version)     # leaves draft only
    assert r.status == 404, r
    missing = fire(bruno, "00000000-0000-4000-8000-000000000000", "submit", version=version)
    assert missing.status == 404, missing
    r = fire(bruno, demand, "no-such-step", version=version)
    assert r.status == 404 and "Sonde" not in r.text, r
    r = fire(bruno, demand, "withdraw", version=version - 1)   # stale version
    assert r.status == 404, r
    r = fire(carla, demand, "submit", version=version)
    assert r.status == 409, "the owner is told it is done"
    assert fingerprint(stack) == before, "nothing written"


def test_a_member_without_the_grant_neither_sees_nor_starts_the_subsidy(stack, world):
    david = logged_in(stack, "david", world.spaces["kiosque"])
    dash = david.get("/dashboard").text
    assert STATE["ref"] not in dash, "the space's subsidy demands need the grant"
    before = fingerprint(stack)
    r = david.post("/demands", data={"workflow": "subsidy", "csrf": david.token})
    assert r.status == 403, r
    assert fingerprint(stack) == before
    assert david.get(f"/demands/{STATE['id']}").status in (403, 404)


def test_pages_without_csrf_or_with_bad_paths_write_nothing(stack, carla, world):
    before = fingerprint(stack)
    r = carla.post("/demands", data={"workflow": "subsidy"})
    assert r.status == 403, r
    assert carla.get("/demands/not-a-uuid").status == 404
    assert carla.get(f"/demands/{STATE['id']}/elsewhere").status == 404
    assert carla.get(f"/demands/{STATE['id']}/page/nowhere").status in (303, 404)
    assert carla.get("/documents/00000000-0000-4000-8000-000000000000").status == 404
    r = carla.post("/demands", data={"workflow": "no-such-thing", "csrf": carla.token})
    assert r.status == 404, r
    assert fingerprint(stack) == before


# --- routes with typed captures and declared parameters (engine/route.h) -----------------

def test_a_malformed_demand_id_is_the_404_page_before_anything_runs(stack, carla):
    before = fingerprint(stack)
    for path in ("/demands/not-a-uuid", "/demands/0f8fad5b-d9cb-469f-a165-70867728950",
                 f"/demands/{STATE['id']}/", f"/demands/{STATE['id']}x/page/applicant",
                 f"/demands/{STATE['id']}/page/no%20such%20page"):
        r = carla.get(path)
        assert r.status == 404, (path, r)
        assert r.headers["content-type"] == "text/html; charset=utf-8" and "<main" in r.text
        assert "La page demandée n’existe pas" in text_of(r.text), path
    # nobody logged in: the same 404, not a detour through the login; in German too
    r = stack.client().get("/demands/not-a-uuid?lang=de")
    assert r.status == 404 and "Die angeforderte Seite existiert nicht" in text_of(r.text)
    r = carla.post("/demands/not-a-uuid/fire/withdraw", data={"csrf": carla.token})
    assert r.status == 404, r
    assert fingerprint(stack) == before


def test_a_version_that_is_no_number_is_refused_and_changes_nothing(stack, world, carla):
    demand = world.demands["kiosque_probe"]            # carla's, state submitted
    assert state_of(stack, demand) == "submitted"
    before = fingerprint(stack)
    for bad in ("abc", "1x", "-1", "99999999999", "", "2.0"):
        r = fire(carla, demand, "withdraw", data={"version": bad})
        assert r.status == 400, (bad, r)
        t = text_of(r.text)
        assert "valeur invalide" in t and "version" in t, t
        assert "<main" in r.text
    r = carla.post(f"/demands/{demand}/fire/withdraw?version=abc", data={"csrf": carla.token})
    assert r.status == 400, r
    assert state_of(stack, demand) == "submitted"
    assert fingerprint(stack) == before, "nothing written"


def test_saves_and_steps_are_counted_under_their_own_route_names(stack, carla):
    r = carla.post("/demands", data={"workflow": "subsidy", "new": "1", "csrf": carla.token})
    assert r.status == 303, r
    demand = r.headers["location"].split("/")[2]
    assert carla.get(f"/demands/{demand}/page/applicant").status == 200
    r = post_page(carla, demand, "applicant", {"contact-name": "Carla Rossi"}, nav="save")
    assert r.status == 303, r
    r = fire(carla, demand, "discard", version=version_of(stack, demand))
    assert r.status == 303, r
    m = stack.client().get("/metrics").text
    for route, status in (("demand_page", 200), ("demand_save", 303), ("demand_fire", 303)):
        assert re.search(r'guichet_http_requests_total\{route="%s",status="%d"\} [1-9]'
                         % (route, status), m), route
    assert 'route="demand_post"' not in m

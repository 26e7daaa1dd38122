# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_journey.py -- issue 10's "done means" as one story, on the demo
world loaded as `make demo` loads it (GUICHET_DEMO=yes: scripts/demo_world.py
from data/demo/world.json), through nginx, the engine, PostgreSQL, the real
identity provider and the SMTP sink.  Nothing is seeded by hand.

carla (treasurer of Kiosque du Marché) opens the catalogue, starts a
subsidy, fills the first page, logs out; logs in again, "Commencer" offers
to resume: she resumes, fills the pages (the rules across fields refuse
what they must), picks the Kiosque's budget from the space's wallet,
reviews and submits.  agnes (SERAC) takes it and writes; carla answers;
agnes asks to complete; carla sees what is asked on top, completes and
resubmits; agnes decides with a letter; carla reads the decision on top
(the read receipt files it), duplicates the demand, exports her data and
turns status mails off: the next status change of one of her demands
mails nobody, a message still does.

The steps run in order and share one module-scoped stack (STORY).

The second part: every row of the README's demo table, logged in as its
account, opens the page the row names first.
"""
import html
import json
import os
import re
import time
from email.header import decode_header, make_header

import pytest

from conftest import ROOT, Stack
from fixtures_people import demo_world  # scripts/demo_world.py, on the path it sets
from oidc_login import ACCOUNTS, login

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
CARLA_MAIL = ACCOUNTS["carla"][1]
AGNES_MAIL = ACCOUNTS["agnes"][1]
KIOSQUE_IDE = "CHE-109.347.829"


@pytest.fixture(scope="module")
def demo():
    s = Stack()
    s.script_env["GUICHET_DEMO"] = "yes"
    try:
        s.start()
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(s.var, "mail", sub), exist_ok=True)
        yield s
    finally:
        s.stop()


# --- helpers ----------------------------------------------------------------------------

def q1(stack, query, *params):
    rows = stack.sql(query, *params)
    return rows[0][0] if rows else None


def text_of(page):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def token_of(client, path):
    m = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert m, f"no csrf on {path}"
    return m.group(1)


def kiosque(stack):
    return q1(stack, "SELECT s.id FROM spaces s JOIN entities e ON e.id = s.entity_id"
                     " WHERE e.ide = :'p1' AND s.status = 'active'", KIOSQUE_IDE)


def log_in(stack, account, client=None, space=None):
    c = client or stack.client()
    r = login(stack, c, account)
    assert r.status == 303, f"login of {account}: {r!r}"
    if space is not None:
        r = c.post("/context", data={"space": space, "csrf": token_of(c, "/context")})
        assert r.status == 303, f"context switch of {account}: {r!r}"
    c.token = token_of(c, "/dashboard")
    return c


def post_page(client, demand, page, data, files=None, nav="next"):
    return client.post(f"/demands/{demand}/page/{page}",
                       data={"csrf": client.token, "nav": nav, **data}, files=files)


def fire(stack, client, demand, step, data=None, files=None):
    body = {"csrf": client.token, "version": q1(stack, "SELECT version FROM demands"
                                                       " WHERE id = :'p1'", demand),
            **(data or {})}
    return client.post(f"/demands/{demand}/fire/{step}", data=body, files=files)


def state_of(stack, demand):
    return q1(stack, "SELECT state FROM demands WHERE id = :'p1'", demand)


def transitions(stack, demand):
    return [t for (t,) in stack.sql("SELECT transition FROM events WHERE demand_id = :'p1'"
                                    " ORDER BY id", demand)]


def error_next_to(page, field_id):
    m = re.search(r'<p class="error-msg" id="%s-error">(.*?)</p>' % re.escape(field_id), page,
                  re.S)
    return text_of(m.group(1)) if m else None


def bodies(mail):
    out = []
    for p in (mail.walk() if mail.is_multipart() else [mail]):
        payload = p.get_payload(decode=True)
        if payload:
            out.append(payload.decode("utf-8", "replace"))
    return "\n".join(out)


def subject(mail):
    return str(make_header(decode_header(mail.get("Subject") or "")))


def mails_to(stack, to, needle):
    return [m for m in stack.mails()
            if to in (m.get("To") or "") and (needle in bodies(m) or needle in subject(m))]


def wait_for_mail(stack, to, needle, timeout=40):
    end = time.time() + timeout
    while time.time() < end:
        found = mails_to(stack, to, needle)
        if found:
            return found[-1]
        time.sleep(0.3)
    raise AssertionError(f"no mail to {to} mentioning {needle!r}; got "
                         f"{[(m.get('To'), subject(m)) for m in stack.mails()]}")


def outbox_settled(stack, demand, timeout=40):
    end = time.time() + timeout
    while time.time() < end:
        rows = stack.sql("SELECT template, recipient, status FROM outbox"
                         " WHERE demand_id = :'p1' ORDER BY id", demand)
        if rows and all(s != "pending" for _, _, s in rows):
            return rows
        time.sleep(0.3)
    raise AssertionError(f"the outbox of {demand} is still pending")


# --- the story ----------------------------------------------------------------------------

STORY = {}

PROJECT = {"project-title": "Marché en musique", "discipline": "music",
           "description": "Six concerts gratuits sous la halle du marché, un samedi par mois, "
                          "avec des ensembles de la région et une scène ouverte.",
           "start-date": "05.06.2027", "end-date": "30.10.2027",
           "place": "Place du Marché, Vevey", "place-npa": "1800"}


def test_1_carla_starts_from_the_catalogue_and_leaves_after_the_first_page(demo):
    space = kiosque(demo)
    STORY["space"] = space
    carla = log_in(demo, "carla", space=space)
    STORY["carla"] = carla
    page = carla.get("/catalogue")
    assert page.status == 200, page
    assert "Demande de soutien culturel" in text_of(page.text)
    assert re.search(r'<form method="post" action="/demands">.*?name="workflow" value="subsidy"',
                     page.text, re.S)
    # the demo world already holds a Kiosque draft: "Commencer" offers it first
    r = carla.post("/demands", data={"workflow": "subsidy", "csrf": carla.token})
    assert r.status == 200 and "Reprendre un brouillon" in text_of(r.text), r
    drafts_before = set(re.findall(r'href="/demands/([0-9a-f-]{36})"', r.text))
    r = carla.post("/demands", data={"workflow": "subsidy", "new": "1", "csrf": carla.token})
    assert r.status == 303, r
    m = re.fullmatch(r"/demands/([0-9a-f-]{36})/page/applicant", r.headers["location"])
    assert m and m.group(1) not in drafts_before, r.headers["location"]
    demand = STORY["demand"] = m.group(1)
    STORY["ref"] = q1(demo, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    assert state_of(demo, demand) == "draft" and transitions(demo, demand) == ["create"]

    r = post_page(carla, demand, "applicant", {
        "contact-name": "Carla Rossi", "contact-function": "trésorière",
        "contact-email": CARLA_MAIL, "contact-phone": "021 921 00 00"})
    assert r.status == 303 and r.headers["location"].endswith("/page/project"), r
    assert q1(demo, "SELECT form_data->>'contact-phone' FROM demands WHERE id = :'p1'",
              demand) == "+41219210000", "kept, the Swiss way"

    # she leaves: logged out, the session is gone
    r = carla.post("/auth/logout", data={"csrf": carla.token})
    assert r.status in (302, 303), r
    assert carla.get("/dashboard").status != 200


def test_2_carla_comes_back_resumes_and_fills_with_the_rules_respected(demo):
    demand, carla = STORY["demand"], STORY["carla"]
    log_in(demo, "carla", client=carla, space=STORY["space"])
    r = carla.post("/demands", data={"workflow": "subsidy", "csrf": carla.token})
    assert r.status == 200, r
    t = text_of(r.text)
    assert "Reprendre un brouillon" in t and STORY["ref"] in t and "sera supprimé le" in t
    resume = re.search(r'href="(/demands/%s[^"]*)"' % demand, r.text)
    assert resume, "her draft is offered"
    r = carla.get(resume.group(1))
    if r.status == 303:
        r = carla.get(r.headers["location"])
    assert r.status == 200, r
    page = carla.get(f"/demands/{demand}/page/applicant").text
    phone = re.search(r'<input[^>]*name="contact-phone"[^>]*value="([^"]*)"', page)
    assert phone and "921" in phone.group(1), "what she typed before leaving is there"

    # rules across fields: an end before the start is refused under the end date
    r = post_page(carla, demand, "project", {**PROJECT, "end-date": "01.06.2027"})
    assert r.status == 422, r
    assert "ne peut pas précéder" in (error_next_to(r.text, "f-end-date") or ""), r.text[-2000:]
    assert 'value="Place du Marché, Vevey"' in html.unescape(r.text), "the rest is kept"
    r = post_page(carla, demand, "project", PROJECT)
    assert r.status == 303 and r.headers["location"].endswith("/page/budget"), r

    # more asked than the budget: refused under the amount
    budget = {"total-budget": "9'000", "amount-requested": "12000", "own-funds": "1500",
              "other-funding": "Commune de Vevey : 2000 francs (demandé)"}
    r = post_page(carla, demand, "budget", budget)
    assert r.status == 422 and error_next_to(r.text, "f-amount-requested"), r
    r = post_page(carla, demand, "budget", {**budget, "amount-requested": "4500"})
    assert r.status == 303 and r.headers["location"].endswith("/page/documents"), r


def test_3_carla_picks_the_budget_from_the_wallet_reviews_and_submits(demo):
    demand, carla = STORY["demand"], STORY["carla"]
    wallet_doc = q1(demo, "SELECT id FROM documents WHERE owner_space_id = :'p1'"
                          " AND demand_id IS NULL AND category = 'budget'",
                    STORY["space"])
    assert wallet_doc, "the demo world's wallet holds the Kiosque's budget"
    page = carla.get(f"/demands/{demand}/page/documents").text
    assert "Ou choisir dans mon porte-documents" in text_of(page)
    assert re.search(r'<select[^>]*name="wallet-budget-file"', page)
    assert f'value="{wallet_doc}"' in page
    uploads_before = int(q1(demo, "SELECT count(*) FROM documents"))
    r = post_page(carla, demand, "documents", {"wallet-budget-file": wallet_doc},
                  files={"project-file": ("dossier-marche.pdf", PDF, "application/pdf")})
    assert r.status == 303 and r.headers["location"].endswith("/page/bank"), r
    copy = demo.sql("SELECT field, source_document FROM documents WHERE demand_id = :'p1'"
                    " ORDER BY field", demand)
    assert copy == [("budget-file", wallet_doc), ("project-file", "")], copy
    assert int(q1(demo, "SELECT count(*) FROM documents")) == uploads_before + 2

    r = post_page(carla, demand, "bank", {"account-holder": "Kiosque du Marché",
                                          "iban": "CH93 0076 2011 6238 5295 7"})
    assert r.status == 303 and r.headers["location"] == f"/demands/{demand}/review", r
    r = carla.get(f"/demands/{demand}/review")
    assert r.status == 200, r
    t = text_of(r.text)
    assert "Vérifier avant de transmettre" in t
    for answer in ("Marché en musique", "4'500.00", "dossier-marche.pdf", "Budget 2027 du Kiosque"):
        assert answer in t, answer
    assert state_of(demo, demand) == "draft", "nothing is sent unseen"
    form = re.search(r'<form method="post" action="(/demands/[^"]+/fire/submit)"', r.text)
    version = re.search(r'name="version" value="(\d+)"', r.text).group(1)
    r = carla.post(form.group(1), data={"csrf": carla.token, "version": version})
    assert r.status == 303, r
    assert state_of(demo, demand) == "submitted"
    assert transitions(demo, demand)[-1] == "submit"
    wait_for_mail(demo, AGNES_MAIL, STORY["ref"])
    wait_for_mail(demo, CARLA_MAIL, STORY["ref"])


def test_4_agnes_takes_it_and_they_exchange_messages(demo):
    demand, carla, ref = STORY["demand"], STORY["carla"], STORY["ref"]
    agnes = STORY["agnes"] = log_in(demo, "agnes")
    queue = agnes.get("/agent/serac")
    assert queue.status == 200 and ref in queue.text
    assert fire(demo, agnes, demand, "take").status == 303
    assert state_of(demo, demand) == "in-review"

    ask = "Bonjour, les musiciens seront-ils rémunérés ? Merci de préciser le cachet prévu."
    r = agnes.post(f"/demands/{demand}/messages", data={"csrf": agnes.token, "message": ask})
    assert r.status == 303, r
    mail = wait_for_mail(demo, CARLA_MAIL, "cachet prévu")
    assert "Nouveau message du service" in subject(mail)
    page = carla.get(f"/demands/{demand}").text
    assert ask in text_of(page)

    answer = "Oui : 300 francs par ensemble et par concert, compris dans le budget."
    r = carla.post(f"/demands/{demand}/messages", data={"csrf": carla.token, "message": answer})
    assert r.status == 303, r
    mail = wait_for_mail(demo, AGNES_MAIL, "300 francs par ensemble")
    assert "Nouveau message du demandeur" in subject(mail)
    assert demo.sql("SELECT side FROM messages WHERE demand_id = :'p1' ORDER BY created_at",
                    demand) == [("agent",), ("owner",)]


def test_5_agnes_asks_to_complete_carla_sees_it_on_top_and_completes(demo):
    demand, carla, agnes = STORY["demand"], STORY["carla"], STORY["agnes"]
    comment = "Merci de joindre les statuts signés de l'association."
    r = fire(demo, agnes, demand, "ask-completion", {"comment": comment})
    assert r.status == 303, r
    assert state_of(demo, demand) == "incomplete"
    wait_for_mail(demo, CARLA_MAIL, "statuts signés")
    page = carla.get(f"/demands/{demand}").text
    top = page.index("Ce que le service vous demande")
    assert top < page.index('id="status-title"'), "what is asked comes first"
    assert comment in text_of(page[top:page.index('id="status-title"')])

    r = post_page(carla, demand, "documents", {},
                  files={"statutes-file": ("statuts.pdf", PDF, "application/pdf")})
    assert r.status == 303, r
    r = fire(demo, carla, demand, "resubmit")
    assert r.status == 303, r
    assert state_of(demo, demand) == "in-review"
    assert "Ce que le service vous demande" not in carla.get(f"/demands/{demand}").text


def test_6_agnes_decides_carla_reads_the_decision_on_top(demo):
    demand, carla, agnes, ref = STORY["demand"], STORY["carla"], STORY["agnes"], STORY["ref"]
    decided_before = len(mails_to(demo, CARLA_MAIL, ref))
    r = fire(demo, agnes, demand, "decide",
             {"outcome": "granted", "amount-granted": "4000",
              "comment": "Soutien accordé pour la saison 2027."},
             files={"decision": ("décision-marché.pdf", PDF, "application/pdf")})
    assert r.status == 303, r
    assert state_of(demo, demand) == "decided"
    assert [t for t, _, _ in outbox_settled(demo, demand)].count("demand-decided") == 1
    end = time.time() + 30
    while len(mails_to(demo, CARLA_MAIL, ref)) <= decided_before and time.time() < end:
        time.sleep(0.3)
    assert len(mails_to(demo, CARLA_MAIL, ref)) > decided_before, "the decision is mailed"

    page = carla.get(f"/demands/{demand}").text
    top = page.index('id="decision-title"')
    head = page[top:page.index('id="status-title"')]
    assert "Soutien accordé pour la saison 2027." in text_of(head)
    assert "décision-marché.pdf" in text_of(head) and "/documents/" in head
    assert state_of(demo, demand) == "archived", "the read receipt files it"
    assert transitions(demo, demand).count("read") == 1
    doc = re.search(r'href="/documents/([0-9a-f-]{36})"', head).group(1)
    d = carla.get(f"/documents/{doc}")
    assert d.status == 200 and d.body == PDF


def test_7_carla_duplicates_it_into_a_new_draft(demo):
    demand, carla = STORY["demand"], STORY["carla"]
    r = carla.post(f"/demands/{demand}/duplicate", data={"csrf": carla.token})
    assert r.status == 303, r
    copy = re.match(r"/demands/([0-9a-f-]{36})", r.headers["location"]).group(1)
    assert copy != demand
    STORY["copy"] = copy
    row = demo.sql("SELECT state, form_data->>'project-title', form_data->>'amount-requested',"
                   " form_data->>'iban' FROM demands WHERE id = :'p1'", copy)[0]
    assert row[:3] == ("draft", "Marché en musique", "450000") and row[3], row
    assert "Nouveau brouillon créé à partir de la demande précédente" in \
        text_of(carla.get(r.headers["location"]).text)


def test_8_carla_exports_her_data_and_nothing_of_anyone_else(demo):
    demand, carla = STORY["demand"], STORY["carla"]
    r = carla.post("/account/export", data={"csrf": carla.token})
    assert r.status == 200, r
    assert r.headers["content-type"].startswith("application/json")
    data = json.loads(r.body)
    [d] = [d for d in data["demands"] if d["id"] == demand]
    assert [e["transition"] for e in d["events"]] == transitions(demo, demand)
    names = {doc.get("filename") or doc.get("name") for doc in d["documents"]}
    assert {"dossier-marche.pdf", "statuts.pdf", "décision-marché.pdf"} <= names, names
    # her demands only: every one exported is one she made
    carla_id = q1(demo, "SELECT person_id FROM identities WHERE subject = 'carla'")
    assert data["person"]["id"] == carla_id
    for e in data["demands"]:
        assert q1(demo, "SELECT owner_person_id FROM demands WHERE id = :'p1'", e["id"]) \
            == carla_id, e["reference"]
    lower = r.text.lower()
    # agnes's steps and messages are on it, but as "agent", never her name
    for other in ("agnes", "alice", "bruno", "david", "marc", "sophie", "rita"):
        name, mail = ACCOUNTS[other]
        assert mail.lower() not in lower and name.lower() not in lower, other


def test_9_status_mails_off_a_status_change_mails_nobody_a_message_still_does(demo):
    carla, agnes, copy = STORY["carla"], STORY["agnes"], STORY["copy"]
    r = carla.post("/account/preferences", data={"csrf": carla.token, "reminder": "on",
                                                 "message": "on"})
    assert r.status == 303, r
    page = carla.get("/account/preferences").text
    assert not re.search(r'<input[^>]*id="pref-status"[^>]*checked', page)

    # the duplicate has every answer: she submits it, agnes takes it
    r = fire(demo, carla, copy, "submit")
    assert r.status == 303, r
    assert fire(demo, agnes, copy, "take").status == 303
    assert state_of(demo, copy) == "in-review"
    ref = q1(demo, "SELECT reference FROM demands WHERE id = :'p1'", copy)
    rows = outbox_settled(demo, copy)
    to_carla = [(t, s) for t, to, s in rows if to == CARLA_MAIL]
    assert to_carla == [("demand-received", "skipped"), ("status-changed", "skipped")], rows
    assert ("demand-new", AGNES_MAIL, "sent") in rows, rows

    text = "Une question sur le calendrier des concerts de la nouvelle saison."
    r = agnes.post(f"/demands/{copy}/messages", data={"csrf": agnes.token, "message": text})
    assert r.status == 303, r
    wait_for_mail(demo, CARLA_MAIL, "calendrier des concerts")
    assert not [m for m in mails_to(demo, CARLA_MAIL, ref) if "calendrier" not in bodies(m)], \
        "no status mail reached carla for the new demand"


# --- each README row: its account opens the page the row names first --------------------

def readme_rows():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        return re.findall(r"^\| `([a-z]+)` \|([^|]*)\|([^|]*)\|$", f.read(), re.M)


# account -> (context: None or an entity's IDE, the page the row names first, words on it,
#             a line more when the row promises more)
FIRST_TRY = {
    "alice": (None, "/auth/session", ["identité vérifiée"]),
    "bruno": (None, "/auth/session", ["e-mail"]),
    "carla": (KIOSQUE_IDE, "/dashboard", ["Kiosque du Marché", "Décisions reçues / à lire"]),
    "david": (KIOSQUE_IDE, "/dashboard", ["Kiosque du Marché"]),
    "rita": (None, "/context", ["Administrer l’espace professionnel"]),
    "agnes": (None, "/agent/serac", ["Kiosque du Marché"]),
    "oscar": (None, "/agent", ["Contrôle des habitants"]),
    "tiago": (None, "/counter", ["Préfecture du district de Lausanne"]),
    "nadia": (None, "/verify", ["Demandes de rattachement à votre commune",
                                "Commune de Renens, secrétariat municipal", "Élodie Pittet"]),
    "marc": ("menuiserie", "/dashboard", ["Menuiserie Vuilleumier Sàrl", "Brouillon"]),
    "admin": (None, "/admin/procedures", ["subsidy"]),
    "sophie": (None, "/auth/session", ["forte"]),
    "lea": (None, "/catalogue", ["Ouvrir un espace sécurisé professionnel"]),
    "lucas": (None, "/catalogue", ["Ouvrir un espace sécurisé professionnel"]),
    "cyril": (None, "/agent/cyber", ["Cyberadministration"]),
    "paul": (None, "/agent/letters", ["Kiosque du Marché", "Courrier sur une demande",
                                      "prête à imprimer"]),
    "elodie": (None, "/dashboard", ["Demande de compte — portail des communes"]),
    "ines": (None, "/verify", ["Commune de Lausanne, secrétariat municipal", "Élodie Pittet"]),
    "nicolas": ("fanfare", "/dashboard", ["Écho du Jorat", "Voir les"]),
}


def test_the_table_covers_every_readme_row():
    assert [login for login, _, _ in readme_rows()] == list(FIRST_TRY)


@pytest.mark.parametrize("account", list(FIRST_TRY))
def test_each_readme_account_opens_what_its_row_says_to_try_first(demo, account):
    ide, path, words = FIRST_TRY[account]
    space = None
    if ide == "menuiserie":
        with open(os.path.join(ROOT, "data", "demo", "world.json"), encoding="utf-8") as f:
            ide = next(e["ide"] for e in json.load(f)["entities"] if e["key"] == "menuiserie")
    if ide == "fanfare":            # a body of the SERAC's backlog (scripts/demo_world.py)
        ide = next(b["ide"] for b in demo_world.backlog()[0]
                   if b["name"] == "Fanfare L'Écho du Jorat")
    if ide:
        space = q1(demo, "SELECT s.id FROM spaces s JOIN entities e ON e.id = s.entity_id"
                         " WHERE e.ide = :'p1' AND s.status = 'active'", ide)
    c = log_in(demo, account, space=space)
    r = c.get(path)
    assert r.status == 200, f"{account} {path}: {r!r}"
    t = text_of(r.text)
    for w in words:
        assert w in t, f"{account} {path}: {w!r} not on the page"
    if account == "david":
        assert 'name="workflow" value="subsidy"' not in c.get("/catalogue").text
    if account == "oscar":
        assert c.get("/agent/serac").status == 403
    if account == "alice":
        assert c.get("/wallet").status == 200 and c.get("/account").status == 200
    if account == "carla":
        assert "Budget 2027 du Kiosque" in text_of(c.get("/wallet").text)
    if account == "paul":
        assert 'href="/agent/letters"' in c.get("/agent").text
        assert c.get("/agent/letters/print.pdf").headers["content-type"] == "application/pdf"

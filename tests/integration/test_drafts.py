# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_drafts.py -- the catalogue "Effectuer une démarche", the choice
between resuming a draft and starting a new one, a draft's purge date,
the printable copy, and three rough edges of the demand pages (a discarded
draft is not "Transmise", the header links agents to their queues, agents
do not read the applicant's wording), all through nginx with the demo
world of fixtures_people.py:

  carla   member of "Kiosque du Marché" with the subsidy grant, acting for it
  david   member of the Kiosque without the grant
  alice   citizen without any space
  agnes   agent of the SERAC
"""
import re
import time

import pytest

from test_demand_web import (DESCRIPTION, GOOD_IBAN, PDF, fire, logged_in,  # noqa: F401
                             post_page, q1, text_of, version_of, wait_for_mail, world)


@pytest.fixture(scope="module")
def carla(stack, world):
    return logged_in(stack, "carla", world.spaces["kiosque"])


def start(client, new=True):
    data = {"workflow": "subsidy", "csrf": client.token}
    if new:
        data["new"] = "1"
    return client.post("/demands", data=data)


def new_draft(client):
    r = start(client)
    assert r.status == 303, r
    return r.headers["location"].split("/")[2]


def written(stack):
    return stack.sql("SELECT (SELECT count(*) FROM demands), (SELECT count(*) FROM events),"
                     "       (SELECT coalesce(sum(version), 0) FROM demands)")


# --- the catalogue ---------------------------------------------------------------------

def test_catalogue_lists_what_each_context_may_file_and_the_way_there(stack, world, carla):
    page = carla.get("/catalogue")
    assert page.status == 200, page
    t = text_of(page.text)
    assert "Effectuer une démarche" in t and "Demande de soutien culturel" in t
    assert "Ce qu’il faut" in t and "identité vérifiée" in t and "association" in t
    assert re.search(r'<form method="post" action="/demands">.*?name="workflow" value="subsidy"',
                     page.text, re.S)
    # every page's header leads to the catalogue
    assert 'href="/catalogue"' in carla.get("/dashboard").text

    # a member without the grant: the reason, and whom to ask
    david = logged_in(stack, "david", world.spaces["kiosque"])
    t = text_of(david.get("/catalogue").text)
    assert "Demandez l’accès à cette prestation au référent" in t
    assert 'value="subsidy"' not in david.get("/catalogue").text

    # a citizen for herself: the procedure's own words; without a space,
    # how to get one
    alice = logged_in(stack, "alice")
    p = alice.get("/catalogue")
    t = text_of(p.text)
    assert "espace personnel ne sont pas traitées" in t
    assert "Vous n’êtes membre d’aucun espace professionnel actif" in t
    # the référent acting for herself: a button to the context switch
    rita = logged_in(stack, "rita")
    p = rita.get("/catalogue")
    assert 'href="/context?return_to=/catalogue"' in p.text
    # in English too
    assert "What it needs" in carla.get("/catalogue?lang=en").text
    carla.get("/catalogue?lang=fr")


# --- drafts ----------------------------------------------------------------------------

def test_start_with_a_draft_open_offers_to_resume_it(stack, carla):
    demand = new_draft(carla)
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    before = written(stack)
    r = start(carla, new=False)
    assert r.status == 200, r
    assert written(stack) == before, "the choice writes nothing"
    t = text_of(r.text)
    assert "Reprendre un brouillon" in t and ref in t
    assert f'href="/demands/{demand}"' in r.text
    assert "sera supprimé le" in t
    assert re.search(r'name="new" value="1"', r.text)
    # starting a new one anyway
    r = start(carla)
    assert r.status == 303 and demand not in r.headers["location"], r


def test_draft_shows_its_purge_date(stack, carla):
    demand = new_draft(carla)
    due = q1(stack, "SELECT to_char(due_at AT TIME ZONE 'Europe/Zurich', 'DD.MM.YYYY')"
                    "  FROM timers WHERE demand_id = :'p1' AND action = 'purge'"
                    "   AND status = 'pending'", demand)
    assert due, "a draft has a purge timer"
    t = text_of(carla.get(f"/demands/{demand}").text)
    assert f"ce brouillon sera supprimé le {due}" in t


def days_left(stack, demand, action):
    return stack.sql("SELECT round(extract(epoch FROM due_at - now()) / 86400)::int FROM timers"
                     " WHERE demand_id = :'p1' AND action = :'p2' AND status = 'pending'",
                     demand, action)[0][0]


def test_purge_warning_mail_seven_days_before_the_purge(stack, carla):
    demand = new_draft(carla)
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    assert (days_left(stack, demand, "purge"), days_left(stack, demand, "fire")) == ("60", "53")
    # ten days pass (both timers come closer) ...
    stack.sql("UPDATE timers SET due_at = due_at - interval '10 days'"
              " WHERE demand_id = :'p1'", demand)
    assert (days_left(stack, demand, "purge"), days_left(stack, demand, "fire")) == ("50", "43")
    # ... and a save restarts both: the warning follows the purge timer
    r = post_page(carla, demand, "applicant", {"contact-name": "Carla Rossi"}, nav="save")
    assert r.status == 303, r
    assert (days_left(stack, demand, "purge"), days_left(stack, demand, "fire")) == ("60", "53")

    # the warning is due: the scheduler mails the owner, the draft stays a draft
    stack.sql("UPDATE timers SET due_at = now() - interval '1 second'"
              " WHERE demand_id = :'p1' AND action = 'fire'", demand)
    r = stack.guichet("scheduler", "--once")
    assert r.returncode == 0, r.stderr
    m = wait_for_mail(stack, "carla.rossi@exemple.test", ref)
    assert "supprimé dans 7 jours" in str(m.get("Subject")) or "7 jours" in m.as_string()
    assert q1(stack, "SELECT state FROM demands WHERE id = :'p1'", demand) == "draft"
    assert days_left(stack, demand, "purge") == "60", "the warning does not restart the purge"
    t = text_of(carla.get(f"/demands/{demand}").text)
    assert "Avertissement avant suppression envoyé" in t


def test_new_param_is_declared(carla):
    r = carla.post("/demands", data={"workflow": "subsidy", "new": "2", "csrf": carla.token})
    assert r.status == 400, r


# --- rough edges -----------------------------------------------------------------------

def test_discarded_draft_is_not_submitted_nor_at_100(stack, carla):
    demand = new_draft(carla)
    r = fire(carla, demand, "discard", version=version_of(stack, demand))
    assert r.status == 303, r
    row = stack.sql("SELECT submitted_at IS NULL, progress FROM demands WHERE id = :'p1'", demand)
    assert tuple(row[0]) == ("t", "0"), row
    t = text_of(carla.get(f"/demands/{demand}").text)
    assert "Retirée" in t
    assert "Transmise le" not in t and "100" not in t


def submitted(stack, client):
    """A subsidy demand filled in page by page and submitted."""
    demand = new_draft(client)
    pages = [
        ("applicant", {"contact-name": "Carla Rossi", "contact-function": "trésorière",
                       "contact-email": "carla.rossi@exemple.test",
                       "contact-phone": "021 316 11 11"}, None),
        ("project", {"project-title": "Festival des Arches", "discipline": "music",
                     "description": DESCRIPTION, "start-date": "01.06.2027",
                     "end-date": "30.06.2027", "place": "Place de la Riponne, Lausanne",
                     "place-npa": "1005"}, None),
        ("budget", {"total-budget": "12000", "amount-requested": "5000"}, None),
        ("documents", {}, {"budget-file": ("budget.pdf", PDF, "application/pdf"),
                           "project-file": ("dossier.pdf", PDF, "application/pdf")}),
        ("bank", {"account-holder": "Kiosque du Marché", "iban": GOOD_IBAN}, None),
    ]
    for page, data, files in pages:
        r = post_page(client, demand, page, data, files=files)
        assert r.status == 303, (page, r, r.text[-3000:])
    r = fire(client, demand, "submit", version=version_of(stack, demand))
    assert r.status == 303, r
    return demand


@pytest.fixture(scope="module")
def filed(stack, carla):
    return submitted(stack, carla)


def test_agents_have_their_queues_in_the_header_and_their_own_wording(stack, carla, filed):
    agnes = logged_in(stack, "agnes")
    header = agnes.get("/catalogue").text.split("<main", 1)[0]
    assert 'href="/agent"' in header and "Mes files de traitement" in header
    assert 'href="/agent"' not in carla.get("/catalogue").text.split("<main", 1)[0]

    demand = filed
    t = text_of(agnes.get(f"/demands/{demand}").text)
    assert "a reçu votre demande" not in t
    assert "Les étapes qui vous reviennent" in t
    assert "Le SERAC a reçu votre demande" in text_of(carla.get(f"/demands/{demand}").text)


# --- the printable copy ----------------------------------------------------------------

def test_printable_copy(stack, carla, filed):
    demand = filed
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    page = carla.get(f"/demands/{demand}")
    assert f'href="/demands/{demand}/print"' in page.text
    p = carla.get(f"/demands/{demand}/print")
    assert p.status == 200, p
    t = text_of(p.text)
    assert "Copie imprimable" in t and ref in t
    assert "Carla Rossi" in t and "Kiosque du Marché" in t
    assert "Personne de contact" in t and "Coordonnées bancaires" in t
    assert "Historique" in t and "Documents" in t
    assert "/fire/" not in p.text and "/page/" not in p.text
    # the agent may print it too; a stranger may not know it exists
    assert logged_in(stack, "agnes").get(f"/demands/{demand}/print").status == 200
    assert logged_in(stack, "bruno").get(f"/demands/{demand}/print").status == 404
    # drafts have no printable copy link
    draft = new_draft(carla)
    assert "/print" not in carla.get(f"/demands/{draft}").text


# --- duplicate -------------------------------------------------------------------------

def test_duplicate_copies_values_and_documents_into_a_new_draft(stack, carla, filed):
    page = carla.get(f"/demands/{filed}")
    assert f'action="/demands/{filed}/duplicate"' in page.text
    r = carla.post(f"/demands/{filed}/duplicate", data={"csrf": carla.token})
    assert r.status == 303, r
    copy = re.match(r"/demands/([0-9a-f-]{36})\?duplicated=1$", r.headers["location"]).group(1)
    assert copy != filed
    row = stack.sql("SELECT state, form_data->>'project-title', form_data->>'iban',"
                    "       submitted_at IS NULL FROM demands WHERE id = :'p1'", copy)[0]
    assert (row[0], row[1], row[3]) == ("draft", "Festival des Arches", "t") and row[2], row
    # the files are copies made by the database, under new ids, for the new draft
    docs = stack.sql("SELECT field, sha256 FROM documents WHERE demand_id = :'p1' ORDER BY field",
                     copy)
    orig = stack.sql("SELECT field, sha256 FROM documents WHERE demand_id = :'p1'"
                     " AND field IN ('budget-file', 'project-file') ORDER BY field", filed)
    assert docs == orig and len(docs) == 2, (docs, orig)
    t = text_of(carla.get(r.headers["location"]).text)
    assert "Nouveau brouillon créé à partir de la demande précédente" in t
    assert "dossier.pdf" in t
    # a draft is not duplicated
    r = carla.post(f"/demands/{copy}/duplicate", data={"csrf": carla.token})
    assert r.status == 409, r
    # a stranger cannot, and learns nothing
    bruno = logged_in(stack, "bruno")
    before = written(stack)
    assert bruno.post(f"/demands/{filed}/duplicate", data={"csrf": bruno.token}).status == 404
    assert written(stack) == before


def test_duplicate_refused_after_a_version_change(stack, carla, filed):
    # publish a new version of the procedure (its title changed)
    stack.sql(
        "INSERT INTO definitions (workflow_key, version, sha256, xml, source)"
        " SELECT workflow_key, version + 1, encode(sha256(convert_to(x, 'UTF8')), 'hex'), x,"
        "        source"
        "   FROM (SELECT workflow_key, version, source,"
        "                replace(xml, 'Demande de soutien culturel<',"
        "                        'Demande de soutien culturel 2027<') AS x"
        "           FROM definitions WHERE workflow_key = 'subsidy'"
        "          ORDER BY version DESC LIMIT 1) v")
    stack.reload_engine()
    deadline = time.time() + 30
    while True:
        page = carla.get(f"/demands/{filed}")
        if "Cette démarche a changé depuis le dépôt" in text_of(page.text):
            break
        assert time.time() < deadline, "the new version was not seen"
        time.sleep(0.3)
    assert f'action="/demands/{filed}/duplicate"' not in page.text
    before = written(stack)
    r = carla.post(f"/demands/{filed}/duplicate", data={"csrf": carla.token})
    assert r.status == 409, r
    assert "Cette démarche a changé" in text_of(r.text)
    assert written(stack) == before

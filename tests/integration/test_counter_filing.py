# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_counter_filing.py -- at the counter (issue 11): an agent files a demand
on behalf of a person who came in, through nginx, the engine, PostgreSQL, the
identity provider and the SMTP sink, with the demo world:

  agnes   agent of serac (the subsidy's service)
  cyril   agent of cyber (opening a professional space)
  oscar   agent of population (a group no published procedure names)
  carla   verified, member of Kiosque du Marché with the subsidy's grant
  alice   verified citizen, AVS 756.1234.5678.97, member of no space
  bruno   known by e-mail only

The desk (GET /agent/<group>/file) finds the person by AVS number or e-mail;
POST /agent/<group>/file creates the draft owned by the person, judged by
wf_may_start for the person (refused: the reason, nothing created); the
filing agent plays the owner until the first submission (az_demand,
sql/0036_counter_filing.sql), every event they do is recorded as done for
the person, and the person sees the draft and got a mail.
"""
import re

import pytest

from fixtures_people import seed
from test_demand_web import (error_next_to, fingerprint, fire, input_value, logged_in, q1,
                             section, text_of, wait_for_mail)
from test_forms import fill_all
from test_listing_sets import LISTING_SQL, PAIRS_SQL

ALICE_AVS = "756.1234.5678.97"
CARLA_MAIL = "carla.rossi@exemple.test"
STATE = {}


@pytest.fixture(scope="module")
def world(stack):
    import os
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(stack.var, "mail", sub), exist_ok=True)
    return seed(stack)


@pytest.fixture(scope="module")
def agnes(stack, world):
    return logged_in(stack, "agnes")


@pytest.fixture(scope="module")
def carla(stack, world):
    return logged_in(stack, "carla", world.spaces["kiosque"])


def file_for(client, group, person, workflow, for_="self", ident="", mail_lang=None):
    data = {"csrf": client.token, "person": person, "workflow": workflow, "for": for_,
            "ident": ident}
    if mail_lang is not None:
        data["mail_lang"] = mail_lang
    return client.post(f"/agent/{group}/file", data=data)


def demand_of(location):
    m = re.fullmatch(r"/demands/([0-9a-f-]{36})/page/([a-z-]+)", location)
    assert m, location
    return m.group(1), m.group(2)


def test_the_queue_leads_to_the_desk(stack, agnes):
    r = agnes.get("/agent/serac")
    assert r.status == 200, r
    assert 'href="/agent/serac/file"' in r.text
    assert "Déposer une demande au guichet" in text_of(r.text)
    r = agnes.get("/agent/serac/file")
    assert r.status == 200, r
    t = text_of(r.text)
    assert "Déposer une demande au guichet" in t
    assert "Demande de soutien culturel" in t, t


def test_the_person_is_found_by_avs_number_or_by_e_mail(stack, world, agnes):
    r = agnes.get("/agent/serac/file?ident=7561234567897")
    assert r.status == 200, r
    t = text_of(r.text)
    assert "Alice Martin" in t and ALICE_AVS in t
    assert "identité vérifiée en personne" in t
    assert f'name="person" value="{world.persons["alice"]}"' in r.text
    assert "n’est membre d’aucun espace professionnel" in t

    r = agnes.get("/agent/serac/file?ident=CARLA.Rossi@exemple.test")
    assert r.status == 200, r
    t = text_of(r.text)
    assert "Carla Rossi" in t
    assert f'value="{world.spaces["kiosque"]}"' in r.text, "her space is offered"
    assert "Kiosque du Marché" in t
    assert input_value(r.text, "ident") == "CARLA.Rossi@exemple.test"


def test_nobody_found_or_a_wrong_number_is_said_next_to_the_field(stack, agnes):
    before = fingerprint(stack)
    r = agnes.get("/agent/serac/file?ident=756.0000.0000.02")
    assert r.status == 200, r
    assert "Aucune personne n’a de compte" in error_next_to(r.text, "f-ident")
    assert input_value(r.text, "ident") == "756.0000.0000.02"
    assert 'name="person"' not in r.text

    r = agnes.get("/agent/serac/file?ident=756.1234.5678.98")
    assert r.status == 422, r
    assert error_next_to(r.text, "f-ident"), "the check digit is refused next to the field"
    assert input_value(r.text, "ident") == "756.1234.5678.98"
    r = agnes.get("/agent/serac/file?ident=%FF%FE")
    assert r.status == 422, r
    assert error_next_to(r.text, "f-ident")
    assert fingerprint(stack) == before


def test_a_person_who_may_not_start_it_is_refused_with_the_reason_and_nothing_made(
        stack, world, agnes):
    before = fingerprint(stack)
    # a subsidy for alice herself: the procedure's own words (professional only)
    r = file_for(agnes, "serac", world.persons["alice"], "subsidy", ident=ALICE_AVS)
    assert r.status == 422, r
    t = text_of(r.text)
    assert "Alice Martin ne peut pas déposer cette demande" in t
    assert "espace sécurisé professionnel de cette entité" in t
    assert input_value(r.text, "ident") == ALICE_AVS, "the search is kept"
    assert fingerprint(stack) == before

    # opening a space needs a verified identity: bruno has an e-mail login only
    cyril = logged_in(stack, "cyril")
    r = file_for(cyril, "cyber", world.persons["bruno"], "space-open")
    assert r.status == 422, r
    assert "identité vérifiée" in text_of(r.text)
    assert 'aria-invalid="true"' in r.text
    # a procedure the group does not act in
    r = file_for(cyril, "cyber", world.persons["alice"], "subsidy")
    assert r.status == 422, r
    assert "n’intervient pas dans cette démarche" in text_of(r.text)
    # a space the person is not a member of
    r = file_for(agnes, "serac", world.persons["alice"], "subsidy", world.spaces["kiosque"])
    assert r.status == 422, r
    assert fingerprint(stack) == before


def test_agnes_files_a_subsidy_for_carla_and_her_kiosk(stack, world, agnes, carla):
    r = file_for(agnes, "serac", world.persons["carla"], "subsidy", world.spaces["kiosque"])
    assert r.status == 303, (r, r.text[:2000])
    demand, page = demand_of(r.headers["location"])
    assert page == "applicant"
    STATE["id"] = demand
    row = stack.sql("SELECT owner_person_id, owner_space_id, filed_by, filed_group, state,"
                    "       reference FROM demands WHERE id = :'p1'", demand)[0]
    assert row[:5] == (world.persons["carla"], world.spaces["kiosque"], world.persons["agnes"],
                       "serac", "draft")
    STATE["ref"] = row[5]
    ev = stack.sql("SELECT transition, actor_person_id, actor_role FROM events"
                   " WHERE demand_id = :'p1'", demand)
    assert ev == [("create", world.persons["agnes"], "agent:serac")]

    # the form speaks of carla, not of the agent who opened it
    r = agnes.get(r.headers["location"])
    assert r.status == 200, r
    assert input_value(r.text, "contact-name") == "Carla Rossi"
    assert input_value(r.text, "contact-email") == CARLA_MAIL

    # her own wallet is not offered in carla's form (only the owner side's)
    stack.sql("INSERT INTO documents (owner_person_id, filename, mime, content, uploaded_by)"
              " SELECT :'p1', 'agnes-own-wallet.pdf', 'application/pdf', '%PDF-1.4 x'::bytea,"
              " :'p1' WHERE NOT EXISTS (SELECT 1 FROM documents"
              "                          WHERE filename = 'agnes-own-wallet.pdf')",
              world.persons["agnes"])
    r = agnes.get(f"/demands/{demand}/page/documents")
    assert r.status == 200, r
    assert "agnes-own-wallet.pdf" not in r.text
    assert agnes.get("/wallet").status == 200 and "agnes-own-wallet.pdf" in agnes.get("/wallet").text

    # the desk lists it, to resume
    r = agnes.get("/agent/serac/file")
    assert STATE["ref"] in text_of(r.text) and f'href="/demands/{demand}"' in r.text

    # carla sees the draft on her dashboard, marked, and got a mail
    dash = carla.get("/dashboard").text
    drafts = section(dash, "b-draft")
    assert STATE["ref"] in drafts and "déposée au guichet" in text_of(drafts)
    wait_for_mail(stack, CARLA_MAIL, "Agn\u00e8s Dubois")
    assert q1(stack, "SELECT count(*) FROM outbox WHERE demand_id = :'p1'"
                     " AND template = 'counter-filed'", demand) == "1"


def test_the_agent_chooses_the_language_the_person_is_written_to_in(stack, world, agnes):
    """The desk asks for the person's language of correspondence, the agent's
    own by default; the demand is in it, and so is the mail it sends."""
    import email.header
    r = agnes.get(f"/agent/serac/file?ident={CARLA_MAIL}")
    assert r.status == 200, r
    assert re.search(r'<label for="f-mail-lang">Langue de correspondance</label>', r.text)
    assert re.search(r'<option value="fr" lang="fr" selected>Français</option>',
                     r.text), "the agent's language first"

    r = file_for(agnes, "serac", world.persons["carla"], "subsidy", world.spaces["kiosque"],
                 mail_lang="de")
    assert r.status == 303, (r, r.text[:2000])
    demand, _ = demand_of(r.headers["location"])
    assert q1(stack, "SELECT lang FROM demands WHERE id = :'p1'", demand) == "de"
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    mail = wait_for_mail(stack, CARLA_MAIL, "Am Schalter hat", about=ref)
    subject = str(email.header.make_header(email.header.decode_header(mail.get("Subject"))))
    assert subject.startswith("Am Schalter wurde für Sie ein Gesuch eröffnet"), subject

    # a language the portal does not write in: the agent's
    r = file_for(agnes, "serac", world.persons["carla"], "subsidy", world.spaces["kiosque"],
                 mail_lang="it")
    assert r.status == 303, r
    demand, _ = demand_of(r.headers["location"])
    assert q1(stack, "SELECT lang FROM demands WHERE id = :'p1'", demand) == "fr"


def test_strangers_to_the_counter_draft_are_refused(stack, world, carla):
    demand = STATE["id"]
    before = fingerprint(stack)
    oscar = logged_in(stack, "oscar")
    alice = logged_in(stack, "alice")
    for client in (oscar, alice):
        assert client.get(f"/demands/{demand}").status == 404
        assert client.get(f"/demands/{demand}/page/applicant").status == 404
        assert client.get("/agent/serac/file").status == 403
        r = file_for(client, "serac", world.persons["carla"], "subsidy", world.spaces["kiosque"])
        assert r.status == 403, r
    david = logged_in(stack, "david", world.spaces["kiosque"])
    assert david.get(f"/demands/{demand}").status == 403, "a member without the grant"
    assert fingerprint(stack) == before
    assert carla.get(f"/demands/{demand}").status == 200, "the owner sees her draft"
    # agnes plays the owner acting for herself only: from a space (were she a
    # member of one) she is told to switch, and the dashboards' set form
    # (az_sees) says the same as authz_may on every person, context, demand
    assert q1(stack, "SELECT m.verdict || ':' || m.reason"
                     "  FROM authz_may(:'p1', :'p2', 'view-demand', :'p3', NULL) m",
              world.persons["agnes"], world.spaces["kiosque"], demand) == \
        "deny:authz.switch_to_self"
    total, may, sees, diff = stack.sql(PAIRS_SQL)[0]
    assert diff == "[]" and may == sees
    listed, allowed, differ, count_differ = stack.sql(LISTING_SQL)[0]
    assert (listed, differ, count_differ) == (allowed, "0", "0")


def test_agnes_fills_and_submits_it_for_carla_and_the_history_says_so(stack, world, agnes,
                                                                       carla):
    demand = STATE["id"]
    r = fill_all(agnes, demand)
    assert r.headers["location"] == f"/demands/{demand}/review", r.headers["location"]
    docs = stack.sql("SELECT DISTINCT uploaded_by, owner_person_id, owner_space_id FROM documents"
                     " WHERE demand_id = :'p1'", demand)
    assert docs == [(world.persons["agnes"], world.persons["carla"], world.spaces["kiosque"])]
    r = agnes.get(f"/demands/{demand}")
    version = int(re.search(r'name="version" value="(\d+)"', r.text).group(1))
    r = fire(agnes, demand, "submit", version=version)
    assert r.status == 303, (r, r.text[:2000])
    assert q1(stack, "SELECT state FROM demands WHERE id = :'p1'", demand) == "submitted"

    # every event after the creation: agnes as actor, for carla
    rows = stack.sql("SELECT transition, actor_person_id, on_behalf_of FROM events"
                     " WHERE demand_id = :'p1' AND transition <> 'create'"
                     " ORDER BY demand_version", demand)
    assert rows and rows[-1][0] == "submit", rows
    assert all(a == world.persons["agnes"] and b == world.persons["carla"] for _, a, b in rows)

    for client in (agnes, carla):
        r = client.get(f"/demands/{demand}")
        assert r.status == 200, r
        t = text_of(r.text)
        assert "Déposée au guichet par Agnès Dubois" in t
        assert "déposée au guichet par Agnès Dubois" in t and "pour Carla Rossi" in t
        assert "Agnès Dubois, au guichet, pour Carla Rossi" in t
    r = carla.get(f"/demands/{demand}/print")
    assert r.status == 200 and "Déposée au guichet par Agnès Dubois" in text_of(r.text)


def test_once_submitted_the_agent_is_staff_again_not_the_owner(stack, world, agnes, carla):
    demand = STATE["id"]
    before = fingerprint(stack)
    r = fire(agnes, demand, "withdraw")
    assert r.status == 403, r
    assert fingerprint(stack) == before
    # she still sees it as staff of serac, and it is no longer a draft to resume
    assert agnes.get(f"/demands/{demand}").status == 200
    assert STATE["ref"] not in text_of(agnes.get("/agent/serac/file").text)
    assert q1(stack, "SELECT (authz_may(:'p1', NULL, 'fire-transition', :'p2', 'owner')).verdict",
              world.persons["agnes"], demand) == "deny"
    # carla, the owner, still may
    assert q1(stack, "SELECT (authz_may(:'p1', :'p3', 'fire-transition', :'p2', 'owner')).verdict",
              world.persons["carla"], demand, world.spaces["kiosque"]) == "allow"
    dash = carla.get("/dashboard").text
    assert STATE["ref"] in section(dash, "b-in-progress")


def test_cyril_opens_a_space_for_alice_at_the_counter(stack, world):
    cyril = logged_in(stack, "cyril")
    r = cyril.get(f"/agent/cyber/file?ident={ALICE_AVS}")
    assert r.status == 200 and "Alice Martin" in text_of(r.text)
    r = file_for(cyril, "cyber", world.persons["alice"], "space-open", ident=ALICE_AVS)
    assert r.status == 303, (r, r.text[:2000])
    demand, page = demand_of(r.headers["location"])
    assert page == "entity"
    assert stack.sql("SELECT owner_person_id, owner_space_id, filed_group FROM demands"
                     " WHERE id = :'p1'", demand)[0] == (world.persons["alice"], "", "cyber")
    alice = logged_in(stack, "alice")
    assert alice.get(f"/demands/{demand}").status == 200
    # agnes, of another group, does not see cyril's counter draft
    assert logged_in(stack, "agnes").get(f"/demands/{demand}").status == 404

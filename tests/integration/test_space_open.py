# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_space_open.py -- opening a professional space (workflows/space_open.xml,
sql/0022_space_open.sql, engine/ide_register.c) through nginx, the engine,
PostgreSQL, the identity provider and the SMTP sink, with the demo world and
the IDE register of data/ref/ (fixtures_people.seed):

  lea     verified citizen, registered with individual signature for the
          association "Chœur des Trois Lacs" (CHE-315.620.489, no space yet)
  lucas   verified, individual signatory of "Atelier Graphique Girard Sàrl"
  alice   verified citizen, signatory of nothing
  bruno   known by e-mail only
  cyril   agent of the group "cyber" (Cyberadministration)

The applicant types the IDE number (an unknown one is refused next to the
field with the federal register's advice); name, legal form and address
come from the register; the documents asked follow from the legal form and
the signature (a rule of the definition); cyril validates (the space is
created, pending, and a code letter to the registered address is queued),
asks to complete, or refuses; the applicant confirms with the code from the
letter (three wrong ones lock entry 30 minutes) and becomes the space's only
référent; a code not typed in 30 days ends the demand.
"""
import re

import pytest

from fixtures_people import seed
from test_demand_web import (PDF, error_next_to, fire, logged_in, post_page, q1, state_of,
                             text_of, wait_for_mail)

CHOEUR = "CHE-315.620.489"        # association, lea signs alone
JARDINS = "CHE-524.178.364"       # association, two collective signatories
MOULIN = "CHE-637.281.948"        # foundation, three collective signatories
JAQUET = "CHE-748.392.050"        # SA, two collective signatories
GIRARD = "CHE-859.403.161"        # Sàrl, lucas signs alone
BOURG = "CHE-960.514.276"         # SA, one individual signatory (not a demo account)
UNKNOWN = "CHE-204.158.730"       # check digit right, not in the register
WORKFLOW = "space-open"

# test-only register rows (the shipped CSV stays the demo's): entities that
# several tests may open without meeting each other's pending spaces
EXTRA_SQL = r"""
INSERT INTO ide_register (ide, name, legal_form, street, house_number, postcode, locality)
VALUES (:'p1', :'p2', :'p3', 'Rue des Tests', '1', '1000', 'Lausanne')
ON CONFLICT (ide) DO NOTHING
"""


# The code printed on a letter: kept aside by the test as the letter is
# queued (the letter's own copy goes once its PDF is made, by the letters
# job, which may run before the test reads it)
CODES_SQL = r"""
CREATE TABLE IF NOT EXISTS test_letter_codes (letter_id bigint PRIMARY KEY, code text);
CREATE OR REPLACE FUNCTION test_keep_letter_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO test_letter_codes VALUES (NEW.id, NEW.data->>'code') ON CONFLICT DO NOTHING;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS test_keep_letter_code ON letters;
CREATE TRIGGER test_keep_letter_code AFTER INSERT ON letters
    FOR EACH ROW EXECUTE FUNCTION test_keep_letter_code();
"""


@pytest.fixture(scope="module")
def world(stack):
    import os
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(stack.var, "mail", sub), exist_ok=True)
    w = seed(stack)
    stack.sql(CODES_SQL)
    return w


@pytest.fixture(scope="module")
def cyril(stack, world):
    return logged_in(stack, "cyril")


def new_demand(client):
    r = client.post("/demands", data={"workflow": WORKFLOW, "new": "1", "csrf": client.token})
    assert r.status == 303, r
    m = re.fullmatch(r"/demands/([0-9a-f-]{36})/page/entity", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


def identify(client, demand, ide):
    r = post_page(client, demand, "entity", {"ide": ide}, nav="save")
    assert r.status == 303, r
    return fire(client, demand, "identify")


def pdf(name):
    return (name, PDF, "application/pdf")


def submit(client, demand, files):
    return fire(client, demand, "submit", files={k: pdf(f"{k}.pdf") for k in files} or None)


def reference_of(stack, demand):
    return q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)


def letter_of(stack, demand):
    rows = stack.sql("SELECT l.template, l.recipient::text, k.code FROM letters l"
                     "  JOIN test_letter_codes k ON k.letter_id = l.id"
                     " WHERE l.demand_id = :'p1' ORDER BY l.id", demand)
    return rows


def data_error(page, field):
    """The refusal shown next to field's answer on the demand page (the
    error summary links to its form page)."""
    m = re.search(r'<dt id="f-%s">.*?</dt><dd>(.*?)</dd>' % re.escape(field), page, re.S)
    if not m:
        return None
    e = re.search(r'<span class="error-msg">(.*?)</span>', m.group(1), re.S)
    return text_of(e.group(1)) if e else None


# --- the IDE number ------------------------------------------------------------------

def test_an_unknown_ide_is_refused_next_to_the_field_with_the_registers_advice(stack, world):
    alice = logged_in(stack, "alice")
    demand = new_demand(alice)
    r = identify(alice, demand, UNKNOWN)
    assert r.status == 422, r
    msg = data_error(r.text, "ide")
    assert msg and "pas inscrit au registre IDE" in msg and "uid.admin.ch" in msg, r.text
    assert f'href="/demands/{demand}/page/entity#f-ide"' in r.text, "the summary links the field"
    assert UNKNOWN in r.text, "what was typed is kept"
    assert state_of(stack, demand) == "draft"
    assert q1(stack, "SELECT count(*) FROM events WHERE demand_id = :'p1'", demand) == "1"
    # a malformed one is the field's own check (format, check digit)
    r = post_page(alice, demand, "entity", {"ide": "CHE-204.158.731"}, nav="save")
    assert r.status == 422, r
    assert error_next_to(r.text, "f-ide"), r.text
    # ... also when sent with the step: the check digit is named, not the register
    r = fire(alice, demand, "identify", {"ide": "CHE-204.158.731"})
    assert r.status == 422, r
    msg = data_error(r.text, "ide")
    assert msg and "pas valable" in msg and "pas inscrit" not in msg, msg
    assert state_of(stack, demand) == "draft"


def test_an_entity_with_its_space_already_is_refused_next_to_the_field(stack, world):
    alice = logged_in(stack, "alice")
    demand = new_demand(alice)
    r = identify(alice, demand, "CHE-109.347.829")          # Kiosque du Marché: active
    assert r.status == 422, r
    msg = data_error(r.text, "ide")
    assert msg and "déjà un espace professionnel" in msg and "référent" in msg, r.text
    assert state_of(stack, demand) == "draft"
    assert fire(alice, demand, "discard").status == 303


# the guard entity-kind on a demand from a personal space: the register's
# entity of its IDE field (a procedure of the test's own, published here)
KIND_XML = """<?xml version="1.0" encoding="UTF-8"?>
<workflow xmlns="urn:guichet:workflow:1" id="guichet-test-entity-kind">
  <title xml:lang="fr">Sonde entity-kind</title>
  <audience space="personal"/>
  <form id="f"><page id="p"><title xml:lang="fr">P</title>
    <field name="ide" type="ide" required="yes"><label xml:lang="fr">IDE</label></field>
  </page></form>
  <states initial="a">
    <state id="a" bucket="draft" form="f"><label xml:lang="fr">A</label></state>
    <state id="b" bucket="archived" final="yes"><label xml:lang="fr">B</label></state>
  </states>
  <transition id="go" from="a" to="b" by="owner" form="f" guard="entity-kind=association">
    <label xml:lang="fr">Pour une association</label></transition>
</workflow>
"""


def test_entity_kind_holds_on_the_registers_entity_of_a_personal_demand(stack, world):
    stack.sql("SELECT wf_publish('guichet-test-entity-kind',"
              " encode(sha256(convert_to(:'p1', 'UTF8')), 'hex'), :'p1', 'test_space_open')",
              KIND_XML)
    alice = logged_in(stack, "alice")
    r = alice.post("/demands", data={"workflow": "guichet-test-entity-kind", "new": "1",
                                      "csrf": alice.token})
    assert r.status == 303, r
    demand = re.search(r"/demands/([0-9a-f-]{36})", r.headers["location"]).group(1)
    assert post_page(alice, demand, "p", {"ide": JAQUET}, nav="save").status == 303
    r = fire(alice, demand, "go")
    assert r.status == 403, r                               # an SA is a company
    assert state_of(stack, demand) == "a"
    assert post_page(alice, demand, "p", {"ide": JARDINS}, nav="save").status == 303
    r = fire(alice, demand, "go")
    assert r.status == 303, r
    assert state_of(stack, demand) == "b"


# --- the main path, by every actor ---------------------------------------------------

def open_to_checking(stack, client, ide, files):
    """A demand of client's for ide, identified and submitted with files."""
    demand = new_demand(client)
    r = identify(client, demand, ide)
    assert r.status == 303, r
    assert state_of(stack, demand) == "documents"
    r = submit(client, demand, files)
    assert r.status == 303, r
    assert state_of(stack, demand) == "checking"
    return demand


def test_lea_opens_the_space_of_her_association_and_becomes_its_referent(stack, world, cyril):
    lea = logged_in(stack, "lea")
    demand = new_demand(lea)
    r = identify(lea, demand, CHOEUR)
    assert r.status == 303, r
    assert state_of(stack, demand) == "documents"
    # the register's facts, not typed: shown to her
    page = text_of(lea.get(f"/demands/{demand}").text)
    for words in ("Chœur des Trois Lacs", "Association", "c/o Léa Bonvin", "Rue du Valentin 12",
                  "1004 Lausanne", "signature individuelle"):
        assert words in page, words
    assert f'/demands/{demand}/page/register' not in lea.get(f"/demands/{demand}").text, \
        "the register's data cannot be edited"
    # an association: statutes and minutes; she signs alone: no designation
    r = lea.get(f"/demands/{demand}/page/association")
    assert r.status == 200 and 'name="statutes"' in r.text and 'name="minutes"' in r.text, r
    assert lea.get(f"/demands/{demand}/page/designation").status != 200
    # what she might post for the register's fields is not taken
    r = post_page(lea, demand, "association", {"legal-form": "sa", "entity-name": "Autre"},
                  nav="save")
    assert q1(stack, "SELECT form_data->>'legal-form' || '/' || (form_data->>'entity-name')"
                     " FROM demands WHERE id = :'p1'", demand) == \
        "association/Chœur des Trois Lacs"
    # nothing attached: refused, each document named next to its field
    r = submit(lea, demand, [])
    assert r.status == 422, r
    assert data_error(r.text, "statutes") and data_error(r.text, "minutes"), r.text
    r = submit(lea, demand, ["statutes", "minutes"])
    assert r.status == 303, r
    assert state_of(stack, demand) == "checking"
    ref = reference_of(stack, demand)
    wait_for_mail(stack, "lea.bonvin@exemple.test", ref)
    wait_for_mail(stack, "cyril.pittet@exemple.test", ref)

    # cyril: in his queue, he validates
    r = cyril.get("/agent/cyber")
    assert r.status == 200 and ref in r.text, r
    r = fire(cyril, demand, "validate")
    assert r.status == 303, r
    assert state_of(stack, demand) == "code-sent"
    space, status, referent = stack.sql(
        "SELECT s.id, s.status, s.referent_person_id FROM demands d"
        "  JOIN spaces s ON s.id = d.subject_space_id WHERE d.id = :'p1'", demand)[0]
    assert (status, referent) == ("pending", world.persons["lea"])
    # the letter to the registered address, with the code
    [(template, recipient, code)] = letter_of(stack, demand)
    assert template == "space-activation"
    import json
    rcp = json.loads(recipient)
    assert (rcp["name"], rcp.get("care_of"), rcp["street"], rcp.get("house_number"),
            rcp["postcode"], rcp["locality"]) == \
        ("Chœur des Trois Lacs", "Léa Bonvin", "Rue du Valentin", "12", "1004", "Lausanne")
    assert code and len(code) >= 6
    wait_for_mail(stack, "lea.bonvin@exemple.test", "code d’activation")

    # lea: "Confirmer l'ouverture" under "à traiter"
    dash = lea.get("/dashboard").text
    assert ref in dash and "Confirmer l" in text_of(dash)
    r = fire(lea, demand, "confirm", {"code": code})
    assert r.status == 303, r
    assert state_of(stack, demand) == "opened"
    assert stack.sql("SELECT status, referent_person_id FROM spaces WHERE id = :'p1'", space) \
        == [("active", world.persons["lea"])]
    assert q1(stack, "SELECT count(*) FROM memberships WHERE space_id = :'p1'"
                     " AND ended_at IS NULL", space) == "1"
    trail = stack.sql("SELECT action, person_id FROM space_events WHERE space_id = :'p1'"
                      " ORDER BY id", space)
    assert [a for a, _ in trail] == ["create", "activate"]
    assert trail[0][1] == world.persons["lea"]
    wait_for_mail(stack, "lea.bonvin@exemple.test", "référent")
    # the context choice offers the new space
    t = text_of(lea.get("/context").text)
    assert "Léa Bonvin, pour Chœur des Trois Lacs" in t, t


# --- the documents follow from the register -------------------------------------------

@pytest.mark.parametrize("account, ide, asked", [
    ("alice", JARDINS, ["statutes", "minutes", "designation"]),   # association, collective
    ("alice", MOULIN, ["foundation-deed", "designation"]),         # foundation, collective
    ("alice", JAQUET, ["designation"]),                            # SA, collective
    ("alice", BOURG, ["designation"]),       # SA, individual signature, but not hers
    ("lucas", GIRARD, []),                   # Sàrl, he is the individual signatory
])
def test_the_documents_asked_follow_the_legal_form_and_the_signature(stack, world, account,
                                                                     ide, asked):
    c = logged_in(stack, account)
    demand = new_demand(c)
    assert identify(c, demand, ide).status == 303
    every = ["statutes", "minutes", "foundation-deed", "designation"]
    page = c.get(f"/demands/{demand}").text
    for name in every:
        if name in asked:
            assert f'id="f-{name}"' in page, name
        else:
            assert f'id="f-{name}"' not in page, name
    if asked:
        r = submit(c, demand, [])
        assert r.status == 422, r
        assert sorted(e for e in every if data_error(r.text, e)) == sorted(asked)
        # one missing is still refused
        r = submit(c, demand, asked[1:])
        assert r.status == 422 and data_error(r.text, asked[0]), r
    r = submit(c, demand, asked)
    assert r.status == 303, r
    assert state_of(stack, demand) == "checking"
    stored = q1(stack, "SELECT string_agg(field, ' ' ORDER BY field) FROM documents"
                       " WHERE demand_id = :'p1'", demand)
    assert (stored or "") == " ".join(sorted(asked))
    # not left for the other tests: the applicant withdraws it
    assert fire(c, demand, "withdraw").status == 303


# --- side paths --------------------------------------------------------------------

def test_cyril_refuses_with_a_comment_and_no_space_is_made(stack, world, cyril):
    alice = logged_in(stack, "alice")
    demand = open_to_checking(stack, alice, JAQUET, ["designation"])
    r = fire(cyril, demand, "refuse")
    assert r.status == 422, "a refusal says why"
    assert state_of(stack, demand) == "checking"
    r = fire(cyril, demand, "refuse", {"comment": "Le document de désignation n'est pas signé."})
    assert r.status == 303, r
    assert state_of(stack, demand) == "refused"
    assert q1(stack, "SELECT subject_space_id IS NULL FROM demands WHERE id = :'p1'",
              demand) == "t"
    assert q1(stack, "SELECT count(*) FROM entities WHERE ide = :'p1'", JAQUET) == "0"
    assert q1(stack, "SELECT count(*) FROM letters WHERE demand_id = :'p1'", demand) == "0"
    m = wait_for_mail(stack, "alice.martin@exemple.test", "pas signé")
    assert "refusée" in str(m.get("Subject")) or "refus" in m.as_string()
    # the applicant cannot validate her own demand, nor can another agent
    agnes = logged_in(stack, "agnes")
    assert agnes.get(f"/demands/{demand}").status == 404


def test_ask_to_complete_goes_back_to_the_applicant_and_returns(stack, world, cyril):
    alice = logged_in(stack, "alice")
    demand = open_to_checking(stack, alice, MOULIN, ["foundation-deed", "designation"])
    ref = reference_of(stack, demand)
    r = fire(cyril, demand, "ask-completion")
    assert r.status == 422, "the comment says what is missing"
    r = fire(cyril, demand, "ask-completion",
             {"comment": "Il manque la signature de Claire Bovay sur la désignation."})
    assert r.status == 303, r
    assert state_of(stack, demand) == "incomplete"
    wait_for_mail(stack, "alice.martin@exemple.test", "Claire Bovay")
    # alice: under "à compléter", the comment on top; she sends a new designation
    dash = alice.get("/dashboard").text
    assert ref in dash
    page = text_of(alice.get(f"/demands/{demand}").text)
    assert "Claire Bovay" in page and "À compléter" in page
    r = post_page(alice, demand, "designation", {}, nav="save")
    r = fire(alice, demand, "resubmit", files={"designation": pdf("designation-2.pdf")})
    assert r.status == 303, r
    assert state_of(stack, demand) == "checking"
    assert q1(stack, "SELECT form_data->'designation'->>'filename' FROM demands"
                     " WHERE id = :'p1'", demand) == "designation-2.pdf"
    wait_for_mail(stack, "cyril.pittet@exemple.test", ref)
    r = fire(cyril, demand, "validate")
    assert r.status == 303, r
    assert state_of(stack, demand) == "code-sent"
    assert q1(stack, "SELECT s.status FROM demands d JOIN spaces s ON s.id = d.subject_space_id"
                     " WHERE d.id = :'p1'", demand) == "pending"
    # the letter goes to the register's address, post box included
    rcp = q1(stack, "SELECT recipient->>'post_box' || '|' || (recipient->>'locality')"
                    " FROM letters WHERE demand_id = :'p1'", demand)
    assert rcp == "Case postale 45|Moudon"


def test_three_wrong_codes_lock_entry_30_minutes_then_the_right_one_opens(stack, world,
                                                                         cyril):
    stack.sql(EXTRA_SQL, "CHE-100.000.012", "Société de tir des Trois Sapins", "association")
    alice = logged_in(stack, "alice")
    demand = open_to_checking(stack, alice, "CHE-100.000.012",
                              ["statutes", "minutes", "designation"])
    assert fire(cyril, demand, "validate").status == 303
    [(_, _, code)] = letter_of(stack, demand)
    wrong = "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"
    for left in ("2", "1"):
        r = fire(alice, demand, "confirm", {"code": wrong})
        assert r.status == 422, r
        assert left in (error_next_to(r.text, "t-confirm-code") or ""), r.text
    r = fire(alice, demand, "confirm", {"code": wrong})
    assert r.status == 422
    assert "bloquée" in (error_next_to(r.text, "t-confirm-code") or ""), r.text
    # locked: even the right code waits, and nothing was written
    r = fire(alice, demand, "confirm", {"code": code})
    assert r.status == 422 and "bloquée" in (error_next_to(r.text, "t-confirm-code") or ""), r.text
    assert state_of(stack, demand) == "code-sent"
    assert q1(stack, "SELECT failures FROM codes WHERE demand_id = :'p1'", demand) == "3"
    assert q1(stack, "SELECT s.status FROM demands d JOIN spaces s ON s.id = d.subject_space_id"
                     " WHERE d.id = :'p1'", demand) == "pending"
    # half an hour later (the stored lock moved, not slept)
    stack.sql("UPDATE codes SET locked_until = now() - interval '1 second'"
              " WHERE demand_id = :'p1'", demand)
    r = fire(alice, demand, "confirm", {"code": code.lower()})
    assert r.status == 303, r
    assert state_of(stack, demand) == "opened"
    assert q1(stack, "SELECT s.status || ' ' || (s.referent_person_id = :'p2')"
                     " FROM demands d JOIN spaces s ON s.id = d.subject_space_id"
                     " WHERE d.id = :'p1'", demand, world.persons["alice"]) == "active true"


def test_an_expired_code_ends_the_demand_and_opening_again_works(stack, world, cyril):
    stack.sql(EXTRA_SQL, "CHE-100.000.029", "Fanfare du Jorat", "association")
    alice = logged_in(stack, "alice")
    demand = open_to_checking(stack, alice, "CHE-100.000.029",
                              ["statutes", "minutes", "designation"])
    assert fire(cyril, demand, "validate").status == 303
    ref = reference_of(stack, demand)
    assert q1(stack, "SELECT count(*) FROM timers WHERE demand_id = :'p1' AND status = 'pending'"
                     " AND due_at BETWEEN now() + interval '29 days' AND now() + interval '31 days'",
              demand) == "1"
    # thirty days pass: the timer is due, the code too
    stack.sql("UPDATE timers SET due_at = now() - interval '1 second'"
              " WHERE demand_id = :'p1' AND status = 'pending'", demand)
    stack.sql("UPDATE codes SET expires_at = now() - interval '1 second'"
              " WHERE demand_id = :'p1'", demand)
    r = stack.guichet("scheduler", "--once")
    assert r.returncode == 0, r.stderr
    assert state_of(stack, demand) == "expired"
    wait_for_mail(stack, "alice.martin@exemple.test", "30 jours")
    page = text_of(alice.get(f"/demands/{demand}").text)
    assert "Code échu" in page and "nouvelle demande" in page
    # starting again: the pending space left behind is closed, a new one made
    old_space = q1(stack, "SELECT subject_space_id FROM demands WHERE id = :'p1'", demand)
    again = open_to_checking(stack, alice, "CHE-100.000.029",
                             ["statutes", "minutes", "designation"])
    assert fire(cyril, again, "validate").status == 303
    assert q1(stack, "SELECT status FROM spaces WHERE id = :'p1'", old_space) == "closed"
    [(_, _, code)] = letter_of(stack, again)
    assert fire(alice, again, "confirm", {"code": code}).status == 303
    assert state_of(stack, again) == "opened"
    assert ref != reference_of(stack, again)


# --- who may not -------------------------------------------------------------------

def test_who_may_not_open_a_space(stack, world):
    # known by e-mail only: refused up front, with the reason
    bruno = logged_in(stack, "bruno")
    r = bruno.post("/demands", data={"workflow": WORKFLOW, "new": "1", "csrf": bruno.token})
    assert r.status in (403, 422), r
    # acting for a space: an opening is started from the personal space
    carla = logged_in(stack, "carla", world.spaces["kiosque"])
    r = carla.post("/demands", data={"workflow": WORKFLOW, "new": "1", "csrf": carla.token})
    assert r.status in (403, 422) and "espace personnel" in text_of(r.text), r
    # someone else's opening is not there for another citizen, nor for the SERAC
    lucas = logged_in(stack, "lucas")
    demand = new_demand(lucas)
    for other in ("alice", "agnes"):
        c = logged_in(stack, other)
        assert c.get(f"/demands/{demand}").status == 404
        assert fire(c, demand, "identify").status == 404
    # nor can the applicant validate it himself
    assert identify(lucas, demand, GIRARD).status == 303
    assert submit(lucas, demand, []).status == 303
    r = fire(lucas, demand, "validate")
    assert r.status == 403, r
    assert state_of(stack, demand) == "checking"
    assert fire(lucas, demand, "withdraw").status == 303

# SPDX-License-Identifier: AGPL-3.0-or-later
"""The "done means" of issues 8 and 9 as one walk each, through nginx, the
engine, PostgreSQL, the identity provider, the SMTP sink and the letters
job, on the demo world (fixtures_people.seed) -- each step by the person
who does it, as on `make demo`:

issue 8: Léa opens the professional space of an association whose
  register says she signs alone; Cyril (cyber-administration) validates;
  the code letter is typeset and waits in Paul's print queue as a PDF that
  carries the code; Léa types the code and is the space's référent; she
  attaches her colleague Lucas and grants him the subsidy service; Lucas,
  acting for the space, files a subsidy demand.

issue 9: Élodie, known by e-mail only, may not open a space; she files the
  enrolment, Tiago checks her at the préfecture's counter with the secret
  code she was mailed, she activates the identifier and is verified -- and
  can then open a space for an entity she signs for.  (Élodie rather than
  Bruno: test_enrolment walks Bruno's first verification and checks that
  nobody verified him before.)

(The commune account request, two secretaries answering, is walked by
test_commune_account.py.)"""
import re
import uuid

import pytest

from fixtures_people import seed
from test_demand_web import PDF, fire, logged_in, post_page, q1, state_of, text_of, \
    version_of, csrf_of
from test_enrolment import code_mailed, fill, start as start_enrolment, submit as \
    submit_enrolment
from test_letters import letter_pdf, pdf_tool, wait_typeset
from test_space_open import CODES_SQL, identify, letter_of, new_demand, submit

ASSOCIATION = "CHE-271.583.941"     # test-only: Léa signs alone
COMPANY = "CHE-361.904.286"         # test-only: Élodie signs alone


def register(stack, ide, name, legal_form, login, given, family):
    stack.sql("INSERT INTO ide_register (ide, name, legal_form, street, house_number,"
              " postcode, locality) VALUES (:'p1', :'p2', :'p3', 'Rue du Test', '7',"
              " '1003', 'Lausanne') ON CONFLICT (ide) DO NOTHING;"
              " INSERT INTO ide_signatories (ide, given_name, family_name, login, mode)"
              " VALUES (:'p1', :'p5', :'p6', :'p4', 'individual') ON CONFLICT DO NOTHING",
              ide, name, legal_form, login, given, family)


@pytest.fixture(scope="module")
def world(stack):
    import os
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(stack.var, "mail", sub), exist_ok=True)
    w = seed(stack)
    stack.sql(CODES_SQL)
    suffix = uuid.uuid4().hex[:4]
    register(stack, ASSOCIATION, f"Harmonie des Essais {suffix}", "association", "lea",
             "Léa", "Bonvin")
    register(stack, COMPANY, f"Pittet Conseils Sàrl {suffix}", "sarl", "elodie",
             "Élodie", "Pittet")
    return w


def test_issue_8_from_an_association_without_a_space_to_a_colleague_filing_a_subsidy(
        stack, world):
    lea = logged_in(stack, "lea")
    cyril = logged_in(stack, "cyril")
    paul = logged_in(stack, "paul")

    # Léa opens the space; Cyril validates
    demand = new_demand(lea)
    assert identify(lea, demand, ASSOCIATION).status == 303
    assert submit(lea, demand, ["statutes", "minutes"]).status == 303
    assert state_of(stack, demand) == "checking"
    assert fire(cyril, demand, "validate").status == 303
    assert state_of(stack, demand) == "code-sent"
    [(template, _, code)] = letter_of(stack, demand)
    assert template == "space-activation"

    # the letter, typeset by the job, waits in Paul's print queue as a PDF
    letter = q1(stack, "SELECT id FROM letters WHERE demand_id = :'p1'", demand)
    assert wait_typeset(stack, letter) == "rendered"
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    queue = paul.get("/agent/letters")
    assert queue.status == 200 and ref in queue.text
    text = pdf_tool("pdftotext", "-layout", data=letter_pdf(paul, letter))
    assert code in text.replace(" ", "") or code in text
    assert "Harmonie des Essais" in text

    # Léa types the code and is the référent of the new space
    assert fire(lea, demand, "confirm", {"code": code}).status == 303
    assert state_of(stack, demand) == "opened"
    space = q1(stack, "SELECT subject_space_id FROM demands WHERE id = :'p1'", demand)
    assert stack.sql("SELECT status, referent_person_id FROM spaces WHERE id = :'p1'",
                     space) == [("active", world.persons["lea"])]

    # acting for it, she attaches Lucas and grants him the subsidy
    lea_space = logged_in(stack, "lea", space)
    members = lea_space.get(f"/spaces/{space}/members")
    assert members.status == 200, members
    lea_space.token = re.search(r'name="csrf" value="([^"]+)"', members.text).group(1)
    lucas_email = q1(stack, "SELECT email FROM persons WHERE id = :'p1'",
                     world.persons["lucas"])
    r = lea_space.post(f"/spaces/{space}/members/attach",
                       data={"csrf": lea_space.token, "identifier": lucas_email,
                             "function": "trésorier"})
    assert r.status == 303, r
    r = lea_space.post(f"/spaces/{space}/members/{world.persons['lucas']}/grant",
                       data={"csrf": lea_space.token, "workflow": "subsidy"})
    assert r.status == 303, r

    # Lucas, for the space, files a subsidy demand, page by page, then submits it
    lucas = logged_in(stack, "lucas", space)
    r = lucas.post("/demands", data={"workflow": "subsidy", "new": "1", "csrf": lucas.token})
    assert r.status == 303, r
    sub = re.search(r"/demands/([0-9a-f-]{36})", r.headers["location"]).group(1)
    pages = [
        ("applicant", {"contact-name": "Lucas Girard", "contact-function": "trésorier",
                       "contact-email": lucas_email, "contact-phone": "021 316 11 11"}, None),
        ("project", {"project-title": "Concert de printemps", "discipline": "music",
                     "description": "Un concert de l’harmonie sur la place du village, "
                                    "ouvert à tous et gratuit.",
                     "start-date": "01.05.2027", "end-date": "02.05.2027",
                     "place": "Lausanne"}, None),
        ("budget", {"total-budget": "12'000", "amount-requested": "4000"}, None),
        ("documents", {}, {"budget-file": ("budget.pdf", PDF, "application/pdf"),
                           "project-file": ("projet.pdf", PDF, "application/pdf")}),
        ("bank", {"account-holder": "Harmonie des Essais",
                  "iban": "CH93 0076 2011 6238 5295 7"}, None),
    ]
    for page, data, files in pages:
        r = post_page(lucas, sub, page, data, files=files)
        assert r.status == 303, (page, r, r.text[:2000])
    r = fire(lucas, sub, "submit", version=version_of(stack, sub))
    assert r.status == 303, (r, r.text[:3000])
    assert state_of(stack, sub) == "submitted"
    assert q1(stack, "SELECT owner_space_id FROM demands WHERE id = :'p1'", sub) == space


def test_issue_9_from_an_email_login_to_a_verified_person_opening_a_space(stack, world):
    person = logged_in(stack, "elodie")
    tiago = logged_in(stack, "tiago")
    try:
        # known by e-mail only: the opening of a space is not for her yet
        r = person.post("/demands", data={"workflow": "space-open", "new": "1",
                                         "csrf": person.token})
        assert r.status in (403, 422), r

        demand = start_enrolment(person)
        fill(person, demand)
        ref = submit_enrolment(stack, person, demand)
        code = code_mailed(stack, ref)
        r = tiago.post(f"/counter/prefecture-lausanne/demands/{demand}/verify",
                       data={"csrf": tiago.token, "version": str(version_of(stack, demand)),
                             "document-matches": "yes", "code": code})
        assert r.status == 303, r
        ident = q1(stack, "SELECT identifier FROM enrol_identifiers WHERE demand_id = :'p1'",
                   demand)
        r = fire(person, demand, "activate", {"identifier": ident},
                 version=version_of(stack, demand))
        assert r.status == 303, r
        assert q1(stack, "SELECT assurance FROM persons WHERE id = :'p1'",
                  world.persons["elodie"]) == "verified"

        # verified: she opens the space of the company she signs for
        person.token = csrf_of(person)
        opening = new_demand(person)
        assert identify(person, opening, COMPANY).status == 303
        r = submit(person, opening, [])
        assert r.status == 303, (r, r.text[:2000])
        assert state_of(stack, opening) == "checking"
        assert "Pittet Conseils" in text_of(person.get(f"/demands/{opening}").text)
    finally:
        stack.sql("UPDATE persons SET assurance = 'email' WHERE id = :'p1'",
                  world.persons["elodie"])

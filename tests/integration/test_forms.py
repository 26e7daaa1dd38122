# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_forms.py -- the form wizard's quality bars, through nginx, the engine
and PostgreSQL for real (tests/integration/conftest.py):

  * rules across fields (<rule> in workflows/subsidy.xml, engine/wf_rule.c):
    a project that ends before it starts, an amount requested above the
    budget, refused with 422, the message next to the rule's field naming
    the other field, everything typed kept, nothing stored; the same on
    the submit transition (the one checker, wf_input.c);
  * an upload over its field's size (10 MB): 422 with the field's message,
    the other fields kept, the person still logged in; a body over the
    ceiling: the portal's own 413 page, not nginx's.

carla files for Kiosque du Marché (fixtures_people.py).
"""
import re

import pytest

from fixtures_people import seed
from test_demand_web import (PDF, csrf_of, error_next_to, input_value, logged_in, post_page,
                             q1, text_of)


@pytest.fixture(scope="module")
def world(stack):
    return seed(stack)


@pytest.fixture(scope="module")
def carla(stack, world):
    return logged_in(stack, "carla", world.spaces["kiosque"])


def new_subsidy(carla):
    r = carla.post("/demands", data={"workflow": "subsidy", "new": "1", "csrf": carla.token})
    assert r.status == 303, r
    m = re.fullmatch(r"/demands/([0-9a-f-]{36})/page/applicant", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


PROJECT = {"project-title": "Festival des Arches", "discipline": "music",
           "description": "Un festival de musique de chambre sur la place du marché, "
                          "trois soirs, ouvert à tous et gratuit.",
           "start-date": "30.06.2027", "end-date": "01.06.2027",
           "place": "Place de la Riponne, Lausanne", "place-npa": "1005"}


def test_a_project_ending_before_it_starts_is_refused_next_to_the_end_date(stack, carla):
    demand = new_subsidy(carla)
    r = post_page(carla, demand, "project", dict(PROJECT))
    assert r.status == 422, r
    msg = error_next_to(r.text, "f-end-date")
    assert msg is not None and "ne peut pas précéder" in msg and "Date de début" in msg, msg
    assert error_next_to(r.text, "f-start-date") is None
    # the summary names it too, with the other field's label
    assert 'href="#f-end-date"' in r.text
    assert input_value(r.text, "end-date") == "01.06.2027"
    assert input_value(r.text, "place") == "Place de la Riponne, Lausanne"
    assert q1(stack, "SELECT form_data->>'end-date' FROM demands WHERE id = :'p1'",
              demand) is None, "the refused date is not stored"

    # in German, the other field's German label
    r = carla.post(f"/demands/{demand}/page/project?lang=de",
                   data={"csrf": carla.token, "nav": "next", **PROJECT})
    assert r.status == 422, r
    msg = error_next_to(r.text, "f-end-date")
    assert "Beginn" in msg and "darf nicht vor" in msg, msg
    carla.get("/dashboard?lang=fr")       # the language sticks: back to French

    # the same day is fine (at-least), and the page goes on
    ok = dict(PROJECT, **{"end-date": "30.06.2027"})
    r = post_page(carla, demand, "project", ok)
    assert r.status == 303 and r.headers["location"].endswith("/page/budget"), r
    assert q1(stack, "SELECT form_data->>'end-date' FROM demands WHERE id = :'p1'",
              demand) == "2027-06-30"

    # a later save of the end date alone is judged against the stored start
    r = post_page(carla, demand, "project", {**ok, "end-date": "29.06.2027"}, nav="save")
    assert r.status == 422, r
    assert "ne peut pas précéder" in error_next_to(r.text, "f-end-date")


def test_more_asked_than_the_budget_is_refused_next_to_the_amount(stack, carla):
    demand = new_subsidy(carla)
    r = post_page(carla, demand, "budget", {"total-budget": "4'000", "amount-requested": "5000",
                                            "own-funds": "", "other-funding": ""})
    assert r.status == 422, r
    msg = error_next_to(r.text, "f-amount-requested")
    assert "ne peut pas dépasser" in msg and "Budget total du projet" in msg, msg
    assert input_value(r.text, "total-budget") == "4'000"
    r = post_page(carla, demand, "budget", {"total-budget": "5'000", "amount-requested": "5000",
                                            "own-funds": "", "other-funding": ""})
    assert r.status == 303, r


def test_the_submit_transition_checks_the_rules_too(stack, carla):
    """Stored values that break a rule (written before the rule existed)
    stop the submission: wf_fire and wf_save share the checker."""
    demand = new_subsidy(carla)
    stack.sql("UPDATE demands SET form_data = form_data || jsonb_build_object("
              "'start-date', '2027-06-30', 'end-date', '2027-06-01') WHERE id = :'p1'", demand)
    r = carla.post(f"/demands/{demand}/fire/submit", data={"csrf": carla.token})
    assert r.status == 422, r
    assert "ne peut pas précéder" in text_of(r.text)
    assert q1(stack, "SELECT state FROM demands WHERE id = :'p1'", demand) == "draft"


# --- visited steps and the review before sending --------------------------------------

def steps_of(page):
    """[(title, done)] of the progress list."""
    ol = re.search(r'(?s)<ol class="steps"[^>]*>(.*?)</ol>', page)
    assert ol, "no list of steps"
    return [(text_of(li).split(" (")[0].strip(), "(parcourue)" in text_of(li))
            for li in re.findall(r"(?s)<li\b.*?</li>", ol.group(1))]


def test_steps_never_visited_are_not_marked_done(stack, carla):
    demand = new_subsidy(carla)
    r = carla.get(f"/demands/{demand}/page/budget")        # straight to step 3
    assert r.status == 200
    assert not any(done for _, done in steps_of(r.text)), steps_of(r.text)
    r = post_page(carla, demand, "applicant", {
        "contact-name": "Carla Rossi", "contact-email": "carla.rossi@exemple.test",
        "contact-phone": "021 316 11 11"})
    assert r.status == 303, r
    steps = steps_of(carla.get(f"/demands/{demand}/page/bank").text)
    assert steps[0] == ("Personne de contact", True), steps
    assert [d for _, d in steps[1:4]] == [False, False, False], steps
    # a page refused is not done either
    r = post_page(carla, demand, "project", dict(PROJECT))
    assert r.status == 422
    steps = steps_of(carla.get(f"/demands/{demand}/page/bank").text)
    assert steps[1] == ("Projet", False), steps
    assert q1(stack, "SELECT pages_saved::text FROM demands WHERE id = :'p1'",
              demand) == "{applicant}"


def fill_all(carla, demand):
    pages = [
        ("applicant", {"contact-name": "Carla Rossi", "contact-email": "carla.rossi@exemple.test",
                       "contact-phone": "021 316 11 11"}, None),
        ("project", dict(PROJECT, **{"end-date": "30.07.2027"}), None),
        ("budget", {"total-budget": "12'000", "amount-requested": "5000"}, None),
        ("documents", {}, {"budget-file": ("budget.pdf", PDF, "application/pdf"),
                           "project-file": ("dossier.pdf", PDF, "application/pdf")}),
        ("bank", {"account-holder": "Kiosque du Marché", "iban": "CH93 0076 2011 6238 5295 7"},
         None),
    ]
    for page, data, files in pages:
        r = post_page(carla, demand, page, data, files=files)
        assert r.status == 303, (page, r, r.text[:3000] if r.status == 422 else "")
    return r


def test_after_the_last_page_a_review_shows_every_answer_before_sending(stack, carla):
    demand = new_subsidy(carla)
    r = fill_all(carla, demand)
    assert r.headers["location"] == f"/demands/{demand}/review", r.headers["location"]
    assert q1(stack, "SELECT state FROM demands WHERE id = :'p1'", demand) == "draft", \
        "nothing is sent unseen"
    r = carla.get(f"/demands/{demand}/review")
    assert r.status == 200, r
    t = text_of(r.text)
    assert "Vérifier avant de transmettre" in t
    for answer in ("Festival des Arches", "30.07.2027", "12'000.00", "dossier.pdf",
                   "Kiosque du Marché"):
        assert answer in t, answer
    for page in ("applicant", "project", "budget", "documents", "bank"):
        assert f'href="/demands/{demand}/page/{page}"' in r.text, page
    assert t.count("Modifier") >= 5
    assert all(done for _, done in steps_of(r.text)[:5]), steps_of(r.text)
    form = re.search(r'<form method="post" action="(/demands/[^"]+/fire/submit)"', r.text)
    assert form, "the submit button"
    version = re.search(r'name="version" value="(\d+)"', r.text).group(1)
    r = carla.post(form.group(1), data={"csrf": carla.token, "version": version})
    assert r.status == 303, r
    assert q1(stack, "SELECT state FROM demands WHERE id = :'p1'", demand) == "submitted"
    # once sent, the review leads to the demand
    r = carla.get(f"/demands/{demand}/review")
    assert r.status == 303 and r.headers["location"] == f"/demands/{demand}"


def test_no_one_else_reviews_her_demand(stack, world, carla):
    demand = new_subsidy(carla)
    bruno = logged_in(stack, "bruno")
    assert bruno.get(f"/demands/{demand}/review").status == 404


# --- uploads over the limit -------------------------------------------------------------

def big_pdf(size):
    return PDF[:-6] + b"%" + b"x" * (size - len(PDF)) + b"\n%%EOF\n"


def test_an_upload_over_its_field_size_is_answered_under_the_field(stack, carla):
    demand = new_subsidy(carla)
    r = post_page(carla, demand, "documents", {},
                  files={"budget-file": ("budget.pdf", big_pdf(12 * 1024 * 1024),
                                         "application/pdf"),
                         "project-file": ("dossier.pdf", PDF, "application/pdf")})
    assert r.status == 422, r
    assert "trop volumineux" in error_next_to(r.text, "f-budget-file")
    # the other file was kept (saved), and she is still logged in
    assert "dossier.pdf" in r.text
    assert q1(stack, "SELECT form_data->'project-file'->>'filename' FROM demands"
                     " WHERE id = :'p1'", demand) == "dossier.pdf"
    assert "Carla Rossi" in text_of(r.text)


def test_a_body_over_the_ceiling_gets_the_portals_own_page(stack, carla):
    demand = new_subsidy(carla)
    r = post_page(carla, demand, "documents", {},
                  files={"budget-file": ("budget.pdf", big_pdf(40 * 1024 * 1024),
                                         "application/pdf")})
    assert r.status == 413, r
    t = text_of(r.text)
    assert "nginx" not in r.text
    assert "Envoi trop volumineux" in t and "rien n’a été enregistré" in t, t
    assert "Carla Rossi" in t, "the header still knows who is logged in"
    assert f'<a href="/demands/{demand}/page/documents">Revenir au formulaire</a>' in r.text
    # the way back leads to the form, which still works
    assert carla.get(f"/demands/{demand}/page/documents").status == 200


def test_the_413_page_gives_back_only_a_path_of_ours(stack, carla):
    r = stack.client().get("/too-large")
    assert r.status == 413 and "Revenir au formulaire" not in r.text
    r = carla.post("//evil.example/demands", data={"x": "a" * (33 * 1024 * 1024)})
    assert r.status == 413 and "evil" not in r.text

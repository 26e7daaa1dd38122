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
    r = carla.post("/demands", data={"workflow": "subsidy", "csrf": carla.token})
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

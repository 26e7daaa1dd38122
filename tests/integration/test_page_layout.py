# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_page_layout.py -- presentational edges of the pages, through nginx
and the engine for real, with the demo world of fixtures_people.py:

  * the header's logout button is not the page's first submit button:
    its form comes after <main> in the document, and still logs out;
  * a refusal "you are acting in another context" offers the switch
    itself: one button per other context, coming back to the page;
  * English and German pages use their own punctuation (no French space
    before a colon, no guillemets in English), French keeps its own;
  * the référent's members table sits in a named, focusable scrolling
    region (that it no longer widens a phone's page is checked in the
    browser: tests/browser/portal.test.mjs).
"""
import html
import re

import pytest

from fixtures_people import seed
from test_demand_web import csrf_of, logged_in


@pytest.fixture(scope="module")
def world(stack):
    return seed(stack)


def text_of(page):
    """The visible text, tags dropped, entities decoded, whitespace kept as
    it is (the kind of space matters here)."""
    body = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def post_forms(page):
    """(action, form HTML) of each POST form, in document order."""
    return [(m.group(1), m.group(0)) for m in
            re.finditer(r'(?s)<form method="post" action="([^"]*)".*?</form>', page)]


def test_the_logout_button_comes_after_the_main_content(stack, world):
    c = logged_in(stack, "carla", world.spaces["kiosque"])
    page = c.get("/dashboard").text
    forms = post_forms(page)
    actions = [a for a, _ in forms]
    # the dashboard's own forms ("Commencer") come first, logout last
    assert "/demands" in actions and actions[-1] == "/auth/logout", actions
    assert actions.index("/demands") < actions.index("/auth/logout")
    assert page.index('action="/auth/logout"') > page.index("</main>")
    first_button = re.search(r"<button\b[^>]*>(.*?)</button>", page, re.S).group(1)
    assert "Se déconnecter" not in first_button
    # and it still logs out, with its CSRF token
    token = re.search(r'name="csrf" value="([^"]+)"', forms[-1][1]).group(1)
    r = c.post("/auth/logout", data={"csrf": token})
    assert r.status in (302, 303), r
    r = c.get("/dashboard")
    assert r.status in (302, 303) and "/auth/login" in r.headers.get("location", ""), r


def test_wrong_context_refusal_offers_the_switch_and_comes_back(stack, world):
    demand = world.demands["kiosque_probe"]
    c = logged_in(stack, "rita")                     # the référent, acting for herself
    r = c.get(f"/demands/{demand}")
    assert r.status == 403, r
    assert "Vous agissez actuellement dans un autre contexte" in r.text
    forms = [f for a, f in post_forms(r.text) if a == "/context"]
    assert len(forms) == 1, forms                    # Kiosque only: she is already herself
    form = forms[0]
    assert f'name="space" value="{world.spaces["kiosque"]}"' in form
    assert f'name="return_to" value="/demands/{demand}"' in form
    assert re.search(r"<button[^>]*>Agir pour Kiosque du March", form)
    assert '<h2 id="switch-title">Changer de contexte</h2>' in r.text
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    r = c.post("/context", data=data)
    assert r.status == 303 and r.headers["location"] == f"/demands/{demand}", r
    assert c.get(f"/demands/{demand}").status == 200


def test_the_switch_after_a_refused_step_leads_back_to_the_demand(stack, world):
    demand = world.demands["kiosque_probe"]
    c = logged_in(stack, "rita")
    token = csrf_of(c)
    r = c.post(f"/demands/{demand}/fire/withdraw", data={"csrf": token, "version": "1"})
    assert r.status == 403, r
    form = [f for a, f in post_forms(r.text) if a == "/context"][0]
    assert f'name="return_to" value="/demands/{demand}"' in form


def test_other_refusals_offer_no_switch(stack, world):
    c = logged_in(stack, "david", world.spaces["kiosque"])   # member without the grant
    r = c.get(f"/demands/{world.demands['kiosque_probe']}")
    assert r.status in (403, 404), r
    assert "/context" not in [a for a, _ in post_forms(r.text)]


@pytest.mark.parametrize("lang, colon, bad", [
    ("en", "State: ", (" :", "\u00a0:", "«", "»")),
    ("de", "Stand: ", (" :", "\u00a0:")),
    ("fr", "État\u00a0: ", ()),
])
def test_each_language_has_its_own_punctuation(stack, world, lang, colon, bad):
    c = logged_in(stack, "carla", world.spaces["kiosque"])
    page = c.get(f"/dashboard?lang={lang}").text
    assert f'<html lang="{lang}"' in page
    text = text_of(page)
    assert colon in text
    for b in bad:
        assert b not in text, f"{b!r} on the {lang} dashboard: " \
            f"{text[max(0, text.index(b) - 40):text.index(b) + 40]!r}"


def test_members_table_scrolls_in_a_labelled_region(stack, world):
    space = world.spaces["kiosque"]
    c = logged_in(stack, "rita", space)
    r = c.get(f"/spaces/{space}/members")
    assert r.status == 200, r
    m = re.search(r'<div class="table-scroll"([^>]*)>\s*<table class="members"', r.text)
    assert m, "the members table is not in its scrolling region"
    attrs = m.group(1)
    assert 'role="region"' in attrs and 'tabindex="0"' in attrs
    assert 'aria-label="Tableau des membres"' in attrs

# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_account.py -- "Gérer mon compte" and "Mes relations" through nginx,
the engine, PostgreSQL, the SMTP sink and the identity provider
(tests/integration/conftest.py), with the demo world of fixtures_people.py:

  carla   turns status mails off (a transition's mail is skipped, not sent),
          then on with a contact address for Kiosque du Marché (the next
          one goes there); exports her data (her demands, nobody else's)
  alice   every page in fr, de and en; bad contact addresses and a text
          that is not UTF-8 refused next to the field, the rest kept;
          relations added (bad IDE check digit refused), listed, removed
  rita    référent: her deletion is refused with the reason
  sophie  deletes her account: drafts gone, the filed demand and its trail
          kept, logged out, the next login is a fresh person
"""
import html
import json
import os
import re
import time

import pytest

from fixtures_people import make_demand, seed
from test_demand_web import csrf_of, logged_in


@pytest.fixture(scope="module")
def world(stack):
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(stack.var, "mail", sub), exist_ok=True)
    return seed(stack)


def q1(stack, query, *params):
    rows = stack.sql(query, *params)
    return rows[0][0] if rows else None


def text_of(page):
    body = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def input_value(page, name):
    m = re.search(r'<input[^>]*name="%s"[^>]*value="([^"]*)"' % re.escape(name), page)
    return html.unescape(m.group(1)) if m else None


def error_next_to(page, field_id):
    m = re.search(r'<p class="error-msg" id="%s-error">(.*?)</p>' % re.escape(field_id), page,
                  re.S)
    if not m:
        return None
    ctl = re.search(r'<(?:input|fieldset)[^>]*id="%s"[^>]*>' % re.escape(field_id), page)
    assert ctl and f"{field_id}-error" in ctl.group(0) and 'aria-invalid="true"' in ctl.group(0)
    return text_of(m.group(1))


def reference_of(stack, demand):
    return q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)


def mails_mentioning(stack, needle):
    found = []
    for m in stack.mails():
        for p in ([m] if not m.is_multipart() else list(m.walk())):
            payload = p.get_payload(decode=True)
            if payload and needle in payload.decode("utf-8", "replace"):
                found.append(m)
                break
    return found


def outbox_settled(stack, demand, timeout=40):
    """Waits until the mailer has dealt with every row of demand; returns
    [(recipient, status)]."""
    end = time.time() + timeout
    while time.time() < end:
        rows = stack.sql("SELECT recipient, status FROM outbox WHERE demand_id = :'p1'"
                         " ORDER BY id", demand)
        if rows and all(s != "pending" for _, s in rows):
            return rows
        time.sleep(0.3)
    raise AssertionError(f"the outbox of {demand} is still pending")


def take(stack, agnes, demand):
    version = q1(stack, "SELECT version FROM demands WHERE id = :'p1'", demand)
    r = agnes.post(f"/demands/{demand}/fire/take",
                   data={"csrf": agnes.token, "version": version})
    assert r.status == 303, f"take: {r!r}"


# --- the pages -----------------------------------------------------------------------

PAGES = ["/account", "/account/preferences", "/account/delete", "/relations"]
WORDS = {"fr": "Mon compte", "de": "Mein Konto", "en": "My account"}


@pytest.mark.parametrize("lang", ["fr", "de", "en"])
def test_every_page_speaks_french_german_and_english(stack, world, lang):
    c = logged_in(stack, "alice")
    for path in PAGES:
        r = c.get(f"{path}?lang={lang}")
        assert r.status == 200, f"{path}: {r!r}"
        assert f'<html lang="{lang}"' in r.text
        assert WORDS[lang] in text_of(r.text), f"{path} in {lang}: no header link"
    page = text_of(c.get(f"/account?lang={lang}").text)
    assert "Alice" in page and "alice.martin@exemple.test" in page


def test_the_header_of_every_logged_in_page_links_to_the_account(stack, world):
    c = logged_in(stack, "alice")
    assert 'href="/account"' in c.get("/dashboard").text
    assert 'href="/account"' not in stack.client().get("/").text


def test_a_bad_contact_address_is_refused_next_to_it_and_the_other_kept(stack, world):
    c = logged_in(stack, "carla", world.spaces["kiosque"])
    before = stack.sql("SELECT * FROM account_contacts")
    r = c.post("/account/contacts", data={"csrf": c.token, "contact-0": "carla@home.test",
                                          "contact-1": "not an address"})
    assert r.status == 422
    assert error_next_to(r.text, "contact-1")
    assert error_next_to(r.text, "contact-0") is None
    assert input_value(r.text, "contact-0") == "carla@home.test"
    assert input_value(r.text, "contact-1") == "not an address"
    assert 'role="alert"' in r.text
    assert stack.sql("SELECT * FROM account_contacts") == before


def test_a_contact_that_is_not_utf8_is_refused_not_dropped(stack, world):
    c = logged_in(stack, "alice")
    before = stack.sql("SELECT * FROM account_contacts")
    r = c.post("/account/contacts", data={"csrf": c.token, "contact-0": b"al\xffice@x.test"})
    assert r.status == 422
    assert "caractères illisibles" in error_next_to(r.text, "contact-0")
    assert stack.sql("SELECT * FROM account_contacts") == before


def test_posts_without_the_csrf_token_are_refused_and_write_nothing(stack, world):
    c = logged_in(stack, "alice")
    before = stack.sql("SELECT count(*) FROM account_events")
    for path, data in [("/account/preferences", {}), ("/account/contacts", {"contact-0": ""}),
                       ("/account/export", {}), ("/account/delete", {"confirm": "yes"}),
                       ("/relations", {"name": "X"})]:
        r = c.post(path, data=data)
        assert r.status == 403, f"{path}: {r!r}"
    assert stack.sql("SELECT count(*) FROM account_events") == before
    assert c.get("/account").status == 200          # still logged in, still there


# --- preferences honoured by the mailer ----------------------------------------------

def test_a_mail_turned_off_is_skipped_and_one_turned_on_goes_to_the_contact(stack, world):
    carla = logged_in(stack, "carla", world.spaces["kiosque"])
    agnes = logged_in(stack, "agnes")
    agnes.token = csrf_of(agnes, "/agent")

    # status mails off (the other boxes stay ticked)
    r = carla.post("/account/preferences", data={"csrf": carla.token, "reminder": "on",
                                                 "message": "on"})
    assert r.status == 303 and r.headers["location"].endswith("done=saved")
    page = carla.get("/account/preferences").text
    assert not re.search(r'<input[^>]*id="pref-status"[^>]*checked', page)
    assert re.search(r'<input[^>]*id="pref-reminder"[^>]*checked', page)

    off = make_demand(stack, world, "subsidy", "carla", "kiosque", "submitted")
    take(stack, agnes, off)
    rows = outbox_settled(stack, off)
    assert rows == [("carla.rossi@exemple.test", "skipped")], rows
    assert "turned off" in q1(stack, "SELECT last_error FROM outbox WHERE demand_id = :'p1'",
                              off)
    assert mails_mentioning(stack, reference_of(stack, off)) == []

    # on again, with a contact address for the Kiosque
    r = carla.post("/account/preferences", data={"csrf": carla.token, "status": "on",
                                                 "reminder": "on", "message": "on"})
    assert r.status == 303
    r = carla.post("/account/contacts", data={"csrf": carla.token, "contact-0": "",
                                              "contact-1": "kiosque.carla@exemple.test"})
    assert r.status == 303, r
    on = make_demand(stack, world, "subsidy", "carla", "kiosque", "submitted")
    take(stack, agnes, on)
    assert outbox_settled(stack, on) == [("kiosque.carla@exemple.test", "sent")]
    end = time.time() + 20
    while not mails_mentioning(stack, reference_of(stack, on)) and time.time() < end:
        time.sleep(0.3)
    [mail] = mails_mentioning(stack, reference_of(stack, on))
    assert "kiosque.carla@exemple.test" in mail["To"]
    # the footer's link leads to the preferences page, which exists
    text = [p.get_payload(decode=True).decode() for p in mail.walk()
            if p.get_content_type() == "text/plain"][0]
    link = re.search(r"(https?://\S+/account/preferences)", text).group(1)
    assert carla.get(link[link.index("/account"):]).status == 200

    # the choices are in the trail
    actions = [a for (a,) in stack.sql("SELECT action FROM account_events WHERE person_id ="
                                       " :'p1' ORDER BY id", world.persons["carla"])]
    assert actions[-3:] == ["preferences", "preferences", "contacts"]

    # back as the demo world has it
    carla.post("/account/contacts", data={"csrf": carla.token, "contact-0": "",
                                          "contact-1": ""})
    assert stack.sql("SELECT * FROM account_contacts WHERE person_id = :'p1'",
                     world.persons["carla"]) == []


def test_a_mail_that_cannot_be_turned_off_is_sent_all_the_same(stack, world):
    # a decision-kind template is 'required'; a status one follows the choice
    assert q1(stack, "SELECT kind FROM account_mail_kinds WHERE template = 'demand-decided'") \
        == "required"
    assert q1(stack, "SELECT kind FROM account_mail_kinds WHERE template = 'status-changed'") \
        == "status"
    stack.sql("INSERT INTO account_mail_prefs (person_id, kind, enabled)"
              " VALUES (:'p1', 'status', false)"
              " ON CONFLICT (person_id, kind) DO UPDATE SET enabled = false",
              world.persons["bruno"])
    try:
        d = make_demand(stack, world, "subsidy", "bruno", None, "submitted")
        rows = stack.sql("INSERT INTO outbox (demand_id, template, recipient, person_id, data)"
                         " VALUES (:'p1', 'demand-decided', 'bruno.keller@exemple.test',"
                         " :'p2', '{}') RETURNING id", d, world.persons["bruno"])
        route = stack.sql("SELECT deliver, recipient FROM account_outbox_route(:'p1')",
                          rows[0][0])
        assert route == [("t", "bruno.keller@exemple.test")]
        stack.sql("UPDATE outbox SET template = 'status-changed' WHERE id = :'p1'", rows[0][0])
        assert stack.sql("SELECT deliver FROM account_outbox_route(:'p1')",
                         rows[0][0]) == [("f",)]
    finally:
        stack.sql("DELETE FROM account_mail_prefs WHERE person_id = :'p1'",
                  world.persons["bruno"])


# --- export -------------------------------------------------------------------------

def test_the_export_is_json_with_my_demands_and_nothing_of_anyone_else(stack, world):
    mine = make_demand(stack, world, "subsidy", "carla", "kiosque", "submitted")
    other = make_demand(stack, world, "subsidy", "bruno", None, "submitted")
    c = logged_in(stack, "carla", world.spaces["kiosque"])
    r = c.post("/account/export", data={"csrf": c.token})
    assert r.status == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["content-disposition"].startswith("attachment;")
    data = json.loads(r.body)
    assert data["person"]["id"] == world.persons["carla"]
    refs = {d["reference"] for d in data["demands"]}
    assert reference_of(stack, mine) in refs
    assert reference_of(stack, other) not in refs
    [d] = [d for d in data["demands"] if d["id"] == mine]
    assert d["events"] and d["events"][0]["transition"] == "create"
    assert "bruno" not in r.text.lower()
    assert q1(stack, "SELECT action FROM account_events WHERE person_id = :'p1'"
                     " ORDER BY id DESC LIMIT 1", world.persons["carla"]) == "export"


# --- relations ------------------------------------------------------------------------

def test_relations_are_added_listed_and_removed(stack, world):
    c = logged_in(stack, "alice")
    page = text_of(c.get("/relations").text)
    assert "Aucune démarche publiée ne le permet encore" in page
    bad = {"csrf": c.token, "name": "Chœur des Alpes", "ide": "CHE-123.456.789",
           "street": "Rue du Lac 4", "postcode": "1007", "locality": "Lausanne"}
    r = c.post("/relations", data=bad)
    assert r.status == 422
    assert error_next_to(r.text, "ide")
    assert input_value(r.text, "name") == "Chœur des Alpes"
    assert input_value(r.text, "locality") == "Lausanne"
    r = c.post("/relations", data={**bad, "ide": "che 123 456 788", "postcode": "12"})
    assert r.status == 422 and error_next_to(r.text, "postcode") and not error_next_to(r.text, "ide")
    r = c.post("/relations", data={**bad, "ide": "che 123 456 788"})
    assert r.status == 303
    page = c.get("/relations").text
    assert "Chœur des Alpes" in html.unescape(page) and "CHE-123.456.788" in page
    rid = q1(stack, "SELECT id FROM relations WHERE person_id = :'p1'", world.persons["alice"])
    bruno = logged_in(stack, "bruno")
    assert bruno.post(f"/relations/{rid}/remove", data={"csrf": bruno.token}).status == 404
    assert c.post(f"/relations/{rid}/remove", data={"csrf": c.token}).status == 303
    assert "Chœur des Alpes" not in html.unescape(c.get("/relations").text)


# --- deletion ----------------------------------------------------------------------------

def test_a_referent_cannot_delete_her_account_and_is_told_why(stack, world):
    c = logged_in(stack, "rita")
    r = c.post("/account/delete", data={"csrf": c.token, "confirm": "yes"})
    assert r.status == 422
    assert "Désignez d’abord un autre référent" in error_next_to(r.text, "confirm")
    assert q1(stack, "SELECT deleted_at IS NULL FROM persons WHERE id = :'p1'",
              world.persons["rita"]) == "t"


def test_the_counts_of_my_demands_are_the_kept_counts_not_a_count_of_the_demands(stack, world):
    """The deletion page says how many demands are filed and how many
    drafts go: read from demand_counts (sql/0048), which the demands'
    triggers keep, not counted from demands at every view (6 ms for 31,000,
    growing with each)."""
    from test_round_trips import superuser_sql
    carla = world.persons["carla"]
    make_demand(stack, world, "subsidy", "carla", None, "draft", "draft")
    make_demand(stack, world, "subsidy", "carla", "kiosque", "submitted")
    filed, drafts = stack.sql(
        "SELECT count(*) FILTER (WHERE bucket <> 'draft'), count(*) FILTER (WHERE bucket = 'draft')"
        "  FROM demands WHERE owner_person_id = :'p1'", carla)[0]
    assert int(filed) > 0 and int(drafts) > 0
    superuser_sql(stack, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    page = text_of(logged_in(stack, "carla").get("/account/delete").text)
    assert f"vos brouillons ({drafts})" in page
    assert f"Les démarches déjà déposées ({filed})" in page

    # the statement the engine sent reads demand_counts, no demand
    text = superuser_sql(stack, "SELECT query FROM pg_stat_statements"
                                " WHERE query LIKE '%account_mail_prefs%' AND query LIKE '%p.id = $1%'"
                                "   AND query NOT LIKE '%pg_stat_statements%'").strip()
    assert text and "\n" not in text, text
    assert "FROM demand_counts c" in text and not re.search(r"\bdemands\b", text), text


def test_deleting_keeps_filed_demands_removes_drafts_and_logs_out(stack, world):
    old = world.persons["sophie"]
    c = logged_in(stack, "sophie")
    draft = make_demand(stack, world, "subsidy", "sophie", None, "draft", "draft")
    filed = make_demand(stack, world, "subsidy", "sophie", None, "submitted")
    page = text_of(c.get("/account/delete").text)
    assert "Ce que la loi nous oblige à garder" in page

    r = c.post("/account/delete", data={"csrf": c.token})
    assert r.status == 422 and error_next_to(r.text, "confirm")
    assert q1(stack, "SELECT count(*) FROM demands WHERE id = :'p1'", draft) == "1"

    r = c.post("/account/delete", data={"csrf": c.token, "confirm": "yes"})
    assert r.status == 200, r
    assert "Votre compte est supprimé" in text_of(r.text)
    assert q1(stack, "SELECT count(*) FROM demands WHERE id = :'p1'", draft) == "0"
    assert q1(stack, "SELECT count(*) FROM demands WHERE id = :'p1'", filed) == "1"
    assert q1(stack, "SELECT count(*) FROM events WHERE demand_id = :'p1'", filed) == "1"
    assert q1(stack, "SELECT transition FROM events WHERE demand_id = :'p1'"
                     " ORDER BY id DESC LIMIT 1", draft) == "purge"
    assert q1(stack, "SELECT count(*) FROM identities WHERE person_id = :'p1'", old) == "0"
    assert q1(stack, "SELECT count(*) FROM sessions WHERE person_id = :'p1'", old) == "0"
    assert q1(stack, "SELECT email IS NULL AND deleted_at IS NOT NULL FROM persons"
                     " WHERE id = :'p1'", old) == "t"
    assert q1(stack, "SELECT action FROM account_events WHERE person_id = :'p1'"
                     " ORDER BY id DESC LIMIT 1", old) == "delete"
    r = c.get("/account")
    assert r.status in (302, 303, 401) and (r.status == 401 or "/auth/login"
                                            in r.headers["location"])

    # the next login is a fresh person, with nothing of the old one
    c2 = logged_in(stack, "sophie")
    new = q1(stack, "SELECT person_id FROM identities WHERE subject = 'sophie'")
    assert new != old
    assert c2.get("/account").status == 200
    assert q1(stack, "SELECT count(*) FROM demands WHERE owner_person_id = :'p1'", new) == "0"

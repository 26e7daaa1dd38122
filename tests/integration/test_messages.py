# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_messages.py -- messages per demand, what the service asks and the
decision on top of the demand page, and the notifications list (engine/
message.c, h_notes.c, sql/0018_messages.sql), through nginx, the engine,
PostgreSQL and the SMTP sink for real.

carla (Kiosque du Marché, with the subsidy grant) and agnes (SERAC agent)
write to each other on a subsidy demand: each message is mailed to the
other side; bruno (a stranger) gets 404 and david (a member without the
grant) 403, and nothing is written; an empty, a too long and a non-UTF-8
message come back with the message next to the box and the text kept.
"""
import os
import re
from email.header import decode_header, make_header

import pytest

from fixtures_people import make_demand, seed
from test_demand_web import (PDF, csrf_of, fire, logged_in, q1, text_of, version_of,
                             wait_for_mail)



@pytest.fixture(scope="module")
def world(stack):
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(stack.var, "mail", sub), exist_ok=True)
    return seed(stack)


@pytest.fixture(scope="module")
def carla(stack, world):
    return logged_in(stack, "carla", world.spaces["kiosque"])


@pytest.fixture(scope="module")
def agnes(stack, world):
    return logged_in(stack, "agnes")


@pytest.fixture(scope="module")
def demand(stack, world):
    return make_demand(stack, world, "subsidy", "carla", "kiosque", "submitted", "in-progress")


def subject(mail):
    return str(make_header(decode_header(mail.get("Subject") or "")))


def post(client, demand_id, text, token=True):
    data = {"message": text}
    if token:
        data["csrf"] = client.token
    return client.post(f"/demands/{demand_id}/messages", data=data)


def written(stack):
    """Everything a refused message must leave untouched."""
    return stack.sql("SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM outbox),"
                     "       (SELECT count(*) FROM events), (SELECT count(*) FROM note_reads),"
                     "       (SELECT coalesce(sum(version), 0) FROM demands)")[0]


def unread_in_header(page):
    m = re.search(r'class="notes-link"[^>]*>\s*Notifications \((\d+)\)', page)
    assert m, "no notifications link in the header"
    return int(m.group(1))


def test_carla_writes_and_the_agents_get_a_mail(stack, carla, demand):
    text = "Bonjour, le budget signé arrive la semaine prochaine. Carla"
    r = post(carla, demand, text)
    assert r.status == 303, r
    assert r.headers["location"].startswith(f"/demands/{demand}")
    row = stack.sql("SELECT side, agent_group, body FROM messages WHERE demand_id = :'p1'",
                    demand)
    assert row == [("owner", "", text)]
    page = carla.get(f"/demands/{demand}?posted=1").text
    assert text in text_of(page) and "Votre message a été envoyé." in text_of(page)
    mail = wait_for_mail(stack, "agnes", "budget sign")
    assert "Nouveau message du demandeur" in subject(mail)
    assert q1(stack, "SELECT count(*) FROM outbox WHERE demand_id = :'p1'"
                     " AND template = 'message-to-owner'", demand) == "0"


def test_agnes_answers_and_carla_gets_a_mail_and_a_notification(stack, carla, agnes, demand):
    before = unread_in_header(carla.get("/dashboard").text)
    text = "Merci, nous attendons le budget pour poursuivre l'examen."
    r = post(agnes, demand, text)
    assert r.status == 303, r
    assert stack.sql("SELECT side, agent_group FROM messages WHERE demand_id = :'p1'"
                     " AND body = :'p2'", demand, text) == [("agent", "serac")]
    mail = wait_for_mail(stack, "carla.rossi@exemple.test", "nous attendons le budget")
    assert "Nouveau message du service" in subject(mail)

    # carla's header counts it, her list shows it, opening the demand reads it
    dash = carla.get("/dashboard").text
    assert unread_in_header(dash) == before + 1
    notes = carla.get("/notifications")
    assert notes.status == 200, notes
    t = text_of(notes.text)
    assert "Nouveau message de Agnès" in t or "Nouveau message de" in t
    assert f'href="/demands/{demand}"' in notes.text
    page = carla.get(f"/demands/{demand}").text
    assert 'class="badge"' in page, "the new message is marked new once"
    assert unread_in_header(page) == before, "opening the demand reads its items"
    assert f'href="/demands/{demand}"' not in carla.get("/notifications").text
    assert 'class="badge"' not in carla.get(f"/demands/{demand}").text


def test_mark_all_read(stack, carla, agnes, world):
    other = make_demand(stack, world, "subsidy", "carla", "kiosque", "submitted", "in-progress")
    assert post(agnes, other, "Une question sur le calendrier du festival.").status == 303
    assert unread_in_header(carla.get("/dashboard").text) >= 1
    notes = carla.get("/notifications").text
    assert "Tout marquer comme lu" in notes
    r = carla.post("/notifications/read", data={"csrf": carla.token})
    assert r.status == 303, r
    page = carla.get(r.headers["location"]).text
    assert unread_in_header(page) == 0
    assert "Aucune nouvelle notification." in text_of(page)
    # without the token: refused, nothing written
    assert post(agnes, other, "Encore une question.").status == 303
    snap = written(stack)
    assert carla.post("/notifications/read", data={}).status == 403
    assert written(stack) == snap


def test_strangers_and_members_without_grant_write_nothing(stack, world, demand):
    bruno = logged_in(stack, "bruno")
    david = logged_in(stack, "david", world.spaces["kiosque"])
    before = written(stack)
    assert post(bruno, demand, "Je ne devrais pas pouvoir écrire ici.").status == 404
    assert post(bruno, "00000000-0000-4000-8000-000000000000", "Personne").status == 404
    assert post(david, demand, "Je n'ai pas l'accès.").status in (403, 404)
    assert written(stack) == before
    # the page offers no form to who may see but not write (not the case here:
    # neither sees it), and a missing CSRF token is refused before anything
    carla = logged_in(stack, "carla", world.spaces["kiosque"])
    assert post(carla, demand, "Sans jeton", token=False).status == 403
    assert written(stack) == before


def test_no_messages_on_a_draft(stack, world, carla):
    draft = make_demand(stack, world, "subsidy", "carla", "kiosque", "draft", "draft")
    page = carla.get(f"/demands/{draft}").text
    assert f'action="/demands/{draft}/messages"' not in page
    before = written(stack)
    r = post(carla, draft, "Un message sur un brouillon")
    assert r.status == 403 and "Transmettez-la d’abord" in text_of(r.text), r
    assert written(stack)[:3] == before[:3]


def test_administrator_reads_but_may_not_write(stack, world, demand):
    admin = logged_in(stack, "admin")
    page = admin.get(f"/demands/{demand}")
    assert page.status == 200 and "Messages avec le service" in text_of(page.text)
    assert f'action="/demands/{demand}/messages"' not in page.text
    before = written(stack)
    assert post(admin, demand, "Je suis administrateur.").status == 403
    assert written(stack)[:3] == before[:3]


@pytest.mark.parametrize("text,expect", [
    ("   \n  ", "Écrivez votre message avant de l’envoyer."),
    ("x" * 4001, "Ce message est trop long"),
    (b"Budget \xff\xfe joint", "caractères illisibles"),
])
def test_a_bad_message_comes_back_next_to_the_box_with_the_text_kept(stack, carla, demand,
                                                                      text, expect):
    before = written(stack)
    r = post(carla, demand, text)
    assert r.status == 422, r
    m = re.search(r'<p class="error-msg" id="message-error">(.*?)</p>', r.text, re.S)
    assert m and expect in text_of(m.group(1)), r.text[-3000:]
    box = re.search(r'<textarea[^>]*id="message-text"[^>]*>(.*?)</textarea>', r.text, re.S)
    assert box and 'aria-invalid="true"' in box.group(0)
    assert "message-error" in box.group(0)
    kept = text if isinstance(text, str) else text.decode("utf-8", "replace")
    if kept.strip():
        assert text_of(box.group(1)).strip() == text_of(kept).strip()
    assert written(stack)[:3] == before[:3], "no message, no mail"


def test_what_the_service_asks_and_the_decision_are_on_top(stack, carla, agnes, world):
    d = make_demand(stack, world, "subsidy", "carla", "kiosque", "in-review", "in-progress")
    comment = "Merci de joindre le budget signé par le comité."
    r = fire(agnes, d, "ask-completion", {"comment": comment}, version=version_of(stack, d))
    assert r.status == 303, r
    page = carla.get(f"/demands/{d}").text
    top = page.index("Ce que le service vous demande")
    assert top < page.index('id="status-title"'), "on top, before the status"
    assert comment in text_of(page[top:page.index('id="status-title"')])
    assert 'href="#actions"' in page

    d2 = make_demand(stack, world, "subsidy", "carla", "kiosque", "in-review", "in-progress")
    r = fire(agnes, d2, "decide", {"outcome": "granted", "amount-granted": "4000",
                                   "comment": "Subvention accordée pour 2027."},
             files={"decision": ("décision.pdf", PDF, "application/pdf")},
             version=version_of(stack, d2))
    assert r.status == 303, r
    page = carla.get(f"/demands/{d2}").text      # the read receipt archives it
    top = page.index('id="decision-title"')
    head = page[top:page.index('id="status-title"')]
    assert "Subvention accordée pour 2027." in text_of(head)
    assert "décision.pdf" in text_of(head) and "/documents/" in head
    assert "Ce que le service vous demande" not in page

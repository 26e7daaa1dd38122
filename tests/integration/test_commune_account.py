# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_commune_account.py -- per-item decisions joined at the end (<decide>)
and the commune account request (workflows/commune_account.xml), through the
real stack: the applicant files for two communes (Renens 5591, nadia;
Lausanne 5586, ines), each secretary answers only her commune's item through
nginx, "en attente" is not final, another commune's secretary gets 404 and
nothing is written, the last final answer transmits the demand in the same
transaction, the applicant sees each answer, and the mails reach the sink.
"""
import json
import os
import re
import sys
import time

import pytest

from conftest import ROOT
from fixtures_people import seed
from test_demand_web import PDF, csrf_of, logged_in

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import load_registers  # noqa: E402  (data/ref: communes, persons, applications)

FIELDS = {
    "avs13": "756.1234.5678.97", "birth-date": "14.05.1988", "civility": "mrs",
    "first-name": "Élodie", "last-name": "Pittet", "institution": "Administration communale",
    "street": "Rue de Lausanne 35", "npa": "1020", "locality": "Renens",
    "communes.items": "2",
    "communes.0.ofs": "5591", "communes.0.function": "other",
    "communes.0.applications.items": "1",
    "communes.0.applications.0.app": "RCPERS",
    "communes.0.applications.0.app-comment": "contrôle des habitants",
    "communes.1.ofs": "5586", "communes.1.function": "other",
    "communes.1.applications.items": "1",
    "communes.1.applications.0.app": "UNIREG",
    "communes.1.applications.0.app-comment": "",
}


@pytest.fixture(scope="module")
def world(stack):
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(stack.var, "mail", sub), exist_ok=True)
    w = seed(stack)
    load_registers.load(stack.sql, log=lambda *_: None)
    # Élodie in the person register (a test's own row: the demo's file does
    # not list her, so the demo shows the other path, an identity copy)
    stack.sql("INSERT INTO ref_persons (avs13, birth_date, first_name, last_name)"
              " VALUES ('756.1234.5678.97', '1988-05-14', 'Élodie', 'Pittet')"
              " ON CONFLICT (avs13) DO NOTHING")
    end = time.time() + 30
    while stack.sql("SELECT count(*) FROM definitions WHERE workflow_key = 'commune-account'") \
            == [("0",)]:
        assert time.time() < end, "commune-account is not published"
        time.sleep(0.2)
    return w


def cli(stack, *args):
    r = stack.guichet("demand", *args)
    assert r.returncode == 0, f"guichet demand {args}: {r.stdout} {r.stderr}"
    return json.loads(r.stdout.strip().splitlines()[-1])


def body_text(m):
    out = []
    for part in m.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            out.append(part.get_payload(decode=True).decode("utf-8", "replace"))
    return "\n".join(out)


def link_of(stack, demand, n=1):
    """The n-th confirmation link mailed for demand (step 3)."""
    ref = stack.sql("SELECT reference FROM demands WHERE id = :'p1'", demand)[0][0]
    end = time.time() + 30
    while time.time() < end:
        links = []
        for m in mails_about(stack, ref, "@"):
            links += re.findall(r"/demands/" + demand + r"/confirm/([A-Z0-9]+)", body_text(m))
        links = sorted(set(links), key=links.index)
        if len(links) >= n:
            return f"/demands/{demand}/confirm/{links[n - 1]}"
        time.sleep(0.3)
    raise AssertionError(f"no confirmation link mailed for {ref}")


def submitted(stack, world, account="elodie"):
    """A request for Renens and Lausanne, sent (step 3 waits): its id."""
    who = ["--person", world.persons[account]]
    d = cli(stack, "create", *who, "commune-account")
    cli(stack, "save", *who, d["id"], *[f"{k}={v}" for k, v in FIELDS.items()])
    cli(stack, "fire", *who, d["id"], "submit")
    return d["id"]


def test_identification_looks_the_person_and_the_communes_up(stack, world, tmp_path):
    who = ["--person", world.persons["elodie"]]
    d = cli(stack, "create", *who, "commune-account")["id"]
    cli(stack, "save", *who, d, *[f"{k}={v}" for k, v in FIELDS.items()])
    data = json.loads(stack.sql("SELECT form_data::text FROM demands WHERE id = :'p1'", d)[0][0])
    assert data["person-found"] == "yes" and data["person-name"]
    assert [c["commune-name"] for c in data["communes"]] == ["Renens (VD)", "Lausanne"]
    # not in the register: the identity copy is asked, and required
    cli(stack, "save", *who, d, "birth-date=15.05.1988")
    r = stack.guichet("demand", "fire", *who, d, "submit")
    assert r.returncode == 11, r.stdout + r.stderr
    assert "id-copy" in r.stdout
    pdf = tmp_path / "copie.pdf"
    pdf.write_bytes(PDF)
    cli(stack, "fire", *who, "--file", f"id-copy={pdf}:copie.pdf", d, "submit")
    assert state(stack, d)[0] == "email-check"


def filed(stack, world, account="elodie"):
    """Sent, and its e-mail confirmed through the mailed code: in verification."""
    d = submitted(stack, world, account)
    code = link_of(stack, d).rsplit("/", 1)[1]
    cli(stack, "fire", "--person", world.persons[account], d, "confirm-email",
        f"email-code={code}")
    return d


def items(stack, demand):
    return stack.sql("SELECT item, group_id, coalesce(outcome, ''), final::text FROM decide_items"
                     " WHERE demand_id = :'p1' ORDER BY item", demand)


def state(stack, demand):
    return stack.sql("SELECT state, version FROM demands WHERE id = :'p1'", demand)[0]


def answer(client, demand, item, outcome, comment=""):
    path = f"/verify/{demand}/verify/{item}"
    return client.post(path, data={"csrf": csrf_of(client, path), "outcome": outcome,
                                   "comment": comment})


def mails_about(stack, ref, to):
    out = []
    for m in stack.mails():
        if to in (m.get("To") or "") and m.get("X-Guichet-Reference") == ref:
            out.append(m)
    return out


def wait_mail(stack, ref, to, n=1, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        got = mails_about(stack, ref, to)
        if len(got) >= n:
            return got
        time.sleep(0.3)
    raise AssertionError(f"{n} mail(s) for {to} about {ref} never arrived")


def test_the_procedure_checks_and_draws_its_per_item_decision(stack):
    r = stack.guichet("check", "workflows/commune_account.xml")
    assert r.returncode == 0, r.stdout + r.stderr
    r = stack.guichet("graph", "-T", "dot", "workflows/commune_account.xml")
    assert "each item of communes" in r.stdout and "[all answered]" in r.stdout


def test_one_item_per_commune_each_for_its_own_secretary(stack, world):
    d = filed(stack, world)
    assert state(stack, d)[0] == "verification"
    assert items(stack, d) == [("0", "commune-renens", "", "false"),
                               ("1", "commune-lausanne", "", "false")]
    # each secretary's queue lists her commune's item, and only it
    nadia = logged_in(stack, "nadia")
    ines = logged_in(stack, "ines")
    ref = stack.sql("SELECT reference FROM demands WHERE id = :'p1'", d)[0][0]
    q = nadia.get("/verify")
    assert q.status == 200 and f"/verify/{d}/verify/0" in q.text
    assert f"/verify/{d}/verify/1" not in q.text and ref in q.text
    q = ines.get("/verify")
    assert f"/verify/{d}/verify/1" in q.text and f"/verify/{d}/verify/0" not in q.text
    # each secretary was mailed the link to her item, and only to hers
    got = wait_mail(stack, ref, "nadia.chevalley@exemple.test")
    assert f"/verify/{d}/verify/0" in body_text(got[0])
    got = wait_mail(stack, ref, "ines.morand@exemple.test")
    assert f"/verify/{d}/verify/1" in body_text(got[0])
    assert f"/verify/{d}/verify/0" not in body_text(got[0])
    page = ines.get(f"/verify/{d}/verify/1")
    assert page.status == 200 and "UNIREG" in page.text
    assert "RCPERS" not in page.text.split("Données de la demande")[0]
    # the applicant's data, not the code their mail carried
    assert "Adresse postale" in page.text and "Code de validation" not in page.text


def test_another_communes_secretary_gets_404_and_nothing_is_written(stack, world):
    d = filed(stack, world)
    before = state(stack, d)
    ines = logged_in(stack, "ines")
    assert ines.get(f"/verify/{d}/verify/0").status == 404
    r = answer(ines, d, 0, "refused", "pas chez nous")
    assert r.status == 404
    assert items(stack, d)[0] == ("0", "commune-renens", "", "false")
    assert state(stack, d) == before
    # a citizen with no authority at all: 404 too; and no /verify page
    bruno = logged_in(stack, "bruno")
    assert answer(bruno, d, 1, "valid").status == 404
    assert bruno.get("/verify").status == 403


def test_pending_is_not_final_then_a_refusal_and_a_validation_transmit(stack, world):
    d = filed(stack, world)
    ref = stack.sql("SELECT reference FROM demands WHERE id = :'p1'", d)[0][0]
    nadia = logged_in(stack, "nadia")
    ines = logged_in(stack, "ines")
    # a bad answer: refused next to its field, nothing written
    r = answer(nadia, d, 0, "maybe")
    assert r.status == 422 and "Choisissez une réponse" in r.text
    assert items(stack, d)[0][2] == ""
    # en attente: recorded, not final, the demand waits
    r = answer(nadia, d, 0, "pending", "je vérifie auprès du service")
    assert r.status == 303, r
    assert items(stack, d)[0] == ("0", "commune-renens", "pending", "false")
    assert state(stack, d)[0] == "verification"
    # Lausanne refuses: final, but Renens is not: still waiting
    assert answer(ines, d, 1, "refused", "inconnue de nos services").status == 303
    assert state(stack, d)[0] == "verification"
    # a final answer cannot be given twice
    r = answer(ines, d, 1, "valid")
    assert r.status == 409
    # Renens validates: the last final answer transmits, in the same step
    assert answer(nadia, d, 0, "valid", "confirmé").status == 303
    assert state(stack, d)[0] == "transmitted"
    assert items(stack, d) == [("0", "commune-renens", "valid", "true"),
                               ("1", "commune-lausanne", "refused", "true")]
    # every answer is an event, then the system's transmission
    ev = stack.sql("SELECT transition, actor_kind, coalesce(comment, '') FROM events"
                   " WHERE demand_id = :'p1' ORDER BY demand_version", d)
    assert [e[0] for e in ev] == ["create", "submit", "confirm-email", "verify", "verify",
                                  "verify", "transmit"]
    assert ev[-1][1] == "system"
    assert stack.sql("SELECT count(*) FROM decide_answers WHERE demand_id = :'p1'", d) \
        == [("3",)]
    # the item closed: no form any more
    assert "Enregistrer la réponse" not in nadia.get(f"/verify/{d}/verify/0").text
    # the applicant sees each commune's answer, and the history names them
    elodie = logged_in(stack, "elodie")
    page = elodie.get(f"/demands/{d}")
    assert page.status == 200
    assert "Réponses des autorités" in page.text
    assert "Commune de Renens, secrétariat municipal" in page.text and "Validé" in page.text
    assert "Commune de Lausanne, secrétariat municipal" in page.text and "Refusé" in page.text
    assert "inconnue de nos services" in page.text
    assert "Vérification par la commune" in page.text
    # mails at the sink: one per answer, then the transmission
    wait_mail(stack, ref, "elodie.pittet@exemple.test", n=5)
    subjects = [str(m.get("Subject")) for m in mails_about(stack, ref, "elodie.pittet")]
    assert any("transmise" in s or "=?" in s for s in subjects)


def test_an_answer_after_the_demand_moved_on_is_refused(stack, world):
    d = filed(stack, world)
    nadia = logged_in(stack, "nadia")
    ines = logged_in(stack, "ines")
    assert answer(nadia, d, 0, "valid").status == 303
    assert answer(ines, d, 1, "valid").status == 303
    assert state(stack, d)[0] == "transmitted"
    r = answer(ines, d, 1, "refused")
    assert r.status == 409
    assert items(stack, d)[1][2] == "valid"


def test_the_mailed_link_confirms_once_then_says_it_was_used(stack, world):
    d = submitted(stack, world)
    assert state(stack, d)[0] == "email-check"
    assert stack.sql("SELECT bucket FROM demands WHERE id = :'p1'", d) == [("to-do",)]
    assert items(stack, d) == []
    link = link_of(stack, d)
    # someone else following the link: nothing to confirm for them
    assert logged_in(stack, "bruno").get(link).status == 404
    # not logged in: the portal asks for a login first (step 4)
    anon = stack.client().get(link)
    assert anon.status in (302, 303, 401), anon
    elodie = logged_in(stack, "elodie")
    page = elodie.get(link)
    assert page.status == 200 and "Confirmer mon adresse e-mail" in page.text
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    r = elodie.post(form.group(1), data=data)
    assert r.status == 303, r
    assert state(stack, d)[0] == "verification"
    assert [i[1] for i in items(stack, d)] == ["commune-renens", "commune-lausanne"]
    # the same link again: said clearly, and a second post changes nothing
    again = elodie.get(link)
    assert again.status == 200 and "Ce lien a déjà servi" in again.text
    assert "Confirmer mon adresse e-mail</button>" not in again.text
    r = elodie.post(form.group(1), data=data)
    assert r.status == 409
    assert state(stack, d)[0] == "verification"


def test_an_expired_link_is_refused_next_to_the_code_and_the_demand_lapses(stack, world):
    d = submitted(stack, world)
    link = link_of(stack, d)
    stack.sql("UPDATE codes SET expires_at = now() - interval '1 minute'"
              " WHERE demand_id = :'p1'", d)
    elodie = logged_in(stack, "elodie")
    page = elodie.get(link)
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    r = elodie.post(form.group(1), data=data)
    assert r.status == 422 and "plus valable" in r.text
    assert state(stack, d)[0] == "email-check" and items(stack, d) == []
    # three days without confirmation: closed by its timer (moved, not slept)
    stack.sql("UPDATE timers SET due_at = now() - interval '1 second'"
              " WHERE demand_id = :'p1' AND status = 'pending'", d)
    r = stack.guichet("scheduler", "--once")
    assert r.returncode == 0, r.stderr
    assert state(stack, d)[0] == "lapsed"
    assert "la demande est close" in elodie.get(link).text


def test_a_commune_without_a_trusted_third_party_is_refused_before_anything_opens(stack, world):
    who = ["--person", world.persons["elodie"]]
    d = cli(stack, "create", *who, "commune-account")["id"]
    fields = {**FIELDS, "communes.1.ofs": "5401"}        # Aigle: no secretariat registered
    cli(stack, "save", *who, d, *[f"{k}={v}" for k, v in fields.items()])
    cli(stack, "fire", *who, d, "submit")
    code = link_of(stack, d).rsplit("/", 1)[1]
    before = state(stack, d)
    r = stack.guichet("demand", "fire", *who, d, "confirm-email", f"email-code={code}")
    assert r.returncode == 12, r.stdout + r.stderr
    assert "decide.no_authority" in r.stdout + r.stderr
    assert state(stack, d) == before and items(stack, d) == []
    assert stack.sql("SELECT used_at IS NULL FROM codes WHERE demand_id = :'p1'", d) == [("t",)]


def test_a_long_history_of_answers_shows_a_page_of_the_latest(stack, world):
    """/verify gives at most WF_DECIDE_QUEUE_LIMIT (200) items of a list and
    says so (sql/0052): 250 answered items of Renens' secretary, the latest
    answers first, the oldest not drawn; her open items unaffected."""
    d = filed(stack, world)
    stack.sql("""
        INSERT INTO decide_items (demand_id, decide, item, group_id, item_key, outcome, final,
                                  answered_at, opened_at)
        SELECT :'p1'::uuid, 'zhistory', i, 'commune-renens', 'renens', 'valid', true,
               timestamptz '2020-01-01' + make_interval(days => i),
               timestamptz '2020-01-01' + make_interval(days => i)
          FROM generate_series(1, 250) AS i""", d)
    try:
        nadia = logged_in(stack, "nadia")
        done = nadia.get("/verify?which=done").text
        assert len(re.findall(r'href="/verify/[^"]+"', done)) == 200
        # (the module's own answers, newer, come before them)
        shown = [int(n) for n in re.findall(rf"/verify/{d}/zhistory/(\d+)", done)]
        assert shown[0] == 250 and shown == sorted(shown, reverse=True), shown[:3]
        assert min(shown) > 50 and len(shown) >= 190, shown[-3:]
        assert "Seules les 200 réponses les plus récentes sont affichées." in done
        # the open list: her open item of this demand, and no such words
        q = nadia.get("/verify").text
        assert f"/verify/{d}/verify/0" in q and "zhistory" not in q
        assert "Seules les" not in q
        # all: the open ones first, then the latest answers, 200 in all
        every = nadia.get("/verify?which=all").text
        links = re.findall(r'href="/verify/[^"]+"', every)
        assert len(links) == 200 and "/verify/0" in links[0], links[:2]
        assert "Seules 200 demandes sont affichées" in every
    finally:
        stack.sql("DELETE FROM decide_items WHERE decide = 'zhistory'")

# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_enrolment.py -- the electronic identification means (MIE,
workflows/enrolment.xml) through nginx, with every actor of the demo world:

  bruno   citizen known by e-mail only: files, then activates
  tiago   trusted third party of the Lausanne prefecture (prefecture-lausanne)
  nadia   trusted third party of another authority (commune-renens)

The actor chosen by the data (by="third-party:@authority", demands.data_roles),
the form's rules (foreign identity card, under 15, minors' guardians), the
secret code at the counter (issue-code / verify-code), the 6-character
identifier (issue-identifier, enrol_identifiers), the activation
(activate-identifier, raise-assurance) and the two deadlines (3 months, 10
days: due times moved, the scheduler run).  Bruno's level is put back to
e-mail at the end, for the modules after this one.
"""
import datetime
import re

import pytest

from test_demand_web import (PDF, error_next_to, fire, logged_in, post_page, q1,  # noqa: F401
                             state_of, text_of, version_of, wait_for_mail, world)

AVS = "756.1234.5678.97"


def years_ago(n, days=0):
    d = datetime.date.today()
    try:
        d = d.replace(year=d.year - n)
    except ValueError:                      # 29 February
        d = d.replace(year=d.year - n, day=28)
    return (d - datetime.timedelta(days=days)).strftime("%d.%m.%Y")


@pytest.fixture(scope="module")
def bruno(stack, world):
    c = logged_in(stack, "bruno")
    yield c
    # the modules after this one know bruno at the e-mail level
    stack.sql("UPDATE persons SET assurance = 'email' WHERE id = :'p1'",
              world.persons["bruno"])


@pytest.fixture(scope="module")
def tiago(stack, world):
    return logged_in(stack, "tiago")


@pytest.fixture(scope="module")
def nadia(stack, world):
    return logged_in(stack, "nadia")


def start(client):
    r = client.post("/demands", data={"workflow": "enrolment", "new": "1",
                                      "csrf": client.token})
    assert r.status == 303, r
    m = re.fullmatch(r"/demands/([0-9a-f-]{36})/page/identity", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


def fill(client, demand, birth=None, document="swiss-id-card", authority="prefecture-lausanne",
         guardians=None):
    r = post_page(client, demand, "identity", {
        "first-name": "Bruno", "last-name": "Keller", "avs13": AVS,
        "birth-date": birth or years_ago(34)})
    assert r.status == 303, r
    r = post_page(client, demand, "contact", {"email": "bruno.keller@exemple.test",
                                              "mobile": "079 123 45 67"})
    assert r.status == 303, r
    r = post_page(client, demand, "document", {"id-document": document,
                                               "id-document-number": "S1234567"})
    assert r.status == 303, r
    if guardians is not None:
        files = {name: ("doc.pdf", PDF, "application/pdf") for name in guardians[1]}
        r = post_page(client, demand, "guardians", {"guardians": guardians[0]}, files=files)
        assert r.status == 303, r
    r = post_page(client, demand, "authority", {"authority": authority})
    assert r.status == 303, r


def mail_count(stack, to, needle):
    n = 0
    for m in stack.mails():
        if to in (m.get("To") or ""):
            parts = [m] if not m.is_multipart() else list(m.walk())
            if any(p.get_payload(decode=True)
                   and needle in p.get_payload(decode=True).decode("utf-8", "replace")
                   for p in parts):
                n += 1
    return n


# --- the form's rules ------------------------------------------------------------------

def test_a_foreign_identity_card_is_refused_with_the_reason(stack, bruno):
    demand = start(bruno)
    r = post_page(bruno, demand, "document", {"id-document": "foreign-id-card",
                                              "id-document-number": "X99"})
    assert r.status == 422, r
    msg = error_next_to(r.text, "f-id-document")
    assert msg and "cartes d'identité étrangères ne sont pas acceptées" in msg.replace("’", "'")
    assert re.search(r'<option value="foreign-id-card" selected', r.text), "the choice is kept"
    # a foreign passport passes
    r = post_page(bruno, demand, "document", {"id-document": "foreign-passport"})
    assert r.status == 303, r


def test_under_15_is_refused_with_the_reason(stack, bruno):
    demand = start(bruno)
    r = post_page(bruno, demand, "identity", {
        "first-name": "Bruno", "last-name": "Keller", "avs13": AVS,
        "birth-date": years_ago(14, days=-3)})
    assert r.status == 422, r
    msg = error_next_to(r.text, "f-birth-date")
    assert msg and "délivré dès 15 ans" in msg
    assert 'value="Keller"' in r.text, "the rest is kept"
    # 15 today passes
    r = post_page(bruno, demand, "identity", {
        "first-name": "Bruno", "last-name": "Keller", "avs13": AVS,
        "birth-date": years_ago(15)})
    assert r.status == 303, r


def test_an_adult_skips_the_guardians_page_a_minor_is_asked_for_it(stack, bruno):
    adult = start(bruno)
    fill(bruno, adult)
    assert q1(stack, "SELECT pages_saved @> '{authority}' AND NOT pages_saved @> '{guardians}'"
                     " FROM demands WHERE id = :'p1'", adult) == "t"
    r = post_page(bruno, adult, "document", {"id-document": "swiss-passport"})
    assert r.headers["location"].endswith("/page/authority"), r.headers["location"]

    minor = start(bruno)
    r = post_page(bruno, minor, "identity", {
        "first-name": "Bruno", "last-name": "Keller", "avs13": AVS,
        "birth-date": years_ago(16)})
    assert r.status == 303
    post_page(bruno, minor, "contact", {"email": "bruno.keller@exemple.test",
                                        "mobile": "079 123 45 67"})
    r = post_page(bruno, minor, "document", {"id-document": "swiss-id-card"})
    assert r.headers["location"].endswith("/page/guardians"), r.headers["location"]
    page = bruno.get(f"/demands/{minor}/page/guardians")
    assert "Représentants légaux" in text_of(page.text)


def test_data_roles_name_the_authority_chosen(stack, bruno):
    demand = start(bruno)
    fill(bruno, demand, authority="commune-renens")
    assert q1(stack, "SELECT data_roles::text FROM demands WHERE id = :'p1'", demand) \
        == "{third-party:commune-renens}"
    post_page(bruno, demand, "authority", {"authority": "prefecture-lausanne"})
    assert q1(stack, "SELECT data_roles::text FROM demands WHERE id = :'p1'", demand) \
        == "{third-party:prefecture-lausanne}"


# --- the main path ---------------------------------------------------------------------

CODE = re.compile(r"«\s*([A-HJ-NP-Z2-9]{8})\s*»")
STATE = {}


def subject_of(m):
    from email.header import decode_header, make_header
    return str(make_header(decode_header(m.get("Subject") or "")))


def code_mailed(stack, reference, timeout=40):
    import time
    end = time.time() + timeout
    while time.time() < end:
        for m in stack.mails():
            if reference not in subject_of(m):
                continue
            for part in m.walk():
                if part.get_content_type() == "text/plain":
                    text = part.get_payload(decode=True).decode("utf-8")
                    found = CODE.findall(text)
                    if found:
                        return found[0]
        time.sleep(0.3)
    raise AssertionError(f"no code mailed for {reference}")


def submit(stack, client, demand):
    r = fire(client, demand, "submit", version=version_of(stack, demand))
    assert r.status == 303, (r, r.text[:3000])
    assert state_of(stack, demand) == "at-counter"
    return q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)


def test_bruno_files_and_receives_his_secret_code(stack, bruno):
    demand = start(bruno)
    fill(bruno, demand)
    ref = submit(stack, bruno, demand)
    STATE.update(demand=demand, ref=ref)
    code = code_mailed(stack, ref)
    STATE["code"] = code
    # stored only as a keyed hash
    assert q1(stack, "SELECT count(*) FROM codes WHERE demand_id = :'p1' AND purpose = 'counter'"
                     " AND code_hash <> :'p2'", demand, code) == "1"
    wait_for_mail(stack, "bruno.keller@exemple.test", "dans les 3 mois")
    # the demand says where it stands; the 3-month timer runs
    page = text_of(bruno.get(f"/demands/{demand}").text)
    assert "En attente de votre passage au guichet" in page and "3 mois" in page
    assert q1(stack, "SELECT count(*) FROM timers WHERE demand_id = :'p1' AND name = 'expire'"
                     " AND status = 'pending' AND due_at > now() + interval '88 days'",
              demand) == "1"


def test_tiago_finds_it_in_his_queue_and_by_search(stack, tiago):
    ref, demand = STATE["ref"], STATE["demand"]
    home = tiago.get("/counter")
    assert home.status == 200, home
    assert "Préfecture du district de Lausanne" in text_of(home.text)
    assert 'href="/counter"' in home.text, "the header leads to the counter"
    q = tiago.get("/counter/prefecture-lausanne")
    assert q.status == 200, q
    t = text_of(q.text)
    assert ref in t and "Bruno" in t and "Keller" in t
    assert "Demandes ouvertes" in t and "Demandes invalidées" in t and "Toutes les demandes" in t
    # by name and birth date
    r = tiago.get("/counter/prefecture-lausanne?show=open&name=kel&birth="
                  + years_ago(34) + "&reference=")
    assert r.status == 200 and ref in r.text
    r = tiago.get("/counter/prefecture-lausanne?show=open&name=kel&birth=01.01.1901")
    assert ref not in r.text and "Aucune demande" in text_of(r.text)
    # by reference
    r = tiago.get(f"/counter/prefecture-lausanne?show=all&reference={ref}")
    assert r.status == 200 and f"/counter/prefecture-lausanne/demands/{demand}" in r.text
    # a malformed reference or date: said next to the field, nothing listed
    r = tiago.get("/counter/prefecture-lausanne?reference=abc&name=Keller")
    assert r.status == 422 and "2026-000123" in text_of(r.text)
    assert 'value="Keller"' in r.text
    r = tiago.get("/counter/prefecture-lausanne?birth=31.02.1990")
    assert r.status == 422
    # the invalidated list does not show it
    assert ref not in tiago.get("/counter/prefecture-lausanne?show=invalidated").text


def test_another_authority_sees_nothing_of_it(stack, nadia):
    demand, ref = STATE["demand"], STATE["ref"]
    assert nadia.get(f"/demands/{demand}").status == 404
    assert nadia.get(f"/counter/commune-renens/demands/{demand}").status == 404
    assert nadia.get("/counter/prefecture-lausanne").status == 403
    assert nadia.get(f"/counter/prefecture-lausanne/demands/{demand}").status == 403
    assert ref not in nadia.get("/counter/commune-renens?show=all").text
    r = nadia.post(f"/counter/commune-renens/demands/{demand}/verify",
                   data={"csrf": nadia.token, "document-matches": "yes",
                         "code": STATE["code"]})
    assert r.status == 404
    r = fire(nadia, demand, "verify", {"document-matches": "yes", "code": STATE["code"]})
    assert r.status == 404
    assert state_of(stack, demand) == "at-counter"


def test_a_wrong_code_at_the_counter_is_refused_and_counted(stack, tiago):
    demand = STATE["demand"]
    page = tiago.get(f"/counter/prefecture-lausanne/demands/{demand}")
    assert page.status == 200, page
    t = text_of(page.text)
    # the form's data, to compare with the document in hand
    assert "756.1234.5678.97" in t and "Carte d'identité suisse" in t.replace("’", "'")
    assert "S1234567" in t and "Délivrer l'identifiant" in t.replace("’", "'")
    v = version_of(stack, demand)
    r = tiago.post(f"/counter/prefecture-lausanne/demands/{demand}/verify",
                   data={"csrf": tiago.token, "version": str(v), "document-matches": "yes",
                         "code": "ABCDEFGH"})
    assert r.status == 422, r
    assert error_next_to(r.text, "t-verify-code"), "the message is next to the code"
    assert q1(stack, "SELECT failures FROM codes WHERE demand_id = :'p1'", demand) == "1"
    assert state_of(stack, demand) == "at-counter" and version_of(stack, demand) == v
    # a document that does not match: refused with the reason, not issued
    r = tiago.post(f"/counter/prefecture-lausanne/demands/{demand}/verify",
                   data={"csrf": tiago.token, "version": str(v), "document-matches": "no",
                         "code": STATE["code"]})
    assert r.status == 422
    assert "invalidez la demande" in (error_next_to(r.text, "t-verify-document-matches") or "")
    assert q1(stack, "SELECT count(*) FROM enrol_identifiers WHERE demand_id = :'p1'",
              demand) == "0"


def test_the_right_code_issues_a_six_character_identifier(stack, tiago):
    demand = STATE["demand"]
    r = tiago.post(f"/counter/prefecture-lausanne/demands/{demand}/verify",
                   data={"csrf": tiago.token, "version": str(version_of(stack, demand)),
                         "document-matches": "yes", "code": STATE["code"].lower()})
    assert r.status == 303, (r, r.text[:2000])
    assert r.headers["location"] == f"/counter/prefecture-lausanne/demands/{demand}?issued=1"
    assert state_of(stack, demand) == "to-activate"
    ident = q1(stack, "SELECT identifier FROM enrol_identifiers WHERE demand_id = :'p1'", demand)
    assert re.fullmatch(r"[a-z0-9]{6}", ident) and re.search(r"[a-z]", ident) \
        and re.search(r"[0-9]", ident)
    STATE["identifier"] = ident
    page = tiago.get(r.headers["location"])
    assert ident in page.text and "Tiago Almeida" in text_of(page.text)
    assert q1(stack, "SELECT issued_group FROM enrol_identifiers WHERE identifier = :'p1'",
              ident) == "prefecture-lausanne"
    # the code is used up, and never kept in plain in the demand's data
    assert q1(stack, "SELECT form_data ? 'code' FROM demands WHERE id = :'p1'", demand) == "f"
    assert q1(stack, "SELECT form_data->>'document-matches' FROM demands WHERE id = :'p1'",
              demand) == "yes"
    # the activation link is mailed, valid 10 days
    assert q1(stack, "SELECT used_at IS NOT NULL FROM codes WHERE demand_id = :'p1'",
              demand) == "t"
    wait_for_mail(stack, "bruno.keller@exemple.test", "Dans les 10 jours")
    assert q1(stack, "SELECT count(*) FROM timers WHERE demand_id = :'p1' AND name = 'lapse'"
                     " AND status = 'pending'", demand) == "1"
    # a second click is told it is done, and issues nothing more
    r = tiago.post(f"/counter/prefecture-lausanne/demands/{demand}/verify",
                   data={"csrf": tiago.token, "document-matches": "yes",
                         "code": STATE["code"]})
    assert r.status == 409
    assert q1(stack, "SELECT count(*) FROM enrol_identifiers WHERE demand_id = :'p1'",
              demand) == "1"


def test_bruno_activates_and_is_verified_on_the_next_page(stack, bruno, world):
    demand, ident = STATE["demand"], STATE["identifier"]
    assert q1(stack, "SELECT assurance FROM persons WHERE id = :'p1'",
              world.persons["bruno"]) == "email"
    assert "Vérification en personne" not in text_of(bruno.get("/auth/session").text)
    page = bruno.get(f"/demands/{demand}")
    assert "Activer mon moyen d'identification" in text_of(page.text).replace("’", "'")
    wrong = "zz99zz" if ident != "zz99zz" else "yy88yy"
    r = fire(bruno, demand, "activate", {"identifier": wrong},
             version=version_of(stack, demand))
    assert r.status == 422, r
    assert "pas celui reçu au guichet" in (error_next_to(r.text, "t-activate-identifier") or "")
    assert q1(stack, "SELECT assurance FROM persons WHERE id = :'p1'",
              world.persons["bruno"]) == "email"
    r = fire(bruno, demand, "activate", {"identifier": ident.upper()},
             version=version_of(stack, demand))
    assert r.status == 303, (r, r.text[:2000])
    assert state_of(stack, demand) == "activated"
    # raised, bound to his login, with who verified him, where and when
    row = stack.sql("SELECT r.level, r.previous, r.issuer, r.subject, p.display_name,"
                    "       r.verified_group, r.verified_at IS NOT NULL"
                    "  FROM assurance_raises r JOIN persons p ON p.id = r.verified_by"
                    " WHERE r.person_id = :'p1'", world.persons["bruno"])
    assert len(row) == 1
    level, prev, issuer, subject, by, group, at = row[0]
    assert (level, prev, subject, by, group, at) == \
        ("verified", "email", "bruno", "Tiago Almeida", "prefecture-lausanne", "t")
    assert issuer == stack.env["GUICHET_IDP_DEV_ISSUER"]
    # the very next page shows it (the session's facts were forgotten)
    t = text_of(bruno.get("/auth/session").text)
    assert "identité vérifiée en personne" in t
    assert "Vérification en personne" in t and "Préfecture du district de Lausanne" in t \
        and "Tiago Almeida" in t
    wait_for_mail(stack, "bruno.keller@exemple.test", "votre identité est désormais vérifiée")
    # exactly once: a second activation is refused, nothing raised again
    r = fire(bruno, demand, "activate", {"identifier": ident})
    assert r.status == 409
    assert q1(stack, "SELECT count(*) FROM assurance_raises WHERE person_id = :'p1'",
              world.persons["bruno"]) == "1"
    assert q1(stack, "SELECT activated_at IS NOT NULL FROM enrol_identifiers"
                     " WHERE identifier = :'p1'", ident) == "t"
    # the counter shows it activated, among all its demands but not the open ones
    tiago = logged_in(stack, "tiago")
    assert STATE["ref"] in tiago.get("/counter/prefecture-lausanne?show=all").text
    assert STATE["ref"] not in tiago.get("/counter/prefecture-lausanne?show=open").text
    assert "Activé par la personne" in text_of(
        tiago.get(f"/counter/prefecture-lausanne/demands/{demand}").text)


# --- the side paths --------------------------------------------------------------------

def run_due(stack, demand, timer):
    stack.sql("UPDATE timers SET due_at = now() - interval '1 second'"
              " WHERE demand_id = :'p1' AND name = :'p2' AND status = 'pending'", demand, timer)
    r = stack.guichet("scheduler", "--once")
    assert r.returncode == 0, r.stderr


def test_not_at_the_counter_within_3_months_the_demand_expires(stack, bruno, tiago):
    demand = start(bruno)
    fill(bruno, demand)
    ref = submit(stack, bruno, demand)
    code = code_mailed(stack, ref)
    run_due(stack, demand, "expire")
    assert state_of(stack, demand) == "expired"
    m = wait_for_mail(stack, "bruno.keller@exemple.test", "recommencez une demande")
    assert ref in subject_of(m)
    t = text_of(bruno.get(f"/demands/{demand}").text)
    assert "Expirée" in t and "recommencez une demande" in t
    # the counter lists it as invalidated; the code issues nothing any more
    assert ref in tiago.get("/counter/prefecture-lausanne?show=invalidated").text
    r = tiago.post(f"/counter/prefecture-lausanne/demands/{demand}/verify",
                   data={"csrf": tiago.token, "document-matches": "yes", "code": code})
    assert r.status == 409
    assert q1(stack, "SELECT count(*) FROM enrol_identifiers WHERE demand_id = :'p1'",
              demand) == "0"


def issued(stack, bruno, tiago):
    demand = start(bruno)
    fill(bruno, demand)
    ref = submit(stack, bruno, demand)
    code = code_mailed(stack, ref)
    r = tiago.post(f"/counter/prefecture-lausanne/demands/{demand}/verify",
                   data={"csrf": tiago.token, "document-matches": "yes", "code": code})
    assert r.status == 303, r
    return demand, ref, q1(stack, "SELECT identifier FROM enrol_identifiers"
                                  " WHERE demand_id = :'p1'", demand)


def test_the_link_lapses_after_10_days_contact_the_support(stack, bruno, tiago, world):
    demand, ref, ident = issued(stack, bruno, tiago)
    run_due(stack, demand, "lapse")
    assert state_of(stack, demand) == "activation-lapsed"
    wait_for_mail(stack, "bruno.keller@exemple.test", "Contactez le support")
    t = text_of(bruno.get(f"/demands/{demand}").text)
    assert "Lien d'activation expiré" in t.replace("’", "'") and "contactez le support" in t
    r = fire(bruno, demand, "activate", {"identifier": ident})
    assert r.status == 409
    assert q1(stack, "SELECT activated_at IS NULL FROM enrol_identifiers"
                     " WHERE identifier = :'p1'", ident) == "t"


def test_identifiers_are_unique_and_never_reused(stack, bruno, tiago):
    seen = {q1(stack, "SELECT identifier FROM enrol_identifiers WHERE demand_id = :'p1'",
               STATE["demand"])}
    for _ in range(2):
        _, _, ident = issued(stack, bruno, tiago)
        assert ident not in seen
        seen.add(ident)
    assert q1(stack, "SELECT count(*) = count(DISTINCT identifier) FROM enrol_identifiers") == "t"
    # an identifier once issued is never issued again, even when drawn again:
    # the database keeps the first candidate not yet issued
    taken = sorted(seen)[0]
    demand = start(bruno)
    fill(bruno, demand)
    submit(stack, bruno, demand)
    stack.sql("UPDATE demands SET state = 'at-counter' WHERE id = :'p1'", demand)
    ev = stack.sql(
        "SELECT fx_issue_identifier(d, jsonb_build_object('candidates',"
        "       jsonb_build_array(:'p2', 'q7w8e9')), NULL, :'p3'::uuid)"
        "  FROM demands d WHERE d.id = :'p1'", demand, taken,
        q1(stack, "SELECT person_id FROM third_party_members"
                  " WHERE group_id = 'prefecture-lausanne' LIMIT 1"))
    assert ev is not None
    got = q1(stack, "SELECT identifier FROM enrol_identifiers WHERE demand_id = :'p1'", demand)
    assert got == "q7w8e9" or got not in seen


def test_the_third_party_invalidates_with_a_reason(stack, bruno, tiago):
    demand = start(bruno)
    fill(bruno, demand)
    ref = submit(stack, bruno, demand)
    r = fire(tiago, demand, "invalidate", {"comment": ""})
    assert r.status == 422, "the reason is required"
    r = fire(tiago, demand, "invalidate",
             {"comment": "La carte présentée est échue depuis 2024."})
    assert r.status == 303, r
    assert state_of(stack, demand) == "invalidated"
    wait_for_mail(stack, "bruno.keller@exemple.test", "échue depuis 2024")
    assert ref in tiago.get("/counter/prefecture-lausanne?show=invalidated").text
    assert ref not in tiago.get("/counter/prefecture-lausanne?show=open").text


def test_a_minor_with_the_guardians_consent_is_filed(stack, bruno):
    demand = start(bruno)
    fill(bruno, demand, birth=years_ago(16),
         guardians=("divorced", ["consent", "guardian-id", "divorce-judgment"]))
    ref = submit(stack, bruno, demand)
    assert ref
    assert q1(stack, "SELECT count(*) FROM documents WHERE demand_id = :'p1'", demand) == "3"


def test_a_minor_without_the_consent_cannot_file(stack, bruno):
    demand = start(bruno)
    fill(bruno, demand, birth=years_ago(17))
    r = fire(bruno, demand, "submit", version=version_of(stack, demand))
    assert r.status == 422, r
    t = text_of(r.text)
    assert "Formulaire d'accord signé" in t.replace("’", "'")
    assert state_of(stack, demand) == "draft"
    # two guardians living apart: one form each
    r = post_page(bruno, demand, "guardians", {"guardians": "separate-homes"},
                  files={"consent": ("a.pdf", PDF, "application/pdf"),
                         "guardian-id": ("b.pdf", PDF, "application/pdf"),
                         "guardian-id-2": ("c.pdf", PDF, "application/pdf")})
    assert r.status == 422, r
    assert "second représentant légal" in text_of(r.text)
    assert error_next_to(r.text, "f-consent-2")
    r = post_page(bruno, demand, "guardians", {"guardians": "separate-homes"},
                  files={"consent-2": ("d.pdf", PDF, "application/pdf")})
    assert r.status == 303, r
    submit(stack, bruno, demand)
    # at 18, no guardian is asked
    adult = start(bruno)
    fill(bruno, adult, birth=years_ago(18))
    submit(stack, bruno, adult)

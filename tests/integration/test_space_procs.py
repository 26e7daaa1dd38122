# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_space_procs.py -- joining a space and asking for a protected service,
as procedures (workflows/space_join.xml, workflows/service_access.xml, the
effects of sql/0025), through nginx, the engine, PostgreSQL, the SMTP sink
and the identity provider for real.

  join     alice names an IDE without an active space (refused next to the
           field, nothing written); names Menuiserie: marc (référent) is
           mailed and refuses with a comment (alice mailed, no membership);
           asks again and marc accepts (membership with her function, a
           space_events row by marc, mail); a third request is refused next
           to the field (already a member).  For Kiosque, carla holding
           the "members" duty accepts (the event names carla), while david,
           a plain member, cannot (nothing written).
  access   david cannot file a subsidy (403, nothing written); asks for it:
           rita is offered only "forward" (subsidy asks SERAC's second
           approval: accept is refused, nothing written), forwards, agnes
           approves, david now files a subsidy; rita revokes and the
           subsidy is refused again.  A service without a second approval
           (the tests' protected probe) is granted by the référent alone.

Everything made here is undone at the end of the module (the session's
stack is shared with later modules).
"""
import html
import os
import re
import time

import pytest

from fixtures_people import KIOSQUE_IDE, TILLEULS_IDE, seed
from oidc_login import login

MENUISERIE_IDE = "CHE-418.523.676"     # Menuiserie Vuilleumier Sàrl (marc)
UNKNOWN_IDE = "CHE-116.281.710"        # valid check digit, in no register


@pytest.fixture(scope="module")
def world(stack):
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(stack.var, "mail", sub), exist_ok=True)
    w = seed(stack)
    w.spaces["menuiserie"] = stack.sql(
        "SELECT s.id::text FROM spaces s JOIN entities e ON e.id = s.entity_id"
        " WHERE e.ide = :'p1' AND s.status = 'active'", MENUISERIE_IDE)[0][0]
    yield w
    # undo what the module did to the shared world
    # (the spaces other modules gave her -- the openings of test_space_open,
    # where she is the future référent -- are theirs to keep)
    stack.sql("""
        SELECT space_detach(m.space_id, m.person_id, NULL)
          FROM memberships m JOIN spaces s ON s.id = m.space_id
         WHERE m.person_id = :'p1'::uuid AND m.ended_at IS NULL
           AND s.referent_person_id IS DISTINCT FROM m.person_id""", w.person("alice"))
    stack.sql("""
        UPDATE delegations SET revoked_at = now()
         WHERE person_id = :'p1'::uuid AND revoked_at IS NULL""", w.person("carla"))
    stack.sql("""
        UPDATE access_grants SET revoked_at = now()
         WHERE person_id = :'p1'::uuid AND revoked_at IS NULL""", w.person("david"))


def csrf_of(client, path="/dashboard"):
    r = client.get(path)
    m = re.search(r'name="csrf" value="([^"]+)"', r.text)
    assert m, f"no CSRF field on {path}: {r!r}"
    return m.group(1)


def logged_in(stack, account, space=None):
    c = stack.client()
    r = login(stack, c, account)
    assert r.status == 303, f"login of {account}: {r!r}"
    if space is not None:
        r = c.post("/context", data={"space": space, "csrf": csrf_of(c, "/context")})
        assert r.status == 303, f"context switch of {account}: {r!r}"
    c.token = csrf_of(c)
    return c


def q1(stack, query, *params):
    rows = stack.sql(query, *params)
    return rows[0][0] if rows else None


def text_of(page):
    body = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def error_next_to(page, field_id):
    """The message shown with a field: under its input on a form page, or
    with its value on the demand page a refused step shows again."""
    m = re.search(r'<p class="error-msg" id="%s-error">(.*?)</p>' % re.escape(field_id), page,
                  re.S) \
        or re.search(r'<dt id="%s">[^<]*</dt><dd>[^<]*<span class="error-msg">(.*?)</span>'
                     % re.escape(field_id), page, re.S)
    return text_of(m.group(1)) if m else None


def fingerprint(stack):
    return stack.sql(
        "SELECT (SELECT count(*) FROM demands), (SELECT coalesce(sum(version), 0) FROM demands),"
        "       (SELECT count(*) FROM events), (SELECT count(*) FROM outbox),"
        "       (SELECT count(*) FROM memberships), (SELECT count(*) FROM access_grants),"
        "       (SELECT count(*) FROM space_events)")[0]


def state_of(stack, demand):
    return q1(stack, "SELECT state FROM demands WHERE id = :'p1'", demand)


def start(client, workflow):
    r = client.post("/demands", data={"workflow": workflow, "new": "1", "csrf": client.token})
    assert r.status == 303, r
    m = re.match(r"/demands/([0-9a-f-]{36})/page/", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


def save(client, demand, page, data):
    r = client.post(f"/demands/{demand}/page/{page}",
                    data={"csrf": client.token, "nav": "next", **data})
    assert r.status == 303, r
    return r


def fire(client, demand, step, data=None):
    return client.post(f"/demands/{demand}/fire/{step}",
                       data={"csrf": client.token, **(data or {})})


def subject_of(m):
    from email.header import decode_header, make_header
    return str(make_header(decode_header(m.get("Subject") or "")))


def mails_to(stack, to, subject):
    return [m for m in stack.mails()
            if to in (m.get("To") or "") and subject in subject_of(m)]


def wait_mail(stack, to, subject, count=1, timeout=40):
    end = time.time() + timeout
    while time.time() < end:
        if len(mails_to(stack, to, subject)) >= count:
            return
        time.sleep(0.3)
    raise AssertionError(f"no mail to {to} about {subject!r}; got "
                         f"{[(m.get('To'), subject_of(m)) for m in stack.mails()]}")


def join_request(client, ide, function="secrétaire"):
    demand = start(client, "space_join")
    save(client, demand, "entity", {"ide": ide, "function": function, "note": ""})
    return demand


# --- joining a space --------------------------------------------------------------------

STATE = {}


def test_an_ide_without_an_active_space_is_refused_next_to_the_field(stack, world):
    alice = logged_in(stack, "alice")
    STATE["alice"] = alice
    for ide in (UNKNOWN_IDE, TILLEULS_IDE):            # unknown; a pending space
        demand = join_request(alice, ide)
        before = fingerprint(stack)
        r = fire(alice, demand, "submit")
        assert r.status == 422, r
        msg = error_next_to(r.text, "f-ide")
        assert msg and "Aucun espace professionnel actif" in msg, r.text[-3000:]
        assert fingerprint(stack) == before, "a refused request wrote something"
        assert state_of(stack, demand) == "draft"
        assert fire(alice, demand, "discard").status == 303


def test_the_referent_refuses_a_join_request_with_a_comment(stack, world):
    alice = STATE["alice"]
    marc_mails = len(mails_to(stack, "marc.vuilleumier", "demande à rejoindre"))
    demand = join_request(alice, MENUISERIE_IDE, "comptable")
    r = fire(alice, demand, "submit")
    assert r.status == 303, r
    assert state_of(stack, demand) == "submitted"
    assert q1(stack, "SELECT form_data->>'target_space' FROM demands WHERE id = :'p1'",
              demand) == world.spaces["menuiserie"]
    wait_mail(stack, "marc.vuilleumier", "demande à rejoindre", marc_mails + 1)
    wait_mail(stack, "alice.martin", "Demande de rattachement transmise")

    # marc, acting for the space, finds it on his dashboard
    marc = logged_in(stack, "marc", world.spaces["menuiserie"])
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    assert ref in text_of(marc.get("/dashboard").text), "the request is not on his dashboard"
    page = marc.get(f"/demands/{demand}")
    assert page.status == 200, page
    t = text_of(page.text)
    assert "Accepter et rattacher" in t and "Refuser" in t
    before = fingerprint(stack)
    r = fire(marc, demand, "refuse", {"comment": ""})
    assert r.status == 422, r                      # the comment is required
    assert fingerprint(stack) == before
    r = fire(marc, demand, "refuse", {"comment": "Nous n'avons pas de comptable externe."})
    assert r.status == 303, r
    assert state_of(stack, demand) == "refused"
    assert q1(stack, "SELECT count(*) FROM memberships WHERE person_id = :'p1'::uuid"
                     " AND space_id = :'p2'::uuid AND ended_at IS NULL", world.person("alice"),
              world.spaces["menuiserie"]) == "0"
    wait_mail(stack, "alice.martin", "Demande de rattachement refusée")


def test_the_referent_accepts_and_the_person_becomes_a_member(stack, world):
    alice = STATE["alice"]
    demand = join_request(alice, MENUISERIE_IDE, "comptable")
    assert fire(alice, demand, "submit").status == 303
    marc = logged_in(stack, "marc", world.spaces["menuiserie"])
    events = int(q1(stack, "SELECT count(*) FROM space_events WHERE space_id = :'p1'::uuid",
                    world.spaces["menuiserie"]))
    r = fire(marc, demand, "accept")
    assert r.status == 303, r
    assert state_of(stack, demand) == "accepted"
    assert stack.sql("SELECT function, added_by::text FROM memberships"
                     " WHERE person_id = :'p1'::uuid AND space_id = :'p2'::uuid"
                     "   AND ended_at IS NULL", world.person("alice"),
                     world.spaces["menuiserie"]) == [("comptable", world.person("marc"))]
    assert stack.sql("SELECT action, actor::text, person_id::text, detail->>'function'"
                     "  FROM space_events WHERE space_id = :'p1'::uuid ORDER BY id DESC LIMIT 1",
                     world.spaces["menuiserie"]) \
        == [("attach", world.person("marc"), world.person("alice"), "comptable")]
    assert int(q1(stack, "SELECT count(*) FROM space_events WHERE space_id = :'p1'::uuid",
                  world.spaces["menuiserie"])) == events + 1
    wait_mail(stack, "alice.martin", "Vous êtes membre de l’espace professionnel")
    # she may now act for the entity
    r = alice.get("/context")
    assert "Menuiserie Vuilleumier" in text_of(r.text)

    # a third request: already a member, said next to the field
    again = join_request(alice, MENUISERIE_IDE)
    before = fingerprint(stack)
    r = fire(alice, again, "submit")
    assert r.status == 422, r
    assert "déjà membre" in (error_next_to(r.text, "f-ide") or "")
    assert fingerprint(stack) == before


def test_a_delegate_with_the_members_duty_handles_a_join_request(stack, world):
    kiosque = world.spaces["kiosque"]
    stack.sql("SELECT space_delegate(:'p1'::uuid, :'p2'::uuid, 'members', NULL, :'p3'::uuid)",
              kiosque, world.person("carla"), world.person("rita"))
    alice = STATE["alice"]
    demand = join_request(alice, KIOSQUE_IDE, "bénévole")
    assert fire(alice, demand, "submit").status == 303

    # david, a member without the duty: not his step, nothing written
    david = logged_in(stack, "david", kiosque)
    before = fingerprint(stack)
    r = fire(david, demand, "accept")
    assert r.status in (403, 404), r
    assert fingerprint(stack) == before

    carla = logged_in(stack, "carla", kiosque)
    r = fire(carla, demand, "accept")
    assert r.status == 303, r
    assert stack.sql("SELECT action, actor::text FROM space_events WHERE space_id = :'p1'::uuid"
                     " AND person_id = :'p2'::uuid ORDER BY id DESC LIMIT 1",
                     kiosque, world.person("alice")) == [("attach", world.person("carla"))]
    assert q1(stack, "SELECT function FROM memberships WHERE person_id = :'p1'::uuid"
                     " AND space_id = :'p2'::uuid AND ended_at IS NULL",
              world.person("alice"), kiosque) == "bénévole"


# --- access to a protected service -------------------------------------------------------

def test_a_member_without_the_grant_cannot_file_the_service(stack, world):
    david = logged_in(stack, "david", world.spaces["kiosque"])
    STATE["david"] = david
    # the catalogue: no start button for it, the way to ask for it
    page = david.get("/catalogue").text
    assert 'name="workflow" value="subsidy"' not in page
    assert 'name="workflow" value="service_access"' in page
    assert '<a href="#p-service_access">Demander l’accès au référent</a>' in page
    before = fingerprint(stack)
    r = david.post("/demands", data={"workflow": "subsidy", "new": "1", "csrf": david.token})
    assert r.status in (403, 404), r
    assert fingerprint(stack) == before


def test_the_service_owner_approves_after_the_referent(stack, world):
    kiosque = world.spaces["kiosque"]
    david = STATE["david"]
    demand = start(david, "service_access")
    save(david, demand, "service", {"service": "subsidy", "reason": "Je prépare les dossiers."})
    assert fire(david, demand, "submit").status == 303
    wait_mail(stack, "rita.favre", "Un membre demande l’accès")

    rita = logged_in(stack, "rita", kiosque)
    STATE["rita"] = rita
    ref = q1(stack, "SELECT reference FROM demands WHERE id = :'p1'", demand)
    assert ref in text_of(rita.get("/dashboard").text)
    t = text_of(rita.get(f"/demands/{demand}").text)
    assert "Accepter et transmettre au service pour approbation" in t
    assert "Accorder l’accès" not in t, "subsidy asks SERAC's approval: no direct grant"
    before = fingerprint(stack)
    r = fire(rita, demand, "accept")
    assert r.status == 403, r
    assert fingerprint(stack) == before

    assert fire(rita, demand, "forward").status == 303
    assert state_of(stack, demand) == "owner-review"
    assert q1(stack, "SELECT count(*) FROM access_grants WHERE person_id = :'p1'::uuid"
                     " AND workflow_key = 'subsidy' AND revoked_at IS NULL",
              world.person("david")) == "0", "no grant before the second approval"
    wait_mail(stack, "agnes.dubois", "Accès à une prestation à approuver")

    # david still cannot file it
    r = david.post("/demands", data={"workflow": "subsidy", "new": "1", "csrf": david.token})
    assert r.status in (403, 404), r

    agnes = logged_in(stack, "agnes")
    assert ref in text_of(agnes.get("/agent/serac").text), "not in the SERAC's queue"
    assert fire(agnes, demand, "approve").status == 303
    assert state_of(stack, demand) == "granted"
    assert stack.sql("SELECT granted_by::text FROM access_grants WHERE person_id = :'p1'::uuid"
                     " AND space_id = :'p2'::uuid AND workflow_key = 'subsidy'"
                     " AND revoked_at IS NULL", world.person("david"), kiosque) \
        == [(world.person("agnes"),)]
    assert stack.sql("SELECT action, actor::text, detail->>'workflow' FROM space_events"
                     " WHERE space_id = :'p1'::uuid AND person_id = :'p2'::uuid"
                     " ORDER BY id DESC LIMIT 1", kiosque, world.person("david")) \
        == [("grant", world.person("agnes"), "subsidy")]
    wait_mail(stack, "david.meier", "Accès accordé")
    STATE["access"] = demand

    # now he may: a draft subsidy, discarded again
    r = david.post("/demands", data={"workflow": "subsidy", "new": "1", "csrf": david.token})
    assert r.status == 303, r
    draft = re.match(r"/demands/([0-9a-f-]{36})/", r.headers["location"]).group(1)
    assert fire(david, draft, "discard").status == 303


def test_the_referent_revokes_and_the_service_is_refused_again(stack, world):
    david, rita, demand = STATE["david"], STATE["rita"], STATE["access"]
    assert fire(rita, demand, "revoke").status == 303
    assert state_of(stack, demand) == "revoked"
    assert q1(stack, "SELECT count(*) FROM access_grants WHERE person_id = :'p1'::uuid"
                     " AND workflow_key = 'subsidy' AND revoked_at IS NULL",
              world.person("david")) == "0"
    assert q1(stack, "SELECT action FROM space_events WHERE person_id = :'p1'::uuid"
                     " ORDER BY id DESC LIMIT 1", world.person("david")) == "revoke"
    wait_mail(stack, "david.meier", "Accès révoqué")
    before = fingerprint(stack)
    r = david.post("/demands", data={"workflow": "subsidy", "new": "1", "csrf": david.token})
    assert r.status in (403, 404), r
    assert fingerprint(stack) == before


def test_the_referent_refuses_access_with_a_comment(stack, world):
    david, rita = STATE["david"], STATE["rita"]
    demand = start(david, "service_access")
    save(david, demand, "service", {"service": "subsidy", "reason": ""})
    assert fire(david, demand, "submit").status == 303
    assert fire(rita, demand, "refuse", {"comment": "Carla s'en occupe."}).status == 303
    assert state_of(stack, demand) == "refused"
    wait_mail(stack, "david.meier", "Accès refusé")


def test_a_grants_delegate_handles_an_access_request_and_the_service_may_decline(stack, world):
    """carla, holding the grants duty, cannot see david's draft, sees his
    request once sent and forwards it; agnes declines with a comment."""
    kiosque = world.spaces["kiosque"]
    stack.sql("SELECT space_delegate(:'p1'::uuid, :'p2'::uuid, 'grants', NULL, :'p3'::uuid)",
              kiosque, world.person("carla"), world.person("rita"))
    david = STATE["david"]
    carla = logged_in(stack, "carla", kiosque)
    demand = start(david, "service_access")
    save(david, demand, "service", {"service": "subsidy", "reason": ""})
    assert carla.get(f"/demands/{demand}").status in (403, 404), "a draft is its filer's"
    assert fire(david, demand, "submit").status == 303
    page = carla.get(f"/demands/{demand}")
    assert page.status == 200, page
    t = text_of(page.text)
    assert "Accepter et transmettre au service" in t and "Retirer la demande" not in t
    before = fingerprint(stack)
    assert fire(carla, demand, "withdraw").status == 403, "the filer's step is not hers"
    assert fingerprint(stack) == before
    assert fire(carla, demand, "forward").status == 303
    assert stack.sql("SELECT actor_person_id::text FROM events WHERE demand_id = :'p1'"
                     " AND transition = 'forward'", demand) == [(world.person("carla"),)]
    agnes = logged_in(stack, "agnes")
    assert fire(agnes, demand, "decline", {"comment": "Pas de projet en cours."}).status == 303
    assert state_of(stack, demand) == "refused"
    assert q1(stack, "SELECT count(*) FROM access_grants WHERE person_id = :'p1'::uuid"
                     " AND workflow_key = 'subsidy' AND revoked_at IS NULL",
              world.person("david")) == "0"
    wait_mail(stack, "david.meier", "Accès refusé", 2)


def test_graph_and_check_know_the_second_approval(stack):
    out = stack.guichet("graph", "-T", "dot", "workflows/subsidy.xml")
    assert "agent:serac" in out.stdout and "grant approved" in out.stdout
    out = stack.guichet("graph", "-T", "dot", "workflows/service_access.xml")
    assert "service-approval:service=serac" in out.stdout


# --- a service without a second approval; the other space effects ----------------------

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def publish(stack, key, xml, tmp_path):
    """Publishes a test-only procedure as the engine would (checked first:
    `guichet check` must pass, so the engine loads it)."""
    path = tmp_path / f"{key}.xml"
    path.write_text(xml, encoding="utf-8")
    out = stack.guichet("check", str(path))
    assert out.returncode == 0, out.stdout + out.stderr
    stack.sql("SELECT wf_publish(:'p1', encode(sha256(convert_to(:'p2', 'UTF8')), 'hex'),"
              " :'p2', 'tests/integration/test_space_procs.py')", key, xml)


def test_a_service_without_second_approval_is_granted_by_the_referent(stack, world, tmp_path):
    """The same procedure with one more option, the tests' protected probe
    (no grant-approval): accept, no forward."""
    with open(os.path.join(ROOT, "workflows", "service_access.xml"), encoding="utf-8") as f:
        xml = f.read()
    xml = xml.replace('id="service_access"', 'id="guichet-test-access"').replace(
        '<option value="subsidy">',
        '<option value="guichet-test-probe"><label xml:lang="fr">Sonde</label></option>\n'
        '        <option value="subsidy">')
    publish(stack, "guichet-test-access", xml, tmp_path)
    kiosque = world.spaces["kiosque"]
    david, rita = STATE["david"], STATE["rita"]
    demand = start(david, "guichet-test-access")
    save(david, demand, "service", {"service": "guichet-test-probe", "reason": ""})
    assert fire(david, demand, "submit").status == 303
    t = text_of(rita.get(f"/demands/{demand}").text)
    assert "Accorder l’accès" in t and "transmettre au service" not in t
    before = fingerprint(stack)
    assert fire(rita, demand, "forward").status == 403
    assert fingerprint(stack) == before
    assert fire(rita, demand, "accept").status == 303
    assert stack.sql("SELECT granted_by::text FROM access_grants WHERE person_id = :'p1'::uuid"
                     " AND space_id = :'p2'::uuid AND workflow_key = 'guichet-test-probe'"
                     " AND revoked_at IS NULL", world.person("david"), kiosque) \
        == [(world.person("rita"),)]


SPACEFX_XML = """<?xml version="1.0" encoding="UTF-8"?>
<workflow xmlns="urn:guichet:workflow:1" id="guichet-test-spacefx" version="1">
  <title xml:lang="fr">Sonde des effets sur un espace</title>
  <audience space="professional"/>
  <form id="f">
    <page id="p">
      <title xml:lang="fr">Personne</title>
      <field name="who" type="email" required="yes"><label xml:lang="fr">Qui</label></field>
    </page>
  </form>
  <states initial="draft">
    <state id="draft" bucket="draft" form="f"><label xml:lang="fr">Brouillon</label></state>
    <state id="delegated" bucket="in-progress"><label xml:lang="fr">Déléguée</label></state>
    <state id="undelegated" bucket="in-progress"><label xml:lang="fr">Reprise</label></state>
    <state id="handed" bucket="in-progress"><label xml:lang="fr">Remis</label></state>
    <state id="back" bucket="in-progress"><label xml:lang="fr">Repris</label></state>
    <state id="done" bucket="archived" final="yes"><label xml:lang="fr">Fini</label></state>
  </states>
  <transition id="delegate" from="draft" to="delegated" by="referent" form="f"
              guard="form-complete">
    <label xml:lang="fr">Déléguer</label>
    <effect action="delegate" duty="grants" person-field="who"/>
  </transition>
  <transition id="undelegate" from="delegated" to="undelegated" by="referent">
    <label xml:lang="fr">Reprendre</label>
    <effect action="revoke-delegation" duty="grants" person-field="who"/>
  </transition>
  <transition id="handover" from="undelegated" to="handed" by="referent">
    <label xml:lang="fr">Remettre le rôle</label>
    <effect action="set-referent" person-field="who"/>
  </transition>
  <transition id="handback" from="handed" to="back" by="referent">
    <label xml:lang="fr">Rendre le rôle</label>
    <effect action="set-referent"/>
  </transition>
  <transition id="detach" from="back" to="done" by="referent">
    <label xml:lang="fr">Détacher</label>
    <effect action="detach-member" person-field="who"/>
  </transition>
</workflow>
"""


def test_delegate_hand_over_and_detach_as_effects(stack, world, tmp_path):
    """marc (référent of Menuiserie, where alice is now a member) delegates
    the grants duty to alice and takes it back, hands her the référent role,
    she hands it back, and he detaches her: each a space_events row by the
    person who fired it."""
    publish(stack, "guichet-test-spacefx", SPACEFX_XML, tmp_path)
    space = world.spaces["menuiserie"]
    alice_id, marc_id = world.person("alice"), world.person("marc")
    marc = logged_in(stack, "marc", space)
    demand = start(marc, "guichet-test-spacefx")
    save(marc, demand, "p", {"who": "alice.martin@exemple.test"})

    def last_event():
        return stack.sql("SELECT action, actor::text, person_id::text FROM space_events"
                         " WHERE space_id = :'p1'::uuid ORDER BY id DESC LIMIT 1", space)[0]

    assert fire(marc, demand, "delegate").status == 303
    assert last_event() == ("delegate", marc_id, alice_id)
    assert q1(stack, "SELECT az_delegate(:'p1'::uuid, :'p2'::uuid, 'grants')",
              alice_id, space) == "t"
    assert fire(marc, demand, "undelegate").status == 303
    assert last_event() == ("undelegate", marc_id, alice_id)
    assert q1(stack, "SELECT az_delegate(:'p1'::uuid, :'p2'::uuid, 'grants')",
              alice_id, space) == "f"
    assert fire(marc, demand, "handover").status == 303
    assert last_event() == ("referent", marc_id, alice_id)
    assert q1(stack, "SELECT referent_person_id::text FROM spaces WHERE id = :'p1'",
              space) == alice_id

    # marc is no longer the référent: the next step is alice's
    before = fingerprint(stack)
    assert fire(marc, demand, "handback").status in (403, 404)
    assert fingerprint(stack) == before
    alice = logged_in(stack, "alice", space)
    assert fire(alice, demand, "handback").status == 303
    assert last_event() == ("referent", alice_id, marc_id)
    assert fire(marc, demand, "detach").status == 303
    assert last_event() == ("detach", marc_id, alice_id)
    assert q1(stack, "SELECT az_member(:'p1'::uuid, :'p2'::uuid)", alice_id, space) == "f"

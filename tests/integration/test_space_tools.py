# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_space_tools.py -- the référent's tools on "Administrer l'espace
professionnel" (engine/h_members.c, sql/0024_space_tools.sql), through
nginx, the engine, PostgreSQL, the identity provider and the SMTP sink,
with the demo world of fixtures_people.py.

marc is the référent of Menuiserie Vuilleumier Sàrl (its only member at
first), rita of Kiosque du Marché; alice, nadia and oscar are verified,
bruno known by e-mail only.  Every action is done, refused when it must
be (the field's message, what was typed kept; a non-référent or a
stranger 403/404 with nothing written), and leaves its space_events row
and the mail to the person concerned.  Menuiserie is put back as it was
at the end (marc its only member and référent), for the modules that
share the stack.
"""
import re
import time
from email.header import decode_header, make_header

import pytest

from fixtures_people import seed
from test_account import input_value, text_of
from test_access_matrix import DOMAIN_TABLES
from test_demand_web import csrf_of, logged_in

MENUISERIE_IDE = "CHE-418.523.676"
OSCAR_AVS = "756.9217.0769.85"


def q1(stack, query, *params):
    rows = stack.sql(query, *params)
    return rows[0][0] if rows else None


def checksum(stack):
    """A checksum of every domain table (what a refusal must not touch)."""
    present = {r[0] for r in stack.sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    parts = [f"SELECT '{t}' || ':' || ({cols})::text AS t FROM {t} x"
             for t, cols in DOMAIN_TABLES.items() if t in present]
    return q1(stack, "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM ("
              + " UNION ALL ".join(parts) + ") a")


def error_next_to(page, field_id):
    """The message under a field, checking the control points at it."""
    m = re.search(r'<p class="error-msg" id="%s-error">(.*?)</p>' % re.escape(field_id), page,
                  re.S)
    if not m:
        return None
    ctl = re.search(r'<(?:input|select)[^>]*id="%s"[^>]*>' % re.escape(field_id), page)
    assert ctl and f"{field_id}-error" in ctl.group(0) and 'aria-invalid="true"' in ctl.group(0)
    return text_of(m.group(1))


def subject_of(m):
    return str(make_header(decode_header(m.get("Subject") or "")))


def wait_mail(stack, to, subject, timeout=40):
    """The first mail at the sink to `to` whose subject contains `subject`."""
    end = time.time() + timeout
    while time.time() < end:
        for m in stack.mails():
            if to.lower() in (m.get("To") or "").lower() and subject in subject_of(m):
                return m
        time.sleep(0.3)
    pytest.fail(f"no mail to {to} about {subject!r}: "
                + "; ".join(f"{m.get('To')}: {subject_of(m)}" for m in stack.mails()))


def last_event(stack, space, action):
    rows = stack.sql("SELECT actor::text, coalesce(person_id::text, ''), detail::text"
                     "  FROM space_events WHERE space_id = :'p1' AND action = :'p2'"
                     " ORDER BY id DESC LIMIT 1", space, action)
    return rows[0] if rows else None


def outbox_to(stack, person, template):
    return int(q1(stack, "SELECT count(*) FROM outbox WHERE person_id = :'p1'"
                         " AND template = :'p2'", person, template))


def member(stack, space, person):
    return q1(stack, "SELECT count(*) FROM memberships WHERE space_id = :'p1'"
                     " AND person_id = :'p2' AND ended_at IS NULL", space, person) == "1"


def referent(stack, space):
    return q1(stack, "SELECT referent_person_id::text FROM spaces WHERE id = :'p1'", space)


def post(client, path, **data):
    data["csrf"] = client.token
    return client.post(path, data=data)


@pytest.fixture(scope="module")
def world(stack):
    import os
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(stack.var, "mail", sub), exist_ok=True)
    return seed(stack)


@pytest.fixture(scope="module")
def menuiserie(stack, world):
    space = q1(stack, "SELECT s.id FROM spaces s JOIN entities e ON e.id = s.entity_id"
                      " WHERE e.ide = :'p1' AND s.status = 'active'", MENUISERIE_IDE)
    stack.sql("UPDATE persons SET avs13 = :'p1' WHERE id = :'p2'", OSCAR_AVS,
              world.persons["oscar"])
    yield space
    # put Menuiserie back: marc its référent and only member, nothing held
    marc = world.persons["marc"]
    stack.sql("""
        SELECT st_offer_close(:'p1'::uuid, 'void');
        SELECT space_set_referent(:'p1'::uuid, :'p2'::uuid, :'p2'::uuid)
         WHERE EXISTS (SELECT 1 FROM memberships WHERE space_id = :'p1'::uuid
                          AND person_id = :'p2'::uuid AND ended_at IS NULL);
        SELECT space_detach(:'p1'::uuid, person_id, :'p2'::uuid) FROM memberships
         WHERE space_id = :'p1'::uuid AND ended_at IS NULL AND person_id <> :'p2'::uuid;
        UPDATE spaces SET contact_email = NULL WHERE id = :'p1'::uuid;
        UPDATE persons SET avs13 = NULL WHERE avs13 = :'p3';
    """, space, marc, OSCAR_AVS)


@pytest.fixture(scope="module")
def marc(stack, world, menuiserie):
    return logged_in(stack, "marc", menuiserie)


def page(client, space):
    r = client.get(f"/spaces/{space}/members")
    assert r.status == 200, r
    client.token = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    return r.text


# --- the page and its forms ---------------------------------------------------------------

def test_the_referent_sees_every_form(stack, marc, menuiserie):
    html = page(marc, menuiserie)
    for action in ("/members/attach", "/join-keys", "/contact"):
        assert f'action="/spaces/{menuiserie}{action}"' in html
    assert 'method="post"' in html and 'name="csrf"' in html


# --- attach ---------------------------------------------------------------------------------

def test_attach_a_verified_person_by_email(stack, world, marc, menuiserie):
    alice = world.persons["alice"]
    page(marc, menuiserie)
    r = post(marc, f"/spaces/{menuiserie}/members/attach",
             identifier="Alice.Martin@EXEMPLE.test", function="comptable")
    assert r.status == 303 and r.headers["location"].endswith("/members?done=attached"), r
    assert member(stack, menuiserie, alice)
    assert q1(stack, "SELECT function FROM memberships WHERE space_id = :'p1'"
                     " AND person_id = :'p2' AND ended_at IS NULL", menuiserie, alice) \
        == "comptable"
    actor, person, detail = last_event(stack, menuiserie, "attach")
    assert (actor, person) == (world.persons["marc"], alice) and "comptable" in detail
    m = wait_mail(stack, "alice.martin@exemple.test", "rattaché")
    assert "Menuiserie Vuilleumier" in subject_of(m)
    r = marc.get(f"/spaces/{menuiserie}/members?done=attached")
    assert "Alice Martin" in text_of(r.text) and "La personne a été rattachée" in text_of(r.text)


def test_attach_by_avs_number(stack, world, marc, menuiserie):
    oscar = world.persons["oscar"]
    page(marc, menuiserie)
    r = post(marc, f"/spaces/{menuiserie}/members/attach",
             identifier="756 9217 0769 85", function="apprenti")
    assert r.status == 303, r
    assert member(stack, menuiserie, oscar)
    assert outbox_to(stack, oscar, "space-attached") == 1


@pytest.mark.parametrize("ident,why", [
    ("bruno.keller@exemple.test", "n’a pas été vérifiée"),
    ("personne@nulle-part.test", "Aucune personne n’est inscrite"),
    ("756.1234.5678.90", "numéro AVS n’est pas valable"),
    ("pas une adresse", "13 chiffres"),
    ("alice.martin@exemple.test", "déjà membre"),
])
def test_attach_refused_next_to_the_field(stack, world, marc, menuiserie, ident, why):
    page(marc, menuiserie)
    before = checksum(stack)
    r = post(marc, f"/spaces/{menuiserie}/members/attach", identifier=ident,
             function="stagiaire")
    assert r.status == 422, r
    assert why in error_next_to(r.text, "attach-identifier")
    assert input_value(r.text, "identifier") == ident
    assert input_value(r.text, "function") == "stagiaire"
    assert 'href="#attach-identifier"' in r.text          # the summary links to it
    assert checksum(stack) == before


def test_attach_needs_a_function_and_utf8(stack, marc, menuiserie):
    page(marc, menuiserie)
    r = post(marc, f"/spaces/{menuiserie}/members/attach",
             identifier="nadia.chevalley@exemple.test", function="")
    assert r.status == 422 and error_next_to(r.text, "attach-function")
    assert input_value(r.text, "identifier") == "nadia.chevalley@exemple.test"
    # text that is not UTF-8: refused next to its field, nothing written
    before = checksum(stack)
    r = marc.request("POST", f"/spaces/{menuiserie}/members/attach",
                     body=b"identifier=nadia.chevalley%40exemple.test&function=%FF%FEx&csrf="
                     + marc.token.encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 422 and error_next_to(r.text, "attach-function")
    assert checksum(stack) == before


def test_not_referent_nor_stranger_may_attach(stack, world, menuiserie):
    alice = logged_in(stack, "alice", menuiserie)        # a member, acting for it
    rita = logged_in(stack, "rita", world.spaces["kiosque"])
    before = checksum(stack)
    for c, space, want in ((alice, menuiserie, 403), (rita, menuiserie, 403),
                           (rita, "00000000-0000-4000-8000-000000000000", 404)):
        r = post(c, f"/spaces/{space}/members/attach", identifier="nadia.chevalley@exemple.test",
                 function="x")
        assert r.status == want, r
        r = post(c, f"/spaces/{space}/join-keys")
        assert r.status == want, r
    assert alice.get(f"/spaces/{menuiserie}/members").status == 403
    assert checksum(stack) == before


# --- join keys ------------------------------------------------------------------------------

def make_key(marc, space):
    page(marc, space)
    r = post(marc, f"/spaces/{space}/join-keys")
    assert r.status == 200, r
    assert r.headers.get("cache-control") == "no-store"
    m = re.search(r'<code class="join-key">([A-Z0-9-]+)</code>', r.text)
    assert m, r.text[:2000]
    return m.group(1)


def test_join_with_a_key_once(stack, world, marc, menuiserie):
    key = make_key(marc, menuiserie)
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", key)
    # stored as a hash only
    assert q1(stack, "SELECT count(*) FROM space_join_keys WHERE key_hash = :'p1'",
              key) == "0"
    assert q1(stack, "SELECT count(*) FROM space_join_keys WHERE key_hash = st_key_hash(:'p1')",
              key.replace("-", "")) == "1"
    assert last_event(stack, menuiserie, "join-key")[0] == world.persons["marc"]

    nadia = logged_in(stack, "nadia")
    r = nadia.get("/spaces/join")
    assert r.status == 200 and 'name="key"' in r.text
    nadia.token = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = post(nadia, "/spaces/join", key=key.lower().replace("-", " "), function="menuisière")
    assert r.status == 303 and r.headers["location"] == "/context?done=joined", r
    assert member(stack, menuiserie, world.persons["nadia"])
    actor, person, detail = last_event(stack, menuiserie, "join")
    assert actor == person == world.persons["nadia"]
    wait_mail(stack, "nadia.chevalley@exemple.test", "rejoint un espace")
    # the space is told, at its référent's address (no contact e-mail yet)
    wait_mail(stack, "marc.vuilleumier@exemple.test", "Une personne a rejoint")
    r = nadia.get("/context")
    assert "Menuiserie Vuilleumier" in text_of(r.text)

    # the same key a second time: refused
    tiago = logged_in(stack, "tiago")
    tiago.token = csrf_of(tiago, "/spaces/join")
    before = checksum(stack)
    r = post(tiago, "/spaces/join", key=key, function="apprenti")
    assert r.status == 422, r
    assert "déjà été utilisée" in error_next_to(r.text, "join-key")
    assert input_value(r.text, "function") == "apprenti"
    assert input_value(r.text, "key") == ""                 # never given back
    assert checksum(stack) == before


def test_an_expired_or_unknown_key_is_refused(stack, world, marc, menuiserie):
    key = make_key(marc, menuiserie)
    stack.sql("UPDATE space_join_keys SET created_at = now() - interval '9 days',"
              " expires_at = now() - interval '2 days' WHERE key_hash = st_key_hash(:'p1')",
              key.replace("-", ""))
    tiago = logged_in(stack, "tiago")
    tiago.token = csrf_of(tiago, "/spaces/join")
    r = post(tiago, "/spaces/join", key=key, function="apprenti")
    assert r.status == 422 and "expiré" in error_next_to(r.text, "join-key")
    r = post(tiago, "/spaces/join", key="ABCD-EFGH-JKLM-NPQR", function="apprenti")
    assert r.status == 422 and "n’existe pas" in error_next_to(r.text, "join-key")
    r = post(tiago, "/spaces/join", key="", function="apprenti")
    assert r.status == 422 and error_next_to(r.text, "join-key")
    assert not member(stack, menuiserie, world.persons["tiago"])


def test_joining_needs_a_verified_identity_acting_for_oneself(stack, world, menuiserie):
    bruno = logged_in(stack, "bruno")
    r = bruno.get("/spaces/join")
    assert r.status == 403 and "identité vérifiée" in text_of(r.text)
    carla = logged_in(stack, "carla", world.spaces["kiosque"])
    assert carla.get("/spaces/join").status == 403


# --- grants, revoked: the service is gone ---------------------------------------------------

def start_subsidy(client):
    return client.post("/demands", data={"workflow": "subsidy", "new": "1",
                                         "csrf": client.token})


def test_grant_then_revoke_a_protected_service(stack, world, marc, menuiserie):
    if q1(stack, "SELECT count(*) FROM definitions WHERE workflow_key = 'subsidy'") == "0":
        pytest.skip("subsidy is not published in this stack")
    alice_id = world.persons["alice"]
    alice = logged_in(stack, "alice", menuiserie)
    assert start_subsidy(alice).status == 403              # no grant yet

    html = page(marc, menuiserie)
    assert f'id="grant-{alice_id}"' in html
    r = post(marc, f"/spaces/{menuiserie}/members/{alice_id}/grant", workflow="")
    assert r.status == 422 and error_next_to(r.text, f"grant-{alice_id}")
    r = post(marc, f"/spaces/{menuiserie}/members/{alice_id}/grant", workflow="subsidy")
    assert r.status == 303, r
    assert last_event(stack, menuiserie, "grant")[1] == alice_id
    wait_mail(stack, "alice.martin@exemple.test", "Accès à une prestation accordé")

    alice.token = csrf_of(alice)
    r = start_subsidy(alice)
    assert r.status == 303, r
    demand = re.search(r"/demands/([0-9a-f-]{36})", r.headers["location"]).group(1)
    assert alice.get(f"/demands/{demand}").status == 200

    page(marc, menuiserie)
    r = post(marc, f"/spaces/{menuiserie}/members/{alice_id}/revoke", workflow="subsidy")
    assert r.status == 303, r
    assert last_event(stack, menuiserie, "revoke")[1] == alice_id
    wait_mail(stack, "alice.martin@exemple.test", "révoqué")
    # revoked: neither sees nor files the service for the entity
    assert alice.get(f"/demands/{demand}").status == 403
    alice.token = csrf_of(alice)
    n = q1(stack, "SELECT count(*) FROM demands")
    assert start_subsidy(alice).status == 403
    assert q1(stack, "SELECT count(*) FROM demands") == n
    # revoking what is not granted: refused, said on the page
    page(marc, menuiserie)
    r = post(marc, f"/spaces/{menuiserie}/members/{alice_id}/revoke", workflow="subsidy")
    assert r.status == 422 and "n’a pas d’autorisation" in text_of(r.text)


def test_an_unprotected_or_unknown_service_cannot_be_granted(stack, world, marc, menuiserie):
    alice_id = world.persons["alice"]
    page(marc, menuiserie)
    before = checksum(stack)
    r = post(marc, f"/spaces/{menuiserie}/members/{alice_id}/grant", workflow="guichet-test-open")
    assert r.status == 422 and "Prestation inconnue" in error_next_to(r.text, f"grant-{alice_id}")
    assert checksum(stack) == before


# --- delegations: a delegate acts within their duty, not outside, not after the end ----------

def test_a_grants_delegate_within_and_outside_their_duty(stack, world, marc, menuiserie):
    alice_id, oscar_id = world.persons["alice"], world.persons["oscar"]
    page(marc, menuiserie)
    r = post(marc, f"/spaces/{menuiserie}/members/{alice_id}/delegate", duty="grants",
             until="32.13.2030")
    assert r.status == 422 and error_next_to(r.text, f"until-{alice_id}")
    ctl = re.search(r'<input[^>]*id="until-%s"[^>]*>' % alice_id, r.text).group(0)
    assert 'value="32.13.2030"' in ctl
    r = post(marc, f"/spaces/{menuiserie}/members/{alice_id}/delegate", duty="grants",
             until="31.12.2099")
    assert r.status == 303, r
    assert "grants" in last_event(stack, menuiserie, "delegate")[2]
    wait_mail(stack, "alice.martin@exemple.test", "Une responsabilité vous a été déléguée")

    alice = logged_in(stack, "alice", menuiserie)
    html = page(alice, menuiserie)                     # the page, with her tools only
    assert f"/members/{oscar_id}/grant" in html
    assert "/members/attach" not in html and "/delegate" not in html
    r = post(alice, f"/spaces/{menuiserie}/members/{oscar_id}/grant", workflow="subsidy")
    if q1(stack, "SELECT count(*) FROM definitions WHERE workflow_key = 'subsidy'") != "0":
        assert r.status == 303, r
        assert last_event(stack, menuiserie, "grant")[0] == alice_id
    before = checksum(stack)
    # outside her duty
    assert post(alice, f"/spaces/{menuiserie}/members/attach", identifier="tiago.almeida@exemple.test",
                function="x").status == 403
    assert post(alice, f"/spaces/{menuiserie}/members/{oscar_id}/detach").status == 403
    assert post(alice, f"/spaces/{menuiserie}/members/{oscar_id}/delegate",
                duty="grants").status == 403
    assert post(alice, f"/spaces/{menuiserie}/contact", email="a@b.ch").status == 403
    assert checksum(stack) == before

    # the delegation ended yesterday: nothing any more
    stack.sql("UPDATE delegations SET until = (now() AT TIME ZONE 'Europe/Zurich')::date - 1"
              " WHERE space_id = :'p1' AND person_id = :'p2' AND revoked_at IS NULL",
              menuiserie, alice_id)
    before = checksum(stack)
    assert post(alice, f"/spaces/{menuiserie}/members/{oscar_id}/revoke",
                workflow="subsidy").status == 403
    assert alice.get(f"/spaces/{menuiserie}/members").status == 403
    assert checksum(stack) == before

    page(marc, menuiserie)
    r = post(marc, f"/spaces/{menuiserie}/members/{alice_id}/undelegate", duty="grants")
    assert r.status == 303, r
    assert last_event(stack, menuiserie, "undelegate")[1] == alice_id
    wait_mail(stack, "alice.martin@exemple.test", "retirée")


def test_a_members_delegate_attaches_and_detaches(stack, world, marc, menuiserie):
    alice_id, oscar_id = world.persons["alice"], world.persons["oscar"]
    page(marc, menuiserie)
    assert post(marc, f"/spaces/{menuiserie}/members/{alice_id}/delegate", duty="members",
                until="").status == 303
    alice = logged_in(stack, "alice", menuiserie)
    html = page(alice, menuiserie)
    assert "/members/attach" in html and "/grant" not in html
    r = post(alice, f"/spaces/{menuiserie}/members/{oscar_id}/detach")
    assert r.status == 303, r
    assert not member(stack, menuiserie, oscar_id)
    actor, person, _ = last_event(stack, menuiserie, "detach")
    assert (actor, person) == (alice_id, oscar_id)
    assert outbox_to(stack, oscar_id, "space-detached") == 1
    wait_mail(stack, "oscar.blanc@exemple.test", "détaché")
    before = checksum(stack)
    assert post(alice, f"/spaces/{menuiserie}/members/{alice_id}/grant",
                workflow="subsidy").status == 403
    assert checksum(stack) == before
    page(marc, menuiserie)
    assert post(marc, f"/spaces/{menuiserie}/members/{alice_id}/undelegate",
                duty="members").status == 303


def test_the_referent_cannot_be_detached(stack, world, marc, menuiserie):
    page(marc, menuiserie)
    before = checksum(stack)
    r = post(marc, f"/spaces/{menuiserie}/members/{world.persons['marc']}/detach")
    assert r.status == 422 and "désignez d’abord un autre référent" in text_of(r.text)
    assert checksum(stack) == before


# --- the référent hand-over: both confirm, always one référent ------------------------------

def test_hand_over_needs_both(stack, world, marc, menuiserie):
    alice_id, marc_id = world.persons["alice"], world.persons["marc"]
    page(marc, menuiserie)
    r = post(marc, f"/spaces/{menuiserie}/members/{alice_id}/referent")
    assert r.status == 303, r
    assert referent(stack, menuiserie) == marc_id            # nothing changed yet
    assert last_event(stack, menuiserie, "referent-offer")[1] == alice_id
    wait_mail(stack, "alice.martin@exemple.test", "rôle de référent")

    # somebody else cannot answer it
    nadia = logged_in(stack, "nadia")
    nadia.token = csrf_of(nadia, "/context")
    assert post(nadia, f"/spaces/{menuiserie}/referent/accept").status == 404

    alice = logged_in(stack, "alice")                        # acting for herself
    r = alice.get("/context")
    assert f"/spaces/{menuiserie}/referent/accept" in r.text
    alice.token = csrf_of(alice, "/context")
    r = post(alice, f"/spaces/{menuiserie}/referent/decline")
    assert r.status == 303, r
    assert referent(stack, menuiserie) == marc_id
    wait_mail(stack, "marc.vuilleumier@exemple.test", "déclinée")

    # offered again, withdrawn, offered again, accepted
    page(marc, menuiserie)
    assert post(marc, f"/spaces/{menuiserie}/members/{alice_id}/referent").status == 303
    page(marc, menuiserie)
    assert post(marc, f"/spaces/{menuiserie}/referent/withdraw").status == 303
    assert post(alice, f"/spaces/{menuiserie}/referent/accept").status == 404
    page(marc, menuiserie)
    assert post(marc, f"/spaces/{menuiserie}/members/{alice_id}/referent").status == 303
    r = post(alice, f"/spaces/{menuiserie}/referent/accept")
    assert r.status == 303 and r.headers["location"] == "/context?done=referent", r
    assert referent(stack, menuiserie) == alice_id
    assert member(stack, menuiserie, marc_id)                # the previous one stays
    assert q1(stack, "SELECT count(DISTINCT referent_person_id) FROM spaces"
                     " WHERE id = :'p1'", menuiserie) == "1"
    actor, person, detail = last_event(stack, menuiserie, "referent")
    assert (actor, person) == (alice_id, alice_id) and marc_id in detail
    wait_mail(stack, "marc.vuilleumier@exemple.test", "acceptée")
    # marc is a plain member now: the page is refused him
    assert marc.get(f"/spaces/{menuiserie}/members").status == 403

    # and back: alice offers marc, marc accepts
    alice = logged_in(stack, "alice", menuiserie)
    page(alice, menuiserie)
    assert post(alice, f"/spaces/{menuiserie}/members/{marc_id}/referent").status == 303
    marc.token = csrf_of(marc, "/context")
    assert post(marc, f"/spaces/{menuiserie}/referent/accept").status == 303
    assert referent(stack, menuiserie) == marc_id


def test_offering_the_referent_is_the_referents_alone(stack, world, menuiserie):
    page_marc = logged_in(stack, "marc", menuiserie)
    page(page_marc, menuiserie)
    assert post(page_marc, f"/spaces/{menuiserie}/members/{world.persons['alice']}/delegate",
                duty="members").status == 303
    alice = logged_in(stack, "alice", menuiserie)
    page(alice, menuiserie)
    before = checksum(stack)
    r = post(alice, f"/spaces/{menuiserie}/members/{world.persons['nadia']}/referent")
    assert r.status == 403 and "Seul le référent" in text_of(r.text)
    assert checksum(stack) == before
    page(page_marc, menuiserie)
    assert post(page_marc, f"/spaces/{menuiserie}/members/{world.persons['alice']}/undelegate",
                duty="members").status == 303


# --- the space's contact e-mail -----------------------------------------------------------------

def test_contact_email(stack, world, marc, menuiserie):
    page(marc, menuiserie)
    before = checksum(stack)
    r = post(marc, f"/spaces/{menuiserie}/contact", email="pas une adresse")
    assert r.status == 422 and error_next_to(r.text, "contact-email")
    assert input_value(r.text, "email") == "pas une adresse"
    assert checksum(stack) == before
    r = post(marc, f"/spaces/{menuiserie}/contact", email="Atelier@Menuiserie.test")
    assert r.status == 303, r
    assert q1(stack, "SELECT contact_email FROM spaces WHERE id = :'p1'",
              menuiserie) == "Atelier@menuiserie.test"
    assert "Atelier@menuiserie.test" in last_event(stack, menuiserie, "contact")[2]
    wait_mail(stack, "Atelier@menuiserie.test", "Adresse de contact")
    # shown to members
    alice = logged_in(stack, "alice")
    assert "Atelier@menuiserie.test" in text_of(alice.get("/context").text)
    # and used for the space's mails: a person joining is told to it
    key = make_key(marc, menuiserie)
    tiago = logged_in(stack, "tiago")
    tiago.token = csrf_of(tiago, "/spaces/join")
    assert post(tiago, "/spaces/join", key=key, function="apprenti").status == 303
    wait_mail(stack, "Atelier@menuiserie.test", "Une personne a rejoint")
    page(marc, menuiserie)
    assert post(marc, f"/spaces/{menuiserie}/contact", email="").status == 303
    assert q1(stack, "SELECT contact_email IS NULL FROM spaces WHERE id = :'p1'",
              menuiserie) == "t"


def test_every_page_in_three_languages(stack, world, marc, menuiserie):
    for lang, word in (("de", "Eine Person zuordnen"), ("en", "Attach a person"),
                       ("fr", "Rattacher une personne")):
        r = marc.get(f"/spaces/{menuiserie}/members?lang={lang}")
        assert r.status == 200 and word in text_of(r.text), lang

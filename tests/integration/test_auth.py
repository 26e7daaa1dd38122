# SPDX-License-Identifier: AGPL-3.0-or-later
"""Login, sessions and CSRF through the real stack.

nginx -> engine (liboauth2) -> the real oidc-provider (scripts/idp) and
PostgreSQL.  Every refused login must show the auth_error page and leave
no session behind; tokens the provider would never issue are made by its
test switch (IDP_TEST_MODE=1: POST /__test/next), re-signed with its own
key so that exactly one property is wrong.  Expiry is tested by moving the
stored timestamps, never by sleeping."""
import hashlib
import http.cookiejar
import json
import re
import secrets
import urllib.parse

import pytest

from oidc_login import (ACCOUNTS, ACR_STRONG, authorize, csrf_token, issuer, login,
                        logout_at_provider, provider_test_mode, start)

# The provider's test switch (IDP_TEST_MODE) and the acr its strong logins
# carry (GUICHET_IDP_DEV_ACR_STRONG) are set by conftest.py and stack.sh.

COOKIE = "guichet_session"          # the dev stack is not Secure
REFUSED = "La connexion n’a pas abouti"


def sessions(stack):
    return int(stack.sql("SELECT count(*) FROM sessions")[0][0])


def digest(value):
    return hashlib.sha256(value.encode()).hexdigest()


def set_cookies(resp):
    return [v for k, v in resp.header_list if k == "set-cookie"]


def session_row(stack, client):
    rows = stack.sql("SELECT person_id, assurance, idp, space_id FROM sessions "
                     "WHERE id_hash = :'p1'", digest(client.cookie(COOKIE)))
    return rows[0] if rows else None


def plant(client, value):
    """Puts a session cookie into client's jar as an attacker would."""
    client.jar.set_cookie(http.cookiejar.Cookie(
        0, COOKIE, value, None, False, "127.0.0.1", False, False, "/", True, False,
        None, False, None, None, {}))


def fresh_login(stack, account="alice", return_to=None):
    c = stack.client()
    r = login(stack, c, account, return_to=return_to)
    assert r.status == 303, r
    return c, r


@pytest.fixture(autouse=True)
def provider_normal(stack):
    provider_test_mode(stack, "off")
    yield
    provider_test_mode(stack, "off")


# --- success -----------------------------------------------------------------

def test_login_opens_a_session_and_goes_back_where_the_person_was_going(stack):
    before = sessions(stack)
    c, r = fresh_login(stack, "alice", return_to="/auth/session?tab=1")
    assert r.headers["location"] == "/auth/session?tab=1"
    assert sessions(stack) == before + 1
    token = c.cookie(COOKIE)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    # only the hash is stored
    assert stack.sql("SELECT count(*) FROM sessions WHERE id_hash = :'p1'", token) == [("0",)]
    person, assurance, idp, space = session_row(stack, c)
    # the login's own level; the session shows the higher of it and the
    # person's (raised to "verified" by enrolment)
    assert (assurance, idp, space) == ("email", "dev", "")
    stored = stack.sql("SELECT assurance FROM persons WHERE id = :'p1'", person)[0][0]
    ident = stack.sql("SELECT i.issuer, i.subject, p.display_name, p.email, p.given_name,"
                      " p.family_name, i.claims->>'acr', i.claims->'amr'->>0"
                      " FROM identities i JOIN persons p ON p.id = i.person_id"
                      " WHERE p.id = :'p1' AND i.issuer = :'p2'", person, issuer(stack))
    assert ident == [(issuer(stack), "alice", "Alice Martin", "alice.martin@exemple.test",
                      "Alice", "Martin", "urn:guichet:acr:password", "pwd")]
    page = c.get("/auth/session")
    assert page.status == 200
    assert "Alice Martin" in page.text and "alice.martin@exemple.test" in page.text
    assert f'data-assurance="{stored}"' in page.text
    assert "pour moi-même" in page.text                     # header: the context


def test_second_login_keeps_the_same_person(stack):
    c1, _ = fresh_login(stack, "bruno")
    c2, _ = fresh_login(stack, "bruno")
    assert session_row(stack, c1)[0] == session_row(stack, c2)[0]
    assert stack.sql("SELECT count(*) FROM identities WHERE subject = 'bruno'") == [("1",)]


def test_strong_acr_gives_a_strong_session(stack):
    c, _ = fresh_login(stack, "sophie")
    assert session_row(stack, c)[1] == "strong"
    assert 'data-assurance="strong"' in c.get("/auth/session").text


def test_session_cookie_flags(stack):
    c = stack.client()
    auth = c.get("/auth/login")
    state_cookies = [v for v in set_cookies(auth) if v.startswith("guichet_oidc_state_")]
    assert len(state_cookies) == 1
    assert all(f in state_cookies[0] for f in ("HttpOnly", "SameSite=Lax", "Path=/"))
    callback, _ = authorize(stack, auth.headers["location"], "alice")
    r = c.get(callback)
    cookies = set_cookies(r)
    mine = [v for v in cookies if v.startswith(COOKIE + "=")]
    assert len(mine) == 1
    flags = [f.strip() for f in mine[0].split(";")]
    assert "HttpOnly" in flags and "SameSite=Lax" in flags and "Path=/" in flags
    assert "Secure" not in flags            # dev stack only; __Host- + Secure otherwise
    # liboauth2's own session never reaches the browser; its state cookie is cleared
    assert not any(v.startswith("guichet_oidc_tmp") for v in cookies)
    assert any(v.startswith("guichet_oidc_state_") and "Max-Age=0" in v for v in cookies)


def test_return_to_must_be_a_local_path(stack):
    for bad in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"):
        _, r = fresh_login(stack, "alice", return_to=bad)
        assert r.headers["location"] == "/", bad


def test_login_while_logged_in_goes_straight_back(stack):
    c, _ = fresh_login(stack, "alice")
    r = c.get("/auth/login?return_to=/auth/session")
    assert r.status == 303 and r.headers["location"] == "/auth/session"


def test_unknown_provider_shows_the_list(stack):
    r = stack.client().get("/auth/login?idp=nope")
    assert r.status == 404
    assert "n’existe pas" in r.text
    assert 'href="/auth/login?idp=dev&amp;return_to=%2F"' in r.text


def test_same_subject_from_two_issuers_is_two_persons(stack):
    a = stack.sql("SELECT person_id FROM identity_login('https://idp-a.test', 'same', 'a',"
                  " '{}', 'Anna A', NULL, NULL, NULL)")
    b = stack.sql("SELECT person_id FROM identity_login('https://idp-b.test', 'same', 'b',"
                  " '{}', 'Anna B', NULL, NULL, NULL)")
    again = stack.sql("SELECT person_id FROM identity_login('https://idp-a.test', 'same', 'a',"
                      " '{}', 'Anna A', NULL, NULL, NULL)")
    assert a != b and a == again


# --- refused logins ----------------------------------------------------------

def assert_refused(stack, resp, before, status=401, text=REFUSED):
    assert resp.status == status, resp
    assert text in resp.text
    assert sessions(stack) == before
    assert not any(v.startswith(COOKIE + "=") and "Max-Age=0" not in v
                   for v in set_cookies(resp))


def test_tampered_state_is_refused(stack):
    c = stack.client()
    callback, _ = authorize(stack, start(c), "alice")
    u = urllib.parse.urlsplit(callback)
    q = dict(urllib.parse.parse_qsl(u.query))
    q["state"] = q["state"][:-1] + ("0" if q["state"][-1] != "0" else "1")
    before = sessions(stack)
    r = c.get(u._replace(query=urllib.parse.urlencode(q)).geturl())
    assert_refused(stack, r, before, status=400)
    assert "déjà été utilisée" in r.text


def test_replayed_callback_is_refused(stack):
    c = stack.client()
    callback, _ = authorize(stack, start(c), "alice")
    assert c.get(callback).status == 303
    before = sessions(stack)
    assert_refused(stack, c.get(callback), before, status=400)
    assert_refused(stack, stack.client().get(callback), before, status=400)


def test_replayed_code_with_a_fresh_state_is_refused_by_the_provider(stack):
    c = stack.client()
    callback, _ = authorize(stack, start(c), "alice")
    assert c.get(callback).status == 303
    used_code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query))["code"]
    # a new login in another browser, finished with the old code
    c2 = stack.client()
    callback2, _ = authorize(stack, start(c2), "bruno")
    u = urllib.parse.urlsplit(callback2)
    q = dict(urllib.parse.parse_qsl(u.query))
    q["code"] = used_code
    before = sessions(stack)
    assert_refused(stack, c2.get(u._replace(query=urllib.parse.urlencode(q)).geturl()), before)


def test_callback_without_the_state_cookie_is_refused(stack):
    c = stack.client()
    callback, _ = authorize(stack, start(c), "alice")
    before = sessions(stack)
    # another browser (login CSRF): the state is valid but not its cookie
    assert_refused(stack, stack.client().get(callback), before, status=400)


def test_callback_from_another_issuer_is_refused(stack):
    c = stack.client()
    callback, _ = authorize(stack, start(c), "alice")
    u = urllib.parse.urlsplit(callback)
    q = dict(urllib.parse.parse_qsl(u.query))
    q["iss"] = "http://127.0.0.1:1/not-the-issuer"
    before = sessions(stack)
    assert_refused(stack, c.get(u._replace(query=urllib.parse.urlencode(q)).geturl()), before)


@pytest.mark.parametrize("mode", [
    "wrong-iss", "expired", "alg-none", "wrong-aud", "wrong-nonce", "no-nonce",
    "bad-signature", "userinfo-sub",
])
def test_bad_tokens_are_refused(stack, mode):
    c = stack.client()
    callback, _ = authorize(stack, start(c), "alice")
    provider_test_mode(stack, mode)
    before = sessions(stack)
    r = c.get(callback)
    assert_refused(stack, r, before)
    assert "n’a pas pu être vérifiée" in r.text
    assert c.cookie(COOKIE) is None


def test_cancelled_login_gets_a_clear_page(stack):
    c = stack.client()
    callback, _ = authorize(stack, start(c), "alice", abort=True)
    assert "error=access_denied" in callback
    before = sessions(stack)
    r = c.get(callback)
    assert_refused(stack, r, before)
    assert "interrompue" in r.text
    assert 'href="/auth/login"' in r.text


def test_provider_error_code_is_shown(stack):
    c = stack.client()
    auth = start(c)
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth).query))["state"]
    before = sessions(stack)
    r = c.get(f"/auth/callback?error=temporarily_unavailable&state={state}")
    assert_refused(stack, r, before)
    assert "temporarily_unavailable" in r.text
    r = c.get(f"/auth/callback?error=%3Cscript%3E&state=x{state}")
    assert r.status == 400 and "<script>" not in r.text


# --- sessions ----------------------------------------------------------------

def test_a_preset_cookie_is_never_adopted(stack):
    c = stack.client()
    planted = secrets.token_urlsafe(32)
    plant(c, planted)
    assert c.get("/auth/session").status == 303            # unknown: not a session
    assert login(stack, c, "alice").status == 303
    assert c.cookie(COOKIE) != planted
    assert stack.sql("SELECT count(*) FROM sessions WHERE id_hash = :'p1'",
                     digest(planted)) == [("0",)]


def test_a_planted_live_session_is_ended_by_the_next_login(stack):
    attacker, _ = fresh_login(stack, "bruno")
    planted = attacker.cookie(COOKIE)
    victim = stack.client()
    plant(victim, planted)
    # the header says "Bruno Keller": the victim logs in as themself
    assert "Bruno Keller" in victim.get("/").text
    assert login(stack, victim, "alice", idp="dev").status == 303
    assert victim.cookie(COOKIE) != planted
    assert stack.sql("SELECT count(*) FROM sessions WHERE id_hash = :'p1'",
                     digest(planted)) == [("0",)]
    assert attacker.get("/auth/session").status == 303


def test_protected_page_sends_anonymous_visitors_to_login(stack):
    r = stack.client().get("/auth/session?x=%C3%A9")
    assert r.status == 303
    assert r.headers["location"] == "/auth/login?return_to=/auth/session%3Fx%3D%25C3%25A9"


def test_idle_timeout(stack):
    c, _ = fresh_login(stack, "alice")
    h = digest(c.cookie(COOKIE))
    stack.sql("UPDATE sessions SET last_seen = now() - interval '29 minutes' "
              "WHERE id_hash = :'p1'", h)
    assert c.get("/auth/session").status == 200
    stack.sql("UPDATE sessions SET last_seen = now() - interval '31 minutes' "
              "WHERE id_hash = :'p1'", h)
    r = c.get("/auth/session")
    assert r.status == 303
    assert r.headers["location"] == "/auth/login?return_to=/auth/session&reason=expired"
    assert stack.sql("SELECT count(*) FROM sessions WHERE id_hash = :'p1'", h) == [("0",)]
    page = stack.client().get(r.headers["location"].replace("/auth/login?", "/auth/login?idp=x&"))
    assert "Votre session a pris fin" in page.text


def test_absolute_timeout(stack):
    c, _ = fresh_login(stack, "alice")
    h = digest(c.cookie(COOKIE))
    stack.sql("UPDATE sessions SET created_at = now() - interval '11 hours 59 minutes' "
              "WHERE id_hash = :'p1'", h)
    assert c.get("/auth/session").status == 200
    stack.sql("UPDATE sessions SET created_at = now() - interval '12 hours 1 minute', "
              "last_seen = now() WHERE id_hash = :'p1'", h)
    assert c.get("/auth/session").status == 303
    # a POST with an ended session: told so, nothing done
    r = c.post("/auth/logout", data={"csrf": "x"})
    assert r.status == 401


def test_last_seen_is_written_at_most_once_a_minute(stack):
    c, _ = fresh_login(stack, "alice")
    h = digest(c.cookie(COOKIE))
    stack.sql("UPDATE sessions SET last_seen = now() - interval '30 seconds' "
              "WHERE id_hash = :'p1'", h)
    seen = stack.sql("SELECT last_seen FROM sessions WHERE id_hash = :'p1'", h)
    c.get("/auth/session")
    assert stack.sql("SELECT last_seen FROM sessions WHERE id_hash = :'p1'", h) == seen
    stack.sql("UPDATE sessions SET last_seen = now() - interval '90 seconds' "
              "WHERE id_hash = :'p1'", h)
    c.get("/auth/session")
    assert stack.sql("SELECT last_seen > now() - interval '10 seconds' FROM sessions "
                     "WHERE id_hash = :'p1'", h) == [("t",)]


def test_sessions_survive_an_engine_reload(stack):
    c, _ = fresh_login(stack, "alice")
    stack.reload_engine()
    for _ in range(8):           # whichever worker answers
        assert c.get("/auth/session").status == 200


def test_logout(stack):
    c, _ = fresh_login(stack, "alice")
    h = digest(c.cookie(COOKIE))
    r = c.post("/auth/logout", data={"csrf": csrf_token(c)})
    assert r.status == 303
    end = r.headers["location"]
    u = urllib.parse.urlsplit(end)
    q = dict(urllib.parse.parse_qsl(u.query))
    assert f"{u.scheme}://{u.netloc}" == issuer(stack)
    assert q == {"client_id": "guichet-dev",
                 "post_logout_redirect_uri": stack.base_url + "/auth/logged-out"}
    assert stack.sql("SELECT count(*) FROM sessions WHERE id_hash = :'p1'", h) == [("0",)]
    assert any(v.startswith(COOKIE + "=;") and "Max-Age=0" in v for v in set_cookies(r))
    assert c.cookie(COOKIE) is None
    back = logout_at_provider(stack, c, end)
    assert back == stack.base_url + "/auth/logged-out"
    page = c.get(back)
    assert page.status == 200 and "Vous êtes déconnecté" in page.text
    assert c.get("/auth/session").status == 303


# --- CSRF --------------------------------------------------------------------

def test_post_without_csrf_token_is_refused_and_nothing_done(stack):
    c, _ = fresh_login(stack, "alice")
    h = digest(c.cookie(COOKIE))
    r = c.post("/auth/logout", data={})
    assert r.status == 403
    assert "rien n’a été enregistré" in r.text
    assert stack.sql("SELECT count(*) FROM sessions WHERE id_hash = :'p1'", h) == [("1",)]
    assert c.get("/auth/session").status == 200


def test_post_with_another_sessions_token_is_refused(stack):
    alice, _ = fresh_login(stack, "alice")
    bruno, _ = fresh_login(stack, "bruno")
    r = alice.post("/auth/logout", data={"csrf": csrf_token(bruno)})
    assert r.status == 403
    for c in (alice, bruno):
        assert stack.sql("SELECT count(*) FROM sessions WHERE id_hash = :'p1'",
                         digest(c.cookie(COOKIE))) == [("1",)]


def test_post_from_a_foreign_origin_is_refused(stack):
    c, _ = fresh_login(stack, "alice")
    r = c.post("/auth/logout", data={"csrf": csrf_token(c)},
               headers={"Origin": "http://evil.example"})
    assert r.status == 403
    assert session_row(stack, c) is not None


def test_csrf_token_is_on_every_page_of_a_session(stack):
    c, _ = fresh_login(stack, "alice")
    token = csrf_token(c, "/")
    assert csrf_token(c, "/auth/session") == token
    assert stack.sql("SELECT csrf FROM sessions WHERE id_hash = :'p1'",
                     digest(c.cookie(COOKIE))) == [(token,)]


# --- the header's contexts ---------------------------------------------------

def ide_number(seed):
    """A valid CHE-xxx.xxx.xxx (mod-11 check digit) derived from seed."""
    n = seed % 10**8
    while True:
        d = f"{n:08d}"
        c = 11 - sum(int(x) * w for x, w in zip(d, (5, 4, 3, 2, 7, 6, 5, 4))) % 11
        c = 0 if c == 11 else c
        if c != 10:
            s = d + str(c)
            return f"CHE-{s[0:3]}.{s[3:6]}.{s[6:9]}"
        n += 1


def own_space(stack, person, name="Rochat Conseils SA"):
    """An active professional space of which person is the référent."""
    rows = stack.sql("SELECT m.space_id FROM memberships m JOIN spaces s ON s.id = m.space_id"
                     " WHERE m.person_id = :'p1' AND m.ended_at IS NULL AND s.status = 'active'",
                     person)
    if rows:
        return rows[0][0]
    entity = {"ide": ide_number(secrets.randbelow(10**8)), "legal_form": "sa", "name": name,
              "street": "Rue du Bourg", "postcode": "1003", "locality": "Lausanne"}
    space = stack.sql("SELECT space_create(:'p1'::jsonb, :'p2')", json.dumps(entity), person)[0][0]
    stack.sql("SELECT space_activate(:'p1', :'p2')", space, person)
    return space


def test_header_lists_the_professional_spaces(stack):
    c, _ = fresh_login(stack, "sophie")
    own_space(stack, session_row(stack, c)[0])
    page = c.get("/auth/session")
    assert page.status == 200
    assert "Sophie Rochat, pour moi-même" in page.text
    assert "Changer de contexte" in page.text               # two contexts now


def test_context_switch_issues_a_new_id_and_token(stack):
    c, _ = fresh_login(stack, "sophie")
    space = own_space(stack, session_row(stack, c)[0])
    old_cookie, old_csrf = c.cookie(COOKIE), csrf_token(c)
    r = c.post("/context", data={"space": space, "csrf": old_csrf, "return_to": "/auth/session"})
    assert r.status == 303, r
    assert c.cookie(COOKIE) != old_cookie
    assert stack.sql("SELECT count(*) FROM sessions WHERE id_hash = :'p1'",
                     digest(old_cookie)) == [("0",)]
    assert session_row(stack, c)[3] == space
    page = c.get("/auth/session")
    assert "Sophie Rochat, pour Rochat Conseils SA" in page.text
    assert csrf_token(c) != old_csrf
    # a form made before the switch is refused after it
    assert c.post("/auth/logout", data={"csrf": old_csrf}).status == 403
    # the old cookie opens nothing
    thief = stack.client()
    plant(thief, old_cookie)
    assert thief.get("/auth/session").status == 303


def test_a_member_of_a_space_chooses_the_context_after_login(stack):
    c, _ = fresh_login(stack, "sophie")
    own_space(stack, session_row(stack, c)[0])
    _, r = fresh_login(stack, "sophie", return_to="/auth/session")
    assert r.headers["location"] == "/context?return_to=%2Fauth%2Fsession"

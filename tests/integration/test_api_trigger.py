# SPDX-License-Identifier: AGPL-3.0-or-later
"""The external trigger (docs/api.md, engine/h_api.c) and the
administrators' service accounts page (engine/h_admin_services.c,
engine/service_account.c, sql/0030), through nginx, the engine and
PostgreSQL: an administrator creates an account scoped to one by="system"
transition of subsidy and sees its token once; the other system fires that
transition with JSON in and out; a wrong scope is 403, a revoked token
401, bad JSON 400, an unknown demand 404 -- and on every refusal nothing
is written to the demand, while the account's trail counts the refusal."""
import hashlib
import json
import re
import uuid

import pytest

from fixtures_people import make_demand
from test_demand_web import csrf_of, logged_in, world  # noqa: F401 (fixture)

API = "/api/v1/demands/{}/transitions/{}"


def q1(stack, query, *params):
    rows = stack.sql(query, *params)
    return rows[0][0] if rows else None


@pytest.fixture(scope="module")
def admin(stack, world):  # noqa: F811
    return logged_in(stack, "admin")


def create_account(admin, name, scopes, description=""):
    r = admin.post("/admin/service-accounts",
                   data={"csrf": csrf_of(admin, "/admin/service-accounts"), "name": name,
                         "description": description, "scope": scopes})
    return r


def token_of(page):
    m = re.search(r'id="sa-token"[^>]*value="(gsa_[0-9a-f]{64})"', page)
    if not m:
        m = re.search(r'value="(gsa_[0-9a-f]{64})"', page)
    return m.group(1) if m else None


def call(stack, demand, transition, body, token, ctype="application/json"):
    c = stack.client()
    headers = {"Content-Type": ctype}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    if isinstance(data, str):
        data = data.encode("utf-8")
    r = c.request("POST", API.format(demand, transition), body=data, headers=headers)
    try:
        r.json = json.loads(r.body.decode("utf-8"))
    except ValueError:
        r.json = None
    return r


def trail(stack, demand):
    return stack.sql("SELECT version, state, (SELECT count(*) FROM events e"
                     " WHERE e.demand_id = d.id), (SELECT count(*) FROM outbox o"
                     " WHERE o.demand_id = d.id) FROM demands d WHERE id = :'p1'", demand)[0]


@pytest.fixture(scope="module")
def account(stack, admin):
    name = "dossiers-" + uuid.uuid4().hex[:6]
    r = create_account(admin, name, ["subsidy:remind"],
                       description="Gestion des dossiers du SERAC")
    assert r.status == 200, r.text
    token = token_of(r.text)
    assert token, r.text
    return {"name": name, "token": token}


def test_the_token_is_shown_once_and_stored_only_as_a_hash(stack, admin, account):
    stored = q1(stack, "SELECT token_hash FROM service_accounts WHERE name = :'p1'",
                account["name"])
    assert stored == hashlib.sha256(account["token"].encode()).hexdigest()
    page = admin.get("/admin/service-accounts").text
    assert account["name"] in page
    assert account["token"] not in page
    assert "subsidy → remind" in page


def test_a_good_token_fires_its_transition_in_one_transaction(stack, world, account):
    d = make_demand(stack, world, "subsidy", "carla", "kiosque", state="incomplete",
                    bucket="to-do")
    r = call(stack, d, "remind", {"comment": "Relance envoyée par le système des dossiers"},
             account["token"])
    assert r.status == 200, r.text
    assert r.headers.get("content-type", "").startswith("application/json")
    assert r.json["state"] == "incomplete" and r.json["version"] == 2
    ev = stack.sql("SELECT actor_kind, transition, request_id, comment FROM events"
                   " WHERE demand_id = :'p1' ORDER BY id DESC LIMIT 1", d)[0]
    assert ev[0] == "system" and ev[1] == "remind"
    assert ev[2].startswith(f"service:{account['name']}:")
    assert ev[3] == "Relance envoyée par le système des dossiers"
    # the transition's mail was queued with it
    assert q1(stack, "SELECT count(*) FROM outbox WHERE demand_id = :'p1'", d) == "1"


def test_refusals_write_nothing_to_the_demand(stack, world, admin, account):
    d = make_demand(stack, world, "subsidy", "carla", "kiosque", state="incomplete",
                    bucket="to-do")
    before = trail(stack, d)
    refused_before = int(q1(stack, "SELECT count(*) FROM service_account_events e"
                                   " JOIN service_accounts s ON s.id = e.account_id"
                                   " WHERE s.name = :'p1' AND e.action = 'refused'",
                            account["name"]))
    # wrong scope: lapse is by="system" too, but not this account's
    r = call(stack, d, "lapse", {}, account["token"])
    assert r.status == 403 and r.json["error"] == "forbidden"
    # not a transition the system may fire at all
    r = call(stack, d, "take", {}, account["token"])
    assert r.status == 403
    # bad JSON, not an object, unknown member, wrong type, not UTF-8
    for body in (b"{not json", b"[1, 2]", b'{"field": {}}', b'{"comment": 3}',
                 b'{"comment": "\xff\xfe"}'):
        r = call(stack, d, "remind", body, account["token"])
        assert r.status == 400, (body, r.text)
        assert r.json["error"] == "bad_request"
    # not JSON at all
    r = call(stack, d, "remind", b"comment=x", account["token"],
             ctype="application/x-www-form-urlencoded")
    assert r.status == 415
    # no token, a forged one: 401, and no account to blame
    r = call(stack, d, "remind", {}, None)
    assert r.status == 401 and "Bearer" in r.headers.get("www-authenticate", "")
    r = call(stack, d, "remind", {}, "gsa_" + "0" * 64)
    assert r.status == 401
    # a demand that does not exist
    r = call(stack, str(uuid.uuid4()), "remind", {}, account["token"])
    assert r.status == 404
    # the demand moved on meanwhile (the version the caller saw)
    r = call(stack, d, "remind", {"version": 7}, account["token"])
    assert r.status == 409 and r.json["state"] == "incomplete"
    assert trail(stack, d) == before
    refused_after = int(q1(stack, "SELECT count(*) FROM service_account_events e"
                                  " JOIN service_accounts s ON s.id = e.account_id"
                                  " WHERE s.name = :'p1' AND e.action = 'refused'",
                           account["name"]))
    assert refused_after - refused_before == 10


def test_a_revoked_token_is_refused_at_once(stack, world, admin):
    name = "paiements-" + uuid.uuid4().hex[:6]
    r = create_account(admin, name, ["subsidy:remind", "subsidy:lapse"])
    token = token_of(r.text)
    d = make_demand(stack, world, "subsidy", "carla", "kiosque", state="incomplete",
                    bucket="to-do")
    sid = q1(stack, "SELECT id FROM service_accounts WHERE name = :'p1'", name)
    r = admin.post(f"/admin/service-accounts/{sid}/revoke",
                   data={"csrf": csrf_of(admin, "/admin/service-accounts")})
    assert r.status == 200
    assert "révoqué" in r.text
    before = trail(stack, d)
    r = call(stack, d, "lapse", {}, token)
    assert r.status == 401
    assert trail(stack, d) == before
    assert q1(stack, "SELECT string_agg(action, ',' ORDER BY id) FROM service_account_events"
                     " WHERE account_id = :'p1'", sid) == "create,revoke,refused"
    # revoking twice: no such active account
    r = admin.post(f"/admin/service-accounts/{sid}/revoke",
                   data={"csrf": csrf_of(admin, "/admin/service-accounts")})
    assert r.status == 404


def test_the_form_refuses_bad_input_next_to_its_field_and_keeps_the_rest(stack, admin,
                                                                        account):
    r = create_account(admin, "Pas Bon!", [], description="Reste affichée")
    assert r.status == 422
    assert 'id="sa-name-error"' in r.text and 'id="sa-scope-error"' in r.text
    assert 'value="Reste affichée"' in r.text
    assert token_of(r.text) is None
    # a transition that is not the system's is never accepted as a scope
    r = create_account(admin, "essai-" + uuid.uuid4().hex[:6], ["subsidy:take"])
    assert r.status == 422 and 'id="sa-scope-error"' in r.text
    # a name already taken
    r = create_account(admin, account["name"], ["subsidy:remind"])
    assert r.status == 422 and "déjà pris" in r.text
    assert q1(stack, "SELECT count(*) FROM service_accounts WHERE name = :'p1'",
              account["name"]) == "1"


def test_only_administrators_manage_service_accounts(stack, world):
    agnes = logged_in(stack, "agnes")
    assert agnes.get("/admin/service-accounts").status in (403, 404)
    r = agnes.post("/admin/service-accounts",
                   data={"csrf": agnes.token, "name": "intrus", "scope": "subsidy:remind"})
    assert r.status in (403, 404)
    assert q1(stack, "SELECT count(*) FROM service_accounts WHERE name = 'intrus'") == "0"

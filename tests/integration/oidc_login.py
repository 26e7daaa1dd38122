# SPDX-License-Identifier: AGPL-3.0-or-later
"""oidc_login.py -- logging in through the real identity provider, by script.

The stack's provider (scripts/idp/idp.mjs, node oidc-provider) is driven
over HTTP exactly as a browser would: the engine's /auth/login redirects to
the provider's authorization endpoint, the provider's login form
(/interaction/<uid>) is filled in and posted, the provider redirects back
to the engine's /auth/callback.  Nothing is mocked or short-circuited.

    from oidc_login import login, csrf_token

    c = stack.client()
    r = login(stack, c, "alice")          # 303 from /auth/callback
    assert r.status == 303
    token = csrf_token(c)                 # for POST forms

The provider's own cookies live in a separate client per login (c.op after
login), so that every login really logs in and the provider's session of
one test never leaks into another.  Demo accounts and their names/e-mails
are in ACCOUNTS (data/demo/world.json, which idp.mjs reads too).
"""
import json
import os
import re
import urllib.parse

# account id -> (display name, e-mail): the accounts idp.mjs serves, read
# from the same file (data/demo/world.json)
with open(os.path.join(os.path.dirname(__file__), "..", "..", "data", "demo", "world.json"),
          encoding="utf-8") as _f:
    ACCOUNTS = {a["login"]: (f"{a['given_name']} {a['family_name']}", a["email"])
                for a in json.load(_f)["accounts"]}

ACR_STRONG = "urn:guichet:acr:strong"


class LoginError(AssertionError):
    pass


def issuer(stack):
    """The development provider's issuer URL."""
    return stack.env["GUICHET_IDP_DEV_ISSUER"]


def start(client, return_to=None, idp=None):
    """GET /auth/login (with return_to / idp) and return the provider's
    authorization URL the engine redirects to."""
    q = {}
    if return_to is not None:
        q["return_to"] = return_to
    if idp is not None:
        q["idp"] = idp
    path = "/auth/login" + ("?" + urllib.parse.urlencode(q) if q else "")
    r = client.get(path)
    if r.status not in (302, 303) or "location" not in r.headers:
        raise LoginError(f"/auth/login did not redirect to the provider: {r!r}")
    return r.headers["location"]


def authorize(stack, auth_url, account="alice", op=None, abort=False):
    """Follows the provider's interaction from auth_url as `account` (or
    cancels it when abort) and returns (callback_url, op_client): the URL
    the provider sends the browser back to, not yet requested."""
    op = op or stack.client()
    url = auth_url
    for _ in range(12):
        if url.startswith(stack.base_url + "/"):
            return url, op
        r = op.get(url)
        if r.status in (302, 303):
            url = urllib.parse.urljoin(url, r.headers["location"])
            continue
        m = re.search(r'name="prompt" value="(\w+)"', r.text)
        if r.status == 200 and "/interaction/" in url and m:
            if abort:
                url = urllib.parse.urljoin(url, urllib.parse.urlparse(url).path + "/abort")
                continue
            data = {"prompt": m.group(1)}
            if m.group(1) == "login":
                data.update(login=account, password="demo")
            r = op.post(url, data=data)
            if r.status not in (302, 303):
                raise LoginError(f"the provider refused the login of {account}: {r!r}")
            url = urllib.parse.urljoin(url, r.headers["location"])
            continue
        raise LoginError(f"unexpected answer from the provider at {url}: {r!r}")
    raise LoginError("too many redirects at the provider")


def login(stack, client, account="alice", return_to=None, idp=None):
    """Logs `client` in as `account` through the provider; returns the
    engine's response to /auth/callback (303 to return_to on success).
    The provider-side client is left in client.op (for its logout)."""
    callback, op = authorize(stack, start(client, return_to, idp), account)
    client.op = op
    return client.get(callback)


def csrf_token(client, path="/"):
    """The CSRF token of client's session, read from a page's forms."""
    r = client.get(path)
    m = re.search(r'name="csrf" value="([^"]+)"', r.text)
    if not m:
        raise LoginError(f"no CSRF field on {path}: is the client logged in? {r!r}")
    return m.group(1)


def logout_at_provider(stack, client, end_session_url):
    """Follows the provider's RP-initiated logout (its confirmation form)
    with the provider-side client of client's last login; returns the
    post-logout redirect URL the provider answers with."""
    op = getattr(client, "op", None) or stack.client()
    r = op.get(end_session_url)
    if r.status in (302, 303):
        return urllib.parse.urljoin(end_session_url, r.headers["location"])
    form = re.search(r'<form[^>]*action="([^"]+)"', r.text)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', r.text)
    if r.status != 200 or not form or not xsrf:
        raise LoginError(f"unexpected logout page at the provider: {r!r}")
    r = op.post(urllib.parse.urljoin(end_session_url, form.group(1)),
                data={"xsrf": xsrf.group(1), "logout": "yes"})
    if r.status not in (302, 303):
        raise LoginError(f"the provider did not end its session: {r!r}")
    return urllib.parse.urljoin(end_session_url, r.headers["location"])


def provider_test_mode(stack, mode):
    """Asks the provider (started with IDP_TEST_MODE=1) to make its next
    token (or userinfo) response bad in the way `mode` says: wrong-iss,
    wrong-aud, expired, alg-none, bad-signature, wrong-nonce, no-nonce,
    userinfo-sub; "off" clears it."""
    c = stack.client()
    r = c.post(issuer(stack) + "/__test/next", data={"mode": mode})
    if r.status != 200:
        raise LoginError("the provider has no test mode: the stack must start it with "
                         f"IDP_TEST_MODE=1 ({r!r})")

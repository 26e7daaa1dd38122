# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_access_matrix.py -- who may do what, through the real stack.

Three layers, all against the real engine, nginx, PostgreSQL and identity
provider (tests/integration/conftest.py), with the demo world of
fixtures_people.py:

1. MATRIX: every route x every actor (each logged in through the provider
   and acting in its context) x own / someone else's / missing object,
   asserting the status of allow or deny -- and, on every deny, that
   nothing was written (a checksum of every domain table and the actor's
   own session row, before and after).
2. test_every_route_is_in_the_matrix: reads the route tables of
   engine/*.c (`const route_t xxx_routes[]`) and fails when a route (name
   and method) has no row, so no new route can skip the matrix.
3. AUTHZ: the rules of authz_may() (sql/0003_spaces.sql) for the objects
   no route serves yet (demands, documents, transitions, queues), asked
   of the database directly for each actor, so that the rules are proven
   before the pages that will use them exist.

Then the behaviours around them: the context choice and switch, delegations
and their end date, a detached member losing the context at once, the
référent constraints, IDE check digits, and the administrators' identity
link.

HOW TO ADD A ROUTE: add one Row(...) to MATRIX below with its route name
(the third field of its route_t entry), method, a path (placeholders:
{kiosque} {atelier} {tilleuls} {missing}: spaces; {d_<name>}: a demand of
fixtures_people.DEMANDS; {doc_<name>}: a document), and the expected status
for each actor: cells(default, actor=status, ...).  A POST row gets the
actor's CSRF token added.  Give after="context" when an allowed request
changes the actor's context, after="login" when it ends their session.
"""
import hashlib
import json
import os
import re
import subprocess
import uuid

import pytest

from fixtures_people import make_demand, seed
from oidc_login import login

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# actor -> (demo account, context it acts in: None = for itself, or a space)
ACTORS = {
    "anonymous": (None, None),
    "citizen_a": ("alice", None),
    "citizen_b": ("bruno", None),
    "member_grant": ("carla", "kiosque"),
    "member_nogrant": ("david", "kiosque"),
    "referent": ("rita", "kiosque"),
    "referent_self": ("rita", None),      # the same person, acting for herself
    "agent": ("agnes", None),             # group serac (named by the probe)
    "agent_other": ("oscar", None),       # group population
    "third_party": ("tiago", None),       # prefecture-lausanne
    "admin": ("admin", None),
}
LOGGED_IN = [a for a in ACTORS if a != "anonymous"]

# expectations: a status, or one of these
LOGIN = "login"         # sent to log in (redirect to /auth/login) or 401
REDIRECT = "redirect"   # 302 or 303 anywhere
REFUSED = "refused"     # any 4xx


def cells(default, **override):
    """Every actor expects `default` except those named."""
    unknown = set(override) - set(ACTORS)
    assert not unknown, f"unknown actors {unknown}"
    return {a: override.get(a, default) for a in ACTORS}


def cells_logged_in(default, **override):
    """Like cells(), anonymous being sent to log in."""
    return cells(default, **{"anonymous": LOGIN, **override})


class Row:
    def __init__(self, route, method, path, expect, data=None, after=None, note="",
                 fresh=None, needs=None):
        self.route, self.method, self.path = route, method, path
        self.expect, self.data, self.after, self.note = expect, data, after, note
        self.fresh = fresh      # (workflow, owner, space, state[, (form data, data roles)]):
                                # a new demand per cell
        self.needs = needs      # a procedure that must be published in the stack

    def id(self):
        data = ",".join(f"{k}={v}" for k, v in (self.data or {}).items())
        return f"{self.method} {self.path}" + (f" [{data}]" if data else "")


MEMBERS = ("member_grant", "member_nogrant", "referent", "referent_self")

MATRIX = [
    # --- system ---------------------------------------------------------------
    Row("home", "GET", "/", cells(200)),
    Row("healthz", "GET", "/healthz", cells(200)),
    Row("metrics", "GET", "/metrics", cells(200), note="by network (loopback), not by person"),

    # --- login (engine/h_auth.c) ---------------------------------------------------
    Row("auth_login", "GET", "/auth/login", cells(REDIRECT),
        note="anonymous: to the provider; logged in: back to /"),
    Row("auth_callback", "GET", "/auth/callback", cells(400), note="no state: refused"),
    Row("auth_callback", "GET", "/auth/callback?state=forgedforgedforged&code=x", cells(400)),
    Row("auth_logout", "POST", "/auth/logout", cells_logged_in(303), after="login"),
    Row("auth_logged_out", "GET", "/auth/logged-out", cells(200)),
    Row("auth_session", "GET", "/auth/session", cells_logged_in(200)),

    # --- context (engine/h_context.c) --------------------------------------------
    Row("context", "GET", "/context", cells_logged_in(200)),
    Row("context_switch", "POST", "/context", cells_logged_in(303), data={"space": ""},
        after="context", note="for oneself: always"),
    Row("context_switch", "POST", "/context",
        cells_logged_in(403, **{a: 303 for a in MEMBERS}), data={"space": "{kiosque}"},
        after="context", note="own space: its members only"),
    Row("context_switch", "POST", "/context", cells_logged_in(403),
        data={"space": "{atelier}"}, note="someone else's space"),
    Row("context_switch", "POST", "/context", cells_logged_in(403),
        data={"space": "{tilleuls}"}, note="a pending space"),
    Row("context_switch", "POST", "/context", cells_logged_in(404),
        data={"space": "{missing}"}),
    Row("context_switch", "POST", "/context", cells_logged_in(404),
        data={"space": "not-a-uuid"}),
    Row("context_switch", "POST", "/context", cells_logged_in(422), data={},
        note="no choice sent"),

    # --- spaces ----------------------------------------------------------------------
    Row("space_members", "GET", "/spaces/{kiosque}/members",
        cells_logged_in(403, referent=200), note="référent, acting for the space"),
    Row("space_members", "GET", "/spaces/{atelier}/members", cells_logged_in(403)),
    Row("space_members", "GET", "/spaces/{tilleuls}/members", cells_logged_in(403)),
    Row("space_members", "GET", "/spaces/{missing}/members", cells_logged_in(404)),
    Row("space_members", "GET", "/spaces/{kiosque}/elsewhere", cells(404),
        note="no such page of a space matches no route: 404 before anything, even the login"),
    Row("space_members", "GET", "/spaces/not-a-space/members", cells(404),
        note="a malformed id matches no route"),

    # --- administration ----------------------------------------------------------------
    Row("admin", "GET", "/admin", cells_logged_in(403, admin=200)),
    # --- administrators' procedure pages (engine/h_admin.c) ---------------------------
    Row("admin_procedures", "GET", "/admin/procedures", cells_logged_in(403, admin=200)),
    Row("admin_procedure", "GET", "/admin/procedures/subsidy", cells_logged_in(403, admin=200),
        needs="subsidy"),
    Row("admin_procedure", "GET", "/admin/procedures/no-such-procedure",
        cells_logged_in(403, admin=404)),
    Row("admin_procedure", "GET", "/admin/procedures/not%20a%20word", cells(404),
        note="a key that is not a word matches no route"),
    Row("admin_publish", "POST", "/admin/procedures/subsidy/publish",
        cells_logged_in(403, admin=200), needs="subsidy",
        note="the repository's file, unchanged: nothing new is published"),
    Row("admin_publish", "POST", "/admin/procedures/no-such-procedure/publish",
        cells_logged_in(403, admin=404)),
    Row("admin_migrate", "POST", "/admin/procedures/subsidy/migrate",
        cells_logged_in(403, admin=422), data={"from": "1", "to": "1", "action": "run"},
        needs="subsidy", note="a plan onto the same version: refused, nothing runs"),
    Row("admin_migrate", "POST", "/admin/procedures/subsidy/migrate", cells_logged_in(400),
        data={"from": "x", "to": "1"}, needs="subsidy",
        note="from and to are declared ints: refused before the handler"),

    # --- service accounts and the external trigger (h_admin_services.c, h_api.c) ----
    Row("admin_services", "GET", "/admin/service-accounts", cells_logged_in(403, admin=200)),
    Row("admin_service_create", "POST", "/admin/service-accounts",
        cells_logged_in(403, admin=422), data={"name": "x"},
        note="admin: a bad name and no scope, refused next to the fields"),
    Row("admin_service_revoke", "POST", "/admin/service-accounts/{missing}/revoke",
        cells_logged_in(403, admin=404)),
    Row("api_fire", "POST", "/api/v1/demands/{missing}/transitions/remind", cells(401),
        note="a bearer token, never a session: every browser actor is unknown"),
    Row("api_fire", "POST", "/api/v1/demands/not-a-uuid/transitions/remind", cells(404),
        note="a malformed id matches no route"),
    Row("admin_incidents", "GET", "/admin/incidents", cells_logged_in(403, admin=200)),
    Row("admin_incident_act", "POST", "/admin/incidents/timer/999999999/retry",
        cells_logged_in(403, admin=409), note="admin: no such failed timer (no longer open)"),
    Row("admin_incident_act", "POST", "/admin/incidents/parcel/1/retry",
        cells_logged_in(403, admin=404), note="an unknown kind"),
    Row("admin_incident_act", "POST", "/admin/incidents/letter/999999999/cancel",
        cells_logged_in(403, admin=409), note="admin: no such failed letter (sql/0037)"),

    # --- people and groups (h_admin_groups.c) -------------------------------------------
    Row("admin_groups", "GET", "/admin/groups", cells_logged_in(403, admin=200)),
    Row("admin_group_create", "POST", "/admin/groups", cells_logged_in(403, admin=422),
        data={"kind": "agent", "id": "Pas Bon", "name": "x"}, note="admin: a bad id"),
    Row("admin_member_add", "POST", "/admin/groups/agent/serac/members",
        cells_logged_in(403, admin=422), data={"email": "nobody@nowhere.test"},
        note="admin: no account has that address"),
    Row("admin_member_remove", "POST", "/admin/groups/agent/serac/members/{missing}/remove",
        cells_logged_in(403, admin=404), note="admin: not a member"),
    Row("admin_admin_add", "POST", "/admin/administrators", cells_logged_in(403, admin=422),
        data={"email": "nobody@nowhere.test"}),
    Row("admin_admin_remove", "POST", "/admin/administrators/{missing}/remove",
        cells_logged_in(403, admin=404)),
    Row("admin_identities", "GET", "/admin/identities?q=zz", cells_logged_in(403, admin=200)),
    Row("admin_audit", "GET", "/admin/audit", cells_logged_in(403, admin=200)),
    Row("admin_audit", "GET", "/admin/audit?q=not+a+thing", cells_logged_in(403, admin=422)),
    Row("admin_identity_link", "POST", "/admin/identities/link",
        cells_logged_in(403, admin=422),
        data={"issuer": "https://nowhere.test", "subject": "x", "to": "nobody@nowhere.test"}),

    # --- demands (engine/h_demand.c, h_demand_view.c, h_form.c) ----------------------
    Row("dashboard", "GET", "/dashboard", cells_logged_in(200)),
    Row("dashboard_bucket", "GET", "/dashboard/archived", cells_logged_in(200)),
    Row("dashboard_bucket", "GET", "/dashboard/nowhere", cells_logged_in(404)),
    Row("demand_start", "POST", "/demands",
        cells_logged_in(403, member_grant=303, referent=303),
        data={"workflow": "subsidy", "new": "1"},
        needs="subsidy", note="professional and protected: members with the grant"),
    Row("demand_start", "POST", "/demands", cells_logged_in(404),
        data={"workflow": "no-such-procedure"}),
    Row("demand_view", "GET", "/demands/{d_kiosque_subsidy}",
        cells_logged_in(404, member_grant=200, referent=200, member_nogrant=403,
                        referent_self=403, agent=200, admin=200)),
    Row("demand_view", "GET", "/demands/{d_atelier_subsidy}",
        cells_logged_in(404, agent=200, admin=200)),
    Row("demand_view", "GET", "/demands/{missing}", cells_logged_in(404)),
    Row("demand_view", "GET", "/demands/not-a-demand", cells(404),
        note="a malformed id matches no route: 404 before anything, even the login"),
    Row("demand_view", "GET", "/demands/{d_kiosque_subsidy}/", cells(404), note="trailing slash"),
    Row("demand_page", "GET", "/demands/{fresh}/page/applicant",
        cells_logged_in(404, member_grant=200, referent=200, member_nogrant=403,
                        referent_self=403, agent=403, admin=403),
        fresh=("subsidy", "carla", "kiosque", "draft"), note="editing is the owner's step"),
    Row("demand_page", "GET", "/demands/{d_kiosque_subsidy}/page/no%20such%20page", cells(404)),
    Row("demand_save", "POST", "/demands/{fresh}/page/applicant",
        cells_logged_in(404, member_grant=303, referent=303, member_nogrant=403,
                        referent_self=403, agent=403, admin=403),
        data={"nav": "save", "contact-name": "Carla Rossi"},
        fresh=("subsidy", "carla", "kiosque", "draft")),
    Row("demand_fire", "POST", "/demands/{fresh}/fire/take",
        cells_logged_in(404, agent=303, member_grant=403, referent=403, member_nogrant=403,
                        referent_self=403, admin=403),
        data={"version": "1"}, fresh=("subsidy", "carla", "kiosque", "submitted")),
    Row("demand_fire", "POST", "/demands/{fresh}/fire/withdraw",
        cells_logged_in(404, member_grant=303, referent=303, member_nogrant=403,
                        referent_self=403, agent=403, admin=403),
        data={"version": "1"}, fresh=("subsidy", "carla", "kiosque", "submitted")),
    Row("demand_fire", "POST", "/demands/{d_atelier_subsidy}/fire/withdraw",
        cells_logged_in(404, agent=403, admin=403), data={"version": "1"}),
    Row("demand_fire", "POST", "/demands/{fresh}/fire/take", cells_logged_in(400),
        data={"version": "abc"}, fresh=("subsidy", "carla", "kiosque", "submitted"),
        note="version is declared int 0..2^31-1: refused before the handler"),
    Row("demand_fire", "POST", "/demands/{missing}/fire/no%20step", cells(404),
        note="a step that is not a word matches no route"),
    Row("document", "GET", "/documents/{doc_kiosque_probe_doc}",
        cells_logged_in(404, member_grant=200, referent=200, member_nogrant=403,
                        referent_self=403, agent=200, third_party=200, admin=200)),
    Row("document", "GET", "/documents/{doc_alice_wallet}",
        cells_logged_in(404, citizen_a=200, admin=200)),
    Row("document", "GET", "/documents/{missing}", cells_logged_in(404)),
    Row("document", "GET", "/documents/not-a-document", cells(404)),

    # --- back office (engine/h_agent.c) ---------------------------------------------------
    Row("agent_home", "GET", "/agent", cells_logged_in(403, agent=200, agent_other=200)),
    Row("agent_queue", "GET", "/agent/serac", cells_logged_in(403, agent=200)),
    Row("agent_queue", "GET", "/agent/population", cells_logged_in(403, agent_other=200)),
    Row("agent_queue", "GET", "/agent/no-such-group", cells_logged_in(404)),
    Row("agent_queue", "GET", "/agent/no%20such", cells(404), note="not a word: no route"),

    # --- account and relations (engine/h_account.c): one's own, in any context ----------
    Row("account", "GET", "/account", cells_logged_in(200)),
    Row("account", "GET", "/account?done=contacts", cells_logged_in(200)),
    Row("account_contacts", "POST", "/account/contacts", cells_logged_in(422),
        data={"contact-0": "not an address"}, note="refused next to the field"),
    Row("account_prefs", "GET", "/account/preferences", cells_logged_in(200)),
    Row("account_prefs_save", "POST", "/account/preferences", cells_logged_in(303),
        data={"status": "on", "reminder": "on", "message": "on"}, note="all on: the default"),
    Row("account_prefs_save", "POST", "/account/preferences", cells_logged_in(422),
        data={"status": "yes please"}),
    Row("account_export", "POST", "/account/export", cells_logged_in(200)),
    Row("account_delete_page", "GET", "/account/delete", cells_logged_in(200)),
    Row("account_delete", "POST", "/account/delete", cells_logged_in(422),
        note="not confirmed; a confirmed deletion is test_account.py's"),
    Row("relations", "GET", "/relations", cells_logged_in(200)),
    Row("relation_add", "POST", "/relations", cells_logged_in(422),
        data={"name": "Chœur", "street": "Rue 1", "postcode": "12", "locality": "Lausanne"}),
    Row("relation_remove", "POST", "/relations/{missing}/remove", cells_logged_in(404),
        note="someone else's relation reads alike: test_account.py"),
    Row("relation_remove", "POST", "/relations/not-a-relation/remove", cells(404)),
    # --- document wallet (engine/h_wallet.c) -------------------------------------------
    Row("wallet", "GET", "/wallet", cells_logged_in(200), note="the active context's own"),
    Row("wallet_upload", "POST", "/wallet", cells_logged_in(422),
        data={"name": "x", "category": "budget"}, note="no file: refused next to the field"),
    Row("wallet_update", "POST", "/wallet/{doc_alice_wallet}",
        cells_logged_in(404, citizen_a=303, admin=403),
        data={"name": "fixture-alice_wallet.pdf", "category": "other"},
        note="its owner acting for themself; administrators read only"),
    Row("wallet_update", "POST", "/wallet/{doc_kiosque_probe_doc}", cells_logged_in(404),
        data={"name": "x.pdf", "category": "other"}, note="a demand's document is no wallet's"),
    Row("wallet_delete", "POST", "/wallet/{missing}/delete", cells_logged_in(404)),
    Row("wallet_delete", "POST", "/wallet/{doc_kiosque_probe_doc}/delete", cells_logged_in(404)),
    Row("wallet_delete", "POST", "/wallet/not-a-document/delete", cells(404)),
    # --- forms (engine/h_form.c): the forms engineer's rows ------------------------------
    Row("demand_review", "GET", "/demands/{fresh}/review",
        cells_logged_in(404, member_grant=200, referent=200, member_nogrant=403,
                        referent_self=403, agent=403, admin=403),
        fresh=("subsidy", "carla", "kiosque", "draft"), note="the owner's review before sending"),
    Row("too_large", "GET", "/too-large", cells(413),
        note="nginx's error_page 413: the portal's page, for anyone"),
    # --- drafts: catalogue, printable copy (engine/h_catalogue.c, h_demand_view.c) ------
    Row("catalogue", "GET", "/catalogue", cells_logged_in(200)),
    Row("demand_print", "GET", "/demands/{d_kiosque_subsidy}/print",
        cells_logged_in(404, member_grant=200, referent=200, member_nogrant=403,
                        referent_self=403, agent=200, admin=200),
        note="whoever may see the demand (AZ_VIEW_DEMAND)"),
    Row("demand_print", "GET", "/demands/{missing}/print", cells_logged_in(404)),
    Row("demand_print", "GET", "/demands/not-a-demand/print", cells(404)),
    Row("demand_duplicate", "POST", "/demands/{d_atelier_subsidy}/duplicate",
        cells_logged_in(404, agent=403, admin=403),
        note="seen but not theirs to file: the procedure's audience refuses (wf_may_start)"),
    Row("demand_duplicate", "POST", "/demands/{missing}/duplicate", cells_logged_in(404)),
    Row("demand_duplicate", "POST", "/demands/not-a-demand/duplicate", cells(404)),
    # --- messages and notifications (engine/h_demand_view.c, h_notes.c; sql/0018) -------
    # --- the référent's tools (engine/h_members.c, sql/0024_space_tools.sql) -----------
    # An allowed change is sent with a value the page refuses (422: nothing
    # written), so that the rows leave the world as it is.
    Row("space_attach", "POST", "/spaces/{kiosque}/members/attach",
        cells_logged_in(403, referent=422), data={"identifier": "", "function": ""},
        note="référent, or delegate with duty members, acting for the space"),
    Row("space_attach", "POST", "/spaces/{atelier}/members/attach", cells_logged_in(403),
        data={"identifier": "alice.martin@exemple.test", "function": "x"}),
    Row("space_attach", "POST", "/spaces/{missing}/members/attach", cells_logged_in(404),
        data={"identifier": "alice.martin@exemple.test", "function": "x"}),
    Row("space_join_key", "POST", "/spaces/{kiosque}/join-keys",
        cells_logged_in(403, referent=200), note="the key is shown once, on the page"),
    Row("space_join_key", "POST", "/spaces/{tilleuls}/join-keys", cells_logged_in(403),
        note="a pending space"),
    Row("space_join_key", "POST", "/spaces/{missing}/join-keys", cells_logged_in(404)),
    Row("space_detach", "POST", "/spaces/{kiosque}/members/{missing}/detach",
        cells_logged_in(403, referent=422), note="not a member: said on the page"),
    Row("space_detach", "POST", "/spaces/{atelier}/members/{missing}/detach",
        cells_logged_in(403)),
    Row("space_grant", "POST", "/spaces/{kiosque}/members/{missing}/grant",
        cells_logged_in(403, referent=422), data={"workflow": ""},
        note="référent, or delegate with duty grants"),
    Row("space_revoke", "POST", "/spaces/{kiosque}/members/{missing}/revoke",
        cells_logged_in(403, referent=422), data={"workflow": "subsidy"}),
    Row("space_delegate", "POST", "/spaces/{kiosque}/members/{missing}/delegate",
        cells_logged_in(403, referent=422), data={"duty": ""}, note="the référent only"),
    Row("space_undelegate", "POST", "/spaces/{kiosque}/members/{missing}/undelegate",
        cells_logged_in(403, referent=422), data={"duty": "members"}),
    Row("space_referent_offer", "POST", "/spaces/{kiosque}/members/{missing}/referent",
        cells_logged_in(403, referent=422)),
    Row("space_referent_withdraw", "POST", "/spaces/{kiosque}/referent/withdraw",
        cells_logged_in(403, referent=422), note="no offer open"),
    Row("space_referent_accept", "POST", "/spaces/{kiosque}/referent/accept",
        cells_logged_in(404), note="only the member an open offer names"),
    Row("space_referent_decline", "POST", "/spaces/{kiosque}/referent/decline",
        cells_logged_in(404)),
    Row("space_contact", "POST", "/spaces/{kiosque}/contact",
        cells_logged_in(403, referent=422), data={"email": "pas une adresse"},
        note="the référent only"),
    Row("space_join_form", "GET", "/spaces/join",
        cells_logged_in(200, citizen_b=403, member_grant=403, member_nogrant=403,
                        referent=403),
        note="verified, acting for oneself"),
    Row("space_join", "POST", "/spaces/join",
        cells_logged_in(422, citizen_b=403, member_grant=403, member_nogrant=403,
                        referent=403), data={"key": "", "function": ""}),

    Row("message_post", "POST", "/demands/{fresh}/messages",
        cells_logged_in(404, member_grant=303, referent=303, agent=303, member_nogrant=403,
                        referent_self=403, admin=403),
        data={"message": "Bonjour, une question sur le budget."},
        fresh=("subsidy", "carla", "kiosque", "submitted"),
        note="the owner side or an agent of the procedure's groups; admin read-only"),
    Row("message_post", "POST", "/demands/{fresh}/messages",
        cells_logged_in(404, member_grant=422, referent=422, agent=422, member_nogrant=403,
                        referent_self=403, admin=403),
        data={"message": "   "}, fresh=("subsidy", "carla", "kiosque", "submitted"),
        note="a blank message: 422 next to the box, nothing written"),
    Row("message_post", "POST", "/demands/{missing}/messages", cells_logged_in(404),
        data={"message": "Bonjour"}),
    Row("notifications", "GET", "/notifications", cells_logged_in(200)),
    Row("notifications_read", "POST", "/notifications/read", cells_logged_in(303)),
    # --- the print queue (engine/h_letters.c; sql/0023_letters.sql) ------------------------
    # Only the print group's agents (letters_group, demo: paul) get in; every actor here
    # is refused, the agents of other groups and the administrator too.  What paul may
    # do (200, a letter's PDF, 404 for an unknown one) is tests/integration/test_letters.py.
    Row("letters_queue", "GET", "/agent/letters", cells_logged_in(403),
        note="print group only (AZ_PRINT_LETTERS)"),
    Row("letters_print_run", "GET", "/agent/letters/print.pdf", cells_logged_in(403)),
    Row("letter_pdf", "GET", "/agent/letters/999999999/pdf", cells_logged_in(403),
        note="not a printer: refused before the letter is looked up"),
    Row("letter_pdf", "GET", "/agent/letters/not-a-letter/pdf", cells(404),
        note="not an int: no route"),
    Row("letters_sent", "POST", "/agent/letters/sent", cells_logged_in(403),
        data={"letter": "1"}),
    Row("letter_sent", "POST", "/agent/letters/999999999/sent", cells_logged_in(403)),
    # --- the MIE counter (engine/h_counter.c; sql/0026): the enrolment's rows ----------
    Row("counter_home", "GET", "/counter", cells_logged_in(403, third_party=200),
        note="the third parties' counters; anyone else: not a third party"),
    Row("counter_queue", "GET", "/counter/prefecture-lausanne",
        cells_logged_in(403, third_party=200)),
    Row("counter_queue", "GET", "/counter/prefecture-lausanne?show=all&name=Keller&birth=x",
        cells_logged_in(403, third_party=422), note="a date that is none: next to the field"),
    Row("counter_queue", "GET", "/counter/commune-renens", cells_logged_in(403),
        note="another authority's counter"),
    Row("counter_queue", "GET", "/counter/no-such-group", cells_logged_in(404)),
    Row("counter_demand", "GET", "/counter/prefecture-lausanne/demands/{fresh}",
        cells_logged_in(403, third_party=200),
        fresh=("enrolment", "bruno", None, "at-counter",
               ({"authority": "prefecture-lausanne"}, ["third-party:prefecture-lausanne"])),
        note="a demand whose data names the authority"),
    Row("counter_demand", "GET", "/counter/prefecture-lausanne/demands/{fresh}",
        cells_logged_in(403, third_party=404),
        fresh=("enrolment", "bruno", None, "at-counter",
               ({"authority": "commune-renens"}, ["third-party:commune-renens"])),
        note="another authority's demand: as if it did not exist"),
    Row("counter_demand", "GET", "/counter/prefecture-lausanne/demands/{missing}",
        cells_logged_in(403, third_party=404)),
    Row("counter_verify", "POST", "/counter/prefecture-lausanne/demands/{fresh}/verify",
        cells_logged_in(403, third_party=422),
        data={"document-matches": "yes", "code": "ABCDEFGH"},
        fresh=("enrolment", "bruno", None, "at-counter",
               ({"authority": "prefecture-lausanne"}, ["third-party:prefecture-lausanne"])),
        note="no code was issued to this demand: refused next to the field"),
    Row("counter_verify", "POST", "/counter/prefecture-lausanne/demands/{missing}/verify",
        cells_logged_in(403, third_party=404), data={"code": "ABCDEFGH"}),

    # --- per-item decisions (engine/h_decide.c; the commune secretaries' answers
    #     are walked in test_commune_account.py) --------------------------------
    Row("verify", "GET", "/verify", cells_logged_in(403, third_party=200),
        note="trusted third parties only: their groups' items"),
    Row("verify", "GET", "/verify?which=nonsense", cells_logged_in(403, third_party=200),
        note="an unknown filter reads as the open items"),
    Row("verify_item", "GET", "/verify/{missing}/verify/0", cells_logged_in(404)),
    Row("verify_item", "GET", "/verify/{d_kiosque_probe}/verify/0", cells_logged_in(404),
        note="a demand without items: nobody's item, not even its owner's"),
    Row("verify_item", "GET", "/verify/{missing}/verify/x", cells(404),
        note="an item is an int: no route"),
    Row("verify_answer", "POST", "/verify/{missing}/verify/0", cells_logged_in(404),
        data={"outcome": "valid"}),
    Row("verify_answer", "POST", "/verify/{d_kiosque_probe}/verify/0", cells_logged_in(404),
        data={"outcome": "refused"}, note="only the item's third party; else 404, nothing written"),
    Row("demand_confirm", "GET", "/demands/{missing}/confirm/ABCDEF", cells_logged_in(404)),
    Row("demand_confirm", "GET", "/demands/{d_kiosque_probe}/confirm/ABCDEF",
        cells_logged_in(404, member_grant=200, referent=200, member_nogrant=403,
                        referent_self=403, agent=403, third_party=403, admin=403),
        note="the owner side only (an e-mailed link; no code step here: it says so)"),
    Row("demand_confirm", "GET", "/demands/{missing}/confirm/a%20b", cells(404),
        note="a code is a word: no route"),

    # --- the agents' queue at scale (engine/h_queue.c, h_queue_export.c) ---------------
    Row("queue_assign", "POST", "/agent/serac/assign", cells_logged_in(422),
        data={"take": "x"}, note="not ID:VERSION; the demand's own check: test_queue.py"),
    Row("queue_assign", "POST", "/agent/serac/assign", cells_logged_in(404),
        data={"take": "00000000-0000-4000-8000-000000000000:1"},
        note="assign-demand on a demand that does not exist"),
    Row("queue_bulk", "POST", "/agent/serac/bulk", cells_logged_in(403, agent=422),
        data={"action": "release"}, note="the group's queue first; nothing ticked"),
    Row("queue_csv", "GET", "/agent/serac/export.csv", cells_logged_in(403, agent=200)),
    Row("queue_xlsx", "GET", "/agent/serac/export.xlsx", cells_logged_in(403, agent=200)),
    Row("queue_print", "GET", "/agent/serac/print", cells_logged_in(403, agent=200)),
    Row("queue_print", "GET", "/agent/no-such-group/print", cells_logged_in(404)),

    # --- at the counter (engine/h_desk.c, sql/0036_counter_filing.sql) --------------
    Row("desk", "GET", "/agent/serac/file", cells_logged_in(403, agent=200)),
    Row("desk", "GET", "/agent/population/file", cells_logged_in(403, agent_other=200),
        note="a group in no procedure: the page says so"),
    Row("desk", "GET", "/agent/serac/file?ident=756.0000.0000.02", cells_logged_in(403, agent=200),
        note="nobody has this AVS number: said next to the field"),
    Row("desk", "GET", "/agent/no-such-group/file", cells_logged_in(404)),
    Row("desk_file", "POST", "/agent/serac/file", cells_logged_in(403, agent=422),
        data={"person": "{missing}", "workflow": "subsidy", "for": "self"},
        note="no such person: nothing created; the filing itself: test_counter_filing.py"),
    Row("desk_file", "POST", "/agent/population/file", cells_logged_in(403, agent_other=422),
        data={"person": "{missing}", "workflow": "subsidy"}),
    Row("desk_file", "POST", "/agent/serac/file", cells_logged_in(400),
        data={"workflow": "subsidy"}, note="person is required"),
    Row("desk_file", "POST", "/agent/no-such-group/file", cells_logged_in(404),
        data={"person": "{missing}", "workflow": "subsidy"}),
]

# Tables whose content must not change when a request is refused.  The
# mailer and the scheduler work on their own (a mail queued by an earlier,
# allowed request is sent meanwhile): of outbox and timers only what a
# request writes is compared, not the delivery and firing columns.
DOMAIN_TABLES = {
    "persons": "x", "identities": "x", "entities": "x", "spaces": "x", "memberships": "x",
    "delegations": "x", "access_grants": "x", "agent_groups": "x", "agent_members": "x",
    "third_party_groups": "x", "third_party_members": "x", "administrators": "x",
    "space_events": "x", "identity_links": "x", "definitions": "x", "demands": "x",
    "events": "x", "codes": "x", "documents": "x",
    "account_contacts": "x", "account_mail_prefs": "x", "account_mail_kinds": "x",
    "relations": "x", "account_events": "x",
    "enrol_identifiers": "x", "assurance_raises": "x",
    "events": "x", "codes": "x", "documents": "x", "messages": "x", "note_reads": "x",
    "space_join_keys": "x", "space_referent_offers": "x",
    "decide_items": "x", "decide_answers": "x",
    "notes": "x",
    "outbox": "row(x.id, x.demand_id, x.event_id, x.template, x.recipient, x.data)",
    "timers": "row(x.id, x.demand_id, x.state, x.name, x.action, x.transition, x.due_at)",
}

SESSION_COOKIES = ("guichet_session", "__Host-guichet")
MISSING = "00000000-0000-4000-8000-000000000000"


# --- fixtures -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(stack):
    return seed(stack)


@pytest.fixture(scope="module")
def objects(world):
    o = {"missing": MISSING, **world.spaces}
    o.update({f"d_{k}": v for k, v in world.demands.items()})
    o.update({f"doc_{k}": v for k, v in world.documents.items()})
    return o


def session_cookie(client):
    for name in SESSION_COOKIES:
        v = client.cookie(name)
        if v:
            return v
    return None


def csrf_of(client):
    r = client.get("/context")
    m = re.search(r'name="csrf" value="([^"]+)"', r.text)
    assert m, f"no CSRF token on /context: {r!r}"
    return m.group(1)


def switch(client, space_id):
    r = client.post("/context", data={"space": space_id or "", "csrf": csrf_of(client)})
    assert r.status == 303, f"context switch to {space_id} failed: {r!r}"


def log_in(stack, world, actor):
    account, context = ACTORS[actor]
    c = stack.client()
    if account is None:
        return c
    r = login(stack, c, account)
    assert r.status == 303, f"login of {account} failed: {r!r}"
    if context is not None:
        switch(c, world.spaces[context])
    return c


@pytest.fixture(scope="module")
def clients(stack, world):
    return {a: log_in(stack, world, a) for a in ACTORS}


def restore(stack, world, clients, actor):
    """Puts the actor back in its context (after a switch)."""
    account, context = ACTORS[actor]
    if account is not None:
        switch(clients[actor], world.spaces[context] if context else None)


class Psql:
    """One psql kept open for the matrix's many small reads (starting a
    psql per query costs a quarter of a second).  Queries are ours, with
    no parameters from outside."""

    END = "__guichet_end__"

    def __init__(self, stack):
        self.proc = subprocess.Popen(
            ["psql", "-X", "-qAt", "-F", "\x1f", "-h", "127.0.0.1",
             "-p", str(stack.ports["GUICHET_PG_PORT"]), "-U", "guichet", "-d", "guichet"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=stack.psql_env(), text=True, bufsize=1)

    def rows(self, query):
        self.proc.stdin.write(query.rstrip().rstrip(";") + ";\n\\echo " + self.END + "\n")
        self.proc.stdin.flush()
        out = []
        while True:
            line = self.proc.stdout.readline()
            assert line != "", "psql ended"
            if line.rstrip("\n") == self.END:
                return [tuple(x.split("\x1f")) for x in out if x != ""]
            out.append(line.rstrip("\n"))

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def psql(stack):
    p = Psql(stack)
    yield p
    p.close()


def snapshot(psql, client):
    """A checksum of every domain table, and the client's session row."""
    present = {r[0] for r in psql.rows(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    parts = [f"SELECT '{t}' || ':' || ({cols})::text AS t FROM {t} x"
             for t, cols in DOMAIN_TABLES.items() if t in present]
    cookie = session_cookie(client)
    h = hashlib.sha256(cookie.encode()).hexdigest() if cookie else ""
    assert re.fullmatch(r"[0-9a-f]{64}|", h)
    rows = psql.rows(
        "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (" + " UNION ALL ".join(parts) + ") a"
        " UNION ALL "
        "SELECT coalesce((SELECT id_hash || csrf || coalesce(space_id::text, '-')"
        f"                  FROM sessions WHERE id_hash = '{h}'), 'none')")
    return [r[0] for r in rows]


def is_published(psql, workflow):
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", workflow)
    return psql.rows(f"SELECT count(*) FROM definitions WHERE workflow_key = '{workflow}'") \
        != [("0",)]


def matches(resp, want):
    if want == LOGIN:
        return resp.status == 401 or (resp.status in (302, 303)
                                      and "/auth/login" in resp.headers.get("location", ""))
    if want == REDIRECT:
        return resp.status in (302, 303)
    if want == REFUSED:
        return 400 <= resp.status < 500
    return resp.status == want


def allowed(want):
    return want in (REDIRECT,) or (isinstance(want, int) and want < 400)


def fill(template, objects):
    if not isinstance(template, str):
        return template
    try:
        return template.format(**objects)
    except KeyError as e:
        pytest.skip(f"object {e} is not seeded in this stack (its procedure is not published)")


# --- 1. the matrix --------------------------------------------------------------------

CASES = [pytest.param(i, a, id=f"{row.route}:{row.id()}:{a}")
         for i, row in enumerate(MATRIX) for a in ACTORS]


@pytest.mark.parametrize("index,actor", CASES)
def test_matrix(stack, psql, world, objects, clients, index, actor):
    row = MATRIX[index]
    want = row.expect[actor]
    c = clients[actor]
    if row.needs and not is_published(psql, row.needs):
        pytest.skip(f"procedure {row.needs} is not published in this stack")
    if row.fresh:
        if not is_published(psql, row.fresh[0]):
            pytest.skip(f"procedure {row.fresh[0]} is not published in this stack")
        wf, owner, space, state = row.fresh[:4]
        fresh = make_demand(stack, world, wf, owner, space, state)
        if len(row.fresh) > 4:          # (form data, data roles) the demand holds
            stack.sql("UPDATE demands SET form_data = :'p2'::jsonb,"
                      " data_roles = ARRAY(SELECT jsonb_array_elements_text(:'p3'::jsonb))"
                      " WHERE id = :'p1'", fresh, json.dumps(row.fresh[4][0]),
                      json.dumps(row.fresh[4][1]))
        objects = {**objects, "fresh": fresh}
    path = fill(row.path, objects)
    data = {k: fill(v, objects) for k, v in (row.data or {}).items()}
    if row.method == "POST" and ACTORS[actor][0] is not None:
        data["csrf"] = csrf_of(c)
    before = snapshot(psql, c) if not allowed(want) else None
    r = c.get(path) if row.method == "GET" else c.post(path, data=data)
    ok = matches(r, want)
    if not allowed(want):
        after = snapshot(psql, c)
        assert after == before, f"{actor} was refused {row.id()} but something was written"
    if allowed(want) and row.after == "context":
        restore(stack, world, clients, actor)
    if allowed(want) and row.after == "login" and ACTORS[actor][0] is not None:
        clients[actor] = log_in(stack, world, actor)
    assert ok, f"{actor} {row.id()}: expected {want}, got {r.status} {r.text[:300]!r}"
    if r.status in (403, 404):                          # a page that explains, not a blank
        assert r.headers.get("content-type", "").startswith("text/html") and "<main" in r.text


def test_the_snapshot_sees_any_write(stack, psql, world, clients):
    """The matrix's "nothing was written" is only as good as its checksum."""
    c = clients["referent"]
    before = snapshot(psql, c)
    stack.sql("UPDATE memberships SET function = function || ' ' WHERE person_id = :'p1'"
              " AND ended_at IS NULL", world.persons["david"])
    changed = snapshot(psql, c)
    stack.sql("UPDATE memberships SET function = rtrim(function) WHERE person_id = :'p1'"
              " AND ended_at IS NULL", world.persons["david"])
    assert changed[0] != before[0]
    assert snapshot(psql, c) == before
    switch(c, None)
    try:
        assert snapshot(psql, c)[1] != before[1]        # the session row counts too
    finally:
        switch(c, world.spaces["kiosque"])


# --- 2. no route escapes the matrix ------------------------------------------------------

ROUTE_ENTRY = re.compile(r'\{\s*"([A-Z|]+)"\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"\s*,')
ROUTE_TABLE = re.compile(r"const\s+route_t\s+(\w+)\s*\[\s*\]\s*=\s*\{(.*?)\n\};", re.S)
REGISTERED = re.compile(r"route_tables\s*\[\s*\]\s*=\s*\{(.*?)\};", re.S)


def c_source(path):
    with open(path, encoding="utf-8") as fh:
        return re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)


def engine_routes():
    """(name, method, pattern) of every entry of every route table that
    engine/route.c registers (route_tables[]), read from engine/*.c."""
    engine = os.path.join(ROOT, "engine")
    registered = set(re.findall(r"\w+", REGISTERED.search(
        c_source(os.path.join(engine, "route.c"))).group(1)))
    found, tables = set(), set()
    for f in sorted(os.listdir(engine)):
        if not f.endswith(".c"):
            continue
        for table, body in ROUTE_TABLE.findall(c_source(os.path.join(engine, f))):
            if table not in registered:
                continue
            tables.add(table)
            for methods, pattern, name in ROUTE_ENTRY.findall(body):
                for m in methods.split("|"):
                    found.add((name, m, pattern))
    assert tables == registered, f"route tables not found in engine/*.c: {registered - tables}"
    return found


def test_every_route_is_in_the_matrix():
    routes = engine_routes()
    assert ("home", "GET", "/") in routes and ("context", "GET", "/context") in routes, \
        "the route tables were not found: has route_t's layout changed?"
    covered = {(row.route, row.method) for row in MATRIX}
    missing = sorted({(n, m, p) for n, m, p in routes if (n, m) not in covered})
    assert not missing, ("routes without a row in the access matrix "
                         "(tests/integration/test_access_matrix.py, MATRIX): "
                         + ", ".join(f"{m} {p} ({n})" for n, m, p in missing))


def test_every_matrix_row_is_a_route_and_complete():
    names = {(n, m) for n, m, _ in engine_routes()}
    for row in MATRIX:
        assert (row.route, row.method) in names, f"row for unknown route {row.route} {row.method}"
        assert set(row.expect) == set(ACTORS), f"row {row.id()} does not say for every actor"


# --- 3. the rules for objects no route serves yet ------------------------------------------

def actor_person_context(world, actor):
    account, context = ACTORS[actor]
    return world.persons[account], (world.spaces[context] if context else None)


def may(stack, person, context, action, obj, arg=None):
    rows = stack.sql("SELECT verdict, coalesce(reason, '') FROM authz_may("
                     "NULLIF(:'p1', '')::uuid, NULLIF(:'p2', '')::uuid, :'p3',"
                     " NULLIF(:'p4', ''), NULLIF(:'p5', ''))",
                     person or "", context or "", action, obj or "", arg or "")
    return rows[0]


A, D, N = "allow", "deny", "notfound"


def rule(default, **override):
    """Expected verdicts for the logged-in actors; a value may be
    "deny:reason.key" to check the reason too."""
    unknown = set(override) - set(LOGGED_IN)
    assert not unknown, unknown
    return {a: override.get(a, default) for a in LOGGED_IN}


VIEW_STAFF_PROBE = dict(agent=A, third_party=A, admin=A)
# (action, object placeholder or literal, arg, expectations)
AUTHZ = [
    # a demand filed for oneself
    ("view-demand", "{d_alice_own}", None,
     rule(N, citizen_a=A, agent_other=A, admin=A)),
    ("view-demand", "{d_bruno_own}", None,
     rule(N, citizen_b=A, agent_other=A, admin=A)),
    # a demand filed for a space, of a protected procedure (grant needed)
    ("view-demand", "{d_kiosque_probe}", None,
     rule(N, member_grant=A, member_nogrant="deny:authz.no_grant", referent=A,
          referent_self="deny:authz.wrong_context", **VIEW_STAFF_PROBE)),
    # filed for a space, procedure not protected: the filer and the référent
    ("view-demand", "{d_kiosque_open_david}", None,
     rule(N, member_nogrant=A, referent=A, member_grant="deny:authz.no_grant",
          referent_self="deny:authz.wrong_context", agent_other=A, admin=A)),
    # a draft is its owner's business: not yet the staff's
    ("view-demand", "{d_kiosque_probe_draft}", None,
     rule(N, member_grant=A, member_nogrant="deny:authz.no_grant", referent=A,
          referent_self="deny:authz.wrong_context", admin=A)),
    ("fire-transition", "{d_kiosque_probe_draft}", "agent:serac", rule(N, member_grant=D,
     member_nogrant=D, referent=D, referent_self=D, admin="deny:authz.read_only")),
    # another entity's demand: only staff of the named groups and admins
    ("view-demand", "{d_atelier_probe}", None, rule(N, **VIEW_STAFF_PROBE)),
    # a join request (personal demand addressed to a space)
    ("view-demand", "{d_alice_join_kiosque}", None,
     rule(N, citizen_a=A, referent=A, referent_self="deny:authz.wrong_context",
          agent_other=A, admin=A)),
    ("view-demand", "{missing}", None, rule(N)),
    ("view-demand", "not-a-uuid", None, rule(N)),

    # transitions
    ("fire-transition", "{d_kiosque_probe}", "owner",
     rule(N, member_grant=A, referent=A, member_nogrant="deny:authz.no_grant",
          referent_self="deny:authz.wrong_context", agent="deny:authz.not_your_step",
          third_party="deny:authz.not_your_step", admin="deny:authz.read_only")),
    ("fire-transition", "{d_kiosque_probe}", "member",
     rule(N, member_grant=A, referent=A, member_nogrant="deny:authz.no_grant",
          referent_self="deny:authz.wrong_context", agent=D, third_party=D, admin=D)),
    ("fire-transition", "{d_kiosque_probe}", "agent:serac",
     rule(N, agent=A, member_grant=D, referent=D, member_nogrant=D, referent_self=D,
          third_party=D, admin="deny:authz.read_only")),
    ("fire-transition", "{d_kiosque_probe}", "agent",
     rule(N, agent=A, member_grant=D, referent=D, member_nogrant=D, referent_self=D,
          third_party=D, admin=D)),
    ("fire-transition", "{d_kiosque_probe}", "third-party:prefecture-lausanne",
     rule(N, third_party=A, member_grant=D, referent=D, member_nogrant=D, referent_self=D,
          agent=D, admin=D)),
    ("fire-transition", "{d_kiosque_probe}", "referent:grants",
     rule(N, referent=A, member_grant="deny:authz.not_your_step", member_nogrant=D,
          referent_self=D, agent=D, third_party=D, admin=D)),
    ("fire-transition", "{d_kiosque_probe}", "system",
     rule(N, member_grant=D, referent=D, member_nogrant=D, referent_self=D, agent=D,
          third_party=D, admin=D)),
    ("fire-transition", "{d_alice_own}", "owner",
     rule(N, citizen_a=A, agent_other="deny:authz.not_your_step",
          admin="deny:authz.read_only")),
    ("fire-transition", "{d_alice_own}", "owner agent:population",
     rule(N, citizen_a=A, agent_other=A, admin=D)),
    ("fire-transition", "{d_alice_join_kiosque}", "referent:members",
     rule(N, referent=A, citizen_a="deny:authz.not_your_step",
          referent_self="deny:authz.wrong_context", agent_other=D, admin=D)),
    ("fire-transition", "{d_atelier_probe}", "owner",
     rule(N, agent=D, third_party=D, admin=D)),

    # documents
    ("view-document", "{doc_kiosque_probe_doc}", None,
     rule(N, member_grant=A, member_nogrant="deny:authz.no_grant", referent=A,
          referent_self="deny:authz.wrong_context", **VIEW_STAFF_PROBE)),
    ("view-document", "{doc_alice_wallet}", None, rule(N, citizen_a=A, admin=A)),
    ("view-document", "{missing}", None, rule(N)),
    ("manage-document", "{doc_alice_wallet}", None,
     rule(N, citizen_a=A, admin="deny:authz.read_only")),
    ("manage-document", "{doc_kiosque_probe_doc}", None, rule(N)),

    # starting a demand: the audience, the entity kind, the grant
    ("start-demand", "guichet-test-probe", "professional",
     rule("deny:authz.professional_only", member_grant=A, referent=A,
          member_nogrant="deny:authz.no_grant")),
    ("start-demand", "guichet-test-probe", "professional:foundation sa",
     rule("deny:authz.professional_only", member_grant="deny:authz.entity_kind",
          referent="deny:authz.entity_kind", member_nogrant="deny:authz.entity_kind")),
    ("start-demand", "guichet-test-probe", "professional:association",
     rule("deny:authz.professional_only", member_grant=A, referent=A,
          member_nogrant="deny:authz.no_grant")),
    ("start-demand", "guichet-test-probe", "professional:company foundation",
     rule("deny:authz.professional_only", member_grant="deny:authz.entity_kind",
          referent="deny:authz.entity_kind", member_nogrant="deny:authz.entity_kind")),
    ("start-demand", "subsidy", "professional:association foundation company",
     rule("deny:authz.professional_only", member_grant=A, referent=A,
          member_nogrant="deny:authz.no_grant")),
    ("start-demand", "guichet-test-open", "any", rule(A)),
    ("start-demand", "guichet-test-open", None, rule(A)),
    ("start-demand", "guichet-test-open", "personal",
     rule(A, member_grant="deny:authz.personal_only", member_nogrant="deny:authz.personal_only",
          referent="deny:authz.personal_only")),
    ("start-demand", "no-such-procedure", "any", rule(N)),

    # using a protected service for the active space
    ("use-service", None, "subsidy",
     rule("deny:authz.professional_only", member_grant=A, referent=A,
          member_nogrant="deny:authz.no_grant")),
    ("use-service", "{kiosque}", "subsidy",
     rule("deny:authz.not_member", member_grant=A, referent=A,
          member_nogrant="deny:authz.no_grant", referent_self="deny:authz.wrong_context")),

    # queues
    ("work-queue", "serac", None, rule("deny:authz.not_agent", agent=A)),
    ("work-queue", "population", None, rule("deny:authz.not_agent", agent_other=A)),
    ("work-queue", "no-such-group", None, rule(N)),
    # at the counter (sql/0036): the desk of a group, a procedure it acts in
    ("file-at-counter", "serac", None, rule("deny:authz.not_agent", agent=A)),
    ("file-at-counter", "serac", "subsidy", rule("deny:authz.not_agent", agent=A)),
    ("file-at-counter", "population", "subsidy",
     rule("deny:authz.not_agent", agent_other="deny:desk.not_this_group")),
    ("file-at-counter", "no-such-group", "subsidy", rule(N)),
    # a draft oscar (population) filed at the counter for alice: he plays its
    # owner until it is submitted; another agent does not even see it
    ("view-demand", "{d_alice_counter_draft}", None,
     rule(N, citizen_a=A, agent_other=A, admin=A)),
    ("fire-transition", "{d_alice_counter_draft}", "owner",
     rule(N, citizen_a=A, agent_other=A, admin="deny:authz.read_only")),
    ("third-party", "prefecture-lausanne", None,
     rule("deny:authz.not_third_party", third_party=A)),

    # spaces
    ("manage-members", "{kiosque}", None,
     rule("deny:authz.not_referent", referent=A, referent_self="deny:authz.wrong_context")),
    ("grant-access", "{kiosque}", None,
     rule("deny:authz.not_referent", referent=A, referent_self="deny:authz.wrong_context")),
    ("manage-members", "{atelier}", None, rule("deny:authz.not_referent")),
    ("manage-members", "{tilleuls}", None, rule("deny:authz.space_inactive")),
    ("manage-members", "{missing}", None, rule(N)),
    ("switch-context", None, None, rule(A)),
    ("switch-context", "{kiosque}", None,
     rule("deny:authz.not_member", member_grant=A, member_nogrant=A, referent=A,
          referent_self=A)),
    ("switch-context", "{tilleuls}", None, rule("deny:authz.space_inactive")),
    ("admin", None, None, rule("deny:authz.admin_only", admin=A)),
]


@pytest.mark.parametrize("action,obj,arg,expect", AUTHZ,
                         ids=[f"{a}:{o}:{g}" for a, o, g, _ in AUTHZ])
def test_authz_rules(stack, world, objects, action, obj, arg, expect):
    if ("{d_" in (obj or "") or "{doc_" in (obj or "")) and not world.demands:
        pytest.skip("the workflow tables (0004) are not there yet")
    if action == "start-demand" and set(expect.values()) != {N} and stack.sql(
            "SELECT count(*) FROM definitions WHERE workflow_key = :'p1'", obj) == [("0",)]:
        pytest.skip(f"procedure {obj} is not published in this stack")
    target = fill(obj, objects) if obj else None
    asked = [{"actor": a, "person": p, "context": c}
             for a in expect for p, c in [actor_person_context(world, a)]]
    rows = stack.sql("SELECT q->>'actor', v.verdict, coalesce(v.reason, '')"
                     "  FROM jsonb_array_elements(:'p1'::jsonb) AS q,"
                     "       authz_may((q->>'person')::uuid, (q->>'context')::uuid, :'p2',"
                     "                 NULLIF(:'p3', ''), NULLIF(:'p4', '')) AS v",
                     json.dumps(asked), action, target or "", arg or "")
    answers = {a: (v, r) for a, v, r in rows}
    wrong = []
    for actor, want in expect.items():
        verdict, reason = answers[actor]
        got = verdict if ":" not in want else f"{verdict}:{reason}"
        if got != want:
            wrong.append(f"{actor}: expected {want}, got {verdict} ({reason})")
    assert not wrong, "\n".join(wrong)


def test_authz_refuses_nobody_and_unknown_actions(stack, world):
    assert may(stack, None, None, "admin", None) == ("deny", "err.login_needed")
    with pytest.raises(RuntimeError, match="unknown action"):
        may(stack, world.persons["admin"], None, "become-root", None)


# --- behaviours ------------------------------------------------------------------------------

def test_context_page_lists_the_person_and_each_space(stack, world):
    c = log_in(stack, world, "referent_self")
    r = c.get("/context")
    assert r.status == 200
    assert "Rita Favre, pour moi-même" in " ".join(r.text.split())
    assert re.search(r"Rita Favre,\s*pour\s*Kiosque du Marché", r.text)
    assert "Atelier" not in r.text and "Tilleuls" not in r.text
    assert f'value="{world.spaces["kiosque"]}"' in r.text
    assert 'name="csrf"' in r.text
    a = log_in(stack, world, "citizen_a")
    r = a.get("/context")
    assert re.search(r"Alice Martin,\s*pour moi-même", r.text)
    assert "Kiosque" not in r.text


def test_the_referent_reaches_the_members_page_in_one_click(stack, world):
    k = world.spaces["kiosque"]
    c = log_in(stack, world, "referent_self")
    page = f"/spaces/{k}/members"
    assert c.get(page).status == 403                    # acting for herself
    r = c.get("/context")
    assert f'name="return_to" value="{page}"' in r.text
    r = c.post("/context", data={"space": k, "return_to": page, "csrf": csrf_of(c)})
    assert r.status == 303 and r.headers["location"].endswith(page)
    r = c.get(page)
    assert r.status == 200 and "Carla Rossi" in r.text
    assert re.search(r"\d\d\.\d\d\.\d{4}", r.text)     # dates the Swiss way


def test_switch_rotates_the_session_and_shows_the_context(stack, world):
    c = log_in(stack, world, "referent_self")
    old = session_cookie(c)
    token = csrf_of(c)
    r = c.post("/context", data={"space": world.spaces["kiosque"], "csrf": token,
                                 "return_to": "/admin"})
    assert r.status == 303 and r.headers["location"].endswith("/admin")
    new = session_cookie(c)
    assert new and new != old                       # no fixation across contexts
    assert stack.sql("SELECT count(*) FROM sessions WHERE id_hash = :'p1'",
                     hashlib.sha256(old.encode()).hexdigest()) == [("0",)]
    r = c.get("/context")
    assert re.search(r"pour\s*Kiosque du Marché", r.text)
    # the old CSRF token belonged to the old context
    r = c.post("/context", data={"space": "", "csrf": token})
    assert r.status == 403
    # an open redirect is not offered
    r = c.post("/context", data={"space": "", "csrf": csrf_of(c),
                                 "return_to": "//evil.example/"})
    assert r.status == 303 and r.headers["location"] in ("/", stack.base_url + "/")


def test_members_page_shows_functions_duties_and_grants(stack, world):
    c = log_in(stack, world, "referent")
    r = c.get(f"/spaces/{world.spaces['kiosque']}/members")
    assert r.status == 200
    text = " ".join(r.text.split())
    for s in ("Kiosque du Marché", "CHE-109.347.829", "Rita Favre", "Carla Rossi",
              "David Meier", "trésorière", "secrétaire", "subsidy"):
        assert s in text, s
    # the référent first, then by family name
    assert text.index("Rita Favre") < text.index("David Meier") < text.index("Carla Rossi")
    assert "Victor" not in text


def test_delegation_opens_the_members_page_until_its_date(stack, world):
    k, david, rita = world.spaces["kiosque"], world.persons["david"], world.persons["rita"]
    c = log_in(stack, world, "member_nogrant")
    page = f"/spaces/{k}/members"
    assert c.get(page).status == 403
    stack.sql("SELECT space_delegate(:'p1', :'p2', 'members', NULL, :'p3')", k, david, rita)
    try:
        assert c.get(page).status == 200
        assert may(stack, david, k, "grant-access", k)[0] == "deny"   # only that duty
    finally:
        stack.sql("SELECT space_undelegate(:'p1', :'p2', 'members', :'p3')", k, david, rita)
    assert c.get(page).status == 403
    # a delegation whose last day has passed holds no more
    with pytest.raises(RuntimeError, match="space.until_past"):
        stack.sql("SELECT space_delegate(:'p1', :'p2', 'grants', current_date - 2, :'p3')",
                  k, david, rita)
    stack.sql("INSERT INTO delegations (space_id, person_id, duty, until, granted_by)"
              " VALUES (:'p1', :'p2', 'members', current_date - 2, :'p3')", k, david, rita)
    try:
        assert c.get(page).status == 403
    finally:
        stack.sql("UPDATE delegations SET revoked_at = now() WHERE space_id = :'p1'"
                  " AND person_id = :'p2' AND revoked_at IS NULL", k, david)
    # a grants delegate may grant access, not manage members
    stack.sql("SELECT space_delegate(:'p1', :'p2', 'grants', current_date + 10, :'p3')",
              k, david, rita)
    try:
        assert may(stack, david, k, "grant-access", k)[0] == "allow"
        assert may(stack, david, k, "manage-members", k)[0] == "deny"
        # the page opens on the tools of that duty only (sql/0024)
        r = c.get(page)
        assert r.status == 200 and "/grant" in r.text and "/members/attach" not in r.text
    finally:
        stack.sql("SELECT space_undelegate(:'p1', :'p2', 'grants', :'p3')", k, david, rita)


def test_a_detached_member_loses_the_context_at_once(stack, world):
    k, rita = world.spaces["kiosque"], world.persons["rita"]
    pid = stack.sql("INSERT INTO persons (display_name, given_name, family_name, assurance)"
                    " VALUES ('Zoé Test', 'Zoé', 'Test', 'verified') RETURNING id")[0][0]
    stack.sql("SELECT space_attach(:'p1', :'p2', 'stagiaire', :'p3')", k, pid, rita)
    stack.sql("SELECT space_grant(:'p1', :'p2', 'subsidy', :'p3')", k, pid, rita)
    assert may(stack, pid, k, "use-service", None, "subsidy")[0] == "allow"
    assert may(stack, pid, None, "switch-context", k)[0] == "allow"
    stack.sql("SELECT space_detach(:'p1', :'p2', :'p3')", k, pid, rita)
    assert may(stack, pid, k, "use-service", None, "subsidy") == ("deny", "authz.not_member")
    assert may(stack, pid, None, "switch-context", k) == ("deny", "authz.not_member")
    # the grant ended with the membership (kept, revoked, for the trail)
    assert stack.sql("SELECT count(*) FROM access_grants WHERE person_id = :'p1'"
                     " AND revoked_at IS NOT NULL", pid) == [("1",)]
    assert stack.sql("SELECT string_agg(action, ',' ORDER BY id) FROM space_events"
                     " WHERE person_id = :'p1'", pid) == [("attach,grant,detach",)]


def test_referent_constraints(stack, world):
    k, rita, carla = world.spaces["kiosque"], world.persons["rita"], world.persons["carla"]
    # the référent cannot be detached
    with pytest.raises(RuntimeError, match="space.referent_not_detachable"):
        stack.sql("SELECT space_detach(:'p1', :'p2', :'p2')", k, rita)
    # nor an active space be left without one
    with pytest.raises(RuntimeError, match="spaces_active_has_referent"):
        stack.sql("UPDATE spaces SET referent_person_id = NULL WHERE id = :'p1'", k)
    # nor given a référent who is not a member
    with pytest.raises(RuntimeError, match="space.not_member"):
        stack.sql("SELECT space_set_referent(:'p1', :'p2', :'p2')", k, world.persons["alice"])
    with pytest.raises(RuntimeError, match="référent of an active space must be"):
        stack.sql("UPDATE spaces SET referent_person_id = :'p2' WHERE id = :'p1'",
                  k, world.persons["alice"])
    # one open space per entity
    with pytest.raises(RuntimeError, match="space.already_open"):
        stack.sql("SELECT space_create(jsonb_build_object('ide', 'CHE-109.347.829',"
                  " 'legal_form', 'association', 'name', 'Kiosque du Marché',"
                  " 'street', 'Place de la Riponne', 'postcode', '1005',"
                  " 'locality', 'Lausanne'), :'p1')", carla)
    # replacing the référent: the previous one stays a member
    stack.sql("SELECT space_set_referent(:'p1', :'p2', :'p3')", k, carla, rita)
    try:
        assert may(stack, carla, k, "manage-members", k)[0] == "allow"
        assert may(stack, rita, k, "manage-members", k) == ("deny", "authz.not_referent")
        assert may(stack, rita, k, "switch-context", k)[0] == "allow"
    finally:
        stack.sql("SELECT space_set_referent(:'p1', :'p2', :'p3')", k, rita, rita)
    assert may(stack, rita, k, "manage-members", k)[0] == "allow"


def test_ide_numbers_need_their_check_digit(stack):
    assert stack.sql("SELECT ide_valid('CHE-109.347.829'), ide_valid('CHE-109.347.828'),"
                     " ide_valid('CHE-109347829'), ide_valid('CHE-123.456.788')") == \
        [("t", "f", "f", "t")]
    with pytest.raises(RuntimeError, match="entities_ide_check"):
        stack.sql("INSERT INTO entities (ide, legal_form, name, street, postcode, locality)"
                  " VALUES ('CHE-109.347.828', 'association', 'Faux', 'Rue', '1000',"
                  " 'Lausanne')")


def test_space_lifecycle_create_activate_attach_close(stack, world):
    bruno, alice = world.persons["bruno"], world.persons["alice"]
    ide = "CHE-116.281.710"
    sp = stack.sql("SELECT space_create(jsonb_build_object('ide', :'p1', 'legal_form', 'sarl',"
                   " 'name', 'Boulangerie Keller Sàrl', 'street', 'Rue de Bourg',"
                   " 'house_number', '3', 'postcode', '1003', 'locality', 'Lausanne'), :'p2')",
                   ide, bruno)[0][0]
    assert may(stack, bruno, None, "switch-context", sp) == ("deny", "authz.space_inactive")
    stack.sql("SELECT space_activate(:'p1', :'p2')", sp, bruno)
    assert may(stack, bruno, None, "switch-context", sp)[0] == "allow"
    assert may(stack, bruno, sp, "manage-members", sp)[0] == "allow"
    stack.sql("SELECT space_attach(:'p1', :'p2', 'vendeuse', :'p3')", sp, alice, bruno)
    with pytest.raises(RuntimeError, match="memberships_live"):
        stack.sql("SELECT space_attach(:'p1', :'p2', NULL, :'p3')", sp, alice, bruno)
    assert may(stack, alice, None, "switch-context", sp)[0] == "allow"
    stack.sql("SELECT space_close(:'p1', :'p2')", sp, bruno)
    assert may(stack, alice, None, "switch-context", sp) == ("deny", "authz.space_inactive")
    assert may(stack, bruno, sp, "manage-members", sp) == ("deny", "authz.space_inactive")
    assert stack.sql("SELECT count(*) FROM memberships WHERE space_id = :'p1'"
                     " AND ended_at IS NULL", sp) == [("0",)]
    with pytest.raises(RuntimeError, match="append-only"):
        stack.sql("DELETE FROM space_events WHERE space_id = :'p1'", sp)


def test_an_administrator_links_identities_of_one_person(stack, world):
    """identity_link() (engine/space.c: space_link_identity): the same human
    with a second account (another provider) becomes one person."""
    admin, rita = world.persons["admin"], world.persons["rita"]
    sub = "eid-" + uuid.uuid4().hex[:12]
    # two persons of their own (the demo people keep their one identity)
    target = stack.sql("INSERT INTO persons (display_name) VALUES ('Line Test (canton)')"
                       " RETURNING id")[0][0]
    other = stack.sql("INSERT INTO persons (display_name) VALUES ('Line Test (e-ID)')"
                      " RETURNING id")[0][0]
    stack.sql("INSERT INTO identities (issuer, subject, person_id, idp)"
              " VALUES ('https://eid.example.test', :'p1', :'p2', 'eid')", sub, other)
    stack.sql("INSERT INTO sessions (id_hash, person_id, csrf, assurance)"
              " VALUES (encode(sha256(convert_to(:'p1', 'UTF8')), 'hex'), :'p2',"
              " repeat('x', 43), 'email')", sub, other)
    # nobody but an administrator
    with pytest.raises(RuntimeError, match="authz.admin_only"):
        stack.sql("SELECT identity_link('https://eid.example.test', :'p1', :'p2', :'p3')",
                  sub, target, rita)
    with pytest.raises(RuntimeError, match="identity.unknown"):
        stack.sql("SELECT identity_link('https://eid.example.test', 'nobody', :'p1', :'p2')",
                  target, admin)
    got = stack.sql("SELECT identity_link('https://eid.example.test', :'p1', :'p2', :'p3')",
                    sub, target, admin)
    assert got == [(other,)]
    assert stack.sql("SELECT person_id FROM identities WHERE issuer = 'https://eid.example.test'"
                     " AND subject = :'p1'", sub) == [(target,)]
    assert stack.sql("SELECT count(*) FROM sessions WHERE person_id = :'p1'", other) == [("0",)]
    assert stack.sql("SELECT from_person, to_person, linked_by FROM identity_links"
                     " WHERE subject = :'p1'", sub) == [(other, target, admin)]
    # linking again changes nothing
    assert stack.sql("SELECT identity_link('https://eid.example.test', :'p1', :'p2', :'p3')",
                     sub, target, admin) == [(target,)]
    assert stack.sql("SELECT count(*) FROM identity_links WHERE subject = :'p1'", sub) == \
        [("1",)]


def test_admin_page_counts(stack, world):
    c = log_in(stack, world, "admin")
    r = c.get("/admin")
    assert r.status == 200
    assert "Administration du guichet" in r.text
    assert "Espaces professionnels actifs" in r.text

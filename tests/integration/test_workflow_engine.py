# SPDX-License-Identifier: AGPL-3.0-or-later
"""The workflow runtime against the real PostgreSQL, the real SMTP sink and
the real engine processes (master, scheduler and mailer children).

What these tests exercise, honestly: the web pages for demands come later,
so transitions are fired through `guichet demand fire`, a command that
calls the very C entry points the pages will call (wf_demand_create,
wf_fire, wf_save) for a named person and space, with the real
authorisation (authz_check -> authz_may), the real field validation and
the one wf_apply() transaction.  Timers are fired by `guichet scheduler`
processes (the same bgjob loop and scheduler_job the master's child
runs) and by the engine's own scheduler child; mail goes out through the
engine's mailer child to aiosmtpd.  Reload is the master's SIGHUP.

The module runs its own stack (same conftest.Stack, other ports) because
hot reload needs a workflows/ folder the tests may rewrite: the repository's
own workflows/subsidy.xml is copied there first."""
import email.header
import json
import os
import re
import shutil
import signal
import subprocess
import time
import uuid

import pytest

from conftest import GUICHET, ROOT, Stack

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
IDE = "CHE-123.456.788"          # valid mod-11 check digit


# --- the stack ---------------------------------------------------------------

@pytest.fixture(scope="module")
def rt(tmp_path_factory):
    wf_dir = tmp_path_factory.mktemp("workflows")
    os.chmod(wf_dir, 0o755)
    shutil.copy(os.path.join(ROOT, "workflows", "subsidy.xml"), wf_dir / "subsidy.xml")
    s = Stack()
    s.wf_dir = str(wf_dir)
    s.script_env.update({
        "GUICHET_WORKFLOWS_DIR": str(wf_dir),
        "GUICHET_SCHEDULER_INTERVAL": "1",
    })
    # the sink's Maildir needs its tmp/new/cur before the first mail
    # (aiosmtpd only makes them for a folder it creates itself)
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(s.var, "mail", sub), exist_ok=True)
    try:
        s.start()
        s.fx = fixtures(s)
        yield s
    finally:
        s.stop()


def q1(stack, query, *params):
    rows = stack.sql(query, *params)
    return rows[0][0] if rows else None


def fixtures(stack):
    """A verified person who is the référent of an association's active
    space, an agent of the SERAC group and a stranger."""
    fx = {"owner": str(uuid.uuid4()), "agent": str(uuid.uuid4()),
          "stranger": str(uuid.uuid4())}
    stack.sql(
        "INSERT INTO persons (id, display_name, email, assurance) VALUES"
        " (:'p1', 'Jeanne Dupont-Müller', 'jeanne@example.ch', 'verified'),"
        " (:'p2', 'Albert Agent', 'albert@serac.example.ch', 'verified'),"
        " (:'p3', 'Sam Stranger', 'sam@example.ch', 'verified')",
        fx["owner"], fx["agent"], fx["stranger"])
    fx["space"] = q1(stack,
        "SELECT space_create(jsonb_build_object('ide', :'p1', 'legal_form', 'association',"
        " 'name', 'Kiosque du Marché', 'street', 'Rue du Marché', 'postcode', '1003',"
        " 'locality', 'Lausanne'), :'p2')", IDE, fx["owner"])
    stack.sql("SELECT space_activate(:'p1', :'p2')", fx["space"], fx["owner"])
    stack.sql("INSERT INTO agent_groups (id, name) VALUES ('serac', 'SERAC')")
    stack.sql("INSERT INTO agent_members (group_id, person_id) VALUES ('serac', :'p1')",
              fx["agent"])
    pdf = os.path.join(stack.var, "budget.pdf")
    with open(pdf, "wb") as f:
        f.write(PDF)
    fx["pdf"] = pdf
    return fx


def demand(stack, *args, timeout=60):
    """guichet demand ...: (exit code, the JSON line it printed)."""
    r = stack.guichet("demand", *args, timeout=timeout)
    line = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "{}"
    try:
        out = json.loads(line)
    except ValueError:
        out = {"raw": r.stdout, "stderr": r.stderr}
    return r.returncode, out


def as_owner(stack):
    fx = stack.fx
    return ["--person", fx["owner"], "--space", fx["space"], "--assurance", "verified"]


def as_agent(stack):
    return ["--person", stack.fx["agent"]]


COMPLETE = [
    "contact-name=Jeanne Dupont", "contact-email=jeanne@example.ch",
    "contact-phone=021 316 11 11", "project-title=Festival des Arches",
    "discipline=music", "description=" + "Un festival de musique de chambre " * 3,
    "start-date=01.06.2027", "end-date=30.06.2027", "place=Lausanne",
    "total-budget=12'000.00", "amount-requested=5000", "account-holder=Kiosque du Marché",
    "iban=CH93 0076 2011 6238 5295 7",
]


def new_demand(stack):
    rc, out = demand(stack, "create", *as_owner(stack), "subsidy")
    assert rc == 0, out
    return out


def submitted_demand(stack):
    d = new_demand(stack)
    fx = stack.fx
    rc, out = demand(stack, "fire", *as_owner(stack), "--file", f"budget-file={fx['pdf']}",
                     "--file", f"project-file={fx['pdf']}", d["id"], "submit", *COMPLETE)
    assert rc == 0, out
    assert out["state"] == "submitted"
    return d


def wait_for(pred, timeout=30, step=0.2, what="condition"):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def subject_of(msg):
    return str(email.header.make_header(email.header.decode_header(msg["Subject"])))


def mails_with(stack, reference):
    return [m for m in stack.mails() if reference in subject_of(m)]


# --- creation, validation, firing -----------------------------------------------

def test_a_demand_starts_in_its_initial_state_with_a_yearly_reference(rt):
    d = new_demand(rt)
    assert re.fullmatch(r"\d{4}-\d{6}", d["reference"])
    assert d["reference"].startswith(time.strftime("%Y-"))
    assert (d["state"], d["bucket"], d["version"], d["definition_version"]) == \
        ("draft", "draft", 1, 1)
    row = rt.sql("SELECT owner_person_id, owner_space_id, workflow_key FROM demands"
                 " WHERE id = :'p1'", d["id"])[0]
    assert row == (rt.fx["owner"], rt.fx["space"], "subsidy")
    # the 'create' event and the draft's purge timer (expires="P60D")
    assert rt.sql("SELECT transition, to_state, actor_kind FROM events WHERE demand_id = :'p1'",
                  d["id"]) == [("create", "draft", "person")]
    due = q1(rt, "SELECT round(extract(epoch FROM due_at - now()) / 86400) FROM timers"
                 " WHERE demand_id = :'p1' AND action = 'purge' AND status = 'pending'", d["id"])
    assert due == "60"
    # references follow each other
    d2 = new_demand(rt)
    assert int(d2["reference"][5:]) == int(d["reference"][5:]) + 1


def test_a_legal_persons_demand_from_a_personal_space_is_refused_up_front(rt):
    rc, out = demand(rt, "create", "--person", rt.fx["owner"], "--assurance", "verified",
                     "subsidy")
    assert rc == 12, out
    assert out["key"] == "wf.audience.professional"
    assert "espace sécurisé professionnel" in out["message"]


def test_invalid_input_gets_one_message_per_field_and_writes_nothing(rt):
    d = new_demand(rt)
    rc, out = demand(rt, "fire", *as_owner(rt), d["id"], "submit",
                     "contact-email=not-an-address", "iban=CH00 0000", "discipline=opera",
                     "amount-requested=100")
    assert rc == 11, out
    errors = {e["field"]: e["key"] for e in out["errors"]}
    assert errors["contact-email"].startswith("field.email")
    assert errors["iban"].startswith("field.iban")
    assert errors["discipline"] == "field.choice.invalid"
    assert errors["amount-requested"] == "field.too_small"      # min 500
    assert errors["budget-file"] == "field.required"
    assert errors["project-title"] == "field.required"
    assert q1(rt, "SELECT version || state FROM demands WHERE id = :'p1'", d["id"]) == "1draft"
    assert q1(rt, "SELECT count(*) FROM events WHERE demand_id = :'p1'", d["id"]) == "1"
    assert q1(rt, "SELECT count(*) FROM outbox WHERE demand_id = :'p1'", d["id"]) == "0"


def test_a_file_is_judged_by_its_bytes_not_its_name(rt):
    d = new_demand(rt)
    fake = os.path.join(rt.var, "fake.pdf")
    with open(fake, "wb") as f:
        f.write(b"MZ\x90\x00 not a pdf at all")
    rc, out = demand(rt, "fire", *as_owner(rt), "--file", f"budget-file={fake}",
                     "--file", f"project-file={rt.fx['pdf']}", d["id"], "submit", *COMPLETE)
    assert rc == 11, out
    assert [e["field"] for e in out["errors"]] == ["budget-file"]


def test_the_full_round_trip_with_completion_decision_and_read_receipt(rt):
    fx = rt.fx
    d = submitted_demand(rt)
    row = rt.sql("SELECT bucket, version, submitted_at IS NOT NULL, form_data->>'amount-requested',"
                 " form_data->>'iban', form_data->'budget-file'->>'mime'"
                 " FROM demands WHERE id = :'p1'", d["id"])[0]
    assert row == ("in-progress", "2", "t", "500000", "CH9300762011623852957",
                   "application/pdf")
    assert q1(rt, "SELECT count(*) FROM documents WHERE demand_id = :'p1'", d["id"]) == "2"
    # the owner may not take it; a stranger does not even see it
    rc, out = demand(rt, "fire", *as_owner(rt), d["id"], "take")
    assert rc == 12 and out["key"] == "authz.not_your_step", out
    rc, out = demand(rt, "fire", "--person", fx["stranger"], d["id"], "take")
    assert rc == 13, out
    assert demand(rt, "fire", *as_agent(rt), d["id"], "take")[0] == 0
    # "to complete" needs a comment
    rc, out = demand(rt, "fire", *as_agent(rt), d["id"], "ask-completion")
    assert rc == 11 and out["errors"] == [{"field": "comment", "key": "wf.comment.required"}]
    rc, out = demand(rt, "fire", *as_agent(rt), "--comment", "Merci de joindre les statuts.",
                     d["id"], "ask-completion")
    assert rc == 0 and out["state"] == "incomplete", out
    assert rt.sql("SELECT name, transition FROM timers WHERE demand_id = :'p1'"
                  " AND status = 'pending' ORDER BY due_at", d["id"]) == \
        [("remind", "remind"), ("lapse", "lapse")]
    rc, out = demand(rt, "fire", *as_owner(rt), "--file", f"statutes-file={fx['pdf']}",
                     d["id"], "resubmit")
    assert rc == 0 and out["state"] == "in-review", out
    # leaving the state cancelled its timers
    assert q1(rt, "SELECT count(*) FROM timers WHERE demand_id = :'p1' AND status = 'pending'",
              d["id"]) == "0"
    # the decision needs its form and its document
    rc, out = demand(rt, "fire", *as_agent(rt), d["id"], "decide", "outcome=partly-granted")
    assert rc == 11
    assert {e["field"] for e in out["errors"]} == {"amount-granted", "decision"}
    rc, out = demand(rt, "fire", *as_agent(rt), "--file", f"decision={fx['pdf']}:decision.pdf",
                     d["id"], "decide", "outcome=partly-granted", "amount-granted=4000")
    assert rc == 0 and out["state"] == "decided", out
    assert demand(rt, "fire", *as_owner(rt), d["id"], "read")[0] == 0
    trail = rt.sql("SELECT demand_version, actor_kind, actor_role, transition, from_state,"
                   " to_state, coalesce(comment, '') FROM events WHERE demand_id = :'p1'"
                   " ORDER BY id", d["id"])
    assert [t[3] for t in trail] == ["create", "submit", "take", "ask-completion", "resubmit",
                                     "decide", "read"]
    assert [int(t[0]) for t in trail] == list(range(1, 8))
    assert trail[3][2] == "agent:serac" and trail[3][6] == "Merci de joindre les statuts."
    assert q1(rt, "SELECT bucket || ' ' || is_final FROM demands WHERE id = :'p1'",
              d["id"]) == "archived true"
    assert q1(rt, "SELECT field FROM documents WHERE demand_id = :'p1' AND filename ="
                  " 'decision.pdf'", d["id"]) == "decision"


def test_text_that_is_not_utf8_is_refused_not_dropped(rt):
    """The command goes through the same wf_input.c as the pages: a comment
    or an attachment's name that is not UTF-8 is refused with its message
    (it used to be dropped, or to fail the insert), nothing written."""
    d = submitted_demand(rt)
    assert demand(rt, "fire", *as_agent(rt), d["id"], "take")[0] == 0
    count = ("SELECT (SELECT count(*) FROM events WHERE demand_id = :'p1'),"
             " (SELECT count(*) FROM outbox WHERE data->>'demand' = :'p1'),"
             " (SELECT count(*) FROM documents WHERE demand_id = :'p1'),"
             " (SELECT version FROM demands WHERE id = :'p1')")
    before = rt.sql(count, d["id"])
    rc, out = demand(rt, "fire", *as_agent(rt), "--comment", b"\xff\xfe manque le budget",
                     d["id"], "ask-completion")
    assert rc == 11 and out["errors"] == [{"field": "comment", "key": "field.utf8"}], out
    rc, out = demand(rt, "fire", *as_agent(rt), "--file",
                     b"decision=" + rt.fx["pdf"].encode() + b":d\xe9cision.pdf",
                     d["id"], "decide", "outcome=refused")
    assert rc == 11 and out["errors"] == [{"field": "decision", "key": "wf.file.name_utf8"}], out
    assert rt.sql(count, d["id"]) == before
    assert q1(rt, "SELECT state FROM demands WHERE id = :'p1'", d["id"]) == "in-review"


def test_events_are_append_only(rt):
    with pytest.raises(RuntimeError, match="append-only"):
        rt.sql("UPDATE events SET comment = 'rewritten' WHERE id = (SELECT min(id) FROM events)")
    with pytest.raises(RuntimeError, match="append-only"):
        rt.sql("DELETE FROM events WHERE id = (SELECT min(id) FROM events)")
    with pytest.raises(RuntimeError, match="append-only"):
        rt.sql("TRUNCATE events")


def test_saving_a_draft_checks_what_was_sent_and_restarts_the_purge_clock(rt):
    d = new_demand(rt)
    rt.sql("UPDATE timers SET due_at = now() + interval '3 days' WHERE demand_id = :'p1'",
           d["id"])
    rc, out = demand(rt, "save", *as_owner(rt), d["id"], "project-title=Mon projet",
                     "contact-email=faux")
    assert rc == 11 and [e["field"] for e in out["errors"]] == ["contact-email"], out
    rc, out = demand(rt, "save", *as_owner(rt), "--version", "1", d["id"],
                     "project-title=Mon projet")
    assert rc == 0 and out["version"] == 2, out
    assert q1(rt, "SELECT form_data->>'project-title' FROM demands WHERE id = :'p1'",
              d["id"]) == "Mon projet"
    assert q1(rt, "SELECT round(extract(epoch FROM due_at - now()) / 86400) FROM timers"
                  " WHERE demand_id = :'p1' AND status = 'pending'", d["id"]) == "60"
    # a stale form (version 1) is a conflict, not an overwrite
    rc, out = demand(rt, "save", *as_owner(rt), "--version", "1", d["id"], "place=Ailleurs")
    assert rc == 14, out


def test_the_dashboard_counts_and_lists_a_spaces_demands_by_bucket(rt):
    person = str(uuid.uuid4())
    rt.sql("INSERT INTO persons (id, display_name, email, assurance)"
           " VALUES (:'p1', 'Paul Trésorier', 'paul@example.ch', 'verified')", person)
    space = q1(rt, "SELECT space_create(jsonb_build_object('ide', 'CHE-100.000.006',"
                   " 'legal_form', 'foundation', 'name', 'Fondation des Arts', 'street', 'Place 1',"
                   " 'postcode', '1700', 'locality', 'Fribourg'), :'p1')", person)
    rt.sql("SELECT space_activate(:'p1', :'p2')", space, person)
    me = ["--person", person, "--space", space, "--assurance", "verified"]
    drafts = [demand(rt, "create", *me, "subsidy")[1] for _ in range(3)]
    rc, out = demand(rt, "fire", *me, "--file", f"budget-file={rt.fx['pdf']}",
                     "--file", f"project-file={rt.fx['pdf']}", drafts[0]["id"], "submit",
                     *COMPLETE)
    assert rc == 0, out
    rc, out = demand(rt, "list", *me)
    assert rc == 0, out
    assert out["counts"] == {"draft": 2, "in-progress": 1, "to-do": 0, "decision-unread": 0,
                             "archived": 0}
    assert len(out["demands"]) == 3
    rc, out = demand(rt, "list", *me, "draft")
    assert sorted(d["reference"] for d in out["demands"]) == \
        sorted(d["reference"] for d in drafts[1:])
    # the same person for themself: nothing filed there
    rc, out = demand(rt, "list", "--person", person)
    assert out["counts"]["draft"] == 0 and out["demands"] == []


# --- concurrency ---------------------------------------------------------------------

def test_two_concurrent_firings_one_commits_the_other_is_told_already_done(rt):
    """Both firings load the demand and pass every check; their wf_apply
    statements then queue on the row lock a third connection holds, and are
    released together: real concurrency, deterministic interleaving."""
    d = submitted_demand(rt)
    holder = subprocess.Popen(
        ["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
         "-p", str(rt.ports["GUICHET_PG_PORT"]), "-U", "guichet", "-d", "guichet"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=rt.psql_env(), text=True)
    holder.stdin.write(f"BEGIN; SELECT 'locked' FROM demands WHERE id = '{d['id']}' FOR UPDATE;\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "locked"
    env = {**os.environ, **rt.env}
    procs = [subprocess.Popen([GUICHET, "demand", "fire", *as_agent(rt), d["id"], "take"],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        wait_for(lambda: q1(rt, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type"
                                " = 'Lock' AND query LIKE '%wf_apply%'") == "2",
                 what="both firings waiting on the row lock")
    finally:
        holder.stdin.write("COMMIT;\n")
        holder.stdin.close()
        holder.wait(timeout=10)
    results = [(p.wait(timeout=30), p.stdout.read()) for p in procs]
    codes = sorted(rc for rc, _ in results)
    assert codes == [0, 14], results
    loser = json.loads([out for rc, out in results if rc == 14][0].strip().splitlines()[-1])
    assert loser["key"] == "wf.conflict.already_done" and loser["message"] == "already done"
    assert rt.sql("SELECT count(*), max(demand_version) FROM events WHERE demand_id = :'p1'"
                  " AND transition = 'take'", d["id"]) == [("1", "3")]
    assert q1(rt, "SELECT count(*) FROM outbox o JOIN events e ON e.id = o.event_id"
                  " WHERE e.demand_id = :'p1' AND e.transition = 'take'", d["id"]) == "1"
    assert q1(rt, "SELECT version || state FROM demands WHERE id = :'p1'", d["id"]) == \
        "3in-review"


def test_a_burst_of_identical_clicks_commits_exactly_once(rt):
    d = submitted_demand(rt)
    env = {**os.environ, **rt.env}
    procs = [subprocess.Popen([GUICHET, "demand", "fire", *as_agent(rt), d["id"], "take"],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(8)]
    codes = sorted(p.wait(timeout=60) for p in procs)
    assert codes == [0] + [14] * 7, codes
    assert q1(rt, "SELECT count(*) FROM events WHERE demand_id = :'p1' AND transition = 'take'",
              d["id"]) == "1"


def test_a_rolled_back_transition_never_mails(rt):
    """A failure after the mail was queued (here: a trigger that refuses the
    outbox row, as a failing side effect would) rolls back the whole
    transition: no outbox row, no event, the demand unchanged, no mail."""
    d = submitted_demand(rt)
    assert demand(rt, "fire", *as_agent(rt), d["id"], "take")[0] == 0
    rt.sql("CREATE FUNCTION test_refuse_mail() RETURNS trigger LANGUAGE plpgsql AS $$"
           " BEGIN RAISE EXCEPTION 'refused after queueing'; END $$;"
           " CREATE TRIGGER test_refuse_mail AFTER INSERT ON outbox FOR EACH ROW"
           " WHEN (NEW.template = 'demand-incomplete') EXECUTE FUNCTION test_refuse_mail();")
    try:
        rc, out = demand(rt, "fire", *as_agent(rt), "--comment", "Il manque le budget.",
                         d["id"], "ask-completion")
    finally:
        rt.sql("DROP TRIGGER test_refuse_mail ON outbox; DROP FUNCTION test_refuse_mail();")
    assert rc != 0, out
    assert q1(rt, "SELECT version || state FROM demands WHERE id = :'p1'", d["id"]) == \
        "3in-review"
    assert q1(rt, "SELECT count(*) FROM events WHERE demand_id = :'p1'"
                  " AND transition = 'ask-completion'", d["id"]) == "0"
    assert q1(rt, "SELECT count(*) FROM outbox WHERE demand_id = :'p1'"
                  " AND template = 'demand-incomplete'", d["id"]) == "0"
    assert q1(rt, "SELECT count(*) FROM timers WHERE demand_id = :'p1'"
                  " AND state = 'incomplete'", d["id"]) == "0"
    time.sleep(2)       # the mailer polls every second: it would have sent it
    assert not [m for m in mails_with(rt, d["reference"])
                if "compléter" in subject_of(m)]


# --- mail -----------------------------------------------------------------------------

def test_the_mail_arrives_with_recipient_subject_and_reference(rt):
    d = submitted_demand(rt)
    got = wait_for(lambda: len(mails_with(rt, d["reference"])) >= 2 and
                   mails_with(rt, d["reference"]), what="two mails at the sink")
    by_to = {m["To"].split("<")[-1].rstrip(">"): m for m in got}
    owner = by_to["jeanne@example.ch"]
    assert subject_of(owner) == f"Demande reçue – Demande de soutien culturel ({d['reference']})"
    assert "Dupont-Müller" in str(email.header.make_header(email.header.decode_header(owner["To"])))
    assert owner["X-Guichet-Reference"] == d["reference"]
    assert owner["Message-ID"].startswith("<guichet.") and owner["Date"]
    assert owner.get_content_type() == "multipart/alternative"
    text, html = [p.get_payload(decode=True).decode("utf-8") for p in owner.get_payload()]
    assert "Bonjour Jeanne Dupont-Müller" in text and d["reference"] in text
    assert f"/demands/{d['id']}" in text
    assert "<html" in html and d["reference"] in html
    agent = by_to["albert@serac.example.ch"]
    assert subject_of(agent).startswith("Nouvelle demande à traiter")
    assert q1(rt, "SELECT string_agg(status, ',') FROM outbox WHERE demand_id = :'p1'",
              d["id"]) == "sent,sent"


def test_with_the_smtp_server_down_the_mail_waits_and_goes_out_when_it_is_back(rt):
    d = submitted_demand(rt)
    wait_for(lambda: len(mails_with(rt, d["reference"])) >= 2, what="the submit mails")
    rt.stop_component("smtp")
    try:
        assert demand(rt, "fire", *as_agent(rt), d["id"], "take")[0] == 0
        row = wait_for(lambda: rt.sql("SELECT status, attempts, last_error FROM outbox"
                                      " WHERE demand_id = :'p1' AND template = 'status-changed'"
                                      " AND attempts > 0", d["id"]),
                       what="a failed attempt")
        assert row[0][0] == "pending" and "SMTP" in row[0][2], row
        assert q1(rt, "SELECT next_attempt_at > now() FROM outbox WHERE demand_id = :'p1'"
                      " AND template = 'status-changed'", d["id"]) == "t"
    finally:
        rt.start_component("smtp")
    wait_for(lambda: q1(rt, "SELECT status FROM outbox WHERE demand_id = :'p1'"
                            " AND template = 'status-changed'", d["id"]) == "sent",
             timeout=60, what="the mail sent after the server came back")
    assert [m for m in mails_with(rt, d["reference"]) if "changé de statut" in subject_of(m)]


def test_a_mail_that_keeps_failing_becomes_an_incident(rt):
    d = submitted_demand(rt)
    wait_for(lambda: len(mails_with(rt, d["reference"])) >= 2, what="the submit mails")
    rt.stop_component("smtp")
    try:
        assert demand(rt, "fire", *as_agent(rt), d["id"], "take")[0] == 0
        # one attempt short of the limit, due now
        rt.sql("UPDATE outbox SET attempts = 11, next_attempt_at = now()"
               " WHERE demand_id = :'p1' AND status = 'pending'", d["id"])
        wait_for(lambda: q1(rt, "SELECT status || attempts FROM outbox WHERE demand_id = :'p1'"
                                " AND template = 'status-changed'", d["id"]) == "failed12",
                 what="the row marked failed")
    finally:
        rt.start_component("smtp")


# --- timers ---------------------------------------------------------------------------

def test_the_engines_scheduler_fires_a_due_timer_and_purges_a_draft(rt):
    d = submitted_demand(rt)
    assert demand(rt, "fire", *as_agent(rt), "--comment", "Budget détaillé svp.", d["id"],
                  "ask-completion")[0] == 0
    rt.sql("UPDATE timers SET due_at = now() WHERE demand_id = :'p1' AND name = 'remind'",
           d["id"])
    wait_for(lambda: q1(rt, "SELECT count(*) FROM events WHERE demand_id = :'p1'"
                            " AND transition = 'remind'", d["id"]) == "1",
             what="the reminder fired by the scheduler child")
    ev = rt.sql("SELECT actor_kind, request_id FROM events WHERE demand_id = :'p1'"
                " AND transition = 'remind'", d["id"])[0]
    assert ev[0] == "system" and ev[1].startswith("timer-")
    # a self-loop keeps the other running timer; the fired one is done
    assert rt.sql("SELECT name, status FROM timers WHERE demand_id = :'p1'"
                  " AND state = 'incomplete' ORDER BY id", d["id"]) == \
        [("remind", "fired"), ("lapse", "pending")]
    wait_for(lambda: [m for m in mails_with(rt, d["reference"]) if "Rappel" in subject_of(m)],
             what="the reminder mail")
    # the draft purge deletes the draft, the trail keeps a 'purge' event
    draft = new_demand(rt)
    rt.sql("UPDATE timers SET due_at = now() WHERE demand_id = :'p1' AND action = 'purge'",
           draft["id"])
    wait_for(lambda: q1(rt, "SELECT count(*) FROM demands WHERE id = :'p1'", draft["id"]) == "0",
             what="the purge")
    assert rt.sql("SELECT transition, actor_kind FROM events WHERE demand_id = :'p1'"
                  " ORDER BY id", draft["id"]) == [("create", "person"), ("purge", "system")]


def due_lapse_timers(stack, n):
    """n demands waiting in 'incomplete' with their 'lapse' timer due now,
    made in one statement (the same rows wf_create and wf_apply write)."""
    tag = uuid.uuid4().hex[:8]
    stack.sql(
        "WITH d AS (INSERT INTO demands (reference, workflow_key, definition_version, state,"
        "  bucket, progress, owner_person_id, owner_space_id, form_data)"
        " SELECT wf_next_reference(), 'subsidy', 1, 'incomplete', 'to-do', 50, :'p1', :'p2',"
        "        jsonb_build_object('batch', :'p3')"
        "   FROM generate_series(1, :'p4'::int) RETURNING id)"
        " INSERT INTO timers (demand_id, state, name, action, transition, due_at)"
        " SELECT id, 'incomplete', 'lapse', 'fire', 'lapse', now() - interval '1 second' FROM d",
        stack.fx["owner"], stack.fx["space"], tag, n)
    return tag


def batch_counts(stack, tag):
    return stack.sql(
        "SELECT (SELECT count(*) FROM events e JOIN demands d ON d.id = e.demand_id"
        "         WHERE d.form_data->>'batch' = :'p1' AND e.transition = 'lapse'),"
        "       (SELECT count(DISTINCT e.demand_id) FROM events e JOIN demands d"
        "            ON d.id = e.demand_id"
        "         WHERE d.form_data->>'batch' = :'p1' AND e.transition = 'lapse'),"
        "       (SELECT count(*) FROM timers t JOIN demands d ON d.id = t.demand_id"
        "         WHERE d.form_data->>'batch' = :'p1' AND t.status = 'fired'),"
        "       (SELECT count(*) FROM demands WHERE form_data->>'batch' = :'p1'"
        "           AND state = 'lapsed')", tag)[0]


def forget_batch_mail(stack, tag):
    stack.sql("DELETE FROM outbox WHERE demand_id IN"
              " (SELECT id FROM demands WHERE form_data->>'batch' = :'p1')", tag)


def test_1000_due_timers_two_schedulers_each_fires_exactly_once(rt):
    rt.stop_component("engine")          # only the two schedulers below
    try:
        tag = due_lapse_timers(rt, 1000)
        env = {**os.environ, **rt.env}
        t0 = time.time()
        procs = [subprocess.Popen([GUICHET, "scheduler", "--once"], env=env, cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        outs = [p.communicate(timeout=300)[0] for p in procs]
        elapsed = time.time() - t0
        fired = [int(re.search(r"(\d+) fired", o).group(1)) for o in outs]
        assert sum(fired) == 1000, outs
        events, demands, timers, lapsed = map(int, batch_counts(rt, tag))
        assert (events, demands, timers, lapsed) == (1000, 1000, 1000, 1000)
        print(f"\n1000 timers, 2 schedulers: {fired} in {elapsed:.1f}s")
        forget_batch_mail(rt, tag)
    finally:
        rt.start_component("engine")
        rt.wait_healthy()


def test_a_scheduler_killed_mid_batch_loses_nothing(rt):
    rt.stop_component("engine")
    try:
        tag = due_lapse_timers(rt, 500)
        env = {**os.environ, **rt.env}
        p = subprocess.Popen([GUICHET, "scheduler"], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for(lambda: int(batch_counts(rt, tag)[0]) >= 30, timeout=60, step=0.01,
                 what="the scheduler under way")
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)
        before = int(batch_counts(rt, tag)[0])
        assert before < 500, "the scheduler finished before it was killed"
        # nothing half-done: every fired timer has its event, and back
        events, demands, timers, lapsed = map(int, batch_counts(rt, tag))
        assert events == demands == timers == lapsed
        # restart: the rest fires, nothing twice
        r = rt.guichet("scheduler", "--once", timeout=300)
        assert r.returncode == 0, r.stderr
        assert tuple(map(int, batch_counts(rt, tag))) == (500, 500, 500, 500)
        print(f"\nkilled after {before} of 500; the restart fired the rest")
        forget_batch_mail(rt, tag)
    finally:
        rt.start_component("engine")
        rt.wait_healthy()


def test_a_scheduler_stops_promptly_on_sigterm(rt):
    env = {**os.environ, **rt.env}
    p = subprocess.Popen([GUICHET, "scheduler"], env={**env, "GUICHET_SCHEDULER_INTERVAL": "3600"},
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.5)
    t0 = time.time()
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=5) == 0
    assert time.time() - t0 < 1.0


# --- versions and hot reload --------------------------------------------------------------

def definition_versions(stack):
    return [int(r[0]) for r in stack.sql("SELECT version FROM definitions"
                                         " WHERE workflow_key = 'subsidy' ORDER BY version")]


def test_hot_reload_publishes_changes_refuses_bad_files_and_running_demands_keep_their_version(rt):
    path = os.path.join(rt.wf_dir, "subsidy.xml")
    with open(path, encoding="utf-8") as f:
        original = f.read()
    start = definition_versions(rt)
    old = new_demand(rt)
    assert old["definition_version"] == start[-1]

    # unchanged: nothing published
    rt.reload_engine()
    time.sleep(2)
    rt.wait_healthy()
    assert definition_versions(rt) == start

    # changed: "discard" becomes "abandon" in the new version
    changed = original.replace('<transition id="discard"', '<transition id="abandon"')
    assert changed != original
    with open(path, "w", encoding="utf-8") as f:
        f.write(changed)
    rt.reload_engine()
    wait_for(lambda: definition_versions(rt) == start + [start[-1] + 1], what="a new version")
    rt.wait_healthy()
    new = wait_for(lambda: (lambda d: d if d["definition_version"] == start[-1] + 1 else None)(
        new_demand(rt)), what="new demands on the new version")
    # the running demand keeps its version: its old step still exists for it
    rc, out = demand(rt, "fire", *as_owner(rt), new["id"], "discard")
    assert rc == 13 and out["key"] == "wf.transition.unknown", out
    assert demand(rt, "fire", *as_owner(rt), old["id"], "discard")[0] == 0
    assert demand(rt, "fire", *as_owner(rt), new["id"], "abandon")[0] == 0
    assert q1(rt, "SELECT definition_version FROM demands WHERE id = :'p1'", old["id"]) == \
        str(start[-1])

    # invalid: refused with its errors in the log, the last good version serves
    broken = changed.replace('to="withdrawn" by="owner" comment="none"',
                             'to="nowhere" by="owner" comment="none"')
    assert broken != changed
    with open(path, "w", encoding="utf-8") as f:
        f.write(broken)
    rt.reload_engine()
    log = wait_for(lambda: "workflow refused" in rt.logs(tail=400) and rt.logs(tail=400),
                   what="the refusal in the log")
    refused = [json.loads(l) for l in log.splitlines()
               if l.startswith("{") and "workflow refused" in l]
    assert any(re.match(r".*subsidy\.xml:\d+: .*nowhere", r["error"]) for r in refused), refused
    time.sleep(1)
    rt.wait_healthy()
    assert definition_versions(rt) == start + [start[-1] + 1]
    again = new_demand(rt)
    assert again["definition_version"] == start[-1] + 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(original)
    r = rt.guichet("publish")
    assert r.returncode == 0 and "version" in r.stdout and "published" in r.stdout, r.stdout


def test_publish_refuses_a_definition_whose_mail_template_does_not_exist(rt, tmp_path):
    os.chmod(tmp_path, 0o755)
    with open(os.path.join(ROOT, "workflows", "subsidy.xml"), encoding="utf-8") as f:
        text = f.read()
    text = text.replace('id="subsidy"', 'id="subsidy-typo"').replace(
        'template="demand-received"', 'template="demand-recieved"')
    (tmp_path / "subsidy-typo.xml").write_text(text, encoding="utf-8")
    r = rt.guichet_env({"GUICHET_WORKFLOWS_DIR": str(tmp_path)}, "publish")
    assert r.returncode == 1, r.stdout
    assert re.search(r'subsidy-typo\.xml:\d+: mail template "demand-recieved" does not exist',
                     r.stderr), r.stderr
    assert "0 published, 0 unchanged, 1 refused" in r.stdout
    assert q1(rt, "SELECT count(*) FROM definitions WHERE workflow_key = 'subsidy-typo'") == "0"


def test_authz_reads_a_definitions_groups_from_columns_filled_at_publish(rt):
    """0005: what authz_may needs of a definition (protected, the agent and
    third-party groups of its by= attributes) is computed once, when the
    version is published, not parsed from the XML on every check."""
    rows = rt.sql(
        "SELECT d.workflow_key, d.protected, d.agent_groups::text, d.third_groups::text,"
        "       (m.protected = d.protected AND m.agent_groups = d.agent_groups"
        "        AND m.third_groups = d.third_groups)::text"
        "  FROM definitions d, LATERAL definition_meta(d.xml) m")
    subsidy = [r for r in rows if r[0] == "subsidy"]
    assert subsidy, "the engine published subsidy at start"
    assert "serac" in subsidy[0][2]
    assert all(r[4] == "true" for r in rows), rows
    az = rt.sql("SELECT a.known, a.protected, a.agent_groups::text"
                "  FROM az_definition('subsidy', NULL) a")[0]
    assert az == ("t", subsidy[0][1], subsidy[0][2])
    src = q1(rt, "SELECT prosrc FROM pg_proc WHERE proname = 'az_definition'")
    assert "xpath" not in src, "az_definition reads columns, it parses nothing"

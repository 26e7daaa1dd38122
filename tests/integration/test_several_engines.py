# SPDX-License-Identifier: AGPL-3.0-or-later
"""Several engine hosts: two engine instances (two masters, two sockets,
each with its workers, scheduler and mailer) share one PostgreSQL behind
one nginx upstream, as two hosts would (scripts/stack.sh GUICHET_ENGINES=2).

Requests spread over both; a session opened through one is honoured by
the other (sessions live in PostgreSQL); with both schedulers and both
mailers running, every due timer fires exactly once and every queued mail
is sent exactly once."""
import os
import re
import time

import pytest

from conftest import Stack
from oidc_login import ACCOUNTS, login
from test_workflow_engine import batch_counts, due_lapse_timers, fixtures, q1, wait_for


@pytest.fixture(scope="module")
def pair():
    s = Stack()
    s.script_env.update({"GUICHET_ENGINES": "2", "GUICHET_SCHEDULER_INTERVAL": "1"})
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(s.var, "mail", sub), exist_ok=True)
    try:
        s.start()
        s.fx = fixtures(s)
        yield s
    finally:
        s.stop()


def log_text(stack, n):
    name = "guichet.log" if n == 1 else f"guichet{n}.log"
    with open(os.path.join(stack.var, "log", name), encoding="utf-8", errors="replace") as f:
        return f.read()


def served_by(stack, request_ids):
    """{engine number: how many of request_ids its log shows}; each id must
    be in exactly one log."""
    logs = {n: log_text(stack, n) for n in (1, 2)}
    seen = {1: 0, 2: 0}
    for rid in request_ids:
        where = [n for n, text in logs.items() if f'"request_id":"{rid}"' in text]
        assert len(where) == 1, (rid, where)
        seen[where[0]] += 1
    return seen


def test_two_masters_with_their_own_sockets(pair):
    pids = set()
    for n in ("", "2"):
        assert os.path.exists(os.path.join(pair.var, "run", f"guichet{n}.sock"))
        with open(os.path.join(pair.var, "run", f"guichet{n}.pid")) as f:
            pids.add(int(f.read()))
    assert len(pids) == 2
    for n in (1, 2):
        # each master's background children say so once started (a loaded
        # machine may start them after the stack answers)
        for job in ("scheduler", "mailer"):
            line = f'"msg":"background job ready","job":"{job}"'
            end = time.time() + 30
            while line not in log_text(pair, n) and time.time() < end:
                time.sleep(0.2)
            assert line in log_text(pair, n), (n, job)


def assert_requests_spread(stack):
    """40 requests through nginx: both engines answered some."""
    c = stack.client()
    ids = []
    for _ in range(40):
        r = c.get("/healthz")
        assert r.status == 200
        ids.append(r.headers["x-request-id"])
    time.sleep(0.3)                                  # the log lines are written after the answer
    seen = served_by(stack, ids)
    assert seen[1] >= 5 and seen[2] >= 5, seen


def assert_session_across(stack):
    """carla logs in once; her session page answers on both engines."""
    c = stack.client()
    r = login(stack, c, "carla", return_to="/auth/session")
    assert r.status == 303, r
    ids = []
    for _ in range(20):
        r = c.get("/auth/session")
        assert r.status == 200, r
        assert ACCOUNTS["carla"][0] in r.text
        ids.append(r.headers["x-request-id"])
    time.sleep(0.3)
    seen = served_by(stack, ids)
    assert seen[1] >= 3 and seen[2] >= 3, seen


def test_requests_spread_over_both_engines(pair):
    assert_requests_spread(pair)


def test_a_session_opened_on_one_engine_works_on_the_other(pair):
    assert_session_across(pair)


def test_timers_fire_once_and_mail_goes_once_with_both_schedulers_and_mailers(pair):
    n = 120
    tag = due_lapse_timers(pair, n)
    wait_for(lambda: int(batch_counts(pair, tag)[3]) == n, timeout=120,
             what="every lapse timer fired")
    events, demands, timers, lapsed = map(int, batch_counts(pair, tag))
    assert (events, demands, timers, lapsed) == (n, n, n, n)
    outbox = pair.sql("SELECT o.id FROM outbox o JOIN demands d ON d.id = o.demand_id"
                      " WHERE d.form_data->>'batch' = :'p1'", tag)
    ids = {row[0] for row in outbox}
    assert len(ids) >= n                              # at least the owner's mail each
    wait_for(lambda: q1(pair, "SELECT count(*) FROM outbox o JOIN demands d"
                              " ON d.id = o.demand_id WHERE d.form_data->>'batch' = :'p1'"
                              " AND o.status <> 'sent'", tag) == "0",
             timeout=180, what="every mail sent")
    refs = {r[0] for r in pair.sql("SELECT reference FROM demands"
                                   " WHERE form_data->>'batch' = :'p1'", tag)}
    mails = [m for m in pair.mails() if m["X-Guichet-Reference"] in refs]
    assert len(mails) == len(ids)
    assert len({m["Message-ID"] for m in mails}) == len(ids)
    # each mailer sent its share, and no outbox row was sent by both
    sent = {n: set(re.findall(r'"msg":"mail sent","outbox_id":"(\d+)"', log_text(pair, n)))
            for n in (1, 2)}
    assert not (sent[1] & sent[2] & ids)
    assert (sent[1] | sent[2]) >= ids

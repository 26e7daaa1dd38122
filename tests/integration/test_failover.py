# SPDX-License-Identifier: AGPL-3.0-or-later
"""PostgreSQL failover under load, with real streaming replication.

The stack's PostgreSQL is the primary; a standby is made from it with
pg_basebackup -R on another loopback port and attached as a synchronous
standby (so a commit the engine saw is on both).  The engine is given
libpq's multi-host connection string (host=a,b port=x,y
target_session_attrs=read-write, scripts/stack.sh GUICHET_PG_STANDBY_PORT).

Under load (demands created, /healthz polled), the primary is killed
(pg_ctl stop -m immediate) and the standby promoted (pg_ctl promote).
The same engine processes, never restarted, then write to the new
primary by themselves: no demand that was reported created is missing,
none is half written (each has its 'create' event and its purge timer),
requests during the outage got 503 and never anything worse, and the
workers, the scheduler and the mailer all work again."""
import os
import subprocess
import threading
import time

import pytest

from conftest import Stack, free_port
from oidc_login import login
from test_workflow_engine import as_owner, demand, fixtures, q1, wait_for

PGBIN = "/usr/lib/postgresql/15/bin"


def as_pg(args, **kw):
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--"] + args
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kw)


def super_env(stack):
    with open(os.path.join(stack.var, "pg-super-password")) as f:
        return {**os.environ, "PGPASSWORD": f.read().strip()}


def psql_super(stack, port, query):
    r = subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                        "-p", str(port), "-U", "postgres", "-d", "postgres", "-c", query],
                       env=super_env(stack), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


@pytest.fixture(scope="module")
def ha():
    s = Stack()
    s.standby_port = free_port()
    s.script_env["GUICHET_PG_STANDBY_PORT"] = str(s.standby_port)
    s.standby = os.path.join(s.var, "pg", "standby")
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(s.var, "mail", sub), exist_ok=True)
    try:
        s.start()
        s.fx = fixtures(s)
        primary = s.ports["GUICHET_PG_PORT"]
        with open(os.path.join(s.var, "pg-super-password")) as f:
            pw = f.read().strip()
        r = as_pg([f"{PGBIN}/pg_basebackup", "-D", s.standby, "-R", "-X", "stream",
                   "-c", "fast", "-d", f"host=127.0.0.1 port={primary} user=postgres"
                   f" password={pw}"])
        assert r.returncode == 0, r.stderr
        with open(os.path.join(s.standby, "postgresql.conf"), "a") as f:
            f.write(f"port = {s.standby_port}\ncluster_name = 'guichet_standby'\n")
        r = as_pg([f"{PGBIN}/pg_ctl", "-D", s.standby, "-l",
                   os.path.join(s.var, "pg", "standby.log"), "-w", "-t", "60", "start"])
        assert r.returncode == 0, r.stderr
        wait_for(lambda: psql_super(s, primary, "SELECT count(*) FROM pg_stat_replication"
                                    " WHERE application_name = 'guichet_standby'"
                                    " AND state = 'streaming'") == "1",
                 timeout=60, what="the standby streaming")
        psql_super(s, primary, "ALTER SYSTEM SET synchronous_standby_names = 'guichet_standby'")
        psql_super(s, primary, "SELECT pg_reload_conf()")
        wait_for(lambda: psql_super(s, primary, "SELECT sync_state FROM pg_stat_replication")
                 == "sync", timeout=30, what="the standby synchronous")
        yield s
    finally:
        as_pg([f"{PGBIN}/pg_ctl", "-D", s.standby, "-m", "immediate", "-w", "stop"])
        s.stop()


class Load:
    """Demands created one after another by `guichet demand create`, and
    /healthz polled through nginx, until stopped."""

    def __init__(self, stack):
        self.stack = stack
        self.created, self.refused, self.health = [], [], []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.writer), threading.Thread(target=self.poller)]

    def writer(self):
        while not self.stop.is_set():
            rc, out = demand(self.stack, "create", *as_owner(self.stack), "subsidy")
            (self.created if rc == 0 else self.refused).append((rc, out.get("id"), time.time()))

    def poller(self):
        c = self.stack.client()
        while not self.stop.is_set():
            r = c.get("/healthz")
            self.health.append((r.status, time.time()))
            time.sleep(0.02)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)


def test_the_engine_follows_a_promoted_standby_and_loses_nothing(ha):
    master = ha.master_pid()
    primary_data = os.path.join(ha.var, "pg", "data")
    with Load(ha) as load:
        wait_for(lambda: len(load.created) >= 10, timeout=60, what="load under way")
        t_kill = time.time()
        r = as_pg([f"{PGBIN}/pg_ctl", "-D", primary_data, "-m", "immediate", "-w", "stop"])
        assert r.returncode == 0, r.stderr
        time.sleep(1.5)                              # an outage long enough to be seen
        r = as_pg([f"{PGBIN}/pg_ctl", "-D", ha.standby, "-w", "promote"])
        assert r.returncode == 0, r.stderr
        t_promoted = time.time()
        wait_for(lambda: [c for c in load.created if c[2] > t_promoted + 0.5], timeout=60,
                 what="demands created on the new primary")
        wait_for(lambda: [h for h in load.health if h[1] > t_promoted and h[0] == 200],
                 timeout=30, what="healthz up again")
        time.sleep(0.5)
    # from now on the tests read the new primary
    ha.ports["GUICHET_PG_PORT"] = ha.standby_port
    assert ha.master_pid() == master                 # the same engine, never restarted

    # during the outage: 503, never a 500 or a 502
    statuses = {s for s, _ in load.health}
    assert statuses <= {200, 503}, statuses
    assert any(s == 503 for s, t in load.health if t_kill < t < t_promoted + 5)
    # the writer was told "unavailable": exit 15 when the database went away
    # under it, 1 when `guichet demand` could not connect at all
    assert {rc for rc, _, _ in load.refused} <= {1, 15}, load.refused[:3]

    # no demand reported created is lost, none is half written
    ids = [i for _, i, _ in load.created]
    found = ha.sql("SELECT d.id,"
                   " (SELECT count(*) FROM events e WHERE e.demand_id = d.id"
                   "   AND e.transition = 'create'),"
                   " (SELECT count(*) FROM timers t WHERE t.demand_id = d.id"
                   "   AND t.status = 'pending')"
                   " FROM demands d WHERE d.owner_person_id = :'p1'", ha.fx["owner"])
    rows = {r[0]: r[1:] for r in found}
    assert set(ids) <= set(rows), set(ids) - set(rows)
    # a draft starts with its state's timers: the purge and its warning
    # (workflows/subsidy.xml, state draft)
    assert all(v == ("1", "2") for v in rows.values()), rows
    print(f"\nfailover: {len(ids)} demands created, {len(load.refused)} refused as unavailable,"
          f" {sum(1 for s, _ in load.health if s == 503)} healthz 503")


def test_after_failover_workers_scheduler_and_mailer_use_the_new_primary(ha):
    if ha.ports["GUICHET_PG_PORT"] != ha.standby_port:
        pytest.skip("needs the failover above")
    # a worker writes: a login stores a session
    c = ha.client()
    assert login(ha, c, "alice").status == 303
    assert c.get("/auth/session").status == 200
    # the scheduler child fires a due timer, the mailer child sends its mail
    rc, d = demand(ha, "create", *as_owner(ha), "subsidy")
    assert rc == 0, d
    ha.sql("UPDATE timers SET due_at = now() WHERE demand_id = :'p1'", d["id"])
    wait_for(lambda: q1(ha, "SELECT count(*) FROM events WHERE demand_id = :'p1'"
                            " AND transition = 'purge'", d["id"]) == "1",
             timeout=60, what="the purge by the engine's scheduler")
    assert psql_super(ha, ha.standby_port, "SELECT pg_is_in_recovery()") == "f"

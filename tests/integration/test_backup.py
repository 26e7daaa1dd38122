# SPDX-License-Identifier: AGPL-3.0-or-later
"""Backup and restore: `guichet backup DIR` (pg_dump of the database, which
holds the documents, and a tar of the configuration), the database wiped
(dropped and created again), `guichet restore DIR`: the demands, their
events and their documents come back, the documents byte-identical
(sha256 of the very bytes uploaded), and the running engine serves them
again by itself.  Runs its own stack: it drops that stack's database."""
import hashlib
import json
import os
import stat
import subprocess
import tarfile

import pytest

from conftest import Stack
from test_workflow_engine import PDF, demand, fixtures, submitted_demand, wait_for


@pytest.fixture(scope="module")
def bk():
    s = Stack()
    try:
        s.start()
        s.fx = fixtures(s)
        # a document whose bytes are not all text: NULs, high bytes
        with open(s.fx["pdf"], "wb") as f:
            f.write(PDF[:9] + b"%" + bytes(range(256)) * 40 + os.urandom(4096) + b"\n"
                    + PDF[9:])
        yield s
    finally:
        s.stop()


def superuser_sql(stack, query):
    with open(os.path.join(stack.var, "pg-super-password")) as f:
        env = {**os.environ, "PGPASSWORD": f.read().strip()}
    r = subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                        "-p", str(stack.ports["GUICHET_PG_PORT"]), "-U", "postgres",
                        "-d", "postgres", "-c", query],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def snapshot(stack):
    return {
        "demands": stack.sql("SELECT id, reference, state, version, form_data::text,"
                             " created_at::text FROM demands ORDER BY id"),
        "events": stack.sql("SELECT demand_id, demand_version, transition, at::text"
                            " FROM events ORDER BY id"),
        "documents": stack.sql("SELECT id, demand_id, filename, mime,"
                               " encode(sha256(content), 'hex'), octet_length(content)"
                               " FROM documents ORDER BY id"),
        "timers": stack.sql("SELECT demand_id, name, status, due_at::text FROM timers"
                            " ORDER BY id"),
        "definitions": stack.sql("SELECT workflow_key, version, sha256 FROM definitions"
                                 " ORDER BY 1, 2"),
    }


def test_backup_wipe_restore_gives_back_every_demand_and_document(bk, tmp_path):
    with open(bk.fx["pdf"], "rb") as f:
        uploaded = hashlib.sha256(f.read()).hexdigest()
    made = [submitted_demand(bk) for _ in range(3)]
    before = snapshot(bk)
    assert len(before["documents"]) == 6
    assert {d[4] for d in before["documents"]} == {uploaded}

    out = tmp_path / "backup"
    r = bk.guichet("backup", str(out))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o700
    for name in ("database.dump", "config.tar"):
        assert stat.S_IMODE(os.stat(out / name).st_mode) == 0o600
    with tarfile.open(out / "config.tar") as t:
        names = t.getnames()
    assert any(n.endswith("etc/guichet.dev.conf") for n in names), names
    assert any(n.endswith("workflows/subsidy.xml") for n in names), names

    # the wipe: the database is gone, the engine has nothing to serve
    superuser_sql(bk, "DROP DATABASE guichet WITH (FORCE)")
    superuser_sql(bk, "CREATE DATABASE guichet OWNER guichet")
    with pytest.raises(RuntimeError):
        bk.sql("SELECT count(*) FROM demands")

    r = bk.guichet("restore", str(out))
    assert r.returncode == 0, r.stderr
    assert snapshot(bk) == before
    # the documents' bytes are the uploaded ones, bit for bit
    assert {d[4] for d in snapshot(bk)["documents"]} == {uploaded}

    # the running engine serves the restored data by itself
    wait_for(lambda: bk.client().get("/healthz").status == 200, what="healthz after restore")
    rc, shown = demand(bk, "show", made[0]["reference"])
    assert rc == 0 and shown["state"] == "submitted", shown


def test_restore_into_a_database_in_use_needs_clean_and_is_all_or_nothing(bk, tmp_path):
    out = tmp_path / "backup"
    assert bk.guichet("backup", str(out)).returncode == 0
    before = snapshot(bk)
    r = bk.guichet("restore", str(out))             # tables exist: refused, nothing changed
    assert r.returncode == 1
    assert snapshot(bk) == before
    submitted_demand(bk)                            # a change after the backup...
    r = bk.guichet("restore", "--clean", str(out))
    assert r.returncode == 0, r.stderr
    assert snapshot(bk) == before                   # ...is gone: the backup's state is back

# SPDX-License-Identifier: AGPL-3.0-or-later
"""The foundation through the real stack: nginx -> engine -> PostgreSQL.

Health and metrics, the XSLT error pages, what bad requests get, worker
respawn after kill -9, reload under load without losing a request, a
PostgreSQL outage answered with 503 and recovered from without a restart,
and idempotent migrations."""
import json
import os
import re
import signal
import threading
import time

import pytest


def test_healthz_answers_ok_with_a_tiny_json_body(stack):
    r = stack.client().get("/healthz")
    assert r.status == 200
    assert json.loads(r.text) == {"status": "ok", "database": "up"}
    assert r.headers["cache-control"] == "no-store"
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])


def test_metrics_expose_requests_latency_restarts_and_build(stack):
    c = stack.client()
    c.get("/healthz")
    c.get("/no-such-page")
    r = c.get("/metrics")
    assert r.status == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert re.search(r'guichet_http_requests_total\{route="healthz",status="200"\} [1-9]', r.text)
    assert re.search(r'guichet_http_requests_total\{route="unmatched",status="404"\} [1-9]', r.text)
    assert 'guichet_http_request_duration_seconds_bucket{le="+Inf"}' in r.text
    assert "guichet_worker_restarts_total" in r.text
    assert "guichet_db_errors_total" in r.text
    assert re.search(r'guichet_build_info\{version="[^"]+"\} 1', r.text)


def test_unknown_path_gets_the_french_404_page_through_the_layout(stack):
    r = stack.client().get("/nulle-part")
    assert r.status == 404
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="fr">' in r.text
    assert "Page introuvable" in r.text
    assert 'href="#main"' in r.text                    # skip link
    assert '<main id="main"' in r.text
    assert r.headers["x-request-id"] in r.text          # reference to quote


def test_404_follows_accept_language_and_the_lang_switch(stack):
    c = stack.client()
    r = c.get("/nulle-part", headers={"Accept-Language": "de-CH,de;q=0.9,fr;q=0.5"})
    assert '<html lang="de">' in r.text and "Seite nicht gefunden" in r.text
    r = c.get("/nulle-part?lang=en")
    assert '<html lang="en">' in r.text and "Page not found" in r.text


def test_security_headers_on_pages_and_assets(stack):
    c = stack.client()
    for path in ("/", "/assets/guichet.css"):
        r = c.get(path)
        assert r.status == 200, path
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert "server" not in r.headers or "nginx/" not in r.headers["server"]


def test_bad_percent_encoding_gets_a_400_page_not_a_crash(stack):
    r = stack.client().get("/?q=%zz")
    assert r.status == 422 or r.status == 400
    assert "mal formée" in r.text
    assert stack.client().get("/healthz").status == 200


def test_wrong_method_gets_405_with_allow(stack):
    r = stack.client().post("/healthz", data={"a": "b"})
    assert r.status == 405
    assert r.headers["allow"] == "GET"


def test_body_over_the_nginx_limit_is_refused_with_413(stack):
    r = stack.client().post("/", data={"x": "a" * (33 * 1024 * 1024)})
    assert r.status == 413


def test_forwarded_headers_from_clients_are_not_trusted(stack):
    # a hostile X-Forwarded-Proto that crashes liboauth2 must not reach the engine
    r = stack.client().get("/", headers={"X-Forwarded-Proto": ",https",
                                         "X-Forwarded-Host": "evil.example"})
    assert r.status == 200
    assert "evil.example" not in r.text


class RequestLoop:
    """Requests /healthz from several threads until stopped; counts what
    did not come back 200 (with the status seen)."""

    def __init__(self, stack, threads=4, path="/healthz"):
        self.stack, self.path, self.stop_flag = stack, path, threading.Event()
        self.ok, self.failures, self.lock = 0, [], threading.Lock()
        self.threads = [threading.Thread(target=self.run) for _ in range(threads)]

    def run(self):
        c = self.stack.client()
        while not self.stop_flag.is_set():
            try:
                status = c.get(self.path).status
            except Exception as e:        # a reset connection is a loss too
                status = repr(e)
            with self.lock:
                if status == 200:
                    self.ok += 1
                else:
                    self.failures.append(status)

    def __enter__(self):
        for t in self.threads:
            t.start()
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        for t in self.threads:
            t.join()


def worker_pids(stack):
    return set(stack.children())


def test_killed_worker_is_respawned_within_a_second_and_service_goes_on(stack):
    before = worker_pids(stack)
    victim = sorted(before)[0]
    with RequestLoop(stack) as loop:
        os.kill(victim, signal.SIGKILL)
        deadline = time.time() + 1.0
        while time.time() < deadline:
            now = worker_pids(stack)
            if victim not in now and len(now) == len(before):
                break
            time.sleep(0.02)
        after = worker_pids(stack)
        assert victim not in after
        assert len(after) == len(before), "the master did not respawn within a second"
        time.sleep(0.5)
    assert loop.ok > 0
    # only the request the killed worker was serving may be lost
    assert len(loop.failures) <= 1, loop.failures
    r = stack.client().get("/metrics")
    assert re.search(r"guichet_worker_restarts_total [1-9]", r.text)


def test_sighup_reload_under_load_loses_no_request(stack):
    before = worker_pids(stack)
    with RequestLoop(stack) as loop:
        stack.reload_engine()
        time.sleep(2.0)
        stack.reload_engine()
        time.sleep(2.0)
    after = worker_pids(stack)
    assert loop.failures == [], loop.failures[:10]
    assert loop.ok > 100
    assert not (before & after), "old workers should have been replaced"


def test_postgres_outage_gives_503_and_recovers_without_restart(stack):
    master = stack.master_pid()
    stack.stop_component("pg")
    try:
        c = stack.client()
        for _ in range(3):               # every worker that answers says 503
            r = c.get("/healthz")
            assert r.status == 503
            assert json.loads(r.text)["database"] == "down"
        r = c.get("/nulle-part")           # pages without the database still render
        assert r.status == 404
    finally:
        stack.start_component("pg")
    deadline = time.time() + 10
    statuses = []
    while time.time() < deadline:
        statuses = [stack.client().get("/healthz").status for _ in range(8)]
        if all(s == 200 for s in statuses):
            break
        time.sleep(0.2)
    assert all(s == 200 for s in statuses), statuses
    assert stack.master_pid() == master
    r = stack.client().get("/metrics")
    assert re.search(r"guichet_db_errors_total [1-9]", r.text)


def test_migrate_twice_is_a_no_op(stack):
    first = stack.guichet("migrate")
    assert first.returncode == 0, first.stderr
    count = stack.sql("SELECT count(*) FROM schema_migrations")
    second = stack.guichet("migrate")
    assert second.returncode == 0, second.stderr
    assert "(0 applied now)" in second.stdout
    assert stack.sql("SELECT count(*) FROM schema_migrations") == count


def test_failing_migration_rolls_back_and_names_the_file(stack, tmp_path):
    sql_dir = tmp_path / "sql"
    sql_dir.mkdir()
    for name in os.listdir(os.path.join(stack.root, "sql")):
        (sql_dir / name).write_bytes(open(os.path.join(stack.root, "sql", name), "rb").read())
    (sql_dir / "9999_broken.sql").write_text(
        "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n")
    r = stack.guichet_env({"GUICHET_SQL_DIR": str(sql_dir)}, "migrate")
    assert r.returncode != 0
    assert "9999_broken.sql" in r.stderr and "no_such_function" in r.stderr
    assert stack.sql("SELECT to_regclass('half_done') IS NULL") == [("t",)]
    assert stack.sql("SELECT count(*) FROM schema_migrations WHERE version = '9999_broken.sql'") == [("0",)]


def test_request_log_line_is_json_with_the_request_id(stack):
    r = stack.client().get("/nulle-part?trace=1")
    rid = r.headers["x-request-id"]
    time.sleep(0.2)
    lines = [json.loads(l) for l in stack.logs(tail=400).splitlines()
             if l.startswith("{") and rid in l]
    assert lines, "no log line for the request"
    line = lines[-1]
    assert line["msg"] == "request" and line["status"] == 404
    assert line["method"] == "GET" and line["path"] == "/nulle-part"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert isinstance(line["duration_ms"], float) and isinstance(line["pid"], int)


def test_sigterm_stops_gracefully_then_the_engine_starts_again(stack):
    master = stack.master_pid()
    with RequestLoop(stack) as loop:
        os.kill(master, signal.SIGTERM)
        deadline = time.time() + 12
        while time.time() < deadline:
            try:
                os.kill(master, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
    with pytest.raises(ProcessLookupError):
        os.kill(master, 0)
    assert not os.path.exists(stack.env["GUICHET_LISTEN"]), "the socket should be removed"
    # requests before the stop succeeded; after it nginx has no upstream (502)
    assert loop.ok > 0
    assert set(loop.failures) <= {502}, set(loop.failures)
    stack.start_component("engine")
    stack.wait_healthy()

# SPDX-License-Identifier: AGPL-3.0-or-later
"""conftest.py -- the real stack for integration tests.

One session-scoped fixture, `stack`, starts PostgreSQL, the SMTP sink, the
identity provider (when scripts/idp/idp.mjs exists), the engine and nginx on
free loopback ports in a fresh folder, through the same scripts/stack.sh a
developer uses, and stops them at the end.  Tests talk to it over HTTP
through nginx (stack.client()), read the database with psql (stack.sql) and
the delivered mail from the sink's Maildir (stack.mails()).  Nothing here is
mocked.  Set GUICHET_TEST_KEEP=1 to keep the folder for a post-mortem.
"""
import email
import http.cookiejar
import mailbox
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STACK = os.path.join(ROOT, "scripts", "stack.sh")
GUICHET = os.environ.get("GUICHET_BIN") or os.path.join(ROOT, "build", "guichet")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.header_list = [(k.lower(), v) for k, v in headers.items()]
        self.body = body
        self.text = body.decode("utf-8", "replace")

    def __repr__(self):
        return f"<Response {self.status} {self.text[:200]!r}>"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """An HTTP client with its own cookie jar that never follows redirects."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def url(self, path):
        return path if path.startswith("http") else self.base_url + path

    def request(self, method, path, body=None, headers=None, timeout=30):
        req = urllib.request.Request(self.url(path), data=body, method=method,
                                     headers={"Accept": "text/html", **(headers or {})})
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return Response(r.status, dict(r.headers.items()), r.read())
        except urllib.error.HTTPError as e:
            raw = dict(e.headers.items()) if e.headers else {}
            resp = Response(e.code, raw, e.read())
            resp.header_list = [(k.lower(), v) for k, v in (e.headers.items() if e.headers else [])]
            return resp

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, data=None, files=None, headers=None):
        if files:
            boundary = "----guichet" + uuid.uuid4().hex
            parts = []
            for k, v in (data or {}).items():
                for item in (v if isinstance(v, list) else [v]):
                    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"'
                                 f'\r\n\r\n{item}\r\n'.encode())
            for k, (fname, content, ctype) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; '
                             f'filename="{fname}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
                             + content + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            ctype = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(data or {}, doseq=True).encode()
            ctype = "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body,
                            headers={"Content-Type": ctype, **(headers or {})})

    def cookie(self, name):
        for c in self.jar:
            if c.name == name:
                return c.value
        return None


class Stack:
    def __init__(self):
        self.root = ROOT
        self.var = tempfile.mkdtemp(prefix="guichet-test-")
        os.chmod(self.var, 0o755)          # the postgres user must reach it
        self.ports = {
            "GUICHET_HTTP_PORT": free_port(), "GUICHET_PG_PORT": free_port(),
            "GUICHET_IDP_PORT": free_port(), "GUICHET_SMTP_PORT": free_port(),
        }
        self.base_url = f"http://127.0.0.1:{self.ports['GUICHET_HTTP_PORT']}"
        # IDP_TEST_MODE lets test_auth.py ask the provider for bad tokens
        # GUICHET_DEMO=no: a developer's `make demo` setting must not load the
        # demo world into the tests' stack (test_demo_world.py asks for it)
        # GUICHET_RENDER_CHECK=1: the engine also serializes every HTML page
        # with libxslt and logs "render mismatch" when engine/html_out.c
        # differs; the fixture's teardown fails the run on such a line
        self.script_env = {**os.environ, "GUICHET_VAR": self.var, "IDP_TEST_MODE": "1",
                           "GUICHET_DEMO": "no", "GUICHET_RENDER_CHECK": "1",
                           **{k: str(v) for k, v in self.ports.items()}}
        self.env = {}

    # --- lifecycle ---------------------------------------------------------
    def run_stack(self, *args, check=True):
        return subprocess.run(["bash", STACK, *args], env=self.script_env, cwd=ROOT,
                              capture_output=True, text=True, check=check, timeout=300)

    def start(self):
        r = self.run_stack("start", check=False)
        if r.returncode != 0:
            # every part's log: the one that did not start says why (the
            # folder is gone once the test ends)
            raise RuntimeError(f"stack did not start:\n{r.stdout}\n{r.stderr}\n"
                               + "\n".join(f"--- {n}:\n{self.logs(n, 30)}"
                                           for n in ("guichet.log", "idp.log", "migrate.log",
                                                     "smtp.log", "clamd.log",
                                                     "nginx-error.log")))
        out = self.run_stack("env").stdout
        for line in out.splitlines():
            if line.startswith("export "):
                k, _, v = line[7:].partition("=")
                self.env[k] = v
        self.wait_healthy()

    def stop(self):
        self.run_stack("stop", check=False)
        if os.environ.get("GUICHET_TEST_KEEP") != "1":
            shutil.rmtree(self.var, ignore_errors=True)

    def stop_component(self, name):
        self.run_stack("stop", name)

    def start_component(self, name):
        self.run_stack("start", name)

    def wait_healthy(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if self.client().get("/healthz").status == 200:
                return
            time.sleep(0.1)
        raise RuntimeError("stack not healthy:\n" + self.logs())

    def logs(self, name="guichet.log", tail=60):
        path = os.path.join(self.var, "log", name)
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-tail:])
        except OSError:
            return f"(no {path})"

    def render_mismatches(self):
        """The engines' "render mismatch" log lines (render_check)."""
        found = []
        folder = os.path.join(self.var, "log")
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if name.startswith("guichet") and name.endswith(".log"):
                with open(os.path.join(folder, name), encoding="utf-8",
                          errors="replace") as f:
                    found += [l for l in f if '"render mismatch"' in l]
        return found

    # --- processes ---------------------------------------------------------
    def master_pid(self):
        with open(os.path.join(self.var, "run", "guichet.pid")) as f:
            return int(f.read().strip())

    def children(self, role=None):
        """pids of the master's children (role from their log lines is not
        needed: workers are the children that hold the socket)."""
        out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(self.master_pid())],
                             capture_output=True, text=True).stdout
        return [int(l.split()[0]) for l in out.splitlines() if l.strip()]

    def reload_engine(self):
        os.kill(self.master_pid(), signal.SIGHUP)

    def reload_engine_and_wait(self, timeout=30):
        """Reloads the engine and waits until every child of the old
        generation has left: what answers next is a new worker, with new
        database connections."""
        old = set(self.children())
        self.reload_engine()
        deadline = time.time() + timeout
        while time.time() < deadline and set(self.children()) & old:
            time.sleep(0.2)
        assert not set(self.children()) & old, "the old workers did not leave"
        self.wait_healthy()

    def guichet(self, *args, timeout=120, input=None):
        return self.guichet_env({}, *args, timeout=timeout, input=input)

    def guichet_env(self, extra_env, *args, timeout=120, input=None):
        """Runs build/guichet with the stack's environment plus extra_env."""
        return subprocess.run([GUICHET, *args], env={**os.environ, **self.env, **extra_env},
                              cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                              input=input)

    # --- data --------------------------------------------------------------
    def psql_env(self):
        with open(os.path.join(self.var, "pg-guichet-password")) as f:
            pw = f.read().strip()
        return {**os.environ, "PGPASSWORD": pw}

    def sql(self, query, *params):
        """Runs query as the guichet role; $1.. are bound from params as
        psql variables (:'p1' ...), never spliced.  Returns rows of str."""
        args = ["psql", "-X", "-qAt", "-F", "\x1f", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", str(self.ports["GUICHET_PG_PORT"]),
                "-U", "guichet", "-d", "guichet"]
        for i, p in enumerate(params, 1):
            args += ["-v", f"p{i}={p}"]
        r = subprocess.run(args, input=query, env=self.psql_env(), capture_output=True,
                           text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"psql failed: {r.stderr}\n{query}")
        return [tuple(line.split("\x1f")) for line in r.stdout.splitlines() if line != ""]

    def mails(self):
        path = os.path.join(self.var, "mail")
        if not os.path.isdir(os.path.join(path, "new")):
            return []
        box = mailbox.Maildir(path, factory=None, create=False)
        return [email.message_from_bytes(m.as_bytes()) for m in box]

    def client(self):
        return Client(self.base_url)


@pytest.fixture(scope="session")
def stack():
    if not os.path.exists(GUICHET):
        pytest.fail("build/guichet is missing: run make first")
    s = Stack()
    mismatches = []
    try:
        s.start()
        yield s
        mismatches = s.render_mismatches()
    finally:
        s.stop()
    if mismatches:
        pytest.fail("engine/html_out.c and libxslt wrote different HTML:\n"
                    + "".join(mismatches[:20]))

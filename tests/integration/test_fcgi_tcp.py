# SPDX-License-Identifier: AGPL-3.0-or-later
"""Several hosts over FastCGI on TCP (issue 13): one engine on the unix
socket and one on 127.0.0.1:PORT (scripts/stack.sh GUICHET_ENGINES=2
GUICHET_ENGINE_TCP=1), behind one nginx upstream, share one PostgreSQL.

Requests reach both; a session opened through one is honoured by the
other.  A TCP listen answers only the peers in listen_allow: a connection
from anyone else is closed before a byte of it is read (raw FastCGI
records sent from a Python socket get no answer), and an engine with a
TCP listen but no listen_allow, or a bad listen value, refuses to start
and names the file and line."""
import os
import socket
import struct
import subprocess
import time

import pytest

from conftest import GUICHET, ROOT, Stack, free_port
from test_several_engines import assert_requests_spread, assert_session_across, log_text


@pytest.fixture(scope="module")
def tcp_pair():
    s = Stack()
    s.script_env.update({"GUICHET_ENGINES": "2", "GUICHET_ENGINE_TCP": "1"})
    try:
        s.start()
        with open(os.path.join(s.var, "run", "guichet2.port")) as f:
            s.tcp_port = int(f.read())
        yield s
    finally:
        s.stop()


def record(rtype, content, request_id=1):
    pad = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBx", 1, rtype, request_id, len(content), pad) + content + b"\0" * pad


def name_value(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def fastcgi_get(port, path="/healthz", source="127.0.0.1", timeout=5):
    """One FastCGI GET sent straight to the engine's port from `source`;
    returns every byte the engine sent back before closing."""
    params = {"REQUEST_METHOD": "GET", "REQUEST_URI": path, "DOCUMENT_URI": path,
              "QUERY_STRING": "", "REMOTE_ADDR": source, "SERVER_PROTOCOL": "HTTP/1.1",
              "HTTP_HOST": "127.0.0.1", "REQUEST_ID": "0123456789abcdef0123456789abcdef"}
    body = b"".join(name_value(k.encode(), v.encode()) for k, v in params.items())
    request = (record(1, struct.pack(">HB5x", 1, 0))          # BEGIN_REQUEST, responder
               + record(4, body) + record(4, b"") + record(5, b""))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.bind((source, 0))
        sock.connect(("127.0.0.1", port))
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            return b""
        got = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            got += chunk
        return got
    finally:
        sock.close()


def test_the_second_engine_listens_on_tcp_in_the_upstream(tcp_pair):
    run = os.path.join(tcp_pair.var, "run")
    assert os.path.exists(os.path.join(run, "guichet.sock"))
    assert not os.path.exists(os.path.join(run, "guichet2.sock"))
    with open(os.path.join(tcp_pair.var, "nginx", "nginx.conf")) as f:
        conf = f.read()
    assert f"server unix:{run}/guichet.sock;" in conf
    assert f"server 127.0.0.1:{tcp_pair.tcp_port};" in conf
    # the port answers before the master logs that it serves: wait for the line
    end = time.time() + 20
    while f'"socket":"127.0.0.1:{tcp_pair.tcp_port}"' not in log_text(tcp_pair, 2):
        assert time.time() < end, log_text(tcp_pair, 2)
        time.sleep(0.2)


def test_requests_reach_both_the_socket_and_the_tcp_engine(tcp_pair):
    assert_requests_spread(tcp_pair)


def test_a_session_works_across_the_socket_and_the_tcp_engine(tcp_pair):
    assert_session_across(tcp_pair)


def test_a_peer_in_listen_allow_is_answered_and_another_is_closed_unread(tcp_pair):
    # the stack's TCP engine allows 127.0.0.1 (nginx) only
    answer = fastcgi_get(tcp_pair.tcp_port, source="127.0.0.1")
    assert b"Status: 200" in answer or b"ok" in answer.lower(), answer[:200]
    assert fastcgi_get(tcp_pair.tcp_port, source="127.0.0.2") == b""
    time.sleep(0.3)
    refused = '"msg":"FastCGI connection refused: peer not in listen_allow","peer":"127.0.0.2"'
    end = time.time() + 20
    while refused not in log_text(tcp_pair, 2):
        assert time.time() < end, log_text(tcp_pair, 2)
        time.sleep(0.2)
    # the refused peer cost nothing: nginx still gets answers from both
    assert tcp_pair.client().get("/healthz").status == 200


def engine_env(stack, **settings):
    env = {**os.environ, **stack.env, "GUICHET_WORKERS": "1", "GUICHET_SCHEDULER": "no",
           "GUICHET_MAILER": "no", "GUICHET_PID_FILE": os.path.join(stack.var, "run", "guichet9.pid")}
    env.pop("GUICHET_LISTEN_ALLOW", None)
    env.update(settings)
    return env


def wait_port(port, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def test_an_engine_allowing_only_another_address_closes_127_0_0_1(tcp_pair):
    port = free_port()
    log = open(os.path.join(tcp_pair.var, "log", "guichet9.log"), "w")
    proc = subprocess.Popen([GUICHET, "serve"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env=engine_env(tcp_pair, GUICHET_LISTEN=f"127.0.0.1:{port}",
                                           GUICHET_LISTEN_ALLOW="127.0.0.2"))
    try:
        wait_port(port)
        assert fastcgi_get(port, source="127.0.0.1") == b""
        answer = fastcgi_get(port, source="127.0.0.2")
        assert b"Status: 200" in answer or b"ok" in answer.lower(), answer[:200]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("conf, message", [
    ("listen = 127.0.0.1:{port}\n",
     "{path}:1: listen = 127.0.0.1:{port} is a TCP address: listen_allow must name"),
    ("# several hosts\nlisten = 127.0.0.1:{port}\nlisten_allow = nginx.example\n",
     '{path}:3: listen_allow: "nginx.example" is not an address or CIDR'),
    ("listen = 127.0.0.1:0\n",
     '{path}:1: listen: "127.0.0.1:0": the port must be 1 to 65535'),
])
def test_a_bad_listen_refuses_to_start_naming_file_and_line(tcp_pair, tmp_path, conf, message):
    port = free_port()
    path = tmp_path / "guichet.conf"
    path.write_text(conf.format(port=port))
    env = engine_env(tcp_pair)
    for k in ("GUICHET_LISTEN", "GUICHET_CONFIG"):
        env.pop(k, None)
    r = subprocess.run([GUICHET, "--config", str(path), "serve"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert message.format(path=path, port=port) in r.stderr + r.stdout
    with pytest.raises(OSError):                     # and nothing listens
        socket.create_connection(("127.0.0.1", port), 1).close()

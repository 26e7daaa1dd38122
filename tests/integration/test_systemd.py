# SPDX-License-Identifier: AGPL-3.0-or-later
"""The systemd unit (systemd/guichet.service).

This machine has no running systemd (a container), so the unit is checked
with `systemd-analyze verify` (Debian's systemd package, installed by
scripts/install-deps.sh), with its ExecStart pointed at the built binary,
and its sandboxing and signals are read from the file: what the service
promises (reload = SIGHUP, graceful stop, its own user, a read-only
system but for its socket and state) must stay written.  The installed
service is started the way the unit does in test_deb.py."""
import configparser
import os
import shutil
import subprocess

import pytest

from conftest import GUICHET, ROOT

UNIT = os.path.join(ROOT, "systemd", "guichet.service")


def unit():
    p = configparser.ConfigParser(strict=False, interpolation=None,
                                  empty_lines_in_values=False)
    p.optionxform = str
    # repeated keys (SystemCallFilter=) are joined: configparser keeps the last
    with open(UNIT) as f:
        text = f.read()
    p.read_string(text)
    return p, text


def verify(tmp_path, text):
    path = tmp_path / "guichet.service"
    path.write_text(text)
    return subprocess.run(["systemd-analyze", "verify", "--man=no", str(path)],
                          capture_output=True, text=True, timeout=60)


def test_the_unit_passes_systemd_analyze_verify(tmp_path):
    assert shutil.which("systemd-analyze"), "scripts/install-deps.sh installs systemd"
    with open(UNIT) as f:
        text = f.read()
    r = verify(tmp_path, text.replace("/usr/bin/guichet", GUICHET))
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == "", r.stderr
    # and verify does catch a broken unit
    r = verify(tmp_path, text.replace("/usr/bin/guichet", "/nonexistent/guichet")
               .replace("KillMode=mixed", "KillMode=sideways"))
    assert r.returncode != 0
    assert "KillMode" in r.stderr or "sideways" in r.stderr


def test_the_unit_reloads_with_sighup_stops_gracefully_and_is_sandboxed():
    p, text = unit()
    s = p["Service"]
    assert s["ExecStart"].split()[0] == "/usr/bin/guichet"
    assert s["ExecStart"].split()[-1] == "serve"
    assert "--config /etc/guichet/guichet.conf" in s["ExecStart"]
    assert s["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert s["KillSignal"] == "SIGTERM" and s["KillMode"] == "mixed"
    # systemd waits longer than the master gives its children (shutdown_timeout)
    assert int(s["TimeoutStopSec"].rstrip("s")) > 10
    assert s["User"] == "guichet" and s["Group"] == "guichet"
    for key, value in [("ProtectSystem", "strict"), ("PrivateTmp", "yes"),
                       ("NoNewPrivileges", "yes"), ("ProtectHome", "yes"),
                       ("RuntimeDirectory", "guichet"), ("StateDirectory", "guichet"),
                       ("CapabilityBoundingSet", "")]:
        assert s[key] == value, key
    # nothing else writable: no ReadWritePaths beyond the runtime and state dirs
    assert "ReadWritePaths" not in s
    # the socket and pid file the installed configuration names live in RuntimeDirectory
    with open(os.path.join(ROOT, "etc", "guichet.conf.in")) as f:
        conf = f.read()
    assert "listen = /run/guichet/guichet.sock" in conf
    assert "pid_file = /run/guichet/guichet.pid" in conf
    assert p["Install"]["WantedBy"] == "multi-user.target"

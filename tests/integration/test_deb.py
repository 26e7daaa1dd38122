# SPDX-License-Identifier: AGPL-3.0-or-later
"""`make deb`: the Debian package, built with debhelper and checked by
lintian, then installed on this machine and run.

This container has no running systemd, so the service is started the way
the unit starts it (ExecStart as user guichet, with the unit's
EnvironmentFile and RuntimeDirectory), reloaded the way `systemctl reload`
does (ExecReload: SIGHUP) and stopped with SIGTERM.  The installed engine
takes over the test stack's socket, so the stack's nginx serves it.  The
package is purged afterwards (and the service user removed when this
test created it), leaving the system as it was; the test is skipped when
guichet is already installed here, or when not root."""
import os
import pwd
import re
import signal
import subprocess
import time

import pytest

from conftest import ROOT

DEB_DIR = os.path.join(ROOT, "build", "deb")
LOCK_WAIT = "-oDPkg::Lock::Timeout=300"


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=600, **kw)


@pytest.fixture(scope="module")
def deb():
    r = run("make", "--no-print-directory", "deb", cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    debs = [f for f in os.listdir(DEB_DIR) if re.fullmatch(r"guichet_.*\.deb", f)]
    assert len(debs) == 1, debs
    return os.path.join(DEB_DIR, debs[0])


def test_the_package_has_the_fhs_layout(deb):
    listing = run("dpkg-deb", "-c", deb).stdout
    paths = {line.split()[-1].lstrip(".") for line in listing.splitlines()}
    for p in ["/usr/bin/guichet", "/usr/share/guichet/workflows/workflow.rng",
              "/usr/share/guichet/xslt/layout.xsl", "/usr/share/guichet/xslt/i18n/ui.xml",
              "/usr/share/guichet/sql/0001_base.sql", "/usr/share/guichet/nginx/guichet.conf.in",
              "/etc/guichet/guichet.conf", "/etc/guichet/workflows/subsidy.xml",
              "/lib/systemd/system/guichet.service", "/usr/share/man/man8/guichet.8.gz",
              "/usr/share/man/man5/guichet-workflow.5.gz", "/usr/share/doc/guichet/copyright"]:
        assert p in paths, p
    conffiles = run("dpkg-deb", "-f", deb, "Package").stdout.strip()
    assert conffiles == "guichet"
    ctrl = run("dpkg-deb", "-I", deb, "conffiles").stdout
    assert "/etc/guichet/guichet.conf" in ctrl.split()


def test_lintian_is_clean_but_for_the_explained_overrides(deb):
    with open(os.path.join(DEB_DIR, "lintian.log")) as f:
        log = f.read()
    assert not re.search(r"^[EW]: ", log, re.M), log
    with open(os.path.join(ROOT, "debian", "guichet.lintian-overrides")) as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    # each override follows a comment that explains it
    for i, line in enumerate(lines):
        if not line.startswith("#"):
            assert i > 0 and lines[i - 1].startswith("#"), line


def test_the_maintainer_scripts_never_touch_a_database(deb, tmp_path):
    assert run("dpkg-deb", "-e", deb, str(tmp_path / "ctrl")).returncode == 0
    scripts = [n for n in os.listdir(tmp_path / "ctrl") if n.endswith(("inst", "rm"))]
    assert "postinst" in scripts
    for name in scripts:
        with open(tmp_path / "ctrl" / name, errors="replace") as f:
            code = [l for l in f if not l.lstrip().startswith(("#", "echo"))]
        touching = [l for l in code if re.search(
            r"\b(psql|pg_dump|pg_restore|createdb|dropdb)\b|(^|[\s;&|(])(/usr/bin/)?guichet\s+[a-z]", l)]
        assert touching == [], name


@pytest.fixture(scope="module")
def installed(deb, stack):
    if os.geteuid() != 0:
        pytest.skip("installing a package needs root")
    if run("dpkg-query", "-W", "guichet").returncode == 0 or os.path.exists("/etc/guichet"):
        pytest.skip("guichet is already installed on this machine: not touching it")
    try:
        pwd.getpwnam("guichet")
        had_user = True
    except KeyError:
        had_user = False
    # through apt, which waits for the package lock (others may hold it)
    r = run("apt-get", "install", "-y", "--no-install-recommends", LOCK_WAIT, deb,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    try:
        assert r.returncode == 0, r.stdout + r.stderr
        yield r
    finally:
        p = run("apt-get", "purge", "-y", LOCK_WAIT, "guichet",
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if not had_user:
            run("deluser", "--system", "guichet")
        assert p.returncode == 0, p.stdout + p.stderr
        assert not os.path.exists("/usr/bin/guichet")
        assert not os.path.exists("/etc/guichet")


def unit_env():
    """The environment the unit gives the service: its EnvironmentFile."""
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
    with open("/etc/guichet/guichet.env") as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            env[k] = v
    return env


def test_installed_package_serves_reloads_and_stops(installed, stack, tmp_path):
    out = installed.stdout
    assert "run 'guichet migrate'" in out
    st = os.stat("/etc/guichet/guichet.env")
    assert oct(st.st_mode & 0o777) == "0o640" and st.st_uid == 0
    assert st.st_gid == pwd.getpwnam("guichet").pw_gid
    assert len(unit_env()["GUICHET_SECRET"]) == 64

    # the installed unit, as installed: its binary, its man page (Documentation=)
    r = run("systemd-analyze", "verify", "/lib/systemd/system/guichet.service")
    assert r.returncode == 0 and r.stderr.strip() == "", r.stderr

    # guichet check from anywhere, as anyone
    r = run("runuser", "-u", "nobody", "--", "/usr/bin/guichet", "check",
            "/etc/guichet/workflows/subsidy.xml", cwd="/")
    assert r.returncode == 0, r.stderr

    # the installed configuration, with the test stack's database and URL
    env = {**unit_env(), "GUICHET_DATABASE": stack.env["GUICHET_DATABASE"],
           "GUICHET_BASE_URL": stack.base_url}
    r = run("/usr/bin/guichet", "publish", cwd="/", env=env)
    assert r.returncode == 0 and "subsidy" in r.stdout, r.stdout + r.stderr

    # the stack's engine steps aside; the unit's RuntimeDirectory, then ExecStart
    stack.stop_component("engine")
    sock = os.path.join(stack.var, "run", "guichet.sock")
    os.makedirs("/run/guichet", exist_ok=True)
    guichet = pwd.getpwnam("guichet")
    os.chown("/run/guichet", guichet.pw_uid, guichet.pw_gid)
    log = open(tmp_path / "service.log", "w")
    proc = subprocess.Popen(["runuser", "-u", "guichet", "-g", "guichet", "-G", "www-data", "--",
                             "/usr/bin/guichet", "--config", "/etc/guichet/guichet.conf",
                             "serve"], cwd="/", env=env, stdout=log, stderr=log)
    try:
        deadline = time.time() + 20
        while not os.path.exists("/run/guichet/guichet.sock") and time.time() < deadline:
            time.sleep(0.1)
        st = os.stat("/run/guichet/guichet.sock")
        assert oct(st.st_mode & 0o777) == "0o660"
        assert st.st_uid == guichet.pw_uid
        os.symlink("/run/guichet/guichet.sock", sock)        # nginx's upstream
        stack.wait_healthy()
        with open("/run/guichet/guichet.pid") as f:
            master = int(f.read())

        def workers():
            return set(run("ps", "-o", "pid=", "--ppid", str(master)).stdout.split())

        before = workers()
        assert before
        os.kill(master, signal.SIGHUP)                         # ExecReload
        deadline = time.time() + 20
        while time.time() < deadline and (workers() & before):
            time.sleep(0.2)
        assert workers() and not (workers() & before)
        assert stack.client().get("/healthz").status == 200
        os.kill(master, signal.SIGTERM)                        # systemctl stop
        proc.wait(timeout=30)
        assert not os.path.exists("/run/guichet/guichet.sock")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        if os.path.islink(sock):
            os.unlink(sock)
        run("rm", "-rf", "/run/guichet")
        stack.start_component("engine")
        stack.wait_healthy()
    with open(tmp_path / "service.log") as f:
        text = f.read()
    assert '"msg":"guichet serving"' in text and '"msg":"reloading"' in text, text[-2000:]
    assert '"msg":"stopped"' in text

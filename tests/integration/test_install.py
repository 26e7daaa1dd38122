# SPDX-License-Identifier: AGPL-3.0-or-later
"""`make install`: the FHS layout, and an installed engine that finds its
data from the path compiled into it, whatever the working directory.

The tree is installed with PREFIX set to a temporary folder (which
compiles that folder in as the data path), then rebuilt for the default
PREFIX so the rest of the suite runs the binary it expects."""
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import ROOT

BROKEN = """<?xml version="1.0" encoding="UTF-8"?>
<workflow xmlns="urn:guichet:workflow:1" key="broken" version="1">
  <no-such-element/>
</workflow>
"""


@pytest.fixture(scope="module")
def installed():
    tmp = tempfile.mkdtemp(prefix="guichet-install-")
    prefix = os.path.join(tmp, "usr")
    try:
        r = subprocess.run(["make", "--no-print-directory", "install", f"PREFIX={prefix}"],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        yield prefix
    finally:
        r = subprocess.run(["make", "--no-print-directory", "all"], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
        shutil.rmtree(tmp, ignore_errors=True)
        assert r.returncode == 0, r.stdout + r.stderr


def bare_env(**extra):
    """No GUICHET_* from the test stack: only what an operator's shell has."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUICHET_")}
    env.update(extra)
    return env


def test_install_lays_out_the_files(installed):
    data = os.path.join(installed, "share", "guichet")
    etc = os.path.join(installed, "etc", "guichet")
    for rel in ["workflows/workflow.rng", "xslt/layout.xsl", "xslt/i18n/ui.xml",
                "sql/0001_base.sql", "nginx/guichet.conf.in", "nginx/fastcgi.conf",
                "assets/guichet.css"]:
        assert os.path.isfile(os.path.join(data, rel)), rel
    assert sorted(os.listdir(os.path.join(data, "sql"))) == \
        sorted(f for f in os.listdir(os.path.join(ROOT, "sql")) if f.endswith(".sql"))
    assert os.access(os.path.join(installed, "bin", "guichet"), os.X_OK)
    assert os.path.isfile(os.path.join(etc, "workflows", "subsidy.xml"))
    with open(os.path.join(etc, "guichet.conf")) as f:
        conf = f.read()
    assert f"root = {data}\n" in conf and "@" not in conf.replace("noreply@", "")
    assert os.path.isdir(os.path.join(installed, "var", "lib", "guichet"))
    for page in ["man8/guichet.8", "man5/guichet-workflow.5"]:
        assert os.path.isfile(os.path.join(installed, "share", "man", page)), page
    with open(os.path.join(installed, "lib", "systemd", "system", "guichet.service")) as f:
        unit = f.read()
    assert f"ExecStart={installed}/bin/guichet --config {etc}/guichet.conf serve" in unit


def test_check_works_from_any_directory(installed, tmp_path):
    guichet = os.path.join(installed, "bin", "guichet")
    procedure = os.path.join(installed, "etc", "guichet", "workflows", "subsidy.xml")
    r = subprocess.run([guichet, "check", procedure], cwd="/", env=bare_env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"{procedure}: ok"
    broken = tmp_path / "broken.xml"
    broken.write_text(BROKEN)
    r = subprocess.run([guichet, "check", "broken.xml"], cwd=str(tmp_path), env=bare_env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert "broken.xml:3: schema:" in r.stderr
    assert "cannot load the workflow schema" not in r.stderr


def test_installed_engine_reads_its_compiled_in_configuration(installed, stack):
    """No --config, no GUICHET_CONFIG, run from /: the installed guichet.conf
    is read (its root names the installed migrations), only the database
    comes from the environment."""
    guichet = os.path.join(installed, "bin", "guichet")
    env = bare_env(GUICHET_DATABASE=stack.env["GUICHET_DATABASE"])
    r = subprocess.run([guichet, "migrate"], cwd="/", env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "migrations up to date" in r.stdout
    r = subprocess.run([guichet, "--help"], cwd="/", env=env, capture_output=True,
                       text=True, timeout=60)
    assert os.path.join(installed, "etc", "guichet", "guichet.conf") in r.stdout
    # a wrong root is not papered over by the working directory
    env["GUICHET_ROOT"] = "/nonexistent"
    r = subprocess.run([guichet, "migrate"], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode != 0
    assert "/nonexistent/sql" in r.stderr

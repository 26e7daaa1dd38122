# SPDX-License-Identifier: AGPL-3.0-or-later
"""The man pages stay in step with the code: every subcommand that
`guichet --help` lists has its entry in man/guichet.8, every configuration
key of engine/cfg.c is described there, every element and attribute of
workflows/workflow.rng is in man/guichet-workflow.5, and both render
without a groff warning."""
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import GUICHET, ROOT

RNG = "{http://relaxng.org/ns/structure/1.0}"


def source(name):
    with open(os.path.join(ROOT, "man", name), encoding="utf-8") as f:
        return f.read().replace("\\-", "-")


def bold(text, word):
    """word is set in bold: .B word, .BR/.BI word ..., or \\fBword\\fR."""
    w = re.escape(word)
    return re.search(rf'(^\.B[IR]? {w}(\s|$))|(\\fB{w}\\f[RP])|(^\.B[RI] .*" {w}(\s|"|$))',
                     text, re.M) is not None


def subcommands():
    out = subprocess.run([GUICHET, "--help"], capture_output=True, text=True).stdout
    block = out.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [m.group(1) for m in re.finditer(r"^  ([a-z]+)\b", block, re.M)]


def config_keys():
    with open(os.path.join(ROOT, "engine", "cfg.c")) as f:
        return re.findall(r'^\s+[SIBD]\("([a-z_]+)"', f.read(), re.M)


def rng_names():
    root = ET.parse(os.path.join(ROOT, "workflows", "workflow.rng")).getroot()
    names = {e.get("name") for e in root.iter(RNG + "element")}
    names |= {a.get("name") for a in root.iter(RNG + "attribute") if a.get("name")}
    return sorted(names)


def test_every_subcommand_has_its_entry_in_guichet_8():
    cmds = subcommands()
    assert {"serve", "migrate", "check", "reload", "backup", "restore"} <= set(cmds), cmds
    text = source("guichet.8")
    commands = text.split(".SH COMMANDS", 1)[1].split(".SH ", 1)[0]
    missing = [c for c in cmds if not re.search(rf"^\.BI? {c}\b", commands, re.M)]
    assert missing == []


def test_every_configuration_key_is_described_in_guichet_8():
    keys = config_keys()
    assert len(keys) > 20 and "database" in keys
    text = source("guichet.8")
    assert [k for k in keys if not bold(text, k)] == []


def test_every_element_and_attribute_is_in_guichet_workflow_5():
    names = rng_names()
    assert "workflow" in names and "xml:lang" in names and len(names) > 50
    text = source("guichet-workflow.5")
    assert [n for n in names if not bold(text, n)] == []


@pytest.mark.parametrize("page", ["guichet.8", "guichet-workflow.5"])
def test_the_pages_render_without_warnings(page):
    r = subprocess.run(["man", "--warnings", "-l", os.path.join(ROOT, "man", page)],
                       capture_output=True, text=True, env={**os.environ, "MANWIDTH": "80"})
    assert r.returncode == 0
    assert r.stderr == ""
    assert "NAME" in r.stdout and "SEE ALSO" in r.stdout

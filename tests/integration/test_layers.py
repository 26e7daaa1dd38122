# SPDX-License-Identifier: AGPL-3.0-or-later
"""The layering the house rules state, read from the sources: the workflow
runtime (wf_*, authz, principal, scheduler, mailer) knows no HTTP request.
It takes a principal (engine/principal.h), so the web, the command line and
the scheduler come through the same door with the same checks.  A runtime
file that reaches req.h, directly or through another header, fails here.
Needs no stack."""
import os
import re

ENGINE = os.path.join(os.path.dirname(__file__), "..", "..", "engine")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def reached(path, seen=None):
    """Every engine header path includes, transitively."""
    seen = set() if seen is None else seen
    with open(path, encoding="utf-8") as f:
        for name in INCLUDE.findall(f.read()):
            header = os.path.join(ENGINE, name)
            if name not in seen and os.path.exists(header):
                seen.add(name)
                reached(header, seen)
    return seen


def runtime_files():
    names = sorted(os.listdir(ENGINE))
    return [n for n in names
            if re.match(r"^(wf_[a-z_]+|authz|principal|scheduler|mailer)\.[ch]$", n)]


def test_the_runtime_knows_no_request():
    files = runtime_files()
    assert "wf_fire.c" in files and "scheduler.c" in files and "authz.h" in files, \
        "the runtime's files were not found: were they renamed?"
    offenders = [n for n in files if "req.h" in reached(os.path.join(ENGINE, n))]
    assert not offenders, ("these workflow runtime files reach req.h; take a principal_t "
                           "(principal.h) instead of a req_t: " + ", ".join(offenders))


def test_the_census_sees_an_include():
    """The reader above is not blind: handlers do reach req.h."""
    assert "req.h" in reached(os.path.join(ENGINE, "h_demand.c"))
    assert "principal.h" in reached(os.path.join(ENGINE, "wf_fire.c"))

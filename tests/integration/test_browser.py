# SPDX-License-Identifier: AGPL-3.0-or-later
"""Runs the browser tests (tests/browser, node:test + playwright-core +
Debian's Chromium) against the real stack, and fails when any of them
does.  Screenshots land in build/screenshots/ (kept after the run, ignored
by git): the main pages (MAIN_PAGES) at 375 and 1280 px, shot by
tests/browser/visits.mjs the first time a test loads each, must all be
there.

The census of page routes: every browser test file records the pages it
loads (tests/browser/visits.mjs); every GET route of the engine's route
tables that renders a page must have been visited by one of them.  A new
page route without a browser visit fails it."""
import json
import os
import re
import shutil
import subprocess

from fixtures_people import seed
from test_access_matrix import engine_routes

# the main pages tests/browser/visits.mjs shoots (its MAIN_PAGES names)
MAIN_PAGES = ["home", "dashboard", "catalogue", "form-page", "demand", "wallet", "account",
              "notifications", "agent-queue", "admin-procedures"]

# GET routes that render no page, each with its reason
NOT_PAGES = {
    "healthz": "JSON for the load balancer",
    "metrics": "text for Prometheus, loopback only",
    "auth_login": "a redirect to the identity provider",
    "auth_callback": "the provider's redirect back: a redirect",
    "document": "a file download",
    "letter_pdf": "a letter's PDF (tests/integration/test_letters.py)",
    "letters_print_run": "the print run as one PDF (tests/integration/test_letters.py)",
    "queue_csv": "a file download (CSV)",
    "queue_xlsx": "a file download (XLSX)",
}

CAPTURE = {"uuid": r"[0-9a-fA-F-]{36}", "word": r"[A-Za-z0-9_.-]{1,64}", "int": r"[0-9]+",
           "ref": r"[0-9]{4}-[0-9]{6}"}


def pattern_regex(pattern):
    """A route pattern ("/demands/{id:uuid}", "/files/*") as a regex."""
    out, rest = "", pattern
    if rest.endswith("/*"):
        rest, tail = rest[:-2], "/[^?]+"
    else:
        tail = ""
    for part in re.split(r"(\{[a-z_]+:[a-z]+\})", rest):
        m = re.fullmatch(r"\{[a-z_]+:([a-z]+)\}", part)
        out += CAPTURE[m.group(1)] if m else re.escape(part)
    return re.compile(out + tail + "$")


def unvisited(routes, visits):
    """The (name, pattern) of page routes no visit matches."""
    paths = {v["path"] for v in visits if v["method"] == "GET"}
    return sorted((name, pat) for name, method, pat in routes
                  if method == "GET" and name not in NOT_PAGES
                  and not any(pattern_regex(pat).match(p) for p in paths))


def test_the_census_matches_patterns():
    """The matcher can fail: a page route nobody visits is reported."""
    routes = {("demand_page", "GET", "/demands/{id:uuid}/page/{page:word}"),
              ("agent_queue", "GET", "/agent/*"), ("home", "GET", "/")}
    visits = [{"method": "GET", "path": "/agent/serac"},
              {"method": "GET", "path": "/demands/0b1e4c1e-6a55-4d1c-9a55-8d6f3c1d2e01/page"}]
    assert unvisited(routes, visits) == [("demand_page", "/demands/{id:uuid}/page/{page:word}"),
                                         ("home", "/")]


def test_browser_suite_passes_in_chromium(stack):
    world = seed(stack)     # the demo world: Rita, référent of Kiosque du Marché
    browser_dir = os.path.join(stack.root, "tests", "browser")
    # kept by the run (build/ is ignored by git): the main pages at 375
    # and 1280 px, shot by tests/browser/visits.mjs, plus each file's own
    shots = os.path.join(stack.root, "build", "screenshots")
    shutil.rmtree(shots, ignore_errors=True)
    os.makedirs(shots, exist_ok=True)
    tests = sorted(f for f in os.listdir(browser_dir) if f.endswith(".test.mjs"))
    # BROWSER_TESTS=forms.test.mjs: those files only (iterating;
    # the census then needs every file, so it is not judged)
    only = os.environ.get("BROWSER_TESTS")
    if only:
        tests = [t for t in tests if t in only.split(",")]
    assert tests, "no browser test found"
    visits_file = os.path.join(stack.var, "browser-visits.jsonl")
    if os.path.exists(visits_file):
        os.unlink(visits_file)
    r = subprocess.run(["node", "--test", "--test-concurrency=1", *tests], cwd=browser_dir,
                       env={**os.environ, "GUICHET_BASE_URL": stack.base_url,
                            "GUICHET_VISITS": visits_file,
                            "GUICHET_SCREENSHOTS": shots,
                            "GUICHET_KIOSQUE_DEMAND": "/demands/" + world.demands["kiosque_probe"],
                            **stack.env},
                       capture_output=True, text=True, timeout=900)
    print(r.stdout[-4000:])
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "# fail 0" in r.stdout
    with open(visits_file, encoding="utf-8") as f:
        visits = [json.loads(line) for line in f if line.strip()]
    if only:
        return
    unshot = [f"main-{name}-{w}.png" for name in MAIN_PAGES for w in (375, 1280)
              if not os.path.exists(os.path.join(shots, f"main-{name}-{w}.png"))]
    assert not unshot, "main pages no browser test loaded (no screenshot): " + ", ".join(unshot)
    missing = unvisited(engine_routes(), visits)
    assert not missing, "page routes no browser test visits (add a visit in " \
        "tests/browser/*.test.mjs): " + ", ".join(f"{n} {p}" for n, p in missing)

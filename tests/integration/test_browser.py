# SPDX-License-Identifier: AGPL-3.0-or-later
"""Runs the browser tests (tests/browser, node:test + playwright-core +
Debian's Chromium) against the real stack, and fails when any of them
does.  Screenshots land in the stack's folder (kept with
GUICHET_TEST_KEEP=1)."""
import os
import subprocess

from fixtures_people import seed


def test_browser_suite_passes_in_chromium(stack):
    world = seed(stack)     # the demo world: Rita, référent of Kiosque du Marché
    browser_dir = os.path.join(stack.root, "tests", "browser")
    shots = os.path.join(stack.var, "screenshots")
    os.makedirs(shots, exist_ok=True)
    tests = sorted(f for f in os.listdir(browser_dir) if f.endswith(".test.mjs"))
    assert tests, "no browser test found"
    r = subprocess.run(["node", "--test", "--test-concurrency=1", *tests], cwd=browser_dir,
                       env={**os.environ, "GUICHET_BASE_URL": stack.base_url,
                            "GUICHET_SCREENSHOTS": shots,
                            "GUICHET_KIOSQUE_DEMAND": "/demands/" + world.demands["kiosque_probe"],
                            **stack.env},
                       capture_output=True, text=True, timeout=300)
    print(r.stdout[-4000:])
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "# fail 0" in r.stdout

# SPDX-License-Identifier: AGPL-3.0-or-later
"""The administrators' procedure pages and the migration of running demands
to a new version, through nginx, against the real PostgreSQL and engine
(engine/h_admin.c, wf_admin.c, wf_migrate.c, wf_store.c, sql/0019).

The module runs its own stack on a workflows/ folder it may rewrite (a copy
of the repository's subsidy.xml), as test_workflow_engine.py does: it
publishes changed and broken versions of the file."""
import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT, Stack
from fixtures_people import make_demand, seed
from oidc_login import csrf_token, login

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def adm(tmp_path_factory):
    wf_dir = tmp_path_factory.mktemp("workflows")
    os.chmod(wf_dir, 0o755)
    shutil.copy(os.path.join(ROOT, "workflows", "subsidy.xml"), wf_dir / "subsidy.xml")
    s = Stack()
    s.wf_dir = str(wf_dir)
    s.script_env.update({"GUICHET_WORKFLOWS_DIR": str(wf_dir)})
    try:
        s.start()
        s.world = seed(s)
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def admin(adm):
    c = adm.client()
    assert login(adm, c, "admin").status == 303
    return c


def q1(stack, query, *params):
    rows = stack.sql(query, *params)
    return rows[0][0] if rows else None


def subsidy_file(adm):
    return os.path.join(adm.wf_dir, "subsidy.xml")


def rewrite(adm, old, new):
    path = subsidy_file(adm)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))
    return text


def restore(adm, text):
    with open(subsidy_file(adm), "w", encoding="utf-8") as f:
        f.write(text)


def current_version(adm):
    return int(q1(adm, "SELECT max(version) FROM definitions WHERE workflow_key = 'subsidy'"))


def publish(adm, client):
    return client.post("/admin/procedures/subsidy/publish",
                       data={"csrf": csrf_token(client, "/admin/procedures/subsidy")})


def snapshot(adm):
    return adm.sql("SELECT id, definition_version, state, version FROM demands ORDER BY id"
                   ), adm.sql("SELECT count(*) FROM events"), adm.sql(
        "SELECT id, status, due_at FROM timers ORDER BY id")


# --- pages -----------------------------------------------------------------------------

def test_admin_home_links_to_the_procedures(adm, admin):
    r = admin.get("/admin")
    assert r.status == 200
    assert 'href="/admin/procedures"' in r.text
    # the old promise of tools that did not exist is gone
    assert "identités, groupes" not in r.text


def test_non_admins_are_refused_every_route(adm):
    c = adm.client()
    assert login(adm, c, "alice").status == 303
    token = csrf_token(c, "/context")
    assert c.get("/admin/procedures").status == 403
    assert c.get("/admin/procedures/subsidy").status == 403
    before = snapshot(adm), current_version(adm)
    assert c.post("/admin/procedures/subsidy/publish", data={"csrf": token}).status == 403
    assert c.post("/admin/procedures/subsidy/migrate",
                  data={"csrf": token, "from": "1", "to": "1", "action": "run"}).status == 403
    assert (snapshot(adm), current_version(adm)) == before
    anon = adm.client()
    assert anon.get("/admin/procedures").status in (302, 303, 401)


def test_list_shows_versions_and_counts_per_state(adm, admin):
    w = adm.world
    for state in ("submitted", "submitted", "in-review"):
        make_demand(adm, w, "subsidy", "carla", "kiosque", state=state)
    r = admin.get("/admin/procedures")
    assert r.status == 200, r.text
    assert 'href="/admin/procedures/subsidy"' in r.text
    sha = q1(adm, "SELECT sha256 FROM definitions WHERE workflow_key = 'subsidy'"
                  " ORDER BY version DESC LIMIT 1")
    assert sha in r.text
    n_sub = q1(adm, "SELECT count(*) FROM demands WHERE workflow_key = 'subsidy'"
                    " AND state = 'submitted'")
    m = re.search(r'<li data-state="submitted">[^<]*<span class="n">(\d+)</span>', r.text)
    assert m and m.group(1) == n_sub and int(n_sub) >= 2


def test_procedure_page_has_the_diagram_and_the_check(adm, admin):
    r = admin.get("/admin/procedures/subsidy")
    assert r.status == 200, r.text
    m = re.search(r"<svg\b.*?</svg>", r.text, re.S)
    assert m, "no inline SVG"
    assert "<!DOCTYPE svg" not in r.text and "<?xml" not in r.text
    svg = ET.fromstring(m.group(0))            # well-formed
    assert svg.tag == SVG_NS + "svg"
    assert svg.get("role") == "img"
    assert svg.find(SVG_NS + "title").text == "Demande de soutien culturel"
    labels = " ".join(t.text or "" for t in svg.iter(SVG_NS + "text"))
    assert "submitted" in labels or "Déposée" in labels or "déposée" in labels
    assert "Le fichier est valide." in r.text
    assert 'action="/admin/procedures/subsidy/publish"' in r.text
    assert admin.get("/admin/procedures/no-such-procedure").status == 404


def test_publish_of_a_broken_file_shows_file_line_and_keeps_serving(adm, admin):
    before = current_version(adm)
    text = rewrite(adm, '<transition id="take" from="submitted" to="in-review"',
                   '<transition id="take" from="submitted" to="nowhere"')
    try:
        page = admin.get("/admin/procedures/subsidy")
        assert "Le fichier contient des erreurs" in page.text
        r = publish(adm, admin)
        assert r.status == 422, r.text
        assert "Publication refusée" in r.text
        assert re.search(r"subsidy\.xml:\d+: [^<]*nowhere", r.text), r.text
        assert current_version(adm) == before
        # the running version keeps serving
        assert admin.get("/admin/procedures/subsidy").status == 200
        assert adm.client().get("/healthz").status == 200
    finally:
        restore(adm, text)


def test_publish_migrate_and_the_workers_see_it(adm, admin):
    w = adm.world
    v1 = current_version(adm)
    ids = {s: make_demand(adm, w, "subsidy", "carla", "kiosque", state=s)
           for s in ("submitted", "in-review", "incomplete")}
    # a timer of the old state, to be cancelled
    adm.sql("INSERT INTO timers (demand_id, state, name, action, transition, due_at)"
            " VALUES (:'p1', 'incomplete', 'remind', 'fire', 'remind', now() + interval '3 days')",
            ids["incomplete"])
    workers = set(adm.children())
    text = rewrite(adm, '<title xml:lang="fr">Demande de soutien culturel</title>',
                   '<title xml:lang="fr">Demande de soutien culturel (2027)</title>')
    try:
        r = publish(adm, admin)
        assert r.status == 200, r.text
        v2 = current_version(adm)
        assert v2 == v1 + 1
        assert f"Version {v2} publiée" in r.text
        # the master reloads: a new generation of workers runs the new version
        deadline = time.time() + 15
        while time.time() < deadline and not (set(adm.children()) - workers):
            time.sleep(0.2)
        assert set(adm.children()) - workers, "no new workers after the publication"
        adm.wait_healthy()

        page = admin.get("/admin/procedures/subsidy")
        assert f"Migrer les demandes de la version {v1}" in page.text
        token = csrf_token(admin, "/admin/procedures/subsidy")
        good = {f"map.{s}": s for s in ("submitted", "in-review", "incomplete")}
        running = int(q1(adm, "SELECT count(*) FROM demands WHERE workflow_key = 'subsidy'"
                              " AND definition_version = :'p1' AND NOT is_final", str(v1)))
        others = adm.sql("SELECT DISTINCT state FROM demands WHERE workflow_key = 'subsidy'"
                         " AND definition_version = :'p1' AND NOT is_final", str(v1))
        for (s,) in others:
            good.setdefault(f"map.{s}", s)

        # a bad mapping (into a final state) is refused before anything runs
        before = snapshot(adm)
        bad = {**good, "map.incomplete": "archived"}
        r = admin.post("/admin/procedures/subsidy/migrate",
                       data={"csrf": token, "from": str(v1), "to": str(v2), "action": "run",
                             **bad})
        assert r.status == 422, r.text
        assert "Plan refusé" in r.text and "état final" in r.text
        r = admin.post("/admin/procedures/subsidy/migrate",
                       data={"csrf": token, "from": str(v1), "to": str(v2), "action": "run",
                             **{k: v for k, v in good.items() if k != "map.in-review"}})
        assert r.status == 422 and "Choisissez un état" in r.text
        r = admin.post("/admin/procedures/subsidy/migrate",
                       data={"csrf": token, "from": str(v1), "to": str(v2), "action": "run",
                             **{**good, "map.submitted": "nulle<part>"}})
        assert r.status == 422 and "n’existe pas dans la nouvelle version" in r.text
        assert "nulle" not in r.text                  # never shown back
        assert snapshot(adm) == before

        # checked, then run
        r = admin.post("/admin/procedures/subsidy/migrate",
                       data={"csrf": token, "from": str(v1), "to": str(v2), "action": "check",
                             **good})
        assert r.status == 200, r.text
        assert "Plan vérifié" in r.text and 'value="run"' in r.text
        assert snapshot(adm) == before
        r = admin.post("/admin/procedures/subsidy/migrate",
                       data={"csrf": token, "from": str(v1), "to": str(v2), "action": "run",
                             **good})
        assert r.status == 200, r.text
        assert r.text.count('data-status="ok"') == running
        assert 'data-status="conflict"' not in r.text

        for state, did in ids.items():
            row = adm.sql("SELECT definition_version, state, version FROM demands"
                          " WHERE id = :'p1'", did)[0]
            assert row[:2] == (str(v2), state)
            ev = adm.sql("SELECT transition, from_state, to_state, definition_version,"
                         " actor_person_id FROM events WHERE demand_id = :'p1'"
                         " ORDER BY demand_version DESC LIMIT 1", did)[0]
            assert ev == ("migrate", state, state, str(v2), w.persons["admin"])
        # timers: the old one cancelled, the target state's scheduled from now
        t = adm.sql("SELECT name, status, due_at > now() + interval '29 days',"
                    " due_at < now() + interval '61 days' FROM timers"
                    " WHERE demand_id = :'p1' ORDER BY id", ids["incomplete"])
        assert t[0][:2] == ("remind", "cancelled")
        assert sorted(x[0] for x in t[1:]) == ["lapse", "remind"]
        assert all(x[1:] == ("pending", "t", "t") for x in t[1:])
        assert q1(adm, "SELECT count(*) FROM timers WHERE demand_id = :'p1'"
                       " AND status = 'pending'", ids["submitted"]) == "0"
        # the history says so
        page = admin.get(f"/demands/{ids['in-review']}")
        assert page.status == 200
        assert "Migrée vers une nouvelle version de la procédure" in page.text
        # nothing left to migrate on the old version
        assert f"Migrer les demandes de la version {v1}" not in admin.get(
            "/admin/procedures/subsidy").text
    finally:
        restore(adm, text)


def test_cli_migrate_demands(adm, admin):
    w = adm.world
    # a version to move from: publish a changed file
    text = rewrite(adm, '<title xml:lang="fr">Demande de soutien culturel',
                   '<title xml:lang="fr">Demande de soutien culturel (ligne de commande)')
    try:
        r = publish(adm, admin)
    finally:
        restore(adm, text)
    assert r.status == 200 and "publiée" in r.text
    old = current_version(adm) - 1
    made = [make_demand(adm, w, "subsidy", "carla", "kiosque", state=s)
            for s in ("submitted", "in-review")]
    # demands that started on the previous version
    adm.sql("UPDATE demands SET definition_version = :'p1'::int WHERE id = ANY"
            " (ARRAY[:'p2', :'p3']::uuid[])", str(old), made[0], made[1])
    new = current_version(adm)
    running = int(q1(adm, "SELECT count(*) FROM demands WHERE workflow_key = 'subsidy'"
                          " AND definition_version = :'p1'::int AND NOT is_final", str(old)))
    n_sub = q1(adm, "SELECT count(*) FROM demands WHERE workflow_key = 'subsidy'"
                    " AND definition_version = :'p1'::int AND state = 'submitted'", str(old))
    mapping = [f"{s}={s}" for (s,) in adm.sql(
        "SELECT DISTINCT state FROM demands WHERE workflow_key = 'subsidy'"
        " AND definition_version = :'p1'::int AND NOT is_final", str(old))]
    before = snapshot(adm)
    bad = adm.guichet("migrate-demands", "subsidy", str(old), str(new),
                      *[m for m in mapping if not m.startswith("in-review=")],
                      "in-review=decided-typo")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "plan refused" in bad.stdout
    assert "does not exist in the new version" in bad.stdout
    # a filed demand never goes back to the drafts (the purge timer would delete it)
    back = adm.guichet("migrate-demands", "subsidy", str(old), str(new),
                       *[m for m in mapping if not m.startswith("submitted=")],
                       "submitted=draft")
    assert back.returncode == 1, back.stdout + back.stderr
    assert "submitted (" in back.stdout and "cannot become a draft" in back.stdout
    dry = adm.guichet("migrate-demands", "subsidy", str(old), str(new), *mapping, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert f"submitted ({n_sub}) -> submitted" in dry.stdout
    assert snapshot(adm) == before
    run = adm.guichet("migrate-demands", "subsidy", str(old), str(new), *mapping)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count(" ok\n") == running
    for did in made:
        assert q1(adm, "SELECT definition_version FROM demands WHERE id = :'p1'", did) == str(new)
        assert adm.sql("SELECT actor_kind, definition_version FROM events WHERE demand_id = :'p1'"
                       " AND transition = 'migrate'", did) == [("system", str(new))]
    usage = adm.guichet("migrate-demands", "subsidy", "x")
    assert usage.returncode == 2


def test_browser_pages_with_a_migration_form(adm, admin):
    """tests/browser/admin.test.mjs on this stack, where an older version
    has running demands: the migration form and its checked plan at 0 axe
    violations and no overflow at 375 px too."""
    w = adm.world
    text = rewrite(adm, '<title xml:lang="fr">Demande de soutien culturel',
                   '<title xml:lang="fr">Demande de soutien culturel (navigateur)')
    try:
        assert publish(adm, admin).status == 200
        old = current_version(adm) - 1
        for s in ("submitted", "incomplete"):
            did = make_demand(adm, w, "subsidy", "carla", "kiosque", state=s)
            adm.sql("UPDATE demands SET definition_version = :'p1'::int WHERE id = :'p2'",
                    str(old), did)
        shots = os.path.join(adm.var, "screenshots")
        os.makedirs(shots, exist_ok=True)
        r = subprocess.run(["node", "--test", "--test-concurrency=1", "admin.test.mjs"],
                           cwd=os.path.join(ROOT, "tests", "browser"),
                           env={**os.environ, **adm.env, "GUICHET_BASE_URL": adm.base_url,
                                "GUICHET_SCREENSHOTS": shots, "GUICHET_EXPECT_MIGRATION": "1"},
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
        assert "# fail 0" in r.stdout
    finally:
        restore(adm, text)

#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""demo_world.py -- loads the demo world (data/demo/world.json) into a stack.

    python3 scripts/demo_world.py [WORLD.json]

run by `scripts/stack.sh start` when GUICHET_DEMO=yes (that is, by `make
demo`), with the engine's environment (GUICHET_DATABASE, the dev provider's
GUICHET_IDP_DEV_ISSUER, GUICHET_CONFIG...).  Idempotent: a second run finds
what the first made and changes nothing.

What it makes, in this order:

  people      one person per account of the development identity provider,
              linked to its identity (issuer = the dev provider's URL,
              subject = the login), with the assurance level the file says;
  spaces      each entity's professional space, through the same SQL
              functions the procedures use (space_create, space_activate,
              space_attach, space_grant, space_delegate): the trail in
              space_events is the one a real opening would leave;
  groups      agent groups, third-party groups, administrators;
  register    the IDE register (data/ref/ide_register.csv and
              ide_signatories.csv) through ide_register_load(), which the
              opening of a professional space reads (load_ide_register);
  demands     through the `guichet demand create|save|fire|message` command, the
              door the web pages use too (same authorisation, validation,
              transaction, mails): every demand's history is real.  The
              create carries the request id "demo-world:<name>"; a demand
              whose create event exists is left as it is.
  letters     a letter about a demand ("letters": demand, template, to), queued
              by the effect print-letter's own function once, then typeset
              by the engine's letters job (the loader waits for it): the
              print queue's agent (paul) finds it ready.

load_people() is also what tests/integration/fixtures_people.py calls to
seed the test stacks (it adds its own test-only extras), so the tests and
the demo share one description of who is who.
"""
import csv
import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
WORLD = os.path.join(ROOT, "data", "demo", "world.json")
REQUEST_PREFIX = "demo-world:"


def read_world(path=WORLD):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# --- people, spaces and groups: one SQL block ---------------------------------------

# Parameters arrive as psql variables (:'p1'...), handed to the DO block
# through set_config: never spliced into the SQL text.
PEOPLE_SQL = r"""
SELECT set_config('guichet.world_issuer', :'p1', false);
SELECT set_config('guichet.world', :'p2', false);
DO $world$
DECLARE
    iss   text := current_setting('guichet.world_issuer');
    w     jsonb := current_setting('guichet.world')::jsonb;
    a     jsonb;
    e     jsonb;
    m     jsonb;
    g     jsonb;
    k     text;
    pid   uuid;
    ref   uuid;
    sp    uuid;
    st    text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('guichet.demo.world'));

    -- people, each behind its identity
    FOR a IN SELECT value FROM jsonb_array_elements(COALESCE(w->'accounts', '[]'))
    LOOP
        SELECT person_id INTO pid FROM identities
         WHERE issuer = COALESCE(a->>'issuer', iss) AND subject = a->>'login';
        IF NOT FOUND THEN
            INSERT INTO persons (display_name, given_name, family_name, email, assurance)
            VALUES ((a->>'given_name') || ' ' || (a->>'family_name'), a->>'given_name',
                    a->>'family_name', a->>'email', a->>'assurance')
            RETURNING id INTO pid;
            INSERT INTO identities (issuer, subject, person_id, idp, claims)
            VALUES (COALESCE(a->>'issuer', iss), a->>'login', pid, 'dev',
                    jsonb_build_object('iss', COALESCE(a->>'issuer', iss), 'sub', a->>'login'));
        ELSE
            UPDATE persons SET assurance = a->>'assurance'
             WHERE id = pid AND assurance IN ('none', 'email')
               AND a->>'assurance' NOT IN ('none', 'email');
        END IF;
        -- the AVS number a référent may name them by (sql/0024)
        IF a ? 'avs13' THEN
            UPDATE persons SET avs13 = a->>'avs13'
             WHERE id = pid AND avs13 IS DISTINCT FROM a->>'avs13';
        END IF;
    END LOOP;

    -- entities and their spaces, through the functions the procedures use
    FOR e IN SELECT value FROM jsonb_array_elements(COALESCE(w->'entities', '[]'))
    LOOP
        SELECT person_id INTO ref FROM identities
         WHERE issuer = COALESCE(e->>'referent_issuer', iss) AND subject = e->>'referent';
        IF ref IS NULL THEN
            RAISE EXCEPTION 'demo world: référent % of % has no person', e->>'referent', e->>'ide';
        END IF;
        SELECT s.id, s.status INTO sp, st FROM spaces s JOIN entities en ON en.id = s.entity_id
         WHERE en.ide = e->>'ide' AND s.status <> 'closed';
        IF NOT FOUND THEN
            sp := space_create(e - 'members' - 'key' - 'status' - 'referent' - 'referent_issuer',
                               ref);
            st := 'pending';
        END IF;
        IF st = 'pending' AND e->>'status' = 'active' THEN
            PERFORM space_activate(sp, ref);
            st := 'active';
        END IF;
        FOR m IN SELECT value FROM jsonb_array_elements(COALESCE(e->'members', '[]'))
        LOOP
            SELECT person_id INTO pid FROM identities
             WHERE issuer = COALESCE(m->>'issuer', iss) AND subject = m->>'login';
            IF NOT EXISTS (SELECT 1 FROM memberships
                            WHERE space_id = sp AND person_id = pid AND ended_at IS NULL) THEN
                PERFORM space_attach(sp, pid, m->>'function', ref);
            ELSE
                -- space_create makes the applicant a member without a function
                UPDATE memberships SET function = m->>'function'
                 WHERE space_id = sp AND person_id = pid AND ended_at IS NULL
                   AND function IS NULL AND m->>'function' IS NOT NULL;
            END IF;
            CONTINUE WHEN st <> 'active';
            FOR k IN SELECT value FROM jsonb_array_elements_text(COALESCE(m->'grants', '[]'))
            LOOP
                IF NOT EXISTS (SELECT 1 FROM access_grants
                                WHERE space_id = sp AND person_id = pid AND workflow_key = k
                                  AND revoked_at IS NULL) THEN
                    PERFORM space_grant(sp, pid, k, ref);
                END IF;
            END LOOP;
            FOR k IN SELECT value FROM jsonb_array_elements_text(COALESCE(m->'duties', '[]'))
            LOOP
                IF NOT EXISTS (SELECT 1 FROM delegations
                                WHERE space_id = sp AND person_id = pid AND duty = k
                                  AND revoked_at IS NULL) THEN
                    PERFORM space_delegate(sp, pid, k, NULL, ref);
                END IF;
            END LOOP;
        END LOOP;
    END LOOP;

    -- groups and administrators
    FOR g IN SELECT value FROM jsonb_array_elements(COALESCE(w->'agent_groups', '[]'))
    LOOP
        INSERT INTO agent_groups (id, name) VALUES (g->>'id', g->>'name')
        ON CONFLICT (id) DO NOTHING;
        INSERT INTO agent_members (group_id, person_id)
        SELECT g->>'id', i.person_id
          FROM jsonb_array_elements_text(COALESCE(g->'members', '[]')) AS x(login)
          JOIN identities i ON i.issuer = iss AND i.subject = x.login
        ON CONFLICT DO NOTHING;
    END LOOP;
    FOR g IN SELECT value FROM jsonb_array_elements(COALESCE(w->'third_party_groups', '[]'))
    LOOP
        INSERT INTO third_party_groups (id, name, kind, commune_ofs)
        VALUES (g->>'id', g->>'name', COALESCE(g->>'kind', 'authority'),
                (g->>'commune_ofs')::int)
        ON CONFLICT (id) DO NOTHING;
        INSERT INTO third_party_members (group_id, person_id)
        SELECT g->>'id', i.person_id
          FROM jsonb_array_elements_text(COALESCE(g->'members', '[]')) AS x(login)
          JOIN identities i ON i.issuer = iss AND i.subject = x.login
        ON CONFLICT DO NOTHING;
    END LOOP;
    INSERT INTO administrators (person_id)
    SELECT i.person_id
      FROM jsonb_array_elements_text(COALESCE(w->'administrators', '[]')) AS x(login)
      JOIN identities i ON i.issuer = iss AND i.subject = x.login
    ON CONFLICT DO NOTHING;
END
$world$;
"""


def load_people(world, sql, issuer):
    """Makes (or finds) the world's people, spaces, groups and
    administrators.  sql(query, *params) runs query with params bound as
    psql variables :'p1'...; issuer is the development provider's (accounts
    may name another with "issuer")."""
    part = {k: world.get(k, []) for k in
            ("accounts", "entities", "agent_groups", "third_party_groups", "administrators")}
    sql(PEOPLE_SQL, issuer, json.dumps(part))


# --- the IDE register: data/ref/*.csv -----------------------------------------------

REF = os.path.join(ROOT, "data", "ref")


def read_ide_register(ref=REF):
    """The register's CSV files as the document ide_register_load() takes."""
    out = {}
    for key, name in (("entities", "ide_register.csv"), ("signatories", "ide_signatories.csv")):
        with open(os.path.join(ref, name), encoding="utf-8", newline="") as f:
            out[key] = [{k: v for k, v in row.items() if v != ""} for row in csv.DictReader(f)]
    return out


def load_ide_register(sql, ref=REF):
    """Loads the IDE register (replacing what was there); returns how many
    entities it holds."""
    return int(sql("SELECT ide_register_load(:'p1'::jsonb)",
                   json.dumps(read_ide_register(ref)))[0][0])


# --- demands: through the guichet command -------------------------------------------

IDS_SQL = r"""
SELECT 'person', subject, person_id::text FROM identities WHERE issuer = :'p1'
UNION ALL
SELECT 'space', e.ide, s.id::text FROM spaces s JOIN entities e ON e.id = s.entity_id
 WHERE s.status = 'active'
"""

PUBLISHED_SQL = r"""
SELECT count(DISTINCT workflow_key) FROM definitions
 WHERE workflow_key IN (SELECT jsonb_array_elements_text(:'p1'::jsonb))
"""

MADE_SQL = r"""
SELECT substr(e.request_id, length(:'p1') + 1), d.state
  FROM events e JOIN demands d ON d.id = e.demand_id
 WHERE e.transition = 'create' AND e.request_id LIKE :'p1' || '%'
"""


class DemoError(RuntimeError):
    pass


def _guichet(guichet, args):
    r = subprocess.run([guichet, "demand", *args], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    try:
        out = json.loads(r.stdout.strip().splitlines()[-1]) if r.stdout.strip() else {}
    except ValueError:
        out = {}
    if r.returncode != 0 or out.get("status") != "ok":
        raise DemoError(f"guichet demand {' '.join(args[:1])} failed ({r.returncode}): "
                        f"{r.stdout.strip()} {r.stderr.strip()}")
    return out


def _files(files):
    data = os.path.join(ROOT, "data", "demo")
    out = []
    for field, name in (files or {}).items():
        out += ["--file", f"{field}={os.path.join(data, name)}:{name}"]
    return out


def _form(fields):
    return [f"{k}={v}" for k, v in (fields or {}).items()]


# A step's field "@mailed-code" is the one-time code the demand's latest
# mail carried (an e-mailed link's code: the commune account's step 3), as
# the person would copy it from the mail: read from the outbox row.
MAILED_CODE_SQL = r"""
SELECT data->>'code' FROM outbox WHERE demand_id = :'p1'::uuid AND data ? 'code'
 ORDER BY id DESC LIMIT 1
"""


def _mailed_codes(sql, demand, fields):
    out = dict(fields or {})
    for k, v in out.items():
        if v == "@mailed-code":
            rows = sql(MAILED_CODE_SQL, demand)
            if not rows:
                raise DemoError(f"no code was mailed for demand {demand}")
            out[k] = rows[0][0]
    return out


def wait_published(world, sql, timeout=30):
    """Waits until the engine has published every procedure the demands
    use (it publishes workflows/ when it starts, after opening its socket)."""
    keys = sorted({dm["workflow"] for dm in world.get("demands", [])})
    end = time.time() + timeout
    while int(sql(PUBLISHED_SQL, json.dumps(keys))[0][0]) < len(keys):
        if time.time() > end:
            raise DemoError(f"procedures not published after {timeout} s: {', '.join(keys)}")
        time.sleep(0.2)


def load_demands(world, sql, issuer, guichet, log=print):
    """Makes the world's demands that are not there yet.  Returns how many
    it made."""
    wait_published(world, sql)
    accounts = {a["login"]: a for a in world["accounts"]}
    entities = {e["key"]: e for e in world.get("entities", [])}
    persons, spaces = {}, {}
    for kind, key, value in sql(IDS_SQL, issuer):
        (persons if kind == "person" else spaces)[key] = value
    made = dict(sql(MADE_SQL, REQUEST_PREFIX))
    count = 0
    for dm in world.get("demands", []):
        name = dm["name"]
        if name in made:
            continue
        owner = accounts[dm["owner"]]
        ent = entities.get(dm.get("space"))
        where = ["--space", spaces[ent["ide"]]] if ent else []

        as_owner = ["--person", persons[dm["owner"]], "--assurance", owner["assurance"], *where]
        d = _guichet(guichet, ["create", *as_owner, "--request-id",
                               REQUEST_PREFIX + name, dm["workflow"]])
        fields = {}
        if dm.get("steps"):
            # a demand that goes further than a draft carries a whole form
            function = next((m.get("function") for m in (ent or {}).get("members", [])
                             if m["login"] == dm["owner"]), None)
            fields.update({"contact-name": f"{owner['given_name']} {owner['family_name']}",
                           "contact-email": owner["email"]})
            if function:
                fields["contact-function"] = function
            if ent:
                fields["account-holder"] = ent["name"]
            fields.update(world.get("demand_defaults", {}).get(dm["workflow"], {}))
        fields.update(dm.get("fields", {}))
        _guichet(guichet, ["save", *as_owner, d["id"], *_files(dm.get("files")),
                           *_form(fields)])
        for i, step in enumerate(dm.get("steps", []), 1):
            by = step["by"]
            args = ["fire", "--person", persons[by], "--assurance", accounts[by]["assurance"],
                    "--request-id", f"{REQUEST_PREFIX}{name}:{i}"]
            if by in _members(ent):
                args += where
            if step.get("comment"):
                args += ["--comment", step["comment"]]
            args += _files(step.get("files"))
            _guichet(guichet, [*args, d["id"], step["fire"],
                               *_form(_mailed_codes(sql, d["id"], step.get("fields")))])
        for i, msg in enumerate(dm.get("messages", []), 1):
            # a thread between the owner side and the agents (engine/message.c)
            by = msg["by"]
            args = ["message", "--person", persons[by], "--assurance", accounts[by]["assurance"],
                    "--request-id", f"{REQUEST_PREFIX}{name}:m{i}"]
            if by in _members(ent):
                args += where
            _guichet(guichet, [*args, d["id"], msg["text"]])
        state = _guichet(guichet, ["show", d["id"]])["state"]
        if dm.get("state") and state != dm["state"]:
            raise DemoError(f"{name} ended in state {state}, not {dm['state']}")
        log(f"demo world: {name} ({d['reference']}) made, {state}")
        count += 1
    return count


WALLET_SQL = r"""
SELECT wallet_add(:'p1'::uuid, NULLIF(:'p2', '')::uuid, :'p3', 'application/pdf', :'p4',
                  decode(:'p5', 'hex'))->>'status'
"""


def load_wallet(world, sql, issuer, log=print):
    """Puts the world's wallet documents (data/demo PDFs, the project's own
    files) in their owners' wallets; the same bytes are never stored twice
    (wallet_add), so running it again adds nothing.  Returns how many it
    added."""
    entities = {e["key"]: e for e in world.get("entities", [])}
    persons, spaces = {}, {}
    for kind, key, value in sql(IDS_SQL, issuer):
        (persons if kind == "person" else spaces)[key] = value
    count = 0
    for w in world.get("wallet", []):
        space = spaces[entities[w["space"]]["ide"]] if w.get("space") else ""
        with open(os.path.join(ROOT, "data", "demo", w["file"]), "rb") as f:
            content = f.read().hex()
        rows = sql(WALLET_SQL, persons[w["owner"]], space, w["name"], w["category"], content)
        count += 1 if rows and rows[0][0] == "added" else 0
    return count


LETTER_REFS_SQL = r"""
SELECT substr(e.request_id, length(:'p1') + 1), d.reference,
       (SELECT count(*) FROM letters l WHERE l.demand_id = d.id AND l.template = :'p2')
  FROM events e JOIN demands d ON d.id = e.demand_id
 WHERE e.transition = 'create' AND e.request_id LIKE :'p1' || '%'
"""

# the effect print-letter's own function, with the demand's latest event as
# the step that asked (sql/0023_letters.sql)
LETTER_SQL = r"""
SELECT 1 FROM demands d,
       LATERAL (SELECT fx_print_letter(d, jsonb_build_object('template', :'p2', 'to', :'p3'),
                                       (SELECT max(id) FROM events WHERE demand_id = d.id),
                                       NULL)) AS queued
 WHERE d.reference = :'p1'
"""

LETTER_WAIT_SQL = r"""
SELECT count(*) FROM letters WHERE status = 'queued' AND attempts = 0
"""


def load_letters(world, sql, log=print, timeout=60):
    """Queues the world's letters once (a letter about a demand, as the
    effect print-letter queues it), then waits for the engine's letters job
    to typeset them, so that the print queue shows PDFs when the demo
    opens.  Returns how many it queued."""
    count = 0
    for letter in world.get("letters", []):
        rows = {name: (ref, int(n)) for name, ref, n in
                sql(LETTER_REFS_SQL, REQUEST_PREFIX, letter["template"])}
        if letter["demand"] not in rows:
            raise DemoError(f"letter for {letter['demand']}: no such demand in the world")
        ref, there = rows[letter["demand"]]
        if there:
            continue
        sql(LETTER_SQL, ref, letter["template"], letter.get("to", "entity"))
        count += 1
    deadline = time.time() + timeout
    while count and int(sql(LETTER_WAIT_SQL)[0][0]) > 0:
        if time.time() > deadline:
            log("demo world: letters not typeset yet (is the engine's letters job running?)")
            break
        time.sleep(0.5)
    return count


def _members(ent):
    return {m["login"] for m in (ent or {}).get("members", [])}


# --- running it against a stack -------------------------------------------------------

def psql_runner(conninfo):
    """sql(query, *params) through psql on conninfo (libpq key=value)."""
    def sql(query, *params):
        args = ["psql", "-X", "-qAt", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", "-d", conninfo]
        for i, p in enumerate(params, 1):
            args += ["-v", f"p{i}={p}"]
        r = subprocess.run(args, input=query, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise DemoError(f"psql failed: {r.stderr.strip()}")
        return [tuple(line.split("\x1f")) for line in r.stdout.splitlines() if line != ""]
    return sql


def main(argv):
    path = argv[1] if len(argv) > 1 else WORLD
    db = os.environ.get("GUICHET_DATABASE")
    issuer = os.environ.get("GUICHET_IDP_DEV_ISSUER")
    if not db or not issuer:
        print("demo_world.py: GUICHET_DATABASE and GUICHET_IDP_DEV_ISSUER must be set "
              "(run it through scripts/stack.sh)", file=sys.stderr)
        return 2
    guichet = os.environ.get("GUICHET_BIN") or os.path.join(ROOT, "build", "guichet")
    world = read_world(path)
    sql = psql_runner(db)
    try:
        load_people(world, sql, issuer)
        load_ide_register(sql)
        n = load_demands(world, sql, issuer, guichet)
        load_wallet(world, sql, issuer)
        import load_registers  # data/ref: communes, persons, applications
        load_registers.load(sql)
        load_letters(world, sql)
    except DemoError as e:
        print(f"demo_world.py: {e}", file=sys.stderr)
        return 1
    print(f"demo world: {n} new demands; log in as any of its {len(world['accounts'])} "
          f"accounts (the home page and the README list them)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

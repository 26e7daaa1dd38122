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
  backlog     BACKLOG_COUNT fictional demands to the SERAC from fictional
              associations (load_backlog: deterministic, written by SQL
              with the events, holders and timers the steps would leave),
              for the queue's search, filters, bulk actions and exports;
  demands     through the `guichet demand create|save|fire|message` command, the
              door the web pages use too (same authorisation, validation,
              transaction, mails): every demand's history is real.  The
              create carries the request id "demo-world:<name>"; a demand
              whose create event exists is left as it is.
  letters     a letter about a demand ("letters": demand, template, to), queued
              by the effect print-letter's own function once, then typeset
              by the engine's letters job (the loader waits for it): the
              print queue's agent (paul) finds it ready.  A letter marked
              "last_try" is queued with its earlier tries spent (attempts 4
              of LETTERS_MAX_ATTEMPTS, engine/letters.h): the job's one try
              left fails for real when its template is not installed, and
              the administrator finds it on /admin/incidents (sql/0037).

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

# a letter on its last try: queued as above, its earlier tries spent, in one
# transaction (the letters job never sees it with tries to spare)
LETTER_LAST_TRY_SQL = "BEGIN;" + LETTER_SQL + r""";
UPDATE letters SET attempts = 4
 WHERE id = (SELECT max(l.id) FROM letters l JOIN demands d ON d.id = l.demand_id
              WHERE d.reference = :'p1' AND l.template = :'p2');
COMMIT;
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
        sql(LETTER_LAST_TRY_SQL if letter.get("last_try") else LETTER_SQL, ref,
            letter["template"], letter.get("to", "entity"))
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


# --- the SERAC's backlog: a few hundred demands for the queue ---------------------------

# Fictional associations and foundations that asked the SERAC for support,
# and what they asked for.  Nothing here is a real person or body.
BACKLOG_COUNT = 320
BACKLOG_SEED = 2027
BACKLOG_BODIES = [
    ("Chœur mixte de la Broye", "association", "Payerne", "1530"),
    ("Fanfare L'Écho du Jorat", "association", "Mézières", "1083"),
    ("Théâtre des Trois-Rois", "association", "Vevey", "1800"),
    ("Fondation Lumière du Léman", "foundation", "Morges", "1110"),
    ("Les Amis de l'orgue de Romainmôtier", "association", "Romainmôtier", "1323"),
    ("Compagnie Pas-de-Deux", "association", "Lausanne", "1004"),
    ("Ciné-club du Nord vaudois", "association", "Yverdon-les-Bains", "1400"),
    ("Atelier de gravure de la Venoge", "association", "Cossonay", "1304"),
    ("Fondation Patrimoine d'Aigle", "foundation", "Aigle", "1860"),
    ("Festival des Jardins suspendus", "association", "Nyon", "1260"),
    ("Ensemble vocal Alto Voce", "association", "Renens", "1020"),
    ("Musée vivant de la vigne", "foundation", "Lutry", "1095"),
    ("Les Tréteaux de Moudon", "association", "Moudon", "1510"),
    ("Collectif Pixel & Papier", "association", "Prilly", "1008"),
    ("Harmonie municipale d'Échallens", "association", "Échallens", "1040"),
    ("Fondation Écrire en Lavaux", "foundation", "Cully", "1096"),
    ("Jazz au Château", "association", "Grandson", "1422"),
    ("Danse Contemporaine Riviera", "association", "Montreux", "1820"),
    ("Bibliothèque des enfants de Bex", "association", "Bex", "1880"),
    ("Orchestre de chambre du Gros-de-Vaud", "association", "Oulens", "1377"),
    ("Marionnettes de la Côte", "association", "Rolle", "1180"),
    ("Fondation Arts et Alpages", "foundation", "Château-d'Œx", "1660"),
    ("Photo-club de Sainte-Croix", "association", "Sainte-Croix", "1450"),
    ("Les Conteurs du Pays-d'Enhaut", "association", "Rossinière", "1658"),
]
BACKLOG_PEOPLE = [
    ("Léa", "Bovet"), ("Nicolas", "Chappuis"), ("Sofia", "Rochat"), ("Yann", "Cuendet"),
    ("Mélanie", "Pittet"), ("Olivier", "Jaquier"), ("Inès", "Gilliéron"), ("Julien", "Favez"),
    ("Chloé", "Mermod"), ("Raphaël", "Dutoit"), ("Anouk", "Bugnon"), ("Luca", "Ferrari"),
    ("Élodie", "Moret"), ("Samuel", "Cherix"), ("Aurélie", "Perrin"), ("Mathieu", "Genoud"),
    ("Noémie", "Vodoz"), ("Hugo", "Despland"), ("Clara", "Nicod"), ("Bastien", "Rossier"),
    ("Zoé", "Cornaz"), ("Thomas", "Baudat"), ("Emma", "Jordan"), ("Gaël", "Monnier"),
]
BACKLOG_PROJECTS = [
    ("music", "Concerts d'été à {place}"), ("music", "Création d'une messe pour chœur et cuivres"),
    ("theatre", "Tournée d'une comédie en patois vaudois"), ("theatre", "Festival de théâtre de rue"),
    ("dance", "Résidence chorégraphique à {place}"), ("visual-arts", "Exposition de gravures"),
    ("visual-arts", "Parcours d'art dans les vignes"), ("literature", "Lectures au bord du lac"),
    ("literature", "Atelier d'écriture pour adolescents"), ("film", "Nuit du court métrage"),
    ("heritage", "Restauration des décors du théâtre de {place}"),
    ("heritage", "Numérisation des archives de la société"), ("music", "Fanfare des écoles"),
    ("film", "Documentaire sur les derniers bergers"), ("dance", "Bal populaire et ateliers"),
]
BACKLOG_ASKS = [
    "Merci de joindre le budget détaillé signé par le comité.",
    "Le plan de financement ne couvre pas tout le budget : précisez les autres soutiens demandés.",
    "Merci d'indiquer les dates exactes des représentations.",
]


def _ide(n):
    """A fictional CHE number with the register's mod-11 check digit."""
    while True:
        digits = [int(c) for c in f"{n:08d}"]
        rest = 11 - sum(d * w for d, w in zip(digits, (5, 4, 3, 2, 7, 6, 5, 4))) % 11
        if rest != 10:
            d = "".join(map(str, digits)) + str(0 if rest == 11 else rest)
            return f"CHE-{d[0:3]}.{d[3:6]}.{d[6:9]}"
        n += 1


def backlog(seed=BACKLOG_SEED, count=BACKLOG_COUNT):
    """The backlog as data, the same every time: bodies (with their
    référent) and demands (state, days ago, fields)."""
    import random
    rnd = random.Random(seed)
    bodies = []
    for i, (name, form, locality, npa) in enumerate(BACKLOG_BODIES):
        given, family = BACKLOG_PEOPLE[i]
        bodies.append({"ide": _ide(61000000 + i * 7919), "legal_form": form, "name": name,
                       "street": "Rue du Centre", "house_number": str(1 + i), "postcode": npa,
                       "locality": locality, "given_name": given, "family_name": family,
                       "email": f"{given.lower()}.{family.lower()}@exemple.test"
                                .replace("é", "e").replace("ë", "e").replace("ï", "i")})
    demands = []
    for k in range(count):
        b = rnd.randrange(len(bodies))
        body = bodies[b]
        discipline, title = rnd.choice(BACKLOG_PROJECTS)
        roll = rnd.random()
        state = "submitted" if roll < 0.45 else "in-review" if roll < 0.8 else "incomplete"
        asked = rnd.randrange(5, 400) * 100
        total = asked * rnd.randrange(2, 6)
        submitted = rnd.randrange(2, 150)            # days ago
        fields = {"contact-name": f"{body['given_name']} {body['family_name']}",
                  "contact-email": body["email"], "contact-phone": "+41213161111",
                  "project-title": title.format(place=body["locality"]),
                  "discipline": discipline, "place": body["locality"],
                  "place-npa": body["postcode"],
                  "description": f"Projet porté par {body['name']} ({body['locality']}).",
                  "start-date": f"2027-{rnd.randrange(3, 10):02d}-{rnd.randrange(1, 28):02d}",
                  "total-budget": str(total * 100), "amount-requested": str(asked * 100),
                  "own-funds": str(total * 100 // 5), "account-holder": body["name"],
                  "iban": "CH9300762011623852957", "demo-backlog": str(k + 1)}
        d = {"body": b, "state": state, "submitted": submitted, "fields": fields}
        if state != "submitted":
            d["since"] = rnd.randrange(1, min(submitted, 29) + 1) if state == "incomplete" \
                else rnd.randrange(0, submitted)     # days ago, after its submission
            d["held"] = state == "in-review" and rnd.random() < 0.6
        if state == "incomplete":
            d["ask"] = rnd.choice(BACKLOG_ASKS)
        demands.append(d)
    return bodies, demands


BACKLOG_SQL = r"""
SELECT set_config('guichet.backlog', :'p1', false);
SELECT set_config('guichet.backlog_issuer', :'p2', false);
DO $backlog$
DECLARE
    bl     jsonb := current_setting('guichet.backlog')::jsonb;
    iss    text := current_setting('guichet.backlog_issuer');
    agnes  uuid;
    b      jsonb;
    x      jsonb;
    pid    uuid;
    sp     uuid;
    people uuid[] := '{}';
    spaces uuid[] := '{}';
    d      demands;
    v_sub  timestamptz;
    v_since timestamptz;
    v      int;
BEGIN
    IF EXISTS (SELECT 1 FROM demands
                WHERE form_data->>'demo-backlog' = bl->'demands'->0->'fields'->>'demo-backlog') THEN
        RETURN;                                   -- this part made by an earlier run
    END IF;
    SELECT person_id INTO agnes FROM identities WHERE issuer = iss AND subject = 'agnes';
    FOR b IN SELECT value FROM jsonb_array_elements(bl->'bodies') LOOP
        SELECT s.id, s.referent_person_id INTO sp, pid
          FROM spaces s JOIN entities e ON e.id = s.entity_id
         WHERE e.ide = b->>'ide' AND s.status <> 'closed';
        IF NOT FOUND THEN
            -- a body's référent may be a demo account (world.json: nicolas)
            SELECT p.id INTO pid FROM persons p WHERE p.email = b->>'email'
             ORDER BY p.created_at LIMIT 1;
            IF pid IS NULL THEN
                INSERT INTO persons (display_name, given_name, family_name, email, assurance)
                VALUES (concat(b->>'given_name', ' ', b->>'family_name'), b->>'given_name',
                        b->>'family_name', b->>'email', 'verified')
                RETURNING id INTO pid;
            END IF;
            sp := space_create(b - 'given_name' - 'family_name' - 'email', pid);
            PERFORM space_activate(sp, pid);
        END IF;
        people := people || pid;
        spaces := spaces || sp;
    END LOOP;
    FOR x IN SELECT value FROM jsonb_array_elements(bl->'demands') LOOP
        pid := people[(x->>'body')::int + 1];
        sp := spaces[(x->>'body')::int + 1];
        v_sub := now() - make_interval(days => (x->>'submitted')::int, hours => 3);
        v_since := CASE WHEN x ? 'since'
                        THEN now() - make_interval(days => (x->>'since')::int, hours => 2)
                        ELSE v_sub END;
        v := CASE x->>'state' WHEN 'submitted' THEN 2 WHEN 'in-review' THEN 3 ELSE 4 END
             + CASE WHEN (x->>'held')::boolean THEN 1 ELSE 0 END;
        INSERT INTO demands (reference, workflow_key, definition_version, state, bucket,
                             progress, owner_person_id, owner_space_id, form_data, version,
                             created_at, submitted_at, state_since, assigned_to, assigned_at)
        VALUES (wf_next_reference(), 'subsidy',
                (SELECT max(version) FROM definitions WHERE workflow_key = 'subsidy'),
                x->>'state', CASE x->>'state' WHEN 'incomplete' THEN 'to-do' ELSE 'in-progress' END,
                CASE x->>'state' WHEN 'submitted' THEN 25 ELSE 50 END, pid, sp, x->'fields', v,
                v_sub - interval '1 day', v_sub, v_since,
                CASE WHEN (x->>'held')::boolean THEN agnes END,
                CASE WHEN (x->>'held')::boolean THEN v_since END)
        RETURNING * INTO d;
        -- its history, as the steps would have written it
        INSERT INTO events (demand_id, demand_version, at, actor_kind, actor_person_id,
                            actor_space_id, actor_role, transition, from_state, to_state,
                            request_id)
        VALUES (d.id, 1, v_sub - interval '1 day', 'person', pid, sp, 'owner', 'create',
                NULL, 'draft', 'demo-backlog'),
               (d.id, 2, v_sub, 'person', pid, sp, 'owner', 'submit', 'draft', 'submitted',
                'demo-backlog');
        IF x->>'state' <> 'submitted' THEN
            INSERT INTO events (demand_id, demand_version, at, actor_kind, actor_person_id,
                                actor_role, transition, from_state, to_state, request_id)
            VALUES (d.id, 3, v_since, 'person', agnes, 'agent:serac', 'take', 'submitted',
                    'in-review', 'demo-backlog');
        END IF;
        IF x->>'state' = 'incomplete' THEN
            INSERT INTO events (demand_id, demand_version, at, actor_kind, actor_person_id,
                                actor_role, transition, from_state, to_state, comment,
                                request_id)
            VALUES (d.id, 4, v_since, 'person', agnes, 'agent:serac', 'ask-completion',
                    'in-review', 'incomplete', x->>'ask', 'demo-backlog');
            INSERT INTO timers (demand_id, state, name, action, transition, due_at)
            VALUES (d.id, 'incomplete', 'remind', 'fire', 'remind', v_since + interval '30 days'),
                   (d.id, 'incomplete', 'lapse', 'fire', 'lapse', v_since + interval '60 days');
        END IF;
        IF (x->>'held')::boolean THEN
            INSERT INTO events (demand_id, demand_version, at, actor_kind, actor_person_id,
                                transition, from_state, to_state, request_id, assignee)
            VALUES (d.id, d.version, v_since, 'person', agnes, 'assign', d.state, d.state,
                    'demo-backlog', agnes);
        END IF;
    END LOOP;
END $backlog$;
SELECT count(*) FROM demands WHERE form_data ? 'demo-backlog';
"""


def load_backlog(sql, issuer, log=print):
    """Gives the SERAC a backlog of BACKLOG_COUNT fictional demands
    (backlog()), with their histories, holders and deadlines, by SQL blocks
    of 40; a second run finds them and adds nothing.  Returns how many
    there are."""
    bodies, demands = backlog()
    n = 0
    for i in range(0, len(demands), 40):        # a psql argument holds 128 KiB at most
        part = json.dumps({"bodies": bodies, "demands": demands[i:i + 40]})
        n = int(sql(BACKLOG_SQL, part, issuer)[-1][0])
    log(f"demo world: the SERAC's queue holds {n} demands of {len(bodies)} fictional bodies")
    return n


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
        load_backlog(sql, issuer)
    except DemoError as e:
        print(f"demo_world.py: {e}", file=sys.stderr)
        return 1
    print(f"demo world: {n} new demands; log in as any of its {len(world['accounts'])} "
          f"accounts (the home page and the README list them)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

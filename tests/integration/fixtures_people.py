# SPDX-License-Identifier: AGPL-3.0-or-later
"""fixtures_people.py -- the demo world, seeded in the test stack's database.

seed(stack) -> World makes (idempotently: a second call, from another test
module sharing the session's stack, finds what the first made) the people,
spaces and groups of data/demo/world.json -- the same file `make demo`
loads, through the same scripts/demo_world.py load_people() -- so that each
account of the identity provider is who the demo says:

  alice    citizen A (verified)         bruno    citizen B (e-mail level)
  rita     référent of "Kiosque du Marché" (association, active space)
  carla    member of it, access grant for "subsidy" (and the probe below)
  david    member of it, no grant
  agnes    agent of group "serac"       oscar    agent of group "population"
  tiago    trusted third party of "prefecture-lausanne"
  nadia    trusted third party of "commune-renens" (municipal secretary)
  marc     référent of "Menuiserie Vuilleumier Sàrl"
  admin    administrator                sophie   (strong login; nothing else)

Each is linked to the identity (GUICHET_IDP_DEV_ISSUER, account id), so a
scripted login as "rita" lands on the seeded Rita.  The demo's demands are
not made here (tests make their own).  Test-only extras, below (EXTRAS):
someone else's objects, "Atelier Vélo Solidaire" (active space whose
référent, Victor, has no login) and "Fondation des Tilleuls" (a pending
space), and carla's grant for the probe procedure.

When the workflow tables exist (0004), two probe procedures are published
under keys no real procedure uses (guichet-test-probe: professional,
protected, worked by agent:serac and third-party:prefecture-lausanne;
guichet-test-open: any audience, unprotected) and demands of them are
made for the access tests: see DEMANDS below; and two documents:
kiosque_probe_doc (attached to kiosque_probe) and alice_wallet (in
Alice's wallet, no demand).
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import demo_world  # noqa: E402  (scripts/demo_world.py: the one loader of the world)

WORLD = demo_world.read_world()

# People without a login at the test provider (someone else's objects).
FIXTURE_ISSUER = "urn:guichet:test-fixtures"

KIOSQUE_IDE = "CHE-109.347.829"      # mod-11 check digit valid
ATELIER_IDE = "CHE-471.205.635"
TILLEULS_IDE = "CHE-287.613.097"

_KIOSQUE = next(e for e in WORLD["entities"] if e["ide"] == KIOSQUE_IDE)

# The tests' own additions to the world, in the world file's terms.
EXTRAS = {
    "accounts": [{"login": "victor", "issuer": FIXTURE_ISSUER, "given_name": "Victor",
                  "family_name": "Perret", "email": "victor.perret@exemple.test",
                  "assurance": "verified"}],
    "entities": [
        {**_KIOSQUE, "members": [{"login": "carla", "grants": ["guichet-test-probe"]}]},
        {"key": "atelier", "ide": ATELIER_IDE, "legal_form": "association",
         "name": "Atelier Vélo Solidaire", "street": "Rue du Simplon", "house_number": "14",
         "postcode": "1006", "locality": "Lausanne", "status": "active",
         "referent": "victor", "referent_issuer": FIXTURE_ISSUER,
         "members": [{"login": "victor", "issuer": FIXTURE_ISSUER, "function": "président"}]},
        {"key": "tilleuls", "ide": TILLEULS_IDE, "legal_form": "foundation",
         "name": "Fondation des Tilleuls", "street": "Avenue des Tilleuls", "house_number": "7",
         "postcode": "1800", "locality": "Vevey", "status": "pending",
         "referent": "victor", "referent_issuer": FIXTURE_ISSUER},
    ],
}

# Both definitions pass `guichet check` (French labels on every state and
# transition, actors from the language's vocabulary), so the engine loads
# them and pages about their demands render instead of answering 500.
PROBE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<workflow xmlns="urn:guichet:workflow:1" id="guichet-test-probe" version="1">
  <title xml:lang="fr">Sonde des tests d'accès (protégée)</title>
  <audience space="professional" protected="yes"/>
  <states initial="draft">
    <state id="draft" bucket="draft"><label xml:lang="fr">Brouillon</label></state>
    <state id="submitted" bucket="in-progress"><label xml:lang="fr">Transmise</label></state>
    <state id="done" bucket="archived" final="yes"><label xml:lang="fr">Terminée</label></state>
  </states>
  <transition id="submit" from="draft" to="submitted" by="owner"><label xml:lang="fr">Transmettre</label></transition>
  <transition id="withdraw" from="submitted" to="done" by="owner"><label xml:lang="fr">Retirer</label></transition>
  <transition id="decide" from="submitted" to="done" by="agent:serac"><label xml:lang="fr">Décider</label></transition>
  <transition id="attest" from="submitted" to="submitted" by="third-party:prefecture-lausanne"><label xml:lang="fr">Attester</label></transition>
  <transition id="endorse" from="submitted" to="submitted" by="referent:grants"><label xml:lang="fr">Approuver</label></transition>
  <transition id="expire" from="submitted" to="done" by="system"><label xml:lang="fr">Expirée</label></transition>
</workflow>
"""

OPEN_XML = """<?xml version="1.0" encoding="UTF-8"?>
<workflow xmlns="urn:guichet:workflow:1" id="guichet-test-open" version="1">
  <title xml:lang="fr">Sonde des tests d'accès (ouverte)</title>
  <audience space="any"/>
  <states initial="submitted">
    <state id="submitted" bucket="in-progress"><label xml:lang="fr">Transmise</label></state>
    <state id="done" bucket="archived" final="yes"><label xml:lang="fr">Terminée</label></state>
  </states>
  <transition id="withdraw" from="submitted" to="done" by="owner"><label xml:lang="fr">Retirer</label></transition>
  <transition id="accept" from="submitted" to="done" by="referent:members"><label xml:lang="fr">Accepter</label></transition>
  <transition id="decide" from="submitted" to="done" by="agent:population"><label xml:lang="fr">Décider</label></transition>
</workflow>
"""

# name -> (workflow key, owner account, owner space or None, target space or
# None, state).  Demands of a procedure not published in the stack (subsidy,
# from workflows/, published by the engine) are not made.
DEMANDS = {
    "alice_own": ("guichet-test-open", "alice", None, None, "submitted"),
    "bruno_own": ("guichet-test-open", "bruno", None, None, "submitted"),
    "kiosque_probe": ("guichet-test-probe", "carla", "kiosque", None, "submitted"),
    "kiosque_probe_draft": ("guichet-test-probe", "carla", "kiosque", None, "draft"),
    "kiosque_open_david": ("guichet-test-open", "david", "kiosque", None, "submitted"),
    "atelier_probe": ("guichet-test-probe", "victor", "atelier", None, "submitted"),
    "alice_join_kiosque": ("guichet-test-open", "alice", None, "kiosque", "submitted"),
    "kiosque_subsidy": ("subsidy", "carla", "kiosque", None, "submitted"),
    "atelier_subsidy": ("subsidy", "victor", "atelier", None, "submitted"),
    # filed at the counter by oscar (population) for alice, not submitted
    # (sql/0036: COUNTER_FILED below)
    "alice_counter_draft": ("guichet-test-probe", "alice", None, None, "draft"),
}
# name -> (agent account, agent group): the draft was filed at the counter
COUNTER_FILED = {"alice_counter_draft": ("oscar", "population")}
BUCKETS = {"draft": "draft", "submitted": "in-progress"}

SEED_SQL = r"""
SELECT set_config('guichet.seed_issuer', :'p1', false);
SELECT set_config('guichet.seed_probe', :'p2', false);
SELECT set_config('guichet.seed_open', :'p3', false);
SELECT set_config('guichet.seed_demands', :'p4', false);
SELECT set_config('guichet.seed_counter', :'p5', false);
DO $seed$
DECLARE
    iss   text := current_setting('guichet.seed_issuer');
    pid   uuid;
    dm    jsonb;
    spc   uuid;
    tgt   uuid;
    ver   int;
    n     text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('guichet.test.seed'));

    -- probe procedures and demands, once the workflow tables exist
    IF to_regclass('definitions') IS NULL THEN
        RETURN;
    END IF;
    PERFORM wf_publish(k, encode(sha256(convert_to(x, 'UTF8')), 'hex'), x,
                       'tests/integration/fixtures_people.py')
       FROM (VALUES ('guichet-test-probe', current_setting('guichet.seed_probe')),
                    ('guichet-test-open', current_setting('guichet.seed_open'))) AS v(k, x);
    FOR n, dm IN SELECT key, value FROM jsonb_each(current_setting('guichet.seed_demands')::jsonb)
    LOOP
        CONTINUE WHEN EXISTS (SELECT 1 FROM demands WHERE form_data->>'fixture' = n);
        SELECT person_id INTO pid FROM identities
         WHERE subject = dm->>'owner' AND issuer IN (iss, 'urn:guichet:test-fixtures');
        SELECT s.id INTO spc FROM spaces s JOIN entities e ON e.id = s.entity_id
         WHERE e.ide = dm->>'space' AND s.status = 'active';
        SELECT s.id INTO tgt FROM spaces s JOIN entities e ON e.id = s.entity_id
         WHERE e.ide = dm->>'target' AND s.status = 'active';
        SELECT max(version) INTO ver FROM definitions WHERE workflow_key = dm->>'workflow';
        CONTINUE WHEN ver IS NULL;
        PERFORM wf_create(jsonb_build_object(
            'workflow', dm->>'workflow', 'version', ver, 'state', dm->>'state',
            'bucket', dm->>'bucket', 'progress', 50,
            'owner_person', pid, 'owner_space', CASE WHEN dm->>'space' IS NULL THEN NULL ELSE spc END,
            'form_data', jsonb_strip_nulls(jsonb_build_object(
                'fixture', n, 'target_space', CASE WHEN dm->>'target' IS NULL THEN NULL ELSE tgt END)),
            'actor', jsonb_build_object('kind', 'person', 'person', pid, 'role', 'owner'),
            'request_id', 'fixtures_people'));
    END LOOP;

    -- filed at the counter (sql/0036_counter_filing.sql)
    IF EXISTS (SELECT 1 FROM information_schema.columns
                WHERE table_name = 'demands' AND column_name = 'filed_by') THEN
        EXECUTE $u$
            UPDATE demands d SET filed_by = i.person_id, filed_group = c.value->>1
              FROM jsonb_each(current_setting('guichet.seed_counter')::jsonb) c, identities i
             WHERE d.form_data->>'fixture' = c.key AND d.filed_by IS NULL
               AND i.subject = c.value->>0
               AND i.issuer IN (current_setting('guichet.seed_issuer'),
                                'urn:guichet:test-fixtures')$u$;
    END IF;

    -- documents: one attached to a demand, one in a personal wallet
    IF NOT EXISTS (SELECT 1 FROM documents WHERE filename = 'fixture-kiosque_probe_doc.pdf') THEN
        INSERT INTO documents (owner_person_id, owner_space_id, demand_id, field, filename,
                               mime, content, uploaded_by)
        SELECT dm.owner_person_id, dm.owner_space_id, dm.id, 'budget',
               'fixture-kiosque_probe_doc.pdf', 'application/pdf', '%PDF-1.4 fixture'::bytea,
               dm.owner_person_id
          FROM demands dm WHERE dm.form_data->>'fixture' = 'kiosque_probe';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM documents WHERE filename = 'fixture-alice_wallet.pdf') THEN
        INSERT INTO documents (owner_person_id, filename, mime, content, uploaded_by)
        SELECT person_id, 'fixture-alice_wallet.pdf', 'application/pdf',
               '%PDF-1.4 fixture'::bytea, person_id
          FROM identities WHERE issuer = iss AND subject = 'alice';
    END IF;
END
$seed$;
"""

IDE_OF = {"kiosque": KIOSQUE_IDE, "atelier": ATELIER_IDE, "tilleuls": TILLEULS_IDE}

READ_SQL = r"""
SELECT 'person', subject, person_id::text FROM identities
 WHERE (issuer = :'p1' OR issuer = 'urn:guichet:test-fixtures')
UNION ALL
SELECT 'space', e.ide, s.id::text FROM spaces s JOIN entities e ON e.id = s.entity_id
 WHERE s.status <> 'closed'
UNION ALL
SELECT 'entity', ide, id::text FROM entities
"""

READ_DEMANDS_SQL = r"""
SELECT 'demand', form_data->>'fixture', id::text FROM demands WHERE form_data ? 'fixture'
UNION ALL
SELECT 'document', substring(filename FROM '^fixture-(.*)[.]pdf$'), id::text FROM documents
 WHERE filename LIKE 'fixture-%'
"""


class World:
    """Ids of what seed() made: persons[account], spaces[name], entities[name],
    demands[name] and documents[name] (empty before the workflow tables
    exist)."""

    def __init__(self):
        self.persons = {}
        self.spaces = {}
        self.entities = {}
        self.demands = {}
        self.documents = {}

    def person(self, account):
        return self.persons[account]


def seed(stack):
    """Seeds the demo world in stack's database (idempotent) and returns
    the World with its ids."""
    issuer = stack.env["GUICHET_IDP_DEV_ISSUER"]
    demo_world.load_people(WORLD, stack.sql, issuer)
    demo_world.load_people(EXTRAS, stack.sql, issuer)
    demands = {name: {"workflow": wf, "owner": owner, "space": IDE_OF.get(space),
                      "target": IDE_OF.get(target), "state": state, "bucket": BUCKETS[state]}
               for name, (wf, owner, space, target, state) in DEMANDS.items()}
    stack.sql(SEED_SQL, issuer, PROBE_XML, OPEN_XML, json.dumps(demands),
              json.dumps(COUNTER_FILED))
    if stack.sql("SELECT to_regclass('ide_register') IS NOT NULL")[0][0] == "t":
        demo_world.load_ide_register(stack.sql)
    w = World()
    by_ide = {v: k for k, v in IDE_OF.items()}
    for kind, key, value in stack.sql(READ_SQL, issuer):
        if kind == "person":
            w.persons[key] = value
        elif kind == "space" and key in by_ide:
            w.spaces[by_ide[key]] = value
        elif kind == "entity" and key in by_ide:
            w.entities[by_ide[key]] = value
    if stack.sql("SELECT to_regclass('demands') IS NOT NULL")[0][0] == "t":
        for kind, key, value in stack.sql(READ_DEMANDS_SQL):
            (w.demands if kind == "demand" else w.documents)[key] = value
    return w


MAKE_DEMAND_SQL = r"""
SELECT wf_create(jsonb_build_object(
    'workflow', :'p1',
    'version', (SELECT max(version) FROM definitions WHERE workflow_key = :'p1'),
    'state', :'p2', 'bucket', :'p3', 'progress', 25,
    'owner_person', :'p4'::uuid, 'owner_space', NULLIF(:'p5', '')::uuid,
    'form_data', jsonb_build_object('fixture', 'fresh'),
    'actor', jsonb_build_object('kind', 'person', 'person', :'p4'::uuid, 'role', 'owner'),
    'request_id', 'fixtures_people'))->>'id'
"""


def published(stack, workflow):
    """True when workflow has a published definition in stack."""
    return stack.sql("SELECT count(*) FROM definitions WHERE workflow_key = :'p1'",
                     workflow) != [("0",)]


def make_demand(stack, world, workflow, owner, space=None, state="submitted",
                bucket="in-progress"):
    """A new demand of workflow's latest version (wf_create), owned by the
    account owner for the space name (None: for themself), standing in
    state; returns its id."""
    return stack.sql(MAKE_DEMAND_SQL, workflow, state, bucket, world.persons[owner],
                     world.spaces[space] if space else "")[0][0]

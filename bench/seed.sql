-- SPDX-License-Identifier: AGPL-3.0-or-later
-- bench/seed.sql -- the data the page benchmark reads and writes (bench/run.sh).
--
-- psql variables: from, to (demand numbers: a second run with from = the
-- first run's to + 1 grows the table, the same shapes), writes (spare
-- demands for the transition and save benchmarks, made on the first run
-- only).  Needs the subsidy procedure published (the engine publishes it at
-- start).  Sessions are made the way session.c makes them: the table keeps
-- the sha256 of the cookie value, here fixed 43-character tokens.
--
-- The world: "Bench Kiosque" (space 1: a tenth of every demand; Carla is a
-- member with the subsidy grant, Rita the référent), 199 more spaces sharing
-- the rest, Agnès in agent group serac.  States as a procedure's life leaves
-- them: most archived (80 %), then in progress (submitted 4 %, in-review
-- 4 %), to do (incomplete 4 %), decision unread (4 %), drafts (4 %).
-- Space 2 ("Bench Atelier") also holds the spare drafts Carla saves and the
-- submitted demands Agnès takes.
\set ON_ERROR_STOP 1
SELECT set_config('bench.from', :'from', false), set_config('bench.to', :'to', false),
       set_config('bench.writes', :'writes', false);
DO $seed$
DECLARE
    v_from   int := current_setting('bench.from')::int;
    v_to     int := current_setting('bench.to')::int;
    v_writes int := current_setting('bench.writes')::int;
    v_ver    int;
    p        record;
    j        int;
    n        int;
    ide      text;
    ent      uuid;
    sp       uuid;
BEGIN
    SELECT max(version) INTO v_ver FROM definitions WHERE workflow_key = 'subsidy';
    IF v_ver IS NULL THEN
        RAISE EXCEPTION 'bench seed: subsidy is not published';
    END IF;

    IF NOT EXISTS (SELECT 1 FROM persons WHERE email = 'carla@bench.invalid') THEN
        INSERT INTO persons (display_name, given_name, family_name, email, assurance)
        VALUES ('Alice Bench', 'Alice', 'Bench', 'alice@bench.invalid', 'verified'),
               ('Carla Bench', 'Carla', 'Bench', 'carla@bench.invalid', 'verified'),
               ('Rita Bench', 'Rita', 'Bench', 'rita@bench.invalid', 'verified'),
               ('Agnès Bench', 'Agnès', 'Bench', 'agnes@bench.invalid', 'verified');
        INSERT INTO persons (display_name, email, assurance)
        SELECT 'Filer ' || g, 'filer' || g || '@bench.invalid', 'verified'
          FROM generate_series(1, 200) g;
        INSERT INTO agent_groups (id, name) VALUES ('serac', 'SERAC') ON CONFLICT DO NOTHING;
        INSERT INTO agent_members (group_id, person_id)
        SELECT 'serac', id FROM persons WHERE email = 'agnes@bench.invalid';

        -- 200 spaces; IDE numbers with a valid check digit
        n := 0;
        j := 10000000;
        WHILE n < 200 LOOP
            j := j + 1;
            FOR c IN 0..9 LOOP
                ide := format('CHE-%s.%s.%s%s', substr(j::text, 1, 3), substr(j::text, 4, 3),
                              substr(j::text, 7, 2), c);
                IF ide_valid(ide) THEN
                    INSERT INTO entities (ide, legal_form, name, street, postcode, locality)
                    VALUES (ide, 'association',
                            CASE n WHEN 0 THEN 'Bench Kiosque' WHEN 1 THEN 'Bench Atelier'
                                   ELSE 'Bench ' || n END,
                            'Rue du Banc', '1000', 'Lausanne')
                    RETURNING id INTO ent;
                    -- the référent: Rita for the first two, a filer elsewhere
                    INSERT INTO spaces (entity_id, status, referent_person_id, activated_at)
                    VALUES (ent, 'pending', NULL, NULL) RETURNING id INTO sp;
                    INSERT INTO memberships (space_id, person_id)
                    SELECT sp, id FROM persons
                     WHERE email = CASE WHEN n < 2 THEN 'rita@bench.invalid'
                                        ELSE 'filer' || n || '@bench.invalid' END;
                    UPDATE spaces SET status = 'active', activated_at = now(),
                           referent_person_id = (SELECT id FROM persons
                               WHERE email = CASE WHEN n < 2 THEN 'rita@bench.invalid'
                                                  ELSE 'filer' || n || '@bench.invalid' END)
                     WHERE id = sp;
                    IF n < 2 THEN
                        INSERT INTO memberships (space_id, person_id)
                        SELECT sp, id FROM persons WHERE email = 'carla@bench.invalid';
                        INSERT INTO access_grants (space_id, person_id, workflow_key)
                        SELECT sp, id, 'subsidy' FROM persons WHERE email = 'carla@bench.invalid';
                    END IF;
                    n := n + 1;
                    EXIT;
                END IF;
            END LOOP;
        END LOOP;
    END IF;

    CREATE TEMP TABLE bench_spaces ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY e.ide) - 1 AS k, s.id AS space_id,
               s.referent_person_id AS filer
          FROM spaces s JOIN entities e ON e.id = s.entity_id
         WHERE e.name LIKE 'Bench %';
    CREATE TEMP TABLE bench_states (k int, state text, bucket text, progress int,
                                    final boolean) ON COMMIT DROP;
    -- one row per percent: 80 archived, 4 of each of the others
    INSERT INTO bench_states
    SELECT g, CASE WHEN g < 4 THEN 'draft' WHEN g < 8 THEN 'submitted'
                   WHEN g < 12 THEN 'in-review' WHEN g < 16 THEN 'incomplete'
                   WHEN g < 20 THEN 'decided' WHEN g < 90 THEN 'archived'
                   WHEN g < 97 THEN 'withdrawn' ELSE 'lapsed' END,
           CASE WHEN g < 4 THEN 'draft' WHEN g < 12 THEN 'in-progress'
                WHEN g < 16 THEN 'to-do' WHEN g < 20 THEN 'decision-unread'
                ELSE 'archived' END,
           CASE WHEN g < 4 THEN 0 WHEN g < 8 THEN 25 WHEN g < 16 THEN 50 ELSE 100 END,
           g >= 20
      FROM generate_series(0, 99) g;

    -- demand i: space 0 (Bench Kiosque) when i % 10 = 0, else one of the
    -- 199 others; its state by (i * 37) % 100; changed i minutes after a
    -- start some years back (the newest are the largest i)
    INSERT INTO demands (reference, workflow_key, definition_version, state, bucket, progress,
                         is_final, owner_person_id, owner_space_id, form_data, created_at,
                         updated_at, submitted_at, state_since)
    SELECT format('2020-%s', lpad(i::text, 7, '0')), 'subsidy', v_ver, st.state, st.bucket,
           st.progress, st.final, coalesce(c.id, sp.filer), sp.space_id,
           jsonb_build_object('project-title', 'Projet ' || i),
           t - interval '3 days', t, CASE WHEN st.state <> 'draft' THEN t - interval '2 days' END, t
      FROM generate_series(v_from, v_to) g(i)
      JOIN bench_spaces sp ON sp.k = CASE WHEN i % 10 = 0 THEN 0 ELSE 1 + i % 199 END
      JOIN bench_states st ON st.k = (i * 37) % 100
      LEFT JOIN persons c ON i % 10 = 0 AND c.email = 'carla@bench.invalid'
      CROSS JOIN LATERAL (SELECT timestamptz '2021-01-01' + make_interval(mins => i / 4) AS t) tt;

    IF v_writes > 0 AND NOT EXISTS (SELECT 1 FROM demands WHERE reference LIKE '2019-%') THEN
        -- spare work in space 1: drafts Carla saves, submitted demands Agnès takes
        INSERT INTO demands (reference, workflow_key, definition_version, state, bucket, progress,
                             is_final, owner_person_id, owner_space_id, form_data, updated_at,
                             submitted_at, state_since)
        SELECT format('2019-%s', lpad(g::text, 7, '0')), 'subsidy', v_ver,
               CASE WHEN g % 2 = 0 THEN 'draft' ELSE 'submitted' END,
               CASE WHEN g % 2 = 0 THEN 'draft' ELSE 'in-progress' END,
               CASE WHEN g % 2 = 0 THEN 0 ELSE 25 END, false,
               c.id, sp.space_id, '{}', now() - interval '1 year',
               CASE WHEN g % 2 = 1 THEN now() - interval '1 year' END, now() - interval '1 year'
          FROM generate_series(1, 2 * v_writes) g
          JOIN bench_spaces sp ON sp.k = 1
          JOIN persons c ON c.email = 'carla@bench.invalid';
        -- the demand whose page is read: in review, with its history
        INSERT INTO events (demand_id, demand_version, actor_kind, actor_person_id,
                            actor_space_id, actor_role, transition, from_state, to_state)
        SELECT d.id, 1, 'person', d.owner_person_id, d.owner_space_id, 'owner', 'create',
               NULL, 'draft'
          FROM demands d
         WHERE d.owner_space_id = (SELECT space_id FROM bench_spaces WHERE k = 0)
           AND d.state = 'in-review'
         ORDER BY d.reference DESC LIMIT 1;
    END IF;

    -- sessions (token = the cookie value, 43 base64url characters)
    FOR p IN SELECT * FROM (VALUES
            ('alice@bench.invalid', 'benchAlice', NULL::int),
            ('carla@bench.invalid', 'benchCarla', 0),
            ('carla@bench.invalid', 'benchCarlaAtelier', 1),
            ('agnes@bench.invalid', 'benchAgnes', NULL)) v(email, tok, k)
    LOOP
        INSERT INTO sessions (id_hash, person_id, csrf, space_id, assurance)
        SELECT encode(sha256(convert_to(rpad(p.tok, 43, 'A'), 'UTF8')), 'hex'),
               x.id, rpad(p.tok || 'Csrf', 43, 'B'),
               (SELECT space_id FROM bench_spaces WHERE k = p.k), 'verified'
          FROM persons x WHERE x.email = p.email
        ON CONFLICT (id_hash) DO UPDATE SET last_seen = now(), created_at = now();
    END LOOP;
    -- what a login keeps with the session (sql/0009_session_cache.sql)
    IF to_regproc('session_facts') IS NOT NULL THEN
        EXECUTE 'UPDATE sessions SET facts = session_facts(person_id) WHERE facts IS NULL';
    END IF;
END $seed$;
ANALYZE demands;
ANALYZE events;
ANALYZE sessions;

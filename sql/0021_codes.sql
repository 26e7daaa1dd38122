-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0021_codes.sql -- one-time codes: issued and checked by transitions
-- (effects issue-code, verify-code; engine/wf_code.c draws, hashes and
-- compares them, this file stores them).
--
--   codes.failures       wrong codes typed so far (counted by code_failed()
--                        in its own statement: it stays counted although
--                        the transition it came with is refused)
--   codes.locked_until   every third wrong code locks the code 30 minutes
--   demands.subject_space_id
--                        the space a demand is about, when it is not the
--                        demand's own: the space fx_create_space opened,
--                        the space a person asks to join.  A code letter
--                        goes to that space's entity.

ALTER TABLE codes ADD COLUMN failures int NOT NULL DEFAULT 0 CHECK (failures >= 0),
                  ADD COLUMN locked_until timestamptz;

-- the activation link of a code mailed as a link finds its demand by hash
CREATE INDEX codes_hash ON codes (code_hash);

ALTER TABLE demands ADD COLUMN subject_space_id uuid REFERENCES spaces (id);

COMMENT ON COLUMN demands.subject_space_id IS
    'the space this demand is about (opened by it, or asked to join), when not its owner space';

-- The latest code of a demand for a purpose, as the engine checks it.
CREATE FUNCTION code_current(p_demand uuid, p_purpose text,
                             OUT id uuid, OUT code_hash text, OUT expired boolean,
                             OUT used boolean, OUT locked boolean, OUT minutes_locked int)
LANGUAGE sql STABLE AS $$
    SELECT c.id, c.code_hash, c.expires_at <= now(), c.used_at IS NOT NULL,
           COALESCE(c.locked_until > now(), false),
           GREATEST(1, ceil(extract(epoch FROM (c.locked_until - now())) / 60))::int
      FROM codes c
     WHERE c.demand_id = p_demand AND c.purpose = p_purpose
     ORDER BY c.created_at DESC, c.id
     LIMIT 1;
$$;

-- A wrong code: counted; every third one locks the code for 30 minutes.
CREATE FUNCTION code_failed(p_code uuid, OUT failures int, OUT locked boolean)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE codes c
       SET failures = c.failures + 1,
           locked_until = CASE WHEN (c.failures + 1) % 3 = 0
                               THEN now() + interval '30 minutes' ELSE c.locked_until END
     WHERE c.id = p_code
    RETURNING c.failures, COALESCE(c.locked_until > now(), false) INTO failures, locked;
END $$;

-- issue-code: args {purpose, channel, valid, length, template,
--                   code, code_hash, expires_at (from engine/wf_code.c)}
-- The demand's earlier codes of the purpose stop working.  channel mail:
-- mailed to the owner (template, default one-time-code); letter: printed
-- on a letter to the entity of the space the demand is about (template,
-- default space-activation).  The plain code is only in the mail's or the
-- letter's data (the letter drops it once rendered).
CREATE FUNCTION fx_issue_code(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_space  uuid;
    v_entity uuid;
    v_name   text;
    v_data   jsonb;
BEGIN
    IF NOT (args ? 'code_hash' AND args ? 'code' AND args ? 'expires_at') THEN
        RAISE EXCEPTION 'issue-code: the engine did not draw the code'
            USING ERRCODE = 'feature_not_supported';
    END IF;
    UPDATE codes SET expires_at = LEAST(expires_at, now())
     WHERE demand_id = d.id AND purpose = args->>'purpose' AND used_at IS NULL;
    INSERT INTO codes (demand_id, person_id, purpose, channel, code_hash, expires_at)
    VALUES (d.id, d.owner_person_id, args->>'purpose', args->>'channel',
            args->>'code_hash', (args->>'expires_at')::timestamptz);
    v_data := jsonb_build_object('demand', d.id, 'reference', d.reference,
                                 'purpose', args->>'purpose', 'code', args->>'code',
                                 'expires_at', args->>'expires_at');
    IF args->>'channel' = 'mail' THEN
        PERFORM wf_queue_mails(d, jsonb_build_array(jsonb_build_object(
                    'to', 'owner',
                    'template', COALESCE(args->>'template', 'one-time-code'),
                    'data', v_data)), event_id, actor);
        RETURN;
    END IF;
    SELECT COALESCE(dm.subject_space_id, dm.owner_space_id) INTO v_space
      FROM demands dm WHERE dm.id = d.id;
    SELECT s.entity_id, e.name INTO v_entity, v_name
      FROM spaces s JOIN entities e ON e.id = s.entity_id WHERE s.id = v_space;
    IF v_entity IS NULL THEN
        RAISE EXCEPTION 'letter.no_address';
    END IF;
    PERFORM letter_enqueue(d.id, event_id, COALESCE(args->>'template', 'space-activation'),
                           letter_address_entity(v_entity),
                           v_data || jsonb_build_object('entity', v_name), d.lang);
END $$;

-- verify-code: args {purpose, field, code_id (the code engine/wf_code.c
-- found right)}.  Uses the code up in the transition's transaction; a code
-- used or expired meanwhile refuses the whole transition.
CREATE FUNCTION fx_verify_code(d demands, args jsonb, event_id bigint, actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE codes SET used_at = now()
     WHERE id = (args->>'code_id')::uuid AND demand_id = d.id
       AND purpose = args->>'purpose' AND used_at IS NULL AND expires_at > now()
       AND (locked_until IS NULL OR locked_until <= now());
    IF NOT FOUND THEN
        RAISE EXCEPTION 'code.used';
    END IF;
END $$;

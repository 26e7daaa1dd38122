-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0020_effects.sql -- how a transition's <effect> runs, and the letters
-- effects queue.
--
-- wf_effect() (0004) becomes a dispatcher: the action "grant-access" is the
-- function fx_grant_access(d demands, args jsonb, event_id bigint,
-- actor uuid) RETURNS void, written by the migration that implements it.
-- d is the demand as the transition leaves it (form_data with what was
-- just typed); args are the effect's arguments as written, plus what the
-- engine computed (engine/wf_effect.c: a code's hash, for instance).  An
-- action without its function refuses the transition (all rolled back).
--
-- letters: a letter a transition asks for (print-letter, a code sent by
-- post) is queued here in the transition's transaction, rendered to PDF by
-- a background job (never in a web worker), then printed and posted by the
-- agents of the print queue.

CREATE OR REPLACE FUNCTION wf_effect(d demands, name text, args jsonb, event_id bigint,
                                     actor uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_fn text;
BEGIN
    IF name = 'noop' THEN
        RETURN;
    END IF;
    IF name !~ '^[a-z][a-z0-9-]{0,40}$' THEN
        RAISE EXCEPTION 'effect not implemented: %', name
            USING ERRCODE = 'feature_not_supported';
    END IF;
    v_fn := 'fx_' || replace(name, '-', '_');
    IF to_regprocedure(v_fn || '(demands, jsonb, bigint, uuid)') IS NULL THEN
        RAISE EXCEPTION 'effect not implemented: %', name
            USING ERRCODE = 'feature_not_supported';
    END IF;
    EXECUTE format('SELECT %I($1, $2, $3, $4)', v_fn) USING d, args, event_id, actor;
END $$;

-- The value of an effect argument: "ARG-field" names a form field whose
-- value (from d.form_data) is returned; else ARG as written; else NULL.
--   fx_arg(d, args, 'entity')   -- entity-field="ide" -> the IDE typed
CREATE FUNCTION fx_arg(d demands, args jsonb, arg text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
           WHEN args ? (arg || '-field')
           THEN NULLIF(btrim(d.form_data ->> (args ->> (arg || '-field'))), '')
           ELSE args ->> arg END;
$$;

-- --- letters ------------------------------------------------------------------

CREATE TABLE letters (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    demand_id    uuid        REFERENCES demands (id) ON DELETE CASCADE,
    event_id     bigint,                  -- the transition that asked for it
    template     text        NOT NULL CHECK (template ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    lang         text        NOT NULL DEFAULT 'fr' CHECK (lang IN ('fr', 'de', 'en')),
    -- the postal address, as printed in the envelope window:
    -- {name, care_of, street, house_number, post_box, postcode, locality, country}
    recipient    jsonb       NOT NULL CHECK (jsonb_typeof(recipient) = 'object'
                                             AND recipient ? 'name'
                                             AND recipient ? 'postcode'
                                             AND recipient ? 'locality'),
    -- what the template shows (reference, code, expiry...); the key "code"
    -- is removed once the PDF is made: the letter is then the only copy
    data         jsonb       NOT NULL DEFAULT '{}',
    status       text        NOT NULL DEFAULT 'queued'
                             CHECK (status IN ('queued', 'rendered', 'failed', 'sent',
                                               'cancelled')),
    document_id  uuid        REFERENCES documents (id) ON DELETE SET NULL,
    attempts     int         NOT NULL DEFAULT 0,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    rendered_at  timestamptz,
    sent_at      timestamptz,
    sent_by      uuid        REFERENCES persons (id),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

CREATE INDEX letters_todo ON letters (created_at, id) WHERE status IN ('queued', 'rendered');
CREATE INDEX letters_demand ON letters (demand_id);

COMMENT ON TABLE letters IS
    'letters to post: queued by a transition, rendered to PDF by a background job, '
    'printed and marked sent by the print queue''s agents';

-- The registered postal address of an entity, as letters.recipient.
CREATE FUNCTION letter_address_entity(p_entity uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
               'name', e.name, 'care_of', e.care_of, 'street', e.street,
               'house_number', e.house_number, 'post_box', e.post_box,
               'postcode', e.postcode, 'locality', e.locality, 'country', e.country))
      FROM entities e WHERE e.id = p_entity;
$$;

-- Queues a letter of demand p_demand (in the caller's transaction).
CREATE FUNCTION letter_enqueue(p_demand uuid, p_event bigint, p_template text,
                               p_recipient jsonb, p_data jsonb, p_lang text DEFAULT 'fr')
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    IF p_recipient IS NULL THEN
        RAISE EXCEPTION 'letter.no_address';
    END IF;
    INSERT INTO letters (demand_id, event_id, template, lang, recipient, data)
    VALUES (p_demand, p_event, p_template, COALESCE(p_lang, 'fr'), p_recipient,
            COALESCE(p_data, '{}'))
    RETURNING id INTO v_id;
    RETURN v_id;
END $$;

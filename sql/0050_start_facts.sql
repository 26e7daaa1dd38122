-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0050_start_facts.sql -- "may I start this procedure?" read once per
-- batch and judged per procedure (issue 12).
--
-- The dashboard asks start-demand for every procedure published (the
-- bench: 2; the demo: 6), in its own statement (0046).  Each was a whole
-- authz_may(): the reader's administrator flag, membership of the
-- context, its entity, référent standing and grants read again, 0.11 ms a
-- question (pgbench, one client), 0.2 ms of a bench dashboard's 0.5.  The
-- start-demand rule of 0014 is now two functions, as 0042 did for demands:
--
--   az_start_facts(person, context)  what the rule reads of the reader:
--       member of the context, its entity's legal form, référent, the
--       procedures granted there.
--   az_start_judge(facts, context, procedure, audience)  the verdict for
--       one procedure, from the facts and the procedure's definition.
--
-- authz_may's start-demand is judge(facts(...)), the same answers word for
-- word (its other actions are 0014's, copied whole: a migration replaces a
-- function whole), and authz_may_many (0042, copied whole) judges every
-- start-demand of a batch from one az_start_facts().  Proven equal to
-- 0014's rule, question by question, in tests/integration/test_start_facts.py.

CREATE TYPE az_start_fact AS (
    member      boolean,    -- the reader is a member of the (active) context
    legal_form  text,       -- the context's entity's legal form
    referent    boolean,    -- ... and its référent
    grants      text[]      -- the procedures granted to the reader there
);

CREATE FUNCTION az_start_facts(p_person uuid, p_context uuid)
RETURNS az_start_fact
LANGUAGE plpgsql STABLE AS $$
DECLARE
    f az_start_fact;
BEGIN
    f.member := p_context IS NOT NULL AND az_member(p_person, p_context);
    f.referent := false;
    f.grants := '{}';
    IF f.member THEN
        SELECT e.legal_form INTO f.legal_form
          FROM spaces s JOIN entities e ON e.id = s.entity_id
         WHERE s.id = p_context;
        f.referent := az_referent(p_person, p_context);
        -- az_granted's rows: the member test is the one above
        f.grants := ARRAY(SELECT g.workflow_key FROM access_grants g
                           WHERE g.space_id = p_context AND g.person_id = p_person
                             AND g.revoked_at IS NULL);
    END IF;
    RETURN f;
END $$;

-- 0014's start-demand, from the facts.  arg: the audience: personal |
-- professional | any, optionally "professional:kind kind..." (entity kinds
-- or legal forms allowed).
CREATE FUNCTION az_start_judge(f az_start_fact, p_context uuid, p_object text, p_arg text,
                               OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_aud    text;
    v_kinds  text[];
    v_def    record;
BEGIN
    verdict := 'deny';
    reason := 'err.forbidden';
    v_aud := COALESCE(NULLIF(split_part(COALESCE(p_arg, ''), ':', 1), ''), 'any');
    v_kinds := NULLIF(regexp_split_to_array(btrim(substr(p_arg, length(v_aud) + 2)),
                                             '[\s,]+'), '{""}');
    SELECT * INTO v_def FROM az_definition(p_object, NULL);
    IF NOT v_def.known THEN
        verdict := 'notfound';
    ELSIF p_context IS NULL THEN
        IF v_aud = 'professional' THEN
            reason := 'authz.professional_only';
        ELSE
            verdict := 'allow';
        END IF;
    ELSIF NOT f.member THEN
        reason := 'authz.not_member';
    ELSIF v_aud = 'personal' THEN
        reason := 'authz.personal_only';
    ELSIF v_kinds IS NOT NULL AND NOT (f.legal_form = ANY (v_kinds)
                                       OR entity_kind(f.legal_form) = ANY (v_kinds)) THEN
        reason := 'authz.entity_kind';
    ELSIF v_def.protected AND NOT (f.referent OR p_object = ANY (f.grants)) THEN
        reason := 'authz.no_grant';
    ELSE
        verdict := 'allow';
    END IF;
END $$;

-- 0014's authz_may, its start-demand branch judged from the facts (and the
-- three variables only that branch used gone); every other action as it was.
CREATE OR REPLACE FUNCTION authz_may(p_person uuid, p_context uuid, p_action text, p_object text,
                          p_arg text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_admin   boolean := az_admin(p_person);
    v_id      uuid;
    v_space   spaces;
    v_def     record;
BEGIN
    verdict := 'deny';
    reason := 'err.forbidden';
    IF p_person IS NULL THEN
        reason := 'err.login_needed';
        RETURN;
    END IF;

    CASE p_action
    WHEN 'admin' THEN
        IF v_admin THEN verdict := 'allow'; ELSE reason := 'authz.admin_only'; END IF;

    WHEN 'switch-context' THEN
        IF p_object IS NULL OR p_object = '' THEN
            verdict := 'allow';                 -- for oneself: always
            RETURN;
        END IF;
        v_id := az_uuid(p_object);
        SELECT * INTO v_space FROM spaces WHERE id = v_id;
        IF NOT FOUND THEN
            verdict := 'notfound';
        ELSIF v_space.status <> 'active' THEN
            reason := 'authz.space_inactive';
        ELSIF az_member(p_person, v_id) THEN
            verdict := 'allow';
        ELSE
            reason := 'authz.not_member';
        END IF;

    WHEN 'manage-members', 'grant-access' THEN
        v_id := az_uuid(p_object);
        SELECT * INTO v_space FROM spaces WHERE id = v_id;
        IF NOT FOUND THEN
            verdict := 'notfound';
        ELSIF v_space.status <> 'active' THEN
            reason := 'authz.space_inactive';
        ELSIF NOT (az_referent(p_person, v_id)
                   OR az_delegate(p_person, v_id,
                                  CASE p_action WHEN 'manage-members' THEN 'members'
                                                ELSE 'grants' END)) THEN
            reason := 'authz.not_referent';
        ELSIF p_context IS DISTINCT FROM v_id THEN
            reason := 'authz.wrong_context';    -- they may, but acting for another context
        ELSE
            verdict := 'allow';
        END IF;

    WHEN 'use-service' THEN
        v_id := COALESCE(az_uuid(p_object), p_context);
        IF v_id IS NULL THEN
            reason := 'authz.professional_only';
        ELSIF NOT EXISTS (SELECT 1 FROM spaces WHERE id = v_id) THEN
            verdict := 'notfound';
        ELSIF NOT az_member(p_person, v_id) THEN
            reason := 'authz.not_member';
        ELSIF p_context IS DISTINCT FROM v_id THEN
            reason := 'authz.wrong_context';
        ELSIF az_referent(p_person, v_id) OR az_granted(p_person, v_id, p_arg) THEN
            verdict := 'allow';
        ELSE
            reason := 'authz.no_grant';
        END IF;

    WHEN 'start-demand' THEN
        SELECT j.verdict, j.reason INTO verdict, reason
          FROM az_start_judge(az_start_facts(p_person, p_context), p_context, p_object, p_arg) j;

    WHEN 'work-queue' THEN
        IF NOT EXISTS (SELECT 1 FROM agent_groups WHERE id = p_object) THEN
            verdict := 'notfound';
        ELSIF EXISTS (SELECT 1 FROM agent_members
                       WHERE group_id = p_object AND person_id = p_person) THEN
            verdict := 'allow';
        ELSE
            reason := 'authz.not_agent';
        END IF;

    WHEN 'third-party' THEN
        IF NOT EXISTS (SELECT 1 FROM third_party_groups WHERE id = p_object) THEN
            verdict := 'notfound';
        ELSIF EXISTS (SELECT 1 FROM third_party_members
                       WHERE group_id = p_object AND person_id = p_person) THEN
            verdict := 'allow';
        ELSE
            reason := 'authz.not_third_party';
        END IF;

    WHEN 'view-demand', 'fire-transition' THEN
        SELECT * INTO verdict, reason
          FROM az_demand(p_person, p_context, v_admin, az_uuid(p_object),
                         CASE p_action WHEN 'view-demand' THEN NULL
                                       ELSE COALESCE(p_arg, '') END);

    WHEN 'view-document' THEN
        SELECT * INTO verdict, reason
          FROM az_document(p_person, p_context, v_admin, az_uuid(p_object));

    ELSE
        -- an action added after 0003 is a function az_action_<action>
        -- (dashes as underscores) of (person, context, admin, object, arg),
        -- defined by the migration that adds it: authz_may is written once
        IF p_action !~ '^[a-z][a-z-]{0,40}$'
           OR to_regprocedure(format('az_action_%s(uuid,uuid,boolean,text,text)',
                                     replace(p_action, '-', '_'))) IS NULL THEN
            RAISE EXCEPTION 'authz_may: unknown action %', p_action
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        EXECUTE format('SELECT verdict, reason FROM %I($1, $2, $3, $4, $5)',
                       'az_action_' || replace(p_action, '-', '_'))
           INTO verdict, reason USING p_person, p_context, v_admin, p_object, p_arg;
    END CASE;
END $$;

-- 0042's authz_may_many: start-demand questions judged from one reading of
-- the reader's facts per batch; the rest as it was.
CREATE OR REPLACE FUNCTION authz_may_many(p_person uuid, p_context uuid, p_questions jsonb,
                               OUT verdict text, OUT reason text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    q        record;
    v_admin  boolean;
    v_obj    text;              -- the demand whose facts are in v_facts
    v_facts  az_demand_fact;
    v_seen   jsonb := '{}';     -- answers by question
    v_key    text;
    v_start  az_start_fact;     -- the reader's start-demand facts ...
    v_read   boolean := false;  -- ... once read
BEGIN
    FOR q IN SELECT x.v, x.v->>0 AS a, x.v->>1 AS o, x.v->>2 AS g
               FROM jsonb_array_elements(p_questions) WITH ORDINALITY AS x(v, i)
              ORDER BY x.i
    LOOP
        v_key := q.v::text;
        IF v_seen ? v_key THEN
            verdict := v_seen->v_key->>0;
            reason := v_seen->v_key->>1;
        ELSIF p_person IS NOT NULL
              AND q.a IN ('view-demand', 'fire-transition', 'post-message') THEN
            IF v_obj IS NULL OR v_obj <> coalesce(q.o, '') THEN
                v_admin := coalesce(v_admin, az_admin(p_person));
                v_facts := az_demand_facts(p_person, p_context, v_admin, az_uuid(q.o));
                v_obj := coalesce(q.o, '');
            END IF;
            IF q.a = 'post-message' THEN
                SELECT j.verdict, j.reason INTO verdict, reason
                  FROM az_post_message_judge(v_facts) j;
            ELSE
                SELECT j.verdict, j.reason INTO verdict, reason
                  FROM az_demand_judge(v_facts, az_demand_roles(q.a, q.g)) j;
            END IF;
        ELSIF p_person IS NOT NULL AND q.a = 'start-demand' THEN
            IF NOT v_read THEN
                v_start := az_start_facts(p_person, p_context);
                v_read := true;
            END IF;
            SELECT j.verdict, j.reason INTO verdict, reason
              FROM az_start_judge(v_start, p_context, q.o, q.g) j;
        ELSE
            SELECT m.verdict, m.reason INTO verdict, reason
              FROM authz_may(p_person, p_context, q.a, q.o, q.g) m;
        END IF;
        v_seen := v_seen || jsonb_build_object(v_key, jsonb_build_array(verdict, reason));
        RETURN NEXT;
    END LOOP;
END $$;

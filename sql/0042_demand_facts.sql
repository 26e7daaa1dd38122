-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0042_demand_facts.sql -- who may do what on a demand, read once per
-- demand and judged per question (issue 12).
--
-- A demand page asks several questions about one demand in one batch
-- (may the reader fire each of its steps, is the reader its owner, may the
-- reader write a message): each was a whole az_demand() call, reading the
-- demand, its procedure, the reader's memberships, delegations, grants and
-- groups again (~0.15 ms each, 5-6 per page, measured with bench/ and
-- pg_stat_statements).  The rule is now two functions:
--
--   az_demand_facts(person, context, admin, demand)  what the rule reads:
--       the reader's side of the demand (owner, handler, staff, why not),
--       the référent/delegate standing in the demand's space, the reader's
--       groups.  Every table read of 0036's az_demand, in one place.
--   az_demand_judge(facts, roles)  the verdict for one question, from the
--       facts alone (no table read): 0036's tail, word for word.
--
-- az_demand() (same signature, all callers unchanged) is judge(facts(...)),
-- and 0018's post-message is az_post_message_judge(facts(...));
-- authz_may_many() answers a batch with one facts() per demand.  Proven
-- equal to authz_may() question by question in
-- tests/integration/test_demand_facts.py.

CREATE TYPE az_demand_fact AS (
    found        boolean,   -- the demand exists
    owner_space  uuid,      -- its owner space (NULL: a personal demand)
    target       uuid,      -- a personal demand's target space (form_data)
    in_draft     boolean,   -- bucket = 'draft'
    is_owner     boolean,   -- may act for the demand's owner
    handler      boolean,   -- référent/delegate of the target or owner space, in it
    staff        boolean,   -- an agent or third party the procedure or data names
    admin        boolean,   -- the reader is an administrator (as asked)
    why          text,      -- why a related person is refused
    ctx_ok       boolean,   -- the reader acts in coalesce(owner_space, target)
    ctx_referent boolean,   -- ... and is its référent
    ctx_members  boolean,   -- ... or its delegate for members
    ctx_grants   boolean,   -- ... or for grants
    def_agent    boolean,   -- member of an agent group the procedure names
    roles        text[]     -- 'agent:G' and 'third-party:G' of the reader's groups
);

CREATE FUNCTION az_demand_facts(p_person uuid, p_context uuid, p_admin boolean,
                                p_demand uuid)
RETURNS az_demand_fact
LANGUAGE plpgsql STABLE AS $$
DECLARE
    d      record;
    v_def  record;
    v_ag   text[];
    v_tg   text[];
    f      az_demand_fact;
BEGIN
    f.found := false;
    f.is_owner := false;
    f.handler := false;
    f.staff := false;
    f.admin := coalesce(p_admin, false);
    f.ctx_ok := false;
    f.ctx_referent := false;
    f.ctx_members := false;
    f.ctx_grants := false;
    f.def_agent := false;
    f.roles := '{}';
    SELECT dm.owner_person_id, dm.owner_space_id, dm.workflow_key, dm.definition_version,
           dm.form_data, dm.bucket, dm.data_roles, dm.filed_by, dm.filed_group,
           dm.submitted_at
      INTO d FROM demands dm WHERE dm.id = p_demand;
    IF NOT FOUND THEN
        RETURN f;
    END IF;
    f.found := true;
    f.owner_space := d.owner_space_id;
    f.in_draft := d.bucket = 'draft';
    SELECT * INTO v_def FROM az_definition(d.workflow_key, d.definition_version);

    -- the owner side
    IF d.owner_space_id IS NULL THEN
        IF d.owner_person_id = p_person THEN
            IF p_context IS NULL THEN
                f.is_owner := true;
            ELSE
                f.why := 'authz.switch_to_self';
            END IF;
        END IF;
        f.target := az_uuid(d.form_data->>'target_space');
        IF f.target IS NOT NULL
           AND (az_referent(p_person, f.target) OR az_delegate(p_person, f.target, 'members')
                OR az_delegate(p_person, f.target, 'grants')) THEN
            IF p_context = f.target THEN
                f.handler := true;
            ELSE
                f.why := COALESCE(f.why, 'authz.wrong_context');
            END IF;
        END IF;
    ELSIF az_member(p_person, d.owner_space_id) THEN
        IF p_context IS DISTINCT FROM d.owner_space_id THEN
            f.why := 'authz.wrong_context';
        ELSIF az_referent(p_person, d.owner_space_id)
           OR az_granted(p_person, d.owner_space_id, d.workflow_key)
           OR (NOT v_def.protected AND d.owner_person_id = p_person) THEN
            f.is_owner := true;
        -- 0025 (a space's delegates see its requests)
        ELSIF NOT v_def.protected AND d.bucket <> 'draft'
              AND (az_delegate(p_person, d.owner_space_id, 'members')
                   OR az_delegate(p_person, d.owner_space_id, 'grants')) THEN
            f.handler := true;          -- sees it; acts only through referent:DUTY
        ELSE
            f.why := 'authz.no_grant';
        END IF;
    ELSIF d.owner_person_id = p_person THEN
        f.why := 'authz.not_member';           -- filed it, detached since
    END IF;

    -- the reader's groups (agents, third parties)
    v_ag := ARRAY(SELECT am.group_id FROM agent_members am WHERE am.person_id = p_person);
    v_tg := ARRAY(SELECT tm.group_id FROM third_party_members tm WHERE tm.person_id = p_person);
    f.roles := ARRAY(SELECT 'agent:' || g FROM unnest(v_ag) AS g
                     UNION ALL
                     SELECT 'third-party:' || g FROM unnest(v_tg) AS g);

    -- 0036, at the counter: the agent who filed the draft for the person
    -- plays its owner until it is first submitted, while still a member of
    -- the group they filed it for, acting for themself
    IF d.filed_by = p_person AND d.bucket = 'draft' AND d.submitted_at IS NULL
       AND d.filed_group = ANY (v_ag) THEN
        IF p_context IS NULL THEN
            f.is_owner := true;
        ELSE
            f.why := COALESCE(f.why, 'authz.switch_to_self');
        END IF;
    END IF;

    -- the staff side: agents and third parties of the groups the procedure
    -- names, or the demand's data names (0026), once it has left the drafts
    f.def_agent := v_ag && v_def.agent_groups;
    f.staff := d.bucket <> 'draft'
               AND (f.def_agent OR v_tg && v_def.third_groups
                    OR f.roles && coalesce(d.data_roles, '{}'));

    -- the référent roles: in the demand's space (or a personal demand's target)
    f.ctx_ok := coalesce(p_context = COALESCE(d.owner_space_id, f.target), false);
    IF f.ctx_ok THEN
        f.ctx_referent := az_referent(p_person, p_context);
        f.ctx_members := az_delegate(p_person, p_context, 'members');
        f.ctx_grants := az_delegate(p_person, p_context, 'grants');
    END IF;
    RETURN f;
END $$;

-- The verdict for one question from the facts: p_roles NULL asks "may the
-- reader see it"; otherwise the engine's normalised role items, one blank
-- apart (wf_people_roles), each compared whole, never parsed.
CREATE FUNCTION az_demand_judge(f az_demand_fact, p_roles text,
                                OUT verdict text, OUT reason text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_view boolean;
    v_role text;
BEGIN
    verdict := 'notfound';
    reason := 'err.notfound';
    IF NOT coalesce(f.found, false) THEN
        RETURN;
    END IF;
    v_view := f.is_owner OR f.handler OR f.staff OR f.admin;
    IF p_roles IS NULL THEN
        IF v_view THEN
            verdict := 'allow';
            reason := NULL;
            RETURN;
        END IF;
    ELSE
        FOREACH v_role IN ARRAY string_to_array(p_roles, ' ')
        LOOP
            IF (v_role = 'owner' AND f.is_owner)
               OR (v_role = 'member' AND f.owner_space IS NOT NULL AND f.is_owner)
               OR (v_role IN ('referent', 'referent:members', 'referent:grants')
                   AND f.ctx_ok
                   AND (f.ctx_referent
                        OR (v_role = 'referent:members' AND f.ctx_members)
                        OR (v_role = 'referent:grants' AND f.ctx_grants)))
               OR (NOT f.in_draft AND ((v_role = 'agent' AND f.def_agent)
                                       OR v_role = ANY (f.roles))) THEN
                verdict := 'allow';
                reason := NULL;
                RETURN;
            END IF;
            -- 'system' never matches: timers act without a request
        END LOOP;
        IF v_view THEN
            verdict := 'deny';
            reason := CASE WHEN f.admin AND NOT (f.is_owner OR f.handler OR f.staff)
                           THEN 'authz.read_only' ELSE 'authz.not_your_step' END;
            RETURN;
        END IF;
    END IF;
    IF f.why IS NOT NULL THEN
        verdict := 'deny';
        reason := f.why;
    END IF;
END $$;

-- 0036's az_demand: the same answers, from the two halves above.
CREATE OR REPLACE FUNCTION az_demand(p_person uuid, p_context uuid, p_admin boolean, p_demand uuid,
                          p_roles text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT j.verdict, j.reason INTO verdict, reason
      FROM az_demand_judge(az_demand_facts(p_person, p_context, p_admin, p_demand), p_roles) j;
END $$;

-- The roles a demand question of authz_may (0003) asks: view-demand any,
-- fire-transition the step's role items.
CREATE FUNCTION az_demand_roles(p_action text, p_arg text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_action WHEN 'view-demand' THEN NULL ELSE COALESCE(p_arg, '') END;
$$;

-- A batch of questions (engine/authz.c authz_check_many), answered in the
-- order asked: each distinct question once; the demand questions
-- (view-demand, fire-transition, post-message) of one demand from one
-- az_demand_facts();
-- every other question by authz_may().  Planned once per connection.
CREATE FUNCTION authz_may_many(p_person uuid, p_context uuid, p_questions jsonb,
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
        ELSE
            SELECT m.verdict, m.reason INTO verdict, reason
              FROM authz_may(p_person, p_context, q.a, q.o, q.g) m;
        END IF;
        v_seen := v_seen || jsonb_build_object(v_key, jsonb_build_array(verdict, reason));
        RETURN NEXT;
    END LOOP;
END $$;

-- post-message (0018) from the same facts: the owner side or an agent of a
-- group the procedure names (roles 'owner agent'), not on a draft.
CREATE FUNCTION az_post_message_judge(f az_demand_fact, OUT verdict text, OUT reason text)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    SELECT j.verdict, j.reason INTO verdict, reason FROM az_demand_judge(f, 'owner agent') j;
    IF verdict = 'allow' AND f.in_draft THEN
        verdict := 'deny';
        reason := 'message.draft';
    ELSIF verdict = 'deny' AND reason = 'authz.not_your_step' THEN
        reason := 'message.not_yours';
    END IF;
END $$;

CREATE OR REPLACE FUNCTION az_action_post_message(p_person uuid, p_context uuid, p_admin boolean,
                  p_object text, p_arg text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT j.verdict, j.reason INTO verdict, reason
      FROM az_post_message_judge(az_demand_facts(p_person, p_context, p_admin,
                                                 az_uuid(p_object))) j;
END $$;

-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0015_drafts.sql -- drafts: one given up was never submitted; its timers
-- count from its last change; a new draft may be copied from a demand
-- (wf_duplicate).
--
-- wf_apply (0004) stamps submitted_at when a demand leaves the draft
-- bucket, and a final state without progress= takes 100 (wf_check.c).  A
-- draft that goes straight to a final state (subsidy's "discard" to
-- "withdrawn") was therefore shown "Transmise le ..." at 100 %.  This
-- trigger keeps such a demand unsubmitted, at progress 0: it left the
-- drafts without ever being under way.  Nothing else in wf_apply changes.

CREATE FUNCTION demands_draft_given_up() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.bucket = 'draft' AND OLD.submitted_at IS NULL AND NEW.is_final THEN
        NEW.submitted_at := NULL;
        NEW.progress := 0;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER demands_draft_given_up
    BEFORE UPDATE OF state ON demands
    FOR EACH ROW EXECUTE FUNCTION demands_draft_given_up();

-- the drafts already given up
UPDATE demands d SET submitted_at = NULL, progress = 0
 WHERE d.is_final AND d.submitted_at IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM events ev
                    WHERE ev.demand_id = d.id AND ev.from_state IS DISTINCT FROM ev.to_state
                      AND ev.transition NOT IN ('create')
                      AND ev.to_state IS NOT NULL
                      AND ev.demand_version < (SELECT max(e2.demand_version) FROM events e2
                                                WHERE e2.demand_id = d.id));

-- A draft's timers count from its last change, like its purge.
--
-- wf_save (0004) moves a draft's purge timer to "now + expires" each time
-- the owner saves; the other timers of the state (subsidy's purge-warning,
-- 7 days before the purge) kept counting from the draft's creation and
-- would warn of a purge that no longer comes.  When a pending purge timer
-- moves later (a save), the pending timers of the same demand and state
-- move by as much.  Moved earlier (by hand, by a test), it takes nothing
-- along: a warning is never brought forward by it.

CREATE FUNCTION timers_follow_purge() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE timers t SET due_at = t.due_at + (NEW.due_at - OLD.due_at)
     WHERE t.demand_id = NEW.demand_id AND t.state = NEW.state
       AND t.status = 'pending' AND t.action = 'fire';
    RETURN NULL;
END $$;

CREATE TRIGGER timers_follow_purge
    AFTER UPDATE OF due_at ON timers
    FOR EACH ROW
    WHEN (NEW.action = 'purge' AND NEW.status = 'pending' AND OLD.status = 'pending'
          AND NEW.due_at > OLD.due_at)
    EXECUTE FUNCTION timers_follow_purge();

-- A new draft copied from an earlier demand (engine/wf_demand.c
-- wf_demand_duplicate): wf_create(c) with c->'form_data' holding the
-- plain values, then a copy of each document the fields p_files point at
-- in the source, for the new draft and under a new id.  Documents belong
-- to one demand (a purged draft takes its documents along), so the bytes
-- are copied inside the database rather than shared; nobody uploads them
-- again.  One statement: the draft and its copies, or nothing.
CREATE FUNCTION wf_duplicate(c jsonb, p_files text[]) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    src    demands;
    d      demands;
    created jsonb;
    f      text;
    ref    jsonb;
    new_id uuid;
    refs   jsonb := '{}';
BEGIN
    SELECT * INTO src FROM demands WHERE id = (c->>'source')::uuid;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no demand %', c->>'source' USING ERRCODE = 'no_data_found';
    END IF;
    created := wf_create(c);
    SELECT * INTO d FROM demands WHERE id = (created->>'id')::uuid;
    FOREACH f IN ARRAY COALESCE(p_files, '{}') LOOP
        ref := src.form_data->f;
        CONTINUE WHEN ref IS NULL OR jsonb_typeof(ref) <> 'object' OR ref->>'document' IS NULL;
        new_id := gen_random_uuid();
        INSERT INTO documents (id, owner_person_id, owner_space_id, demand_id, field, filename,
                               mime, content, uploaded_by)
        SELECT new_id, d.owner_person_id, d.owner_space_id, d.id, f, doc.filename, doc.mime,
               doc.content, (c->'actor'->>'person')::uuid
          FROM documents doc
         WHERE doc.id = (ref->>'document')::uuid AND doc.demand_id = src.id;
        IF FOUND THEN
            refs := refs || jsonb_build_object(f, ref || jsonb_build_object('document', new_id));
        END IF;
    END LOOP;
    IF refs <> '{}' THEN
        UPDATE demands SET form_data = form_data || refs WHERE id = d.id RETURNING * INTO d;
    END IF;
    RETURN to_jsonb(d);
END $$;

-- The purge warning is a reminder a person may turn off in their
-- notification preferences (0014's account_mail_kinds).
INSERT INTO account_mail_kinds (template, kind) VALUES ('draft-expiring', 'reminder');

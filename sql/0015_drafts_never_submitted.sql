-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0015_drafts_never_submitted.sql -- a draft given up was never submitted.
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

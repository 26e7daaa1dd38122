-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0016: which pages of its form a demand's owner has saved (the progress
-- list marks only those as done: a page never visited is not "done").
-- Written by wf_save_page, which wraps wf_save (0004) so that whatever
-- wf_save becomes, a save and its page mark commit together.

ALTER TABLE demands ADD COLUMN pages_saved text[] NOT NULL DEFAULT '{}';

-- wf_save's document plus "page": the id of the page saved (absent: a save
-- not tied to one page).  Returns wf_save's answer.
CREATE FUNCTION wf_save_page(c jsonb, files bytea[] DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    a jsonb;
BEGIN
    a := wf_save(c, files);
    IF a->>'status' = 'ok' AND c ? 'page' THEN
        UPDATE demands
           SET pages_saved = pages_saved || (c->>'page')
         WHERE id = (c->>'demand')::uuid AND NOT (c->>'page' = ANY (pages_saved));
    END IF;
    RETURN a;
END $$;

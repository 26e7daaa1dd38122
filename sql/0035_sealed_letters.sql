-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0035_sealed_letters.sql -- a letter that carries a one-time code is
-- sealed: its PDF reaches the person by post only.
--
-- The activation code of a professional space proves that the applicant
-- receives the entity's mail at its registered address.  Its letter's PDF
-- is a document of the demand (letters_job.c, sql/0023), which the demand's
-- owner side could otherwise download as soon as it is typeset -- before
-- the post, from anywhere -- and the code would prove nothing.  So:
--   letters.sealed        true for a letter queued with a code (data ? 'code')
--   az_document_do        refuses a sealed letter's PDF to everyone
--                         (authz.sealed_letter); the print office reads it
--                         through its own door (AZ_PRINT_LETTERS, h_letters.c)
--   document_sealed()     for the demand page, which does not list it

ALTER TABLE letters ADD COLUMN sealed boolean NOT NULL DEFAULT false;

UPDATE letters SET sealed = true WHERE template = 'space-activation' OR data ? 'code';

CREATE FUNCTION letters_seal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.sealed := NEW.sealed OR COALESCE(NEW.data ? 'code', false);
    RETURN NEW;
END $$;

CREATE TRIGGER letters_seal BEFORE INSERT ON letters
    FOR EACH ROW EXECUTE FUNCTION letters_seal();

CREATE INDEX letters_sealed_document ON letters (document_id) WHERE sealed;

CREATE FUNCTION document_sealed(p_doc uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM letters l WHERE l.document_id = p_doc AND l.sealed);
$$;

-- 0017's az_document_do, with the sealed letter refused first.
CREATE OR REPLACE FUNCTION az_document_do(p_person uuid, p_context uuid, p_admin boolean,
                                          p_doc uuid, p_manage boolean,
                                          OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v record;
BEGIN
    verdict := 'notfound';
    reason := 'err.notfound';
    SELECT doc.demand_id, doc.owner_person_id, doc.owner_space_id
      INTO v FROM documents doc WHERE doc.id = p_doc;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF v.demand_id IS NOT NULL THEN
        IF NOT p_manage THEN
            SELECT * INTO verdict, reason
              FROM az_demand(p_person, p_context, p_admin, v.demand_id, NULL);
            IF verdict = 'allow' AND document_sealed(p_doc) THEN
                verdict := 'deny';
                reason := 'authz.sealed_letter';
            END IF;
        END IF;
        RETURN;
    END IF;
    IF az_wallet_owner(p_person, p_context, v.owner_person_id, v.owner_space_id) THEN
        verdict := 'allow';
        reason := NULL;
    ELSIF p_admin THEN
        IF p_manage THEN
            verdict := 'deny';
            reason := 'authz.read_only';
        ELSE
            verdict := 'allow';
            reason := NULL;
        END IF;
    ELSIF v.owner_person_id = p_person AND v.owner_space_id IS NULL THEN
        verdict := 'deny';
        reason := 'authz.switch_to_self';
    ELSIF v.owner_space_id IS NOT NULL AND az_member(p_person, v.owner_space_id) THEN
        verdict := 'deny';
        reason := 'authz.wrong_context';
    END IF;
END $$;

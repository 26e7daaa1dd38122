-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0017: the document wallet ("porte-documents", issue 10 §2).
--
-- A wallet document is a row of `documents` with no demand: owner_space_id
-- NULL for a person's own wallet (owner_person_id), set for a professional
-- space's wallet (owner_person_id is then whoever uploaded it).  This file
-- owns: the categories, the de-duplication by sha256 per owner space, the
-- functions that add, rename and delete wallet documents (engine/wallet.c
-- calls them), the wallet rules of az_document, and the new action
-- 'manage-document' of authz_may (docs/access.md).
--
-- Picking a wallet document in a form field copies it: the runtime stores
-- the bytes again as that demand's document (like any upload, through the
-- same checks), with source_document naming the wallet row.  The demand
-- keeps its copy whatever happens to the wallet, and agents see the copy
-- (a document of a demand they may see), never the wallet row.

CREATE TABLE document_categories (
    key      text PRIMARY KEY CHECK (key ~ '^[a-z][a-z-]{0,30}$'),
    position int  NOT NULL UNIQUE
);

-- the same list as engine/wallet.c's wallet_categories (a test compares)
INSERT INTO document_categories (key, position) VALUES
    ('identity', 1), ('statutes', 2), ('minutes', 3), ('budget', 4),
    ('certificate', 5), ('decision', 6), ('letter', 7), ('other', 8);

ALTER TABLE documents
    ADD COLUMN category        text REFERENCES document_categories (key),
    ADD COLUMN source_document uuid REFERENCES documents (id) ON DELETE SET NULL;

-- one copy of the same bytes per owner space
CREATE UNIQUE INDEX documents_wallet_person_sha ON documents (owner_person_id, sha256)
    WHERE demand_id IS NULL AND owner_space_id IS NULL;
CREATE UNIQUE INDEX documents_wallet_space_sha ON documents (owner_space_id, sha256)
    WHERE demand_id IS NULL AND owner_space_id IS NOT NULL;
CREATE INDEX documents_source ON documents (source_document) WHERE source_document IS NOT NULL;

-- Whether p_person acting for p_context owns the wallet document row v
-- (person wallet: that person acting for themself; space wallet: any live
-- member acting for that space).
CREATE FUNCTION az_wallet_owner(p_person uuid, p_context uuid, p_owner_person uuid,
                                p_owner_space uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_owner_space IS NULL
                THEN p_owner_person = p_person AND p_context IS NULL
                ELSE p_context = p_owner_space AND az_member(p_person, p_owner_space) END
$$;

-- Documents: one attached to a demand is visible to whoever may view the
-- demand; one in a wallet (no demand) to its owner side acting for it
-- (az_wallet_owner).  p_manage: renaming, recategorising, deleting -- wallet
-- documents only (a demand's documents are the demand's), never an
-- administrator (read-only).  Anybody else: notfound, so that ids cannot be
-- probed; the uploader in another context: the context switch.
CREATE OR REPLACE FUNCTION az_document(p_person uuid, p_context uuid, p_admin boolean,
                                       p_doc uuid, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT * INTO verdict, reason FROM az_document_do(p_person, p_context, p_admin, p_doc, false);
END $$;

CREATE FUNCTION az_document_do(p_person uuid, p_context uuid, p_admin boolean, p_doc uuid,
                               p_manage boolean, OUT verdict text, OUT reason text)
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

-- The action 'manage-document' of authz_may (0014: an action is a function
-- az_action_<action>).
-- manage-document: object a wallet document id (rename, category, delete,
-- pick); the wallet's owner side (az_document_do with the wallet rules).
CREATE FUNCTION az_action_manage_document(p_person uuid, p_context uuid, p_admin boolean, p_object text,
                  p_arg text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    verdict := 'deny';
    reason := 'err.forbidden';
    SELECT * INTO verdict, reason
      FROM az_document_do(p_person, p_context, p_admin, az_uuid(p_object), true);
END $$;


-- --- the wallet's changes (engine/wallet.c) -------------------------------------------
-- Each is one round trip; the caller asked authz first (the owner side is
-- the principal's context, so adding needs no object check).

-- Adds bytes to the wallet of p_person acting for p_space (NULL: their own).
-- Returns {status: added, id} or {status: duplicate, id, filename} when the
-- same bytes (sha256) are already in that wallet: nothing is stored twice.
CREATE FUNCTION wallet_add(p_person uuid, p_space uuid, p_filename text, p_mime text,
                           p_category text, p_content bytea) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_sha text := encode(sha256(p_content), 'hex');
    v     record;
    v_id  uuid;
BEGIN
    SELECT id, filename INTO v FROM documents
     WHERE demand_id IS NULL AND sha256 = v_sha
       AND CASE WHEN p_space IS NULL THEN owner_space_id IS NULL AND owner_person_id = p_person
                ELSE owner_space_id = p_space END;
    IF FOUND THEN
        RETURN jsonb_build_object('status', 'duplicate', 'id', v.id, 'filename', v.filename);
    END IF;
    INSERT INTO documents (owner_person_id, owner_space_id, filename, mime, content,
                           uploaded_by, category)
    VALUES (p_person, p_space, p_filename, p_mime, p_content, p_person, p_category)
    RETURNING id INTO v_id;
    RETURN jsonb_build_object('status', 'added', 'id', v_id);
EXCEPTION WHEN unique_violation THEN
    -- the same bytes sent twice at once: the other request stored them
    SELECT id, filename INTO v FROM documents
     WHERE demand_id IS NULL AND sha256 = v_sha
       AND CASE WHEN p_space IS NULL THEN owner_space_id IS NULL AND owner_person_id = p_person
                ELSE owner_space_id = p_space END;
    RETURN jsonb_build_object('status', 'duplicate', 'id', v.id, 'filename', v.filename);
END $$;

-- Renames / recategorises a wallet document.  {status: ok | notfound}.
CREATE FUNCTION wallet_update(p_doc uuid, p_filename text, p_category text) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE documents SET filename = p_filename, category = p_category
     WHERE id = p_doc AND demand_id IS NULL;
    RETURN jsonb_build_object('status', CASE WHEN FOUND THEN 'ok' ELSE 'notfound' END);
END $$;

-- Deletes a wallet document, unless a copy of it went with a demand that
-- has been filed (no longer a draft): {status: filed, reference} then, and
-- nothing is deleted.  Copies in drafts keep their bytes (source_document
-- becomes NULL).  {status: ok | notfound | filed}.
CREATE FUNCTION wallet_delete(p_doc uuid) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_ref text;
BEGIN
    PERFORM 1 FROM documents WHERE id = p_doc AND demand_id IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('status', 'notfound');
    END IF;
    SELECT dm.reference INTO v_ref
      FROM documents c JOIN demands dm ON dm.id = c.demand_id
     WHERE c.source_document = p_doc AND dm.bucket <> 'draft'
     ORDER BY dm.created_at LIMIT 1;
    IF FOUND THEN
        RETURN jsonb_build_object('status', 'filed', 'reference', v_ref);
    END IF;
    DELETE FROM documents WHERE id = p_doc AND demand_id IS NULL;
    RETURN jsonb_build_object('status', 'ok');
END $$;

-- wf_store_files as in 0004, keeping two more keys of a files entry:
-- source (the wallet document a picked file was copied from) and category
-- (the field's category, so that received and picked copies are sorted).
CREATE OR REPLACE FUNCTION wf_store_files(d demands, c jsonb, files bytea[], ids uuid[],
                                          actor uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    f jsonb;
    i int := 0;
BEGIN
    FOR f IN SELECT value FROM jsonb_array_elements(COALESCE(c->'files', '[]')) LOOP
        i := i + 1;
        INSERT INTO documents (id, owner_person_id, owner_space_id, demand_id, field, filename,
                               mime, content, uploaded_by, source_document, category)
        VALUES (ids[i], d.owner_person_id, d.owner_space_id, d.id, f->>'field',
                f->>'filename', f->>'mime', files[(f->>'index')::int], actor,
                (f->>'source')::uuid,
                (SELECT key FROM document_categories WHERE key = f->>'category'));
    END LOOP;
END $$;

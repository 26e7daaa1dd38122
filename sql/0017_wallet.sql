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

-- authz_may as 0014 left it (0003's, with 'manage-account' and
-- 'manage-relation'), with 'manage-document' (a wallet document: rename,
-- category, delete).  Everything else is unchanged.
CREATE OR REPLACE FUNCTION authz_may(p_person uuid, p_context uuid, p_action text, p_object text,
                          p_arg text, OUT verdict text, OUT reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_admin   boolean := az_admin(p_person);
    v_id      uuid;
    v_space   spaces;
    v_entity  entities;
    v_kinds   text[];
    v_aud     text;
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
        -- arg: the audience: personal | professional | any, optionally
        -- "professional:kind kind..." (entity kinds or legal forms allowed)
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
        ELSIF NOT az_member(p_person, p_context) THEN
            reason := 'authz.not_member';
        ELSIF v_aud = 'personal' THEN
            reason := 'authz.personal_only';
        ELSE
            SELECT e.* INTO v_entity FROM spaces s JOIN entities e ON e.id = s.entity_id
             WHERE s.id = p_context;
            IF v_kinds IS NOT NULL AND NOT (v_entity.legal_form = ANY (v_kinds)
                                            OR entity_kind(v_entity.legal_form) = ANY (v_kinds)) THEN
                reason := 'authz.entity_kind';
            ELSIF v_def.protected AND NOT (az_referent(p_person, p_context)
                                           OR az_granted(p_person, p_context, p_object)) THEN
                reason := 'authz.no_grant';
            ELSE
                verdict := 'allow';
            END IF;
        END IF;

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

    WHEN 'manage-account' THEN
        IF EXISTS (SELECT 1 FROM persons WHERE id = p_person AND deleted_at IS NULL) THEN
            verdict := 'allow';
        ELSE
            reason := 'err.login_needed';
        END IF;

    WHEN 'manage-relation' THEN
        IF EXISTS (SELECT 1 FROM relations
                    WHERE id = az_uuid(p_object) AND person_id = p_person) THEN
            verdict := 'allow';
        ELSE
            verdict := 'notfound';
            reason := 'err.notfound';
        END IF;

    WHEN 'manage-document' THEN
        SELECT * INTO verdict, reason
          FROM az_document_do(p_person, p_context, v_admin, az_uuid(p_object), true);

    ELSE
        RAISE EXCEPTION 'authz_may: unknown action %', p_action
            USING ERRCODE = 'invalid_parameter_value';
    END CASE;
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

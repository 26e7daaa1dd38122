-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0005_definition_meta.sql -- what authz needs of a definition, stored once.
--
-- authz_may() asks az_definition() (0003) on every demand and document check
-- whether the procedure is protected and which agent and third-party groups
-- its by= attributes name.  0003 answered by parsing the stored XML with
-- xpath() each time (about 1 ms per demand listed on a dashboard).  A
-- published version never changes (definitions_immutable, 0004), so the
-- answer is computed once, when the row is inserted (wf_publish, or any
-- other INSERT: a trigger, so no writer can forget it), kept in three
-- columns, and az_definition() only reads them.  Same OUT signature, so
-- authz_may() and its callers are unchanged.

-- The XML reading of 0003's az_definition, unchanged, as a function of the
-- text: used by the trigger and the backfill below.
CREATE FUNCTION definition_meta(p_xml text, OUT protected boolean,
                                OUT agent_groups text[], OUT third_groups text[])
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_xml  xml := p_xml::xml;
    v_by   text[];
BEGIN
    protected := COALESCE((xpath('string(//*[local-name()="audience"]/@protected)',
                                 v_xml))[1]::text, '') = 'yes';
    SELECT array_agg(DISTINCT r) INTO v_by
      FROM unnest(xpath('//@by', v_xml)) AS a(v),
           regexp_split_to_table(a.v::text, '[\s,]+') AS r
     WHERE r <> '';
    SELECT COALESCE(array_agg(substr(r, 7)), '{}') INTO agent_groups
      FROM unnest(v_by) AS r WHERE r LIKE 'agent:_%';
    SELECT COALESCE(array_agg(substr(r, 13)), '{}') INTO third_groups
      FROM unnest(v_by) AS r WHERE r LIKE 'third-party:_%';
END $$;

ALTER TABLE definitions
    ADD COLUMN protected    boolean NOT NULL DEFAULT false,
    ADD COLUMN agent_groups text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN third_groups text[]  NOT NULL DEFAULT '{}';

COMMENT ON COLUMN definitions.protected IS
    'audience/@protected = yes, read from xml at insert (definition_meta)';
COMMENT ON COLUMN definitions.agent_groups IS
    'groups named by by="agent:GROUP", read from xml at insert (definition_meta)';
COMMENT ON COLUMN definitions.third_groups IS
    'groups named by by="third-party:GROUP", read from xml at insert (definition_meta)';

-- Backfill the versions already published.  They are immutable to everyone
-- else; this one UPDATE only adds what their own XML already says.
ALTER TABLE definitions DISABLE TRIGGER definitions_immutable;
UPDATE definitions d
   SET protected = m.protected, agent_groups = m.agent_groups, third_groups = m.third_groups
  FROM definitions x, LATERAL definition_meta(x.xml) m
 WHERE x.workflow_key = d.workflow_key AND x.version = d.version;
ALTER TABLE definitions ENABLE TRIGGER definitions_immutable;

-- New versions: filled from their XML as they are inserted, whatever the
-- INSERT says about these columns.
CREATE FUNCTION definitions_fill_meta() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT m.protected, m.agent_groups, m.third_groups
      INTO NEW.protected, NEW.agent_groups, NEW.third_groups
      FROM definition_meta(NEW.xml) m;
    RETURN NEW;
END $$;

CREATE TRIGGER definitions_fill_meta BEFORE INSERT ON definitions
    FOR EACH ROW EXECUTE FUNCTION definitions_fill_meta();

-- az_definition (0003): the same answer, read from the columns.
CREATE OR REPLACE FUNCTION az_definition(p_key text, p_version int,
                                         OUT known boolean, OUT protected boolean,
                                         OUT agent_groups text[], OUT third_groups text[])
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT true, d.protected, d.agent_groups, d.third_groups
      INTO known, protected, agent_groups, third_groups
      FROM definitions d
     WHERE d.workflow_key = p_key AND (p_version IS NULL OR d.version = p_version)
     ORDER BY d.version DESC LIMIT 1;
    IF NOT FOUND THEN
        known := false;
        protected := false;
        agent_groups := '{}';
        third_groups := '{}';
    END IF;
END $$;

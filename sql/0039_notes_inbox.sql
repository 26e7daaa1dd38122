-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0039_notes_inbox.sql -- notifications kept as rows when they happen (a
-- fan-out inbox), so that reading them costs what is unread, not what is
-- followed (issue 12).
--
-- 0018 computed a person's notifications on every read: the union of every
-- demand they filed, wrote on or acted on, joined with every message and
-- every event of each, against their read marks.  The session lookup ran it
-- on every page (tens of milliseconds for a company member owning a
-- thousand demands, or an agent who acted on thousands).  Now each new
-- message or event writes one row per follower of its demand into notes,
-- in the statement that inserted it (statement-level triggers on the
-- transition tables: a bulk insert stays one set statement), and every
-- reader is an index scan on the unread rows of one person.
--
-- The rule is 0018's, kept:
--   * a person follows the demands they filed (owner person), wrote a
--     message on or took a step on (events' actor), and only while the
--     demand exists (a purged draft's trail is not news);
--   * an item is a message or an event (never the 'create' event) by
--     somebody else than the follower (a timer's event is everybody's news);
--   * opening the demand's page, or writing a message on it, reads its
--     items; "tout marquer comme lu" reads them all.
-- Where the fan-out differs, on purpose: the followers are those of the
-- moment the item happens.  Somebody who follows a demand from now on (an
-- agent taking their first step on it, a message's first author) gets its
-- news from then on, not its whole past as unread (0018 counted the past,
-- so an agent's first step on an old demand turned its history into news).
--
-- Owns: the table notes, note_followers() (the follower rule, in one
-- place), the triggers notes_from_events / notes_from_messages, and new
-- bodies of 0018's note_items(), note_mark_read(), note_mark_all(); and
-- note_unread_count(), now a bounded count (at most 100: the header says
-- "99+") that the planner inlines into the session lookup.  Keeps 0018's
-- note_reads: when a person last read a demand, which the thread's "new"
-- flags still compare with (a message by somebody else after it).  Does
-- not own the messages or events themselves (0018, 0004), nor the header's
-- words (xslt/layout.xsl, xslt/i18n/messages.xml).  C side: engine/
-- message.c, and the unread column of engine/session.c's lookup.

-- --- the inbox ------------------------------------------------------------------------

-- One row per follower and item.  A read item stays (unread = false): the
-- partial index holds only what is unread, so the readers never see the
-- rest.  Deleted with its demand (a purged draft), like the demand's
-- timers and documents.
CREATE TABLE notes (
    demand_id  uuid        NOT NULL REFERENCES demands (id) ON DELETE CASCADE,
    person_id  uuid        NOT NULL REFERENCES persons (id),
    kind       text        NOT NULL CHECK (kind IN ('message', 'event')),
    item       bigint      NOT NULL,   -- messages.id or events.id
    at         timestamptz NOT NULL,   -- the item's time
    unread     boolean     NOT NULL DEFAULT true,
    -- also the path of a demand's notes (its purge) and of one person's
    -- notes on one demand (opening its page)
    PRIMARY KEY (demand_id, person_id, kind, item)
);

-- the header's count, the list (newest first) and "tout marquer comme lu"
CREATE INDEX notes_unread ON notes (person_id, at DESC) WHERE unread;

-- --- who follows a demand -----------------------------------------------------------------

-- The persons who follow p_demand: its owner person, the authors of its
-- messages and the persons who took its steps; nobody once the demand is
-- gone.  Inlined by the planner (one SELECT, STABLE), laterally per demand.
CREATE FUNCTION note_followers(p_demand uuid)
RETURNS TABLE (person_id uuid)
LANGUAGE sql STABLE AS $$
    SELECT f.person_id
      FROM demands d
     CROSS JOIN LATERAL (
           SELECT d.owner_person_id
           UNION
           SELECT m.author_person_id FROM messages m WHERE m.demand_id = d.id
           UNION
           SELECT e.actor_person_id FROM events e
            WHERE e.demand_id = d.id AND e.actor_person_id IS NOT NULL
           ) f (person_id)
     WHERE d.id = p_demand
$$;

-- --- the fan-out ---------------------------------------------------------------------------

-- New events: one note per follower but the event's actor.  The 'create'
-- event is never news; a 'purge' event finds its demand gone, so no
-- follower.
CREATE FUNCTION notes_from_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notes (demand_id, person_id, kind, item, at)
    SELECT n.demand_id, f.person_id, 'event', n.id, n.at
      FROM (SELECT DISTINCT demand_id FROM new_rows WHERE transition <> 'create') ds
     CROSS JOIN LATERAL note_followers(ds.demand_id) f
      JOIN new_rows n ON n.demand_id = ds.demand_id
     WHERE n.transition <> 'create'
       AND f.person_id IS DISTINCT FROM n.actor_person_id;
    RETURN NULL;
END $$;

CREATE TRIGGER notes_from_events AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION notes_from_events();

-- New messages: one note per follower but the author (who is one from now
-- on); and the author has read the demand (as msg_post's read mark says).
CREATE FUNCTION notes_from_messages() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notes (demand_id, person_id, kind, item, at)
    SELECT n.demand_id, f.person_id, 'message', n.id, n.created_at
      FROM (SELECT DISTINCT demand_id FROM new_rows) ds
     CROSS JOIN LATERAL note_followers(ds.demand_id) f
      JOIN new_rows n ON n.demand_id = ds.demand_id
     WHERE f.person_id <> n.author_person_id;
    PERFORM note_mark_read(a.author_person_id, a.demand_id)
       FROM (SELECT DISTINCT author_person_id, demand_id FROM new_rows) a;
    RETURN NULL;
END $$;

CREATE TRIGGER notes_from_messages AFTER INSERT ON messages
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION notes_from_messages();

-- --- reading -----------------------------------------------------------------------------

-- 0018's signature, read from the inbox: p_person's unread items.
CREATE OR REPLACE FUNCTION note_items(p_person uuid)
RETURNS TABLE (demand_id uuid, kind text, at timestamptz, item bigint)
LANGUAGE sql STABLE AS $$
    SELECT n.demand_id, n.kind, n.at, n.item
      FROM notes n
     WHERE n.person_id = p_person AND n.unread
$$;

-- How many unread items p_person has, at most 100 (the header shows "99+"
-- beyond 99), leaving out those of p_except (the demand just read by the
-- statement asking).  A set of one row, so that the planner inlines it
-- into the caller's statement (the session lookup, the demand page's
-- thread): an index scan of at most 100 entries of notes_unread.
DROP FUNCTION note_unread_count(uuid);
CREATE FUNCTION note_unread_count(p_person uuid, p_except uuid DEFAULT NULL)
RETURNS TABLE (n int)
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int
      FROM (SELECT 1 FROM note_items(p_person) i
             WHERE p_except IS NULL OR i.demand_id <> p_except
             LIMIT 100) u
$$;

-- p_person has read p_demand: its unread items are read, and the read mark
-- (note_reads, for the thread's "new" flags) moves to now, but only when
-- something was unread (an item of the inbox, or a message by somebody
-- else after the last mark, which a reader who follows nothing may have):
-- a page view with nothing new writes nothing.
CREATE OR REPLACE FUNCTION note_mark_read(p_person uuid, p_demand uuid) RETURNS void
LANGUAGE sql AS $$
    WITH r AS (
        UPDATE notes SET unread = false
         WHERE demand_id = p_demand AND person_id = p_person AND unread
        RETURNING 1
    )
    INSERT INTO note_reads (person_id, demand_id, read_at)
    SELECT p_person, p_demand, now()
     WHERE EXISTS (SELECT 1 FROM r)
        OR EXISTS (SELECT 1 FROM messages m
                    WHERE m.demand_id = p_demand AND m.author_person_id <> p_person
                      AND m.created_at > coalesce((SELECT nr.read_at FROM note_reads nr
                                                    WHERE nr.person_id = p_person
                                                      AND nr.demand_id = p_demand),
                                                  '-infinity'))
    ON CONFLICT (person_id, demand_id) DO UPDATE SET read_at = EXCLUDED.read_at
$$;

-- "Tout marquer comme lu": every unread item of p_person is read, and the
-- read mark of each demand they were on moves to now.  Returns how many
-- demands that was.
CREATE OR REPLACE FUNCTION note_mark_all(p_person uuid) RETURNS int
LANGUAGE sql AS $$
    WITH r AS (
        UPDATE notes SET unread = false
         WHERE person_id = p_person AND unread
        RETURNING demand_id
    ), m AS (
        INSERT INTO note_reads (person_id, demand_id, read_at)
        SELECT DISTINCT p_person, r.demand_id, now() FROM r
        ON CONFLICT (person_id, demand_id) DO UPDATE SET read_at = EXCLUDED.read_at
        RETURNING 1
    )
    SELECT count(*)::int FROM m
$$;

-- --- what was unread before -------------------------------------------------------------

-- Everything 0018 counted as unread is unread in the inbox: on every
-- existing demand, for each follower, the messages and events (but the
-- creation) by somebody else after their read mark.
INSERT INTO notes (demand_id, person_id, kind, item, at)
SELECT m.demand_id, f.person_id, 'message', m.id, m.created_at
  FROM demands d
 CROSS JOIN LATERAL note_followers(d.id) f
  JOIN messages m ON m.demand_id = d.id
  LEFT JOIN note_reads nr ON nr.person_id = f.person_id AND nr.demand_id = d.id
 WHERE m.author_person_id <> f.person_id
   AND m.created_at > coalesce(nr.read_at, '-infinity')
UNION ALL
SELECT e.demand_id, f.person_id, 'event', e.id, e.at
  FROM demands d
 CROSS JOIN LATERAL note_followers(d.id) f
  JOIN events e ON e.demand_id = d.id
  LEFT JOIN note_reads nr ON nr.person_id = f.person_id AND nr.demand_id = d.id
 WHERE e.actor_person_id IS DISTINCT FROM f.person_id AND e.transition <> 'create'
   AND e.at > coalesce(nr.read_at, '-infinity');

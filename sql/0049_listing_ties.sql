-- SPDX-License-Identifier: AGPL-3.0-or-later
-- 0049_listing_ties.sql -- the dashboard's lists walk their index in their
-- whole order, ties included (issue 12).
--
-- A list of the dashboard (wf_listing_page, 0040) is ordered by
-- (updated_at, id), newest first, and continues after a (updated_at, id)
-- bound.  Its indexes (0004) ended at updated_at: demands changed at the
-- same instant (one bulk transition, one import) were all read and sorted
-- by id before the first 50 could be given.  A bucket page of the bench's
-- Kiosque Atelier, whose 15,000 demands to save share one instant, read
-- all 15,000 (21 ms).  With id in the index, the walk stops at the page's
-- last row whatever the ties.
CREATE INDEX demands_person_bucket_id ON demands (owner_person_id, bucket, updated_at DESC, id DESC)
    WHERE owner_space_id IS NULL;
CREATE INDEX demands_space_bucket_id ON demands (owner_space_id, bucket, updated_at DESC, id DESC)
    WHERE owner_space_id IS NOT NULL;
DROP INDEX demands_person_bucket;
DROP INDEX demands_space_bucket;
ALTER INDEX demands_person_bucket_id RENAME TO demands_person_bucket;
ALTER INDEX demands_space_bucket_id RENAME TO demands_space_bucket;

# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_counter_scale.py -- a counter's page does not read its authority's
history (issue 12, sql/0051_counter_open.sql), through PostgreSQL and through
nginx.

- 20,000 activated identifications of the préfecture (inserted in a
  transaction, rolled back) and a few open ones: the open tab's rows, its
  count and the history's bounded counts each read at most 1,001 demands
  (auto_explain's plans of enrol_counter_json, the counter's statement);
  the open ones by their own index.
- 1,001 invalidated ones, committed for the page and deleted after: the
  tabs "Demandes invalidées" and "Toutes les demandes" say "plus de 1000",
  the open tab its exact count.
"""
import html
import re

from test_demand_web import logged_in, world  # noqa: F401
from test_queue import explained

MARK = "zcounterscale"

INSERT_SQL = """
INSERT INTO demands (reference, workflow_key, definition_version, state, bucket, progress,
                     is_final, owner_person_id, form_data, data_roles, submitted_at)
SELECT '2098-' || lpad(i::text, 7, '0'), 'enrolment',
       (SELECT max(version) FROM definitions WHERE workflow_key = 'enrolment'),
       :'p2', 'archived', 100, true, :'p1'::uuid,
       jsonb_build_object('mark', :'p4', 'first-name', 'Ida', 'last-name', 'Muster ' || i,
                          'birth-date', '1980-01-01'),
       ARRAY['third-party:prefecture-lausanne'], now() - make_interval(mins => i)
  FROM generate_series(1, :'p3'::int) AS i
"""


def test_the_open_tab_and_the_counts_read_no_more_than_the_open_and_a_bound(stack, world):
    plan = explained(
        stack,
        "BEGIN; " + INSERT_SQL.replace(":'p4'", "'" + MARK + "'") + "; ANALYZE demands; "
        "SELECT enrol_counter_json('prefecture-lausanne', 'open', '', '', '', 200, 'enrolment'); "
        "ROLLBACK",
        world.persons["bruno"], "activated", "20000")
    # the plans of the function's statements (each names the role it reads)
    plans = "".join(b for b in plan.split("Query Text:") if "v_role" in b)
    assert plans.count("Query Text") == 0 and "demands_data_roles_open" in plans, plan
    read = [int(n) for n in re.findall(
        r"(?:Bitmap Heap|Index|Seq) Scan[^\n]* on demands [^\n]*actual time=[\d.]+\.\.[\d.]+"
        r" rows=(\d+)", plans)]
    # read and kept, or read and dropped by a filter
    dropped = [int(n) for n in re.findall(r"Rows Removed by (?:Filter|Index Recheck): (\d+)", plans)]
    assert read, plans
    assert max(read) <= 1001 and max(dropped, default=0) <= 1001, plans


def test_the_history_tabs_say_more_than_their_bound(stack, world):
    stack.sql(INSERT_SQL, world.persons["bruno"], "invalidated", "1001", MARK)
    try:
        tiago = logged_in(stack, "tiago")
        page = html.unescape(re.sub(r"\s+", " ", tiago.get("/counter/prefecture-lausanne").text))
        assert "Demandes invalidées (plus de 1000)" in page, page
        assert re.search(r"Toutes les demandes \(plus de \d+\)", page), page
        open_n = stack.sql("SELECT count(*) FROM demands WHERE workflow_key = 'enrolment'"
                           " AND data_roles @> ARRAY['third-party:prefecture-lausanne']"
                           " AND bucket <> 'draft' AND NOT is_final")[0][0]
        assert f"Demandes ouvertes ({open_n})" in page, page
        # the history's list shows its newest
        page = html.unescape(tiago.get("/counter/prefecture-lausanne?show=invalidated").text)
        assert re.search(r">Muster 1<", page), page
        assert not re.search(r">Muster 1001<", page)
    finally:
        stack.sql("DELETE FROM demands WHERE form_data->>'mark' = :'p1'", MARK)

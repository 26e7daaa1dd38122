# SPDX-License-Identifier: AGPL-3.0-or-later
"""demand_counts (sql/0008, kept by sql/0034's trigger) against the demands
themselves, after inserts, single and multi-row updates that move demands
between states, buckets and owners, a saved draft (no counted column
changes), and deletes: for every key, the rows of demand_counts add up to
the number of demands, and a key keeps about one row."""
import uuid

from fixtures_people import make_demand, seed


def mismatches(stack):
    return stack.sql("""
        WITH real AS (SELECT owner_space_id, owner_person_id, workflow_key,
                             definition_version, state, bucket, count(*) AS n
                        FROM demands GROUP BY 1, 2, 3, 4, 5, 6),
             kept AS (SELECT owner_space_id, owner_person_id, workflow_key,
                             definition_version, state, bucket, sum(n) AS n
                        FROM demand_counts GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0)
        SELECT coalesce(r.state, k.state), coalesce(r.n, 0), coalesce(k.n, 0)
          FROM real r FULL JOIN kept k
            ON r.owner_space_id IS NOT DISTINCT FROM k.owner_space_id
           AND r.owner_person_id = k.owner_person_id AND r.workflow_key = k.workflow_key
           AND r.definition_version = k.definition_version AND r.state = k.state
           AND r.bucket = k.bucket
         WHERE coalesce(r.n, 0) <> coalesce(k.n, 0)""")


def test_counts_follow_every_kind_of_change(stack):
    world = seed(stack)
    ids = [make_demand(stack, world, "subsidy", "carla", "kiosque") for _ in range(5)]
    assert mismatches(stack) == []
    # one demand moves on, then several at once
    stack.sql("UPDATE demands SET state = 'in-review' WHERE id = :'p1'", ids[0])
    stack.sql("UPDATE demands SET state = 'decided', bucket = 'decision-unread'"
              " WHERE id = ANY(ARRAY[:'p1', :'p2', :'p3']::uuid[])", ids[1], ids[2], ids[3])
    assert mismatches(stack) == []
    # a change no count sees (a saved form)
    stack.sql("UPDATE demands SET form_data = form_data || '{\"x\": \"y\"}' WHERE id = :'p1'",
              ids[4])
    # a demand changes owner space (as a migration of owner would)
    stack.sql("UPDATE demands SET owner_space_id = NULL WHERE id = :'p1'", ids[4])
    assert mismatches(stack) == []
    stack.sql("DELETE FROM demands WHERE id = ANY(ARRAY[:'p1', :'p2']::uuid[])", ids[0], ids[1])
    assert mismatches(stack) == []
    # folded: a key of these demands has one row, not one per change
    rows = stack.sql("SELECT count(*) FROM demand_counts WHERE owner_space_id = :'p1'"
                     " GROUP BY workflow_key, definition_version, state, bucket, owner_person_id"
                     " HAVING count(*) > 1", world.spaces["kiosque"])
    assert rows == []

#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""load_registers.py -- the reference registers, loaded from data/ref/*.csv.

    load(sql) -> {"communes": n, "persons": n, "applications": n}

sql(query, *params) runs one statement with psql variables :'p1'... (the
runner of scripts/demo_world.py, or the tests' stack.sql).  Each CSV file is
upserted whole into its table (ref_communes, ref_persons, ref_applications,
sql/0027_registers.sql), so loading twice changes nothing and a corrected
line replaces the old one.  It does not depend on the migration level: a
register whose table does not exist yet is skipped (and says so).

The files:
  communes.csv      ofs,name,canton,district        the Vaud communes, real OFS numbers
  persons.csv       avs13,birth_date,first_name,last_name
                                                    fictional people (the demo accounts'
                                                    among them), AVS13 with a valid
                                                    EAN-13 check digit
  applications.csv  code,name,application           the communes portal's applications

Run by scripts/demo_world.py (make demo) and by the tests that need the
registers (tests/integration/test_groups.py).
"""
import csv
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "data", "ref")

# table, csv file, the recordset's columns (name type), conflict key, columns updated
REGISTERS = [
    ("ref_communes", "communes.csv",
     "ofs int, name text, canton text, district text", "ofs",
     ["name", "canton", "district"]),
    ("ref_persons", "persons.csv",
     "avs13 text, birth_date date, first_name text, last_name text", "avs13",
     ["birth_date", "first_name", "last_name"]),
    ("ref_applications", "applications.csv",
     "code text, name text, application text", "code",
     ["name", "application"]),
]


def avs13_ok(avs):
    """The EAN-13 check digit of an AVS number 756.xxxx.xxxx.xx."""
    d = avs.replace(".", "")
    if len(d) != 13 or not d.isdigit() or not d.startswith("756"):
        return False
    s = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(d[:12]))
    return (10 - s % 10) % 10 == int(d[12])


def read(name):
    with open(os.path.join(REF, name), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if name == "persons.csv":
        bad = [r["avs13"] for r in rows if not avs13_ok(r["avs13"])]
        if bad:
            raise ValueError(f"{name}: AVS13 without a valid check digit: {', '.join(bad)}")
    return rows


def load(sql, log=print):
    counts = {}
    for table, name, cols, key, upd in REGISTERS:
        if sql("SELECT to_regclass(:'p1') IS NOT NULL", table)[0][0] != "t":
            log(f"registers: {table} does not exist yet (migration 0027): skipped")
            continue
        rows = read(name)
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in upd)
        names = ", ".join(c.split()[0] for c in cols.split(", "))
        sql(f"INSERT INTO {table} ({names}) SELECT {names} FROM "
            f"jsonb_to_recordset(:'p1'::jsonb) AS x({cols}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {sets}",
            json.dumps(rows, ensure_ascii=False))
        counts[table] = len(rows)
    return counts


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import demo_world  # noqa: E402  (its psql runner)
    db = os.environ.get("GUICHET_DATABASE")
    if not db:
        print("load_registers.py: GUICHET_DATABASE must be set", file=sys.stderr)
        return 2
    counts = load(demo_world.psql_runner(db))
    print("registers: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

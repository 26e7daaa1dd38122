# SPDX-License-Identifier: AGPL-3.0-or-later
"""One-time codes (effects issue-code and verify-code, engine/wf_code.c,
sql/0021_codes.sql) through the real engine, PostgreSQL and SMTP sink:
the code is mailed, stored only as a keyed hash, checked in constant time;
a wrong code is refused next to its field and counted although the
transition is refused; every third wrong code locks the code 30 minutes;
an expired, superseded or used code is refused with its own message.

Transitions are fired with `guichet demand fire` (the same wf_fire the
pages call), on a stack of this module's own whose workflows/ folder holds
the test procedure tests/fixtures/runtime/codetest.xml."""
import os
import re
import shutil
import uuid

import pytest

from conftest import ROOT, Stack
from test_workflow_engine import demand, q1, subject_of, wait_for

CODE = re.compile(r"\b([A-HJ-NP-Z2-9]{6,8})\b")


@pytest.fixture(scope="module")
def cs(tmp_path_factory):
    wf_dir = tmp_path_factory.mktemp("workflows")
    os.chmod(wf_dir, 0o755)
    shutil.copy(os.path.join(ROOT, "tests", "fixtures", "runtime", "codetest.xml"),
                wf_dir / "codetest.xml")
    s = Stack()
    s.script_env.update({"GUICHET_WORKFLOWS_DIR": str(wf_dir)})
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(s.var, "mail", sub), exist_ok=True)
    try:
        s.start()
        s.person = str(uuid.uuid4())
        s.sql("INSERT INTO persons (id, display_name, email, assurance)"
              " VALUES (:'p1', 'Cléa Code', 'clea@example.ch', 'email')", s.person)
        yield s
    finally:
        s.stop()


def me(cs):
    return ["--person", cs.person]


def submitted(cs):
    rc, d = demand(cs, "create", *me(cs), "codetest")
    assert rc == 0, d
    rc, out = demand(cs, "fire", *me(cs), d["id"], "submit", "name=Cléa")
    assert rc == 0, out
    assert out["state"] == "waiting"
    return d


def outbox_order(m):
    """A mail's outbox id (Message-ID <guichet.ID.CREATED@...>): the order it
    was queued in, which the Maildir's listing does not keep."""
    found = re.search(r"<guichet\.(\d+)\.", m.get("Message-ID") or "")
    return int(found.group(1)) if found else 0


def mailed_codes(cs, reference):
    codes = []
    for m in sorted(cs.mails(), key=outbox_order):
        if reference not in subject_of(m):
            continue
        for part in m.walk():
            if part.get_content_type() == "text/plain":
                text = part.get_payload(decode=True).decode("utf-8")
                codes += CODE.findall(text.split("\n\n", 1)[1])
    return codes


def code_of(cs, reference, n=1):
    return wait_for(lambda: (lambda c: c[n - 1] if len(c) >= n else None)(
        mailed_codes(cs, reference)), what=f"code mail {n} of {reference}")


def confirm(cs, d, code):
    return demand(cs, "fire", *me(cs), d["id"], "confirm", f"code={code}")


def test_the_code_is_mailed_and_stored_only_as_a_keyed_hash(cs):
    d = submitted(cs)
    code = code_of(cs, d["reference"])
    assert len(code) == 8
    rows = cs.sql("SELECT code_hash, channel, purpose, expires_at > now() + interval '29 days'"
                  " FROM codes WHERE demand_id = :'p1'", d["id"])
    assert len(rows) == 1
    h, channel, purpose, far = rows[0]
    assert (channel, purpose, far) == ("mail", "confirm", "t")
    assert re.fullmatch(r"[0-9a-f]{64}", h)
    dump = cs.sql("SELECT row_to_json(c)::text FROM codes c WHERE demand_id = :'p1'", d["id"])
    assert code not in dump[0][0]
    # a keyed hash: not the bare SHA-256 of the code
    import hashlib
    assert h not in (hashlib.sha256(code.encode()).hexdigest(),
                     hashlib.sha256(f"confirm:{code}".encode()).hexdigest())


def test_a_right_code_typed_loosely_confirms_once(cs):
    d = submitted(cs)
    code = code_of(cs, d["reference"])
    loose = code[:4].lower() + " - " + code[4:]
    rc, out = confirm(cs, d, loose)
    assert rc == 0, out
    assert out["state"] == "done"
    assert q1(cs, "SELECT used_at IS NOT NULL FROM codes WHERE demand_id = :'p1'",
              d["id"]) == "t"
    # the demand moved on: the same code again is told "already done"
    rc, out = confirm(cs, d, code)
    assert rc != 0


def test_wrong_codes_are_counted_though_refused_and_the_third_locks_30_minutes(cs):
    d = submitted(cs)
    code = code_of(cs, d["reference"])
    wrong = "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"
    for i, left in ((1, "2"), (2, "1")):
        rc, out = confirm(cs, d, wrong)
        assert rc == 11, out
        assert [(e["field"], e["key"], e.get("arg")) for e in out["errors"]] == \
            [("code", "code.wrong", left)]
        assert q1(cs, "SELECT failures FROM codes WHERE demand_id = :'p1'", d["id"]) == str(i)
    rc, out = confirm(cs, d, wrong)
    assert [(e["field"], e["key"]) for e in out["errors"]] == [("code", "code.locked")]
    assert q1(cs, "SELECT locked_until BETWEEN now() + interval '29 minutes'"
                  " AND now() + interval '31 minutes' FROM codes WHERE demand_id = :'p1'",
              d["id"]) == "t"
    # locked: even the right code waits
    rc, out = confirm(cs, d, code)
    assert [(e["field"], e["key"]) for e in out["errors"]] == [("code", "code.locked")]
    assert q1(cs, "SELECT state || version FROM demands WHERE id = :'p1'", d["id"]) == "waiting2"
    assert q1(cs, "SELECT count(*) FROM events WHERE demand_id = :'p1'", d["id"]) == "2"
    # half an hour later (moved, not slept)
    cs.sql("UPDATE codes SET locked_until = now() - interval '1 second'"
           " WHERE demand_id = :'p1'", d["id"])
    rc, out = confirm(cs, d, code)
    assert rc == 0, out
    assert out["state"] == "done"


def test_an_expired_code_is_refused_with_its_own_message(cs):
    d = submitted(cs)
    code = code_of(cs, d["reference"])
    cs.sql("UPDATE codes SET expires_at = now() - interval '1 minute'"
           " WHERE demand_id = :'p1'", d["id"])
    rc, out = confirm(cs, d, code)
    assert rc == 11, out
    assert [(e["field"], e["key"]) for e in out["errors"]] == [("code", "code.expired")]
    assert q1(cs, "SELECT failures FROM codes WHERE demand_id = :'p1'", d["id"]) == "0"


def test_a_new_code_replaces_the_old_one(cs):
    d = submitted(cs)
    first = code_of(cs, d["reference"])
    rc, out = demand(cs, "fire", *me(cs), d["id"], "resend")
    assert rc == 0, out
    second = code_of(cs, d["reference"], 2)
    assert len(second) == 6
    rc, out = confirm(cs, d, first)
    assert rc == 11, out
    assert out["errors"][0]["key"] == "code.wrong"
    rc, out = confirm(cs, d, second)
    assert rc == 0, out


def test_a_code_is_not_used_up_by_a_transition_the_database_refuses(cs):
    d = submitted(cs)
    code = code_of(cs, d["reference"])
    # the transaction fails after the code was found right (as a failing
    # effect or a lost connection would): nothing of it stays
    cs.sql("CREATE FUNCTION test_refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$"
           " BEGIN IF NEW.transition = 'confirm' AND NEW.demand_id = '" + d["id"] + "'"
           " THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;"
           " CREATE TRIGGER test_refuse_event BEFORE INSERT ON events"
           " FOR EACH ROW EXECUTE FUNCTION test_refuse_event();")
    try:
        rc, out = confirm(cs, d, code)
        assert rc != 0, out
        assert q1(cs, "SELECT used_at IS NULL AND failures = 0 FROM codes"
                      " WHERE demand_id = :'p1'", d["id"]) == "t"
    finally:
        cs.sql("DROP TRIGGER test_refuse_event ON events; DROP FUNCTION test_refuse_event();")
    rc, out = confirm(cs, d, code)
    assert rc == 0, out
    assert out["state"] == "done"

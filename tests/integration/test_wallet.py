# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_wallet.py -- the document wallet ("porte-documents", issue 10 §2),
through nginx, the engine, PostgreSQL and the stack's clamd.

Upload (PDF by its bytes, the one upload check), the same bytes not stored
twice in one owner space, category, rename, delete (refused once a copy
went with a filed demand), the space's wallet shared by its members, bad
input answered next to the field with the rest kept, EICAR refused, another
person 404, an agent 404 on a wallet document and 200 on the copy once it
is attached to a demand, picking in a form field, documents received.
"""
import re

import pytest

from fixtures_people import make_demand, seed
from test_av import CLEAN, INFECTED, error_next_to, text_of
from test_demand_web import logged_in


def pdf_bytes(tag):
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n% " + tag.encode()
            + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture(scope="module")
def world(stack):
    return seed(stack)


def upload(client, content, name="", category="budget", filename="budget.pdf"):
    return client.post("/wallet", data={"csrf": client.token, "name": name,
                                        "category": category},
                       files={"file": (filename, content, "application/pdf")})


def wallet_ids(stack, sha_of):
    return [r[0] for r in stack.sql(
        "SELECT id FROM documents WHERE demand_id IS NULL"
        " AND sha256 = encode(sha256(:'p1'::bytea), 'hex')", "\\x" + sha_of.hex())]


def test_upload_dedup_rename_and_delete(stack, world):
    alice = logged_in(stack, "alice")
    content = pdf_bytes("alice-budget")
    r = upload(alice, content, name="Budget 2027")
    assert r.status == 303 and r.headers["location"] == "/wallet?done=added", r
    page = alice.get("/wallet?done=added").text
    assert "Budget 2027" in page and "Budget" in text_of(page)
    ids = wallet_ids(stack, content)
    assert len(ids) == 1
    row = stack.sql("SELECT category, owner_space_id IS NULL, filename FROM documents"
                    " WHERE id = :'p1'", ids[0])[0]
    assert tuple(row) == ("budget", "t", "Budget 2027")
    # the same bytes again: said, not stored twice
    r = upload(alice, content, name="Encore")
    assert r.status == 200
    assert "déjà dans votre porte-documents" in text_of(r.text)
    assert "Budget 2027" in text_of(r.text)
    assert len(wallet_ids(stack, content)) == 1
    # download
    r = alice.get(f"/documents/{ids[0]}")
    assert r.status == 200 and r.body.startswith(b"%PDF") if hasattr(r, "body") else r.status == 200
    # rename and recategorise
    r = alice.post(f"/wallet/{ids[0]}", data={"csrf": alice.token, "name": "Budget révisé",
                                              "category": "certificate"})
    assert r.status == 303
    assert stack.sql("SELECT filename, category FROM documents WHERE id = :'p1'",
                     ids[0])[0] == ("Budget révisé", "certificate")
    # a blank name: refused next to the field, the category sent kept
    r = alice.post(f"/wallet/{ids[0]}", data={"csrf": alice.token, "name": "  ",
                                              "category": "minutes"})
    assert r.status == 422
    assert "Indiquez un nom" in error_next_to(r.text, f"{ids[0]}up-name")
    # another person: as if it did not exist
    bruno = logged_in(stack, "bruno")
    assert bruno.get(f"/documents/{ids[0]}").status == 404
    assert bruno.post(f"/wallet/{ids[0]}/delete", data={"csrf": bruno.token}).status == 404
    assert bruno.post(f"/wallet/{ids[0]}", data={"csrf": bruno.token, "name": "x",
                                                 "category": "other"}).status == 404
    assert "Budget révisé" not in bruno.get("/wallet").text
    # delete
    r = alice.post(f"/wallet/{ids[0]}/delete", data={"csrf": alice.token})
    assert r.status == 303
    assert wallet_ids(stack, content) == []


def test_bad_input_is_answered_next_to_the_field(stack, world):
    alice = logged_in(stack, "alice")
    before = stack.sql("SELECT count(*) FROM documents")[0][0]
    r = alice.post("/wallet", data={"csrf": alice.token, "name": "Mon nom",
                                     "category": "budget"})
    assert r.status == 422
    assert error_next_to(r.text, "up-file")
    assert 'value="Mon nom"' in r.text
    r = upload(alice, b"GIF89a not a pdf", name="Mon nom")
    assert r.status == 422 and "PDF" in error_next_to(r.text, "up-file")
    r = upload(alice, pdf_bytes("cat"), category="no-such-category")
    assert r.status == 422 and "catégorie" in error_next_to(r.text, "up-category")
    r = upload(alice, pdf_bytes("name"), name="a\tb")
    assert r.status == 422 and error_next_to(r.text, "up-name")
    r = upload(alice, INFECTED, name="Virus")
    assert r.status == 422 and "virus" in error_next_to(r.text, "up-file")
    assert stack.sql("SELECT count(*) FROM documents")[0][0] == before
    # English
    r = alice.post("/wallet?lang=en", data={"csrf": alice.token, "name": "",
                                             "category": "budget"})
    assert r.status == 422 and "required" in (error_next_to(r.text, "up-file") or "").lower() \
        or r.status == 422


def test_space_wallet_pick_agent_and_filed(stack, world):
    carla = logged_in(stack, "carla", world.spaces["kiosque"])
    content = pdf_bytes("kiosque-budget")
    assert upload(carla, content, name="Budget Kiosque 2027").status == 303
    doc = wallet_ids(stack, content)[0]
    assert stack.sql("SELECT owner_space_id FROM documents WHERE id = :'p1'",
                     doc)[0][0] == world.spaces["kiosque"]
    # every member acting for the space shares it; not in their own context
    david = logged_in(stack, "david", world.spaces["kiosque"])
    assert "Budget Kiosque 2027" in david.get("/wallet").text
    assert david.get(f"/documents/{doc}").status == 200
    carla_self = logged_in(stack, "carla")
    assert "Budget Kiosque 2027" not in carla_self.get("/wallet").text
    assert carla_self.get(f"/documents/{doc}").status == 403
    # an agent never sees a wallet document
    agnes = logged_in(stack, "agnes")
    assert agnes.get(f"/documents/{doc}").status == 404
    # picked in the budget field of a draft (category budget offered)
    draft = make_demand(stack, world, "subsidy", "carla", "kiosque", state="draft",
                        bucket="draft")
    page = carla.get(f"/demands/{draft}/page/documents").text
    assert f'name="wallet-budget-file"' in page and f'value="{doc}"' in page
    r = carla.post(f"/demands/{draft}/page/documents",
                   data={"csrf": carla.token, "nav": "save", "wallet-budget-file": doc})
    assert r.status == 303, r.text[:2000]
    copy = stack.sql("SELECT id, field, category FROM documents"
                     " WHERE demand_id = :'p1' AND source_document = :'p2'", draft, doc)
    assert len(copy) == 1 and tuple(copy[0][1:]) == ("budget-file", "budget")
    assert agnes.get(f"/documents/{copy[0][0]}").status == 404, "a draft is the owner's"
    # filed: the agent sees the demand's copy, never the wallet document
    stack.sql("UPDATE demands SET bucket = 'in-progress', state = 'submitted'"
              " WHERE id = :'p1'", draft)
    assert agnes.get(f"/documents/{copy[0][0]}").status == 200
    assert agnes.get(f"/documents/{doc}").status == 404
    # another space's member cannot pick it
    bruno = logged_in(stack, "bruno")
    own = make_demand(stack, world, "subsidy", "carla", "kiosque", state="draft",
                      bucket="draft")
    assert bruno.post(f"/demands/{own}/page/documents",
                      data={"csrf": bruno.token, "nav": "save",
                            "wallet-budget-file": doc}).status == 404
    # filed: the wallet document stays
    ref = stack.sql("SELECT reference FROM demands WHERE id = :'p1'", draft)[0][0]
    r = carla.post(f"/wallet/{doc}/delete", data={"csrf": carla.token})
    assert r.status == 409 and ref in text_of(r.text)
    assert [str(x) for x in wallet_ids(stack, content)] == [doc]


def test_received_documents_are_listed_apart(stack, world):
    d = make_demand(stack, world, "subsidy", "carla", "kiosque")
    stack.sql("INSERT INTO documents (owner_person_id, owner_space_id, demand_id, field,"
              " filename, mime, content, uploaded_by)"
              " SELECT owner_person_id, owner_space_id, id, 'decision-letter',"
              " 'décision-test.pdf', 'application/pdf', :'p2'::bytea, :'p3'"
              " FROM demands WHERE id = :'p1'", d, "\\x" + CLEAN.hex(),
              world.persons["agnes"])
    carla = logged_in(stack, "carla", world.spaces["kiosque"])
    page = carla.get("/wallet").text
    received = page.split('id="received-title"', 1)[1]
    assert "décision-test.pdf" in received and f"/demands/{d}" in received
    mine = page.split('id="received-title"', 1)[0]
    assert "décision-test.pdf" not in mine


def test_categories_are_one_list(stack, world):
    """engine/wallet.c's list (guichet check, the page) and the table the
    documents' category refers to are the same, in the same order, and
    each has its label in fr, de and en."""
    import os
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, "engine", "wallet.c"), encoding="utf-8") as f:
        src = f.read()
    body = src.split("wallet_categories[WALLET_NCATEGORIES + 1] = {", 1)[1].split("};", 1)[0]
    in_c = re.findall(r'"([a-z-]+)"', body)
    in_sql = [r[0] for r in stack.sql("SELECT key FROM document_categories ORDER BY position")]
    assert in_c == in_sql and len(in_c) == 8
    with open(os.path.join(root, "xslt", "i18n", "wallet.xml"), encoding="utf-8") as f:
        cat = f.read()
    for k in in_c:
        m = re.search(r'<m key="wallet\.cat\.%s"><fr>[^<]+</fr><de>[^<]+</de><en>[^<]+</en>' % k,
                      cat)
        assert m, k

# SPDX-License-Identifier: AGPL-3.0-or-later
"""The dashboard's buckets page by page (engine/h_demand.c h_dashboard_bucket,
sql/0040_dashboard_pages.sql): the dashboard shows the newest 5 of each
bucket and links to the bucket's own list, 25 a page, keyset on
(updated_at, id); nothing of another person's shows; an unknown bucket is
404.  Through nginx, with a person and a session of the test's own (no
demo account's dashboard changes)."""
import re
import secrets
import uuid

TOKEN_LEN = 43


def own_person(stack, n_archived, n_draft):
    """A person of the test's own with n_archived archived and n_draft draft
    demands of their own (personal context), and a logged-in client."""
    person = stack.sql("INSERT INTO persons (display_name, email, assurance)"
                       " VALUES ('Zoé Pagination', :'p1', 'email') RETURNING id",
                       f"zoe.{uuid.uuid4().hex[:8]}@exemple.test")[0][0]
    stack.sql("""
        INSERT INTO demands (reference, workflow_key, definition_version, state, bucket,
                             progress, owner_person_id, lang, updated_at)
        SELECT '4040-' || (:'p4'::bigint * 1000 + i),
               'subsidy', (SELECT max(version) FROM definitions WHERE workflow_key = 'subsidy'),
               CASE WHEN i <= :'p2'::int THEN 'withdrawn' ELSE 'draft' END,
               CASE WHEN i <= :'p2'::int THEN 'archived' ELSE 'draft' END,
               0, :'p1'::uuid, 'fr',
               -- some share a time: the id orders them (a total order)
               timestamptz '2026-01-01 12:00+00' + (i / 3) * interval '1 hour'
          FROM generate_series(1, :'p2'::int + :'p3'::int) i""",
              person, str(n_archived), str(n_draft), str(secrets.randbelow(10**9) + 10**9))
    token = secrets.token_urlsafe(32)[:TOKEN_LEN]
    stack.sql("INSERT INTO sessions (id_hash, person_id, csrf, assurance)"
              " VALUES (encode(sha256(convert_to(:'p1', 'UTF8')), 'hex'), :'p2',"
              " repeat('x', 43), 'email')", token, person)
    c = stack.client()
    c.headers = {"Cookie": f"guichet_session={token}"}
    return person, c


def get(c, path):
    return c.get(path, headers=c.headers)


def listed(html):
    return re.findall(r'<a href="/demands/([0-9a-f-]{36})"', html)


def test_the_dashboard_shows_five_and_links_to_each_bucket(stack):
    person, c = own_person(stack, 62, 3)
    r = get(c, "/dashboard")
    assert r.status == 200, r.text[:300]
    archived = r.text[r.text.index('id="b-archived"'):]
    assert len(listed(archived)) == 5
    assert 'href="/dashboard/archived"' in r.text
    assert "Voir les 62 demandes" in r.text
    # three drafts: all shown, no link
    assert 'href="/dashboard/draft"' not in r.text


def test_a_bucket_is_paged_by_keyset_without_gap_or_repeat(stack):
    person, c = own_person(stack, 62, 0)
    want = [x for (x,) in stack.sql(
        "SELECT id FROM demands WHERE owner_person_id = :'p1'"
        " ORDER BY updated_at DESC, id DESC", person)]
    seen, url, pages = [], "/dashboard/archived", 0
    while url:
        r = get(c, url)
        assert r.status == 200, r.text[:300]
        assert "Lues et archivées (62)" in r.text
        ids = listed(r.text)
        assert 0 < len(ids) <= 25
        seen += ids
        pages += 1
        m = re.search(r'href="(/dashboard/archived\?after=[0-9a-f-]{36})"', r.text)
        url = m.group(1).replace("&amp;", "&") if m else None
        if pages > 1:
            assert 'href="/dashboard/archived">Première page' in r.text
    assert pages == 3
    assert seen == want                  # newest first, each once


def test_a_bucket_lists_only_what_the_reader_may_see(stack):
    mine, c = own_person(stack, 2, 0)
    other, _ = own_person(stack, 4, 0)
    r = get(c, "/dashboard/archived")
    ids = set(listed(r.text))
    theirs = {x for (x,) in stack.sql("SELECT id FROM demands WHERE owner_person_id = :'p1'",
                                      other)}
    assert len(ids) == 2 and not ids & theirs
    # a keyset bound taken from someone else's demand shows nothing of theirs
    r = get(c, f"/dashboard/archived?after={next(iter(theirs))}")
    assert r.status == 200 and not set(listed(r.text)) & theirs


def test_an_unknown_bucket_or_a_bad_bound_is_refused(stack):
    _, c = own_person(stack, 1, 0)
    assert get(c, "/dashboard/nowhere").status == 404
    assert get(c, "/dashboard/archived?after=not-a-uuid").status == 400
    assert stack.client().get("/dashboard/archived").status in (302, 303)

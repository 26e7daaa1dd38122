# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_render_check.py -- engine/html_out.c, the pages' HTML serializer,
against libxslt's in the running engine (render_check, docs/pages.md).

The tests' stack runs with GUICHET_RENDER_CHECK=1 (conftest.py): every HTML
page and letter is also serialized by libxslt, a difference is logged as
"render mismatch", and the `stack` fixture's teardown fails the run on
such a line, whatever test made the page.  Here:

  * the check is really on in the engine the tests talk to;
  * pages carrying hostile text from the request (markup, quotes, URI
    characters, non-ASCII) come back through nginx escaped as libxml2
    escapes them, with no mismatch logged.
"""
import urllib.parse


def test_the_check_is_on(stack):
    assert '"render check on"' in stack.logs(tail=100000)


def test_hostile_request_text_renders_the_same(stack):
    c = stack.client()
    hostile = "/nowhere/<b>\"é\"&'x'</b>?q=<script>alert(1)</script>&r=«»"
    for path in [
        "/",
        "/login",
        urllib.parse.quote(hostile, safe="/?=&"),
        "/?lang=de",
        "/?lang=en&x=" + urllib.parse.quote("a\"b'c<d>&e é"),
    ]:
        r = c.get(path)
        assert r.status < 500, (path, r)
        if r.headers.get("content-type", "").startswith("text/html"):
            assert r.text.startswith("<!DOCTYPE html>\n<html"), (path, r.text[:80])
            assert r.text.endswith("</html>\n"), (path, r.text[-80:])
            assert "<script>alert(1)</script>" not in r.text
    assert stack.render_mismatches() == []

# SPDX-License-Identifier: AGPL-3.0-or-later
"""The census of the message catalogue (xslt/i18n/*.xml): every key the
stylesheets (pages, layout, form, mails), the C code and the SQL functions
can ask for exists, in French, German and English alike.  Needs no stack:
it reads the sources.

What it finds by a plain scan:
  * g:msg('key') with a literal key anywhere in xslt/;
  * g:msg(concat('prefix.', ...)) whose values are known lists: the
    dashboard's buckets, the HTTP statuses of error pages, the mail
    templates the workflow definitions name (mail.T.subject and .body);
  * string literals of engine/*.c and quoted literals of sql/*.sql that
    look like a key of one of the catalogue's namespaces ("authz.x",
    "field.y", 'space.z'), minus the few internal ones listed below;
and it checks that each <m> has all three languages, that no key is
defined twice, that English and German texts carry no French spacing
before punctuation, and that the examples of a date agree.
"""
import glob
import os
import re
import xml.etree.ElementTree as ET

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LANGS = ("fr", "de", "en")

# keys set in C that never reach a page: start-up, command-line and
# mailer errors, logged with their detail (a page shows err.internal)
INTERNAL = {
    "err.i18n": "catalogue loading, at start",
    "err.render": "stylesheet failures; the page falls back to err.internal",
    "err.mail": "the mailer's log",
    "err.xml": "definitions and catalogue parsing, at start or publish",
    "err.wf.read": "reading a definition file, `guichet check` / publish",
    "err.file": "util_read_file: configuration, stylesheets, migrations, definitions, at start, publish or on the command line",
    "err.badinput": "`guichet graph`",
}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def load_catalogue(folder):
    """{key: {lang: text}} and the list of (key, file) defined twice."""
    cat, twice = {}, []
    for path in sorted(glob.glob(os.path.join(folder, "*.xml"))):
        for m in ET.parse(path).getroot():
            key = m.get("key")
            if key in cat:
                twice.append((key, os.path.basename(path)))
            cat[key] = {t.tag: (t.text or "") for t in m}
    return cat, twice


def xslt_sources(root):
    return sorted(glob.glob(os.path.join(root, "xslt", "**", "*.xsl"), recursive=True))


def keys_used_by_stylesheets(root):
    used = set()
    for path in xslt_sources(root):
        for k in re.findall(r"g:msg\(\s*'([^']+)'", read(path)):
            used.add((k, os.path.relpath(path, root)))
    return used


def keys_of_known_lists(root):
    """Keys the stylesheets build with concat() from values the code knows."""
    used = set()
    demand_c = read(os.path.join(root, "engine", "h_demand.c"))
    m = re.search(r'"to-do",\s*"decision-unread"[^}]*', demand_c)
    assert m, "the bucket list moved: update this census"
    for b in re.findall(r'"([a-z-]+)"', m.group(0)):
        used |= {(f"bucket.{b}", "dashboard.xsl"), (f"bucket.{b}.empty", "dashboard.xsl")}
    statuses = set(re.findall(r"return (\d{3});", read(os.path.join(root, "engine", "en_err.c"))))
    for path in glob.glob(os.path.join(root, "engine", "*.c")):
        s = read(path)
        statuses |= set(re.findall(r"render_error\(r, (\d{3})", s))
        statuses |= set(re.findall(r"http_status = (\d{3});", s))
    statuses.discard("200")
    assert {"403", "404", "500"} <= statuses
    used |= {(f"err.title.{s}", "error.xsl") for s in statuses}
    templates = {"status-changed"}     # wf_check.c's default
    for path in glob.glob(os.path.join(root, "workflows", "*.xml")):
        templates |= set(re.findall(r'<mail\b[^>]*\btemplate="([^"]+)"', read(path)))
    for t in templates:
        if not os.path.exists(os.path.join(root, "xslt", "mail", t + ".xsl")):
            used |= {(f"mail.{t}.subject", "mail/generic.xsl"),
                     (f"mail.{t}.body", "mail/generic.xsl")}
    return used


def keys_used_by_code(root, namespaces):
    """Literals of engine/*.c and sql/*.sql that look like catalogue keys."""
    used = set()
    pattern = r"""["']([a-z][a-z0-9_]*(?:\.[a-z0-9_-]+)+)["']"""
    for path in glob.glob(os.path.join(root, "engine", "*.c")) + \
            glob.glob(os.path.join(root, "sql", "*.sql")):
        text = read(path)
        text = re.sub(r"(?m)^#include .*$", "", text)
        for k in re.findall(pattern, text):
            if k.split(".")[0] in namespaces and k not in INTERNAL:
                used.add((k, os.path.relpath(path, root)))
    return used


def census(root):
    """The problems found, as readable lines (empty when all is well)."""
    cat, twice = load_catalogue(os.path.join(root, "xslt", "i18n"))
    problems = [f"{k}: defined twice (again in {f})" for k, f in twice]
    for k, texts in sorted(cat.items()):
        for lang in LANGS:
            if not texts.get(lang, "").strip() and not k.startswith(("punct.", "unit.")):
                problems.append(f"{k}: no {lang} text")
            if lang not in texts:
                problems.append(f"{k}: no <{lang}>")
        for lang in texts:
            if lang not in LANGS:
                problems.append(f"{k}: unknown language <{lang}>")
    namespaces = {k.split(".")[0] for k in cat}
    used = keys_used_by_stylesheets(root) | keys_of_known_lists(root) | \
        keys_used_by_code(root, namespaces)
    for k, where in sorted(used):
        if k not in cat:
            problems.append(f"{k}: used in {where}, not in the catalogue")
    return problems


def test_every_key_used_exists_in_french_german_and_english():
    problems = census(ROOT)
    assert not problems, "\n".join(problems)


def test_the_census_finds_what_it_looks_for():
    """The scans are not empty: a census that found no key could not fail."""
    cat, _ = load_catalogue(os.path.join(ROOT, "xslt", "i18n"))
    namespaces = {k.split(".")[0] for k in cat}
    xsl = {k for k, _ in keys_used_by_stylesheets(ROOT)}
    code = {k for k, _ in keys_used_by_code(ROOT, namespaces)}
    lists = {k for k, _ in keys_of_known_lists(ROOT)}
    assert {"punct.colon", "ctx.switch", "demand.state", "mail.hello"} <= xsl
    assert {"field.required", "authz.wrong_context", "wf.input.invalid"} <= code
    assert {"bucket.to-do.empty", "err.title.403", "mail.demand-received.subject"} <= lists


def test_a_missing_translation_or_key_is_reported(tmp_path):
    """Proof on a copy: drop one German text and one key, the census says so."""
    for sub in ("engine", "sql", "workflows"):
        os.symlink(os.path.join(ROOT, sub), tmp_path / sub)
    (tmp_path / "xslt").mkdir()
    for sub in ("pages", "mail"):
        os.symlink(os.path.join(ROOT, "xslt", sub), tmp_path / "xslt" / sub)
    for f in ("layout.xsl", "form.xsl"):
        os.symlink(os.path.join(ROOT, "xslt", f), tmp_path / "xslt" / f)
    (tmp_path / "xslt" / "i18n").mkdir()
    for path in glob.glob(os.path.join(ROOT, "xslt", "i18n", "*.xml")):
        text = read(path)
        text = re.sub(r'(<m key="field\.required">.*?)<de>[^<]*</de>', r"\1", text)
        text = re.sub(r'\s*<m key="punct\.colon">.*?</m>', "", text)
        (tmp_path / "xslt" / "i18n" / os.path.basename(path)).write_text(text, encoding="utf-8")
    problems = census(str(tmp_path))
    assert "field.required: no <de>" in problems
    assert any(p.startswith("punct.colon: used in xslt/") for p in problems)


def test_english_and_german_texts_have_their_own_typography():
    cat, _ = load_catalogue(os.path.join(ROOT, "xslt", "i18n"))
    bad = []
    for k, texts in sorted(cat.items()):
        for lang in ("de", "en"):
            t = texts.get(lang, "")
            if re.search(r"[ \u00a0\u202f][:;?!]", t) or "« " in t or " »" in t:
                bad.append(f"{k} ({lang}): {t!r}")
        if re.search(r"[«»„]", texts.get("en", "")):
            bad.append(f"{k} (en): French or German quotes: {texts['en']!r}")
    assert not bad, "\n".join(bad)


def test_stylesheets_type_no_punctuation_of_one_language():
    """' : ', guillemets and curly quotes come from punct.* keys."""
    bad = []
    for path in xslt_sources(ROOT):
        for n, line in enumerate(read(path).splitlines(), 1):
            if line.lstrip().startswith("<!--"):
                continue
            if re.search(r"<xsl:text>[^<]*( :|«|»|“|”)[^<]*</xsl:text>", line):
                bad.append(f"{os.path.relpath(path, ROOT)}:{n}: {line.strip()}")
    assert not bad, "\n".join(bad)


def test_example_dates_agree():
    """The hint and the error message give the same example of a date."""
    cat, _ = load_catalogue(os.path.join(ROOT, "xslt", "i18n"))
    dates = {d for texts in cat.values() for t in texts.values()
             for d in re.findall(r"\b\d{2}\.\d{2}\.\d{4}\b", t)}
    assert len(dates) == 1, f"several example dates: {sorted(dates)}"
    assert dates <= set(re.findall(r"\d{2}\.\d{2}\.\d{4}", cat["demand.hint.date"]["fr"]))


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))

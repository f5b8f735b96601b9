"""The PyTorch basics page's terms of art: each defined once (both languages), linked at its first use, and
the link opens the Notes page at the term."""

from __future__ import annotations

import re

import pytest

from tests.apptest import open_link
from ui.i18n import load_strings

NS = "pytorch_basics"
_LINK = re.compile(r"\]\(/notes\?lang=(?P<lang>[a-z]+)#glossary-(?P<term>[a-z0-9_]+)\)")


def terms(strings: dict[str, str], namespace: str) -> set[str]:
    prefix, suffix = f"{namespace}.glossary_", "_name"
    return {k[len(prefix) : -len(suffix)] for k in strings if k.startswith(prefix) and k.endswith(suffix)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_term_is_linked_and_every_link_names_a_defined_term(lang):
    strings = load_strings(lang)
    defined = {m.group(1) for k in strings if (m := re.match(r"^[a-z_]+\.glossary_([a-z0-9_]+)_name$", k))}
    linked: set[str] = set()
    for key, text in strings.items():
        if not key.startswith(f"{NS}."):
            continue
        for match in _LINK.finditer(text):
            assert match["lang"] == lang, (key, match.group(0))
            assert match["term"] in defined, (key, match["term"])
            linked.add(match["term"])
    assert terms(strings, NS) <= linked, sorted(terms(strings, NS) - linked)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_notes_page_has_an_anchor_for_every_term(lang):
    at = open_link("app_pages/notes.py", lang)
    assert not at.exception
    anchors = {h.proto.anchor for h in at.subheader}
    assert {f"glossary-{term}" for term in terms(load_strings(lang), NS)} <= anchors

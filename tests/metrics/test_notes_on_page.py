"""The notes on the metrics page: the corrections of the confusion-matrix chapter stand under the sections
they correct, and every term of art the page links to is defined in the Notes page's glossary."""

from __future__ import annotations

import re

import pytest

from core.notes import load_claims
from tests.apptest import open_page
from ui.i18n import load_strings

PAGE = "app_pages/metrics.py"
_GLOSSARY_LINK = re.compile(r"\]\(/notes\?lang=(?P<lang>en|zh)#glossary-(?P<term>[a-z0-9_]+)\)")


def _alerts(at) -> list[str]:
    return [box.value for kind in ("info", "warning") for box in at.get(kind)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_correction_of_the_chapter_stands_on_the_page(lang):
    at = open_page(PAGE, lang)
    shown = "\n".join(_alerts(at))
    corrections = [c for c in load_claims() if c.page == "metrics" and c.verdict != "right"]
    assert corrections
    for claim in corrections:
        assert (claim.zh if lang == "zh" else claim.en) in shown, claim.id
    anchors = {h.proto.anchor for h in at.subheader}
    assert {c.anchor for c in corrections} <= anchors


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_links_terms_to_their_glossary_entries_in_its_language(lang):
    strings = {k: v for k, v in load_strings(lang).items() if k.startswith("metrics.")}
    names = [k for k in strings if k.startswith("metrics.glossary_") and k.endswith("_name")]
    defined = {k.removeprefix("metrics.glossary_").removesuffix("_name") for k in names}
    linked = set()
    for key, text in strings.items():
        for link in _GLOSSARY_LINK.finditer(text):
            assert link["lang"] == lang, (key, link.group(0))
            linked.add(link["term"])
    assert linked == defined, "every term defined here is linked where the page uses it, and no other"
    assert {"ks", "gini", "youden_j", "mcc", "delong", "ece", "lift", "gains"} <= linked
    notes = open_page("app_pages/notes.py", lang)
    anchors = {h.proto.anchor for h in notes.subheader}
    assert {f"glossary-{term}" for term in linked} <= anchors

"""The Notes page's view and the links between the Notes page and the topic pages (on a small catalog)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from core.notes import Claim, Section
from ui import notes

SECTIONS = (
    Section(("损失函数总结",), "Loss functions", "损失函数总结", "losses"),
    Section(("损失函数总结", "Hinge 损失函数"), "The hinge loss", "Hinge 损失函数", "hinge-loss"),
    Section(("优化器",), "Optimizers", "优化器", "optimizers"),
    Section(("优化器", "Adam"), "Adam", "Adam", "adam"),
)


def _claim(claim_id: str, verdict: str, anchor: str | None, **params: str) -> Claim:
    return Claim(
        claim_id,
        SECTIONS[1].section,
        "Hinge",
        "Hinge",
        verdict,
        "en text",
        "中文",
        "losses",
        anchor,
        tuple(params.items()),
        None,
    )


CLAIMS = (
    _claim("loss-a", "wrong", "svm", svm_lambda="0.1", noise="0.2"),
    _claim("loss-b", "right", "svm"),
    _claim("loss-c", "loose", None),
)


@pytest.fixture(autouse=True)
def small_catalog(monkeypatch):
    monkeypatch.setattr(notes, "catalog", lambda: CLAIMS)
    monkeypatch.setattr(notes, "sections", lambda: SECTIONS)


def test_a_live_link_opens_the_topic_page_at_its_section_with_the_claims_state():
    url = urlsplit(notes.live_link(CLAIMS[0], "zh"))
    assert url.path == "/losses" and url.fragment == "svm"
    # the section of the page that draws the anchor (ui.sections), then the claim's own state
    expected = {"lang": ["zh"], "ls_section": ["svm"], "svm_lambda": ["0.1"], "noise": ["0.2"]}
    assert parse_qs(url.query) == expected
    assert urlsplit(notes.live_link(CLAIMS[2], "en")).fragment == ""  # no anchor: the page's top


def test_a_correction_links_its_claim_on_the_notes_page_under_its_heading():
    url = urlsplit(notes.notes_link(CLAIMS[0], "en"))
    assert url.path == "/notes" and url.fragment == "hinge-loss"
    assert parse_qs(url.query) == {"lang": ["en"], "claim": ["loss-a"]}


def test_a_section_shows_the_claims_it_corrects_only():
    assert [c.id for c in notes.corrections("losses", "svm")] == ["loss-a"]  # "right" is no correction
    assert [c.id for c in notes.corrections("losses", None)] == ["loss-c"]
    assert notes.corrections("metrics", "svm") == []


def test_the_view_counts_every_verdict_and_filters_by_verdict():
    view = notes.notes_view()
    assert view.total == 3 and view.verdict_counts == {"right": 1, "loose": 1, "wrong": 1, "typo": 0}
    assert [len(s.claims) for s in view.sections] == [0, 3, 0, 0]
    assert [s.level for s in view.sections] == [1, 2, 1, 2]
    only_wrong = notes.notes_view(("wrong",))
    assert [c.id for s in only_wrong.sections for c in s.claims] == ["loss-a"]
    assert only_wrong.total == 3  # the counts are of the whole catalog


def test_the_contents_link_every_heading_with_its_tally():
    lines = notes.contents(notes.notes_view(), "en").splitlines()
    assert lines[0] == "- [Loss functions](#losses)"
    assert lines[1] == "    - [The hinge loss](#hinge-loss): right 1, loose 1, wrong 1"
    assert lines[3] == "    - [Adam](#adam)"


def test_the_page_shows_one_chapter_and_its_contents_link_that_chapters_headings():
    assert notes.chapters() == ["losses", "optimizers"]
    assert (
        notes.chapter_of(SECTIONS[3].section) == "optimizers"
        and notes.chapter_of(("损失函数总结",)) == "losses"
    )
    assert notes.chapter_titles("zh") == {
        "losses": "损失函数总结",
        "optimizers": "优化器",
        notes.ALL: "全部章节",
    }
    shown = notes.notes_view(chapter="optimizers")
    assert [s.section.anchor for s in shown.sections] == ["optimizers", "adam"]
    assert shown.total == 3  # the counts are still of the whole catalog
    every = ["losses", "hinge-loss", "optimizers", "adam"]
    assert [s.section.anchor for s in notes.notes_view(chapter=notes.ALL).sections] == every
    lines = notes.contents(notes.notes_view(), "zh", "optimizers").splitlines()
    assert (
        lines[1] == "    - Hinge 损失函数: 正确 1, 不严谨 1, 错误 1"
    )  # another chapter's: its title and tally
    assert lines[3] == "    - [Adam](#adam)"  # in the chapter shown: a link to its anchor


def test_the_glossary_is_read_from_every_pages_strings():
    for lang in ("en", "zh"):
        terms = notes.glossary(lang)
        assert len({t.term for t in terms}) == len(terms)  # each term defined once
        assert all(t.name.strip() and t.definition.strip() for t in terms)


def test_every_glossary_link_of_every_page_points_at_a_defined_term_in_its_own_language():
    from ui.i18n import load_strings

    found = 0
    for lang in ("en", "zh"):
        defined = {term.term for term in notes.glossary(lang)}
        for key, text in load_strings(lang).items():
            for match in _GLOSSARY_LINK.finditer(text):
                found += 1
                assert match["lang"] == lang, (lang, key)
                assert match["term"] in defined, (lang, key, match["term"])
    assert found > 20  # the pages do link their terms


_GLOSSARY_LINK = re.compile(r"\]\(/notes\?lang=(?P<lang>[a-z]+)#glossary-(?P<term>[a-z0-9_]+)\)")


def _page_terms(strings: dict[str, str], namespace: str) -> set[str]:
    prefix, suffix = f"{namespace}.glossary_", "_name"
    return {k[len(prefix) : -len(suffix)] for k in strings if k.startswith(prefix) and k.endswith(suffix)}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_term_a_page_defines_is_linked_from_that_page_or_its_claims(lang):
    """A term defined in ``<page>.glossary_<term>_name`` is linked (its first use) from the page's own strings
    or from a claim of the catalog shown on that page, in the same language."""
    from core.notes import load_claims
    from ui.i18n import load_strings

    strings = load_strings(lang)
    for namespace in sorted({key.split(".")[0] for key in strings}):
        texts = [text for key, text in strings.items() if key.startswith(f"{namespace}.")]
        texts += [getattr(claim, lang) for claim in load_claims() if claim.page == namespace]
        linked = {m["term"] for text in texts for m in _GLOSSARY_LINK.finditer(text)}
        unlinked = _page_terms(strings, namespace) - linked
        assert not unlinked, (namespace, sorted(unlinked))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_notes_page_has_an_anchor_for_every_term(lang):
    from tests.apptest import open_link

    at = open_link("app_pages/notes.py", lang)
    assert not at.exception
    anchors = {h.proto.anchor for h in at.subheader}
    assert {f"glossary-{term.term}" for term in notes.glossary(lang)} <= anchors

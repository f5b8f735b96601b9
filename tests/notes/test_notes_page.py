"""The Notes page draws one chapter of the notes at a time: the first by default, the one of the claim a
link names, or all of them; every chapter's claims are one click (or one link) away."""

from __future__ import annotations

import pytest

from core.notes import load_claims, load_sections
from tests.apptest import open_page
from ui import notes


def _anchors(at) -> set[str]:
    return {h.proto.anchor for h in [*at.header, *at.subheader]} - {""}


def _chapter_anchors(chapter: str) -> set[str]:
    return {s.anchor for s in load_sections() if notes.chapter_of(s.section) == chapter}


@pytest.mark.slow
def test_the_first_visit_draws_the_first_chapter_and_the_glossary():
    at = open_page("app_pages/notes.py", "en")
    first = notes.chapters()[0]
    headings = _anchors(at)
    assert _chapter_anchors(first) <= headings
    assert not _chapter_anchors(notes.chapters()[1]) & headings
    assert "glossary" in headings  # the pages' glossary links land on the Notes page whatever its chapter
    claims = [c for c in load_claims() if notes.chapter_of(c.section) == first]
    assert sum("badge[" in m.value for m in at.markdown) == len(claims)


@pytest.mark.slow
def test_a_claims_link_opens_its_chapter_and_all_chapters_draw_every_claim():
    claim = next(c for c in load_claims() if c.id.startswith("opt-"))
    at = open_page("app_pages/notes.py", "zh", claim=claim.id)
    assert _chapter_anchors("optimizers") <= _anchors(at)
    assert notes.CHAPTER_KEY not in at.query_params  # the claim in the link already names its chapter
    every = open_page("app_pages/notes.py", "zh", notes_chapter=notes.ALL)
    assert {s.anchor for s in load_sections()} <= _anchors(every)
    assert sum("badge[" in m.value for m in every.markdown) == len(load_claims())


@pytest.mark.slow
def test_after_a_claims_link_the_url_names_the_chapter_picked():
    """The chapter a claim's link opens is its own; picking another writes it into the URL, so the link
    still shows what is on screen (the first chapter included, which is left out only of a plain link)."""
    claim = next(c for c in load_claims() if c.id.startswith("opt-"))
    at = open_page("app_pages/notes.py", "en", claim=claim.id)
    first = notes.chapters()[0]
    at.segmented_control(key=f"{notes.CHAPTER_KEY}@en").set_value(first).run()
    assert at.query_params[notes.CHAPTER_KEY] == first
    assert _chapter_anchors(first) <= _anchors(at)
    plain = open_page("app_pages/notes.py", "en")
    plain.segmented_control(key=f"{notes.CHAPTER_KEY}@en").set_value("losses").run()
    assert plain.query_params[notes.CHAPTER_KEY] == "losses"
    plain.segmented_control(key=f"{notes.CHAPTER_KEY}@en").set_value(first).run()
    assert notes.CHAPTER_KEY not in plain.query_params  # the plain link's own chapter: a clean URL

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
    assert at.query_params[notes.CHAPTER_KEY] == "optimizers"  # the URL says what is shown
    every = open_page("app_pages/notes.py", "zh", notes_chapter=notes.ALL)
    assert {s.anchor for s in load_sections()} <= _anchors(every)
    assert sum("badge[" in m.value for m in every.markdown) == len(load_claims())

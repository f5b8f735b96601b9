"""The catalog of the notes' claims (data/notes/claims.json) against the notes themselves and the app.

The notes (``../shared/notes/dl-notes.zh.md``) are not part of the app; CI checks out the folder beside
the project. Without it these tests skip, except under ``CI=true``, where a missing file fails.
"""

from __future__ import annotations

import ast
import os
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from core.notes import load_claims, load_sections, notes_outline
from tests.apptest import assert_clean, open_link
from ui import notes
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]
NOTES_PATH = ROOT.parent / "shared" / "notes" / "dl-notes.zh.md"
CLAIMS = load_claims()
SLUGS = {spec.slug: spec.path for spec in PAGES}


@pytest.fixture(scope="module")
def notes_text() -> str:
    if not NOTES_PATH.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the notes are missing: {NOTES_PATH}")
        pytest.skip(f"the notes are not beside the project: {NOTES_PATH}")
    return NOTES_PATH.read_text(encoding="utf-8")


def _span(notes_text: str, section: tuple[str, ...]) -> tuple[int, int]:
    """Character range of the text under the heading ``section`` (up to the next heading of any level)."""
    outline = notes_outline(notes_text)
    lines = notes_text.splitlines(keepends=True)
    starts = [sum(len(line) for line in lines[: h.line - 1]) for h in outline] + [len(notes_text)]
    index = [h.section for h in outline].index(section)
    return starts[index], starts[index + 1]


def test_sections_file_titles_every_heading_of_the_notes_in_order(notes_text):
    assert [s.section for s in load_sections()] == [h.section for h in notes_outline(notes_text)]
    anchors = [s.anchor for s in load_sections()]
    assert len(set(anchors)) == len(anchors)


def test_every_quote_is_in_the_notes_under_its_heading(notes_text):
    headings = {h.section for h in notes_outline(notes_text)}
    for claim in CLAIMS:
        assert claim.section in headings, (claim.id, claim.section)
        start, end = _span(notes_text, claim.section)
        assert claim.quote in notes_text[start:end], (claim.id, claim.quote)


def test_claims_follow_the_notes_order(notes_text):
    positions = []
    for claim in CLAIMS:
        start, end = _span(notes_text, claim.section)
        positions.append(notes_text.index(claim.quote, start, end))
    out_of_order = [c.id for c, p, q in zip(CLAIMS, positions, sorted(positions), strict=True) if p != q]
    assert not out_of_order, out_of_order


def test_every_heading_with_text_of_its_own_has_a_claim(notes_text):
    covered = {claim.section for claim in CLAIMS}
    missing = [h.section for h in notes_outline(notes_text) if h.has_text and h.section not in covered]
    assert not missing, missing


def test_every_claim_links_a_page_of_the_app():
    for claim in CLAIMS:
        assert claim.page in SLUGS, (claim.id, claim.page)


def _test_exists(node_id: str) -> bool:
    """``tests/x/test_y.py::test_z`` or ``...::TestClass::test_z`` (a ``[param]`` suffix allowed) names a
    test function defined in that file."""
    path, *names = node_id.split("::")
    file = ROOT / path
    if not file.exists() or not names:
        return False
    tree = ast.parse(file.read_text(encoding="utf-8"))
    scope: list[ast.stmt] = tree.body
    for name in names:
        name = name.split("[")[0]
        found = next(
            (n for n in scope if isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name == name), None
        )
        if found is None:
            return False
        scope = found.body
    return True


def test_every_named_test_exists():
    for claim in CLAIMS:
        if claim.test is not None:
            assert claim.test.startswith("tests/") and _test_exists(claim.test), (claim.id, claim.test)


def test_numbers_settle_the_wrong_verdicts():
    """A wrong or loose claim without a test is one the literature settles, not a number; a catalog
    where no verdict is settled by a test would be an opinion, not a check."""
    assert sum(claim.test is not None for claim in CLAIMS) >= len(CLAIMS) // 4


def _link_params(claim) -> tuple[tuple[str, str], ...]:
    """The query of the claim's live link (ui.notes.live_link), its language left out."""
    query = parse_qsl(urlsplit(notes.live_link(claim, "en")).query)
    return tuple((key, value) for key, value in query if key != "lang")


def _links() -> dict[tuple[str, tuple], set[str]]:
    """Each (page, URL state) the catalog's live links open, with the anchors their claims expect there."""
    links: dict[tuple[str, tuple], set[str]] = defaultdict(set)
    for claim in CLAIMS:
        links[(claim.page, _link_params(claim))].add(claim.anchor or "")
    return dict(links)


@pytest.mark.parametrize(("page", "params"), sorted(_links()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_live_link_opens_its_page_clean_with_its_anchors(page, params):
    at = open_link(SLUGS[page], "en", params=dict(params), section=None)  # the section the link names
    assert_clean(at)
    assert not at.toast, [toast.value for toast in at.toast]  # no value of the link was ignored
    anchors = {h.proto.anchor for kind in ("title", "header", "subheader") for h in at.get(kind)}
    assert _links()[(page, params)] - {""} <= anchors, sorted(_links()[(page, params)] - anchors)
    # each correction of the notes stands, visible, on the page it links to (ui.layout.notes_corrections)
    boxes = [box.value for kind in ("warning", "info") for box in at.get(kind)]
    for claim in CLAIMS:
        if (claim.page, _link_params(claim)) == (page, params) and claim.verdict != "right":
            assert any(f"claim={claim.id}" in box and claim.en in box for box in boxes), claim.id

"""A topic page one section at a time (ui/sections.py): each section draws its own anchors and no other
section's, a first visit draws the first section only, a link or the picker opens another one and keeps it
in the URL, and every anchor a page draws belongs to one of its sections (a claim's live link names it)."""

from __future__ import annotations

import pytest

from tests.apptest import assert_clean, open_link
from ui.navigation import PAGES
from ui.sections import ALL, PAGE_SECTIONS

SCRIPTS = {spec.slug: spec.path for spec in PAGES}
CASES = [(page, section.name) for page, spec in PAGE_SECTIONS.items() for section in spec.sections]


def _anchors(at) -> set[str]:
    return {h.proto.anchor for kind in ("header", "subheader") for h in at.get(kind)} - {""}


def section_names(page: str) -> list[str]:
    return PAGE_SECTIONS[page].names


def _shown(page: str, at) -> list[str]:
    """The sections whose anchors the page drew, in the page's order."""
    drawn = _anchors(at)
    return [s.name for s in PAGE_SECTIONS[page].sections if set(s.anchors) & drawn]


@pytest.mark.parametrize(("page", "name"), CASES)
def test_a_section_draws_its_anchors_and_no_other_sections(page, name):
    at = open_link(SCRIPTS[page], "en", section=name)
    assert_clean(at)
    section = next(s for s in PAGE_SECTIONS[page].sections if s.name == name)
    drawn = _anchors(at) - set(PAGE_SECTIONS[page].above)
    assert section.anchors[0] in drawn
    assert drawn <= set(section.anchors), sorted(drawn - set(section.anchors))
    assert at.query_params.get(PAGE_SECTIONS[page].key) == (None if name == section_names(page)[0] else name)


@pytest.mark.parametrize("page", sorted(PAGE_SECTIONS))
def test_a_first_visit_draws_the_first_section_and_all_draws_every_one(page):
    first = open_link(SCRIPTS[page], "en", section=None)
    assert_clean(first)
    assert _shown(page, first) == section_names(page)[:1]
    assert PAGE_SECTIONS[page].key not in first.query_params  # the default: a clean link
    every = open_link(SCRIPTS[page], "zh", section=ALL)
    assert_clean(every)
    assert _shown(page, every) == section_names(page)
    registered = {anchor for s in PAGE_SECTIONS[page].sections for anchor in s.anchors}
    registered |= set(PAGE_SECTIONS[page].above)
    assert _anchors(every) <= registered, sorted(_anchors(every) - registered)


def test_a_link_to_no_such_section_opens_the_first_with_a_note():
    at = open_link(SCRIPTS["losses"], "en", section="no-such-section")
    assert_clean(at)
    assert _shown("losses", at) == ["curves"]
    assert [t.value for t in at.toast] and "ls_section" in at.toast[0].value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_picking_a_section_draws_it_and_writes_it_into_the_url(lang):
    at = open_link(SCRIPTS["optimizers"], lang, section=None)
    at.button_group(key=f"opt_section@{lang}").set_value("model")
    at.session_state["lang"] = lang  # after switch_page AppTest no longer sends the sidebar's language
    at.run()
    assert_clean(at)
    assert _shown("optimizers", at) == ["model"]
    assert at.query_params["opt_section"] == "model"
    # the model section uses the optimizers chosen with the page's main controls: they stay drawn above it
    assert at.multiselect(key="opt_names").value


def test_a_section_says_which_settings_of_a_hidden_section_it_uses():
    at = open_link(SCRIPTS["losses"], "en", section="svm", ls_noise="0.2", ls_outliers="10")
    assert_clean(at)
    said = [c.value for c in at.caption if "“Fits”" in c.value]
    assert said == ["This section uses the settings of the section “Fits”: label noise 0.2, 10 outliers."]
    every = open_link(SCRIPTS["losses"], "en", section=ALL, ls_noise="0.2", ls_outliers="10")
    assert not [c.value for c in every.caption if "“Fits”" in c.value]  # the fits are on the page


def _pick(at, page: str, name: str, lang: str = "en") -> None:
    at.button_group(key=f"{PAGE_SECTIONS[page].key}@{lang}").set_value(name)
    at.session_state["lang"] = lang
    at.run()


def test_a_value_set_in_a_section_holds_while_it_is_hidden_and_when_it_comes_back():
    """A widget first drawn after its value was seeded (the section opened later), moved, then hidden for
    two runs: Streamlit drops a hidden widget's value, and the seeded one must not come back."""
    at = open_link(SCRIPTS["losses"], "en", section=None)
    _pick(at, "losses", "fits")
    at.slider(key="ls_noise").set_value(0.2)
    at.session_state["lang"] = "en"
    at.run()
    _pick(at, "losses", "svm")
    at.run()  # a second run with the fits hidden
    assert_clean(at)
    assert at.query_params["ls_noise"] == "0.2"
    assert [c.value for c in at.caption if "“Fits”" in c.value] == [
        "This section uses the settings of the section “Fits”: label noise 0.2, 0 outliers."
    ]
    _pick(at, "losses", "fits")
    assert at.slider(key="ls_noise").value == 0.2


def test_a_page_must_draw_exactly_its_registered_sections_in_order():
    from ui.sections import draw_sections

    drawn: list[str] = []
    names = section_names("losses")
    draw_sections("losses", "svm", {name: (lambda n=name: drawn.append(n)) for name in names})
    assert drawn == ["svm"]
    with pytest.raises(ValueError, match="its sections are"):
        draw_sections("losses", ALL, {name: (lambda: None) for name in reversed(names)})

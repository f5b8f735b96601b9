"""Every page of ``ui.navigation.PAGES`` loads in a real browser (Debian's chromium), in both languages.

A page added to PAGES is covered here without editing this file. Page-specific browser checks
(uploads, downloads, widgets) belong in their own ``tests/browser/test_<slug>.py``, using the fixtures
of ``conftest.py`` and the helpers of ``harness.py``.
"""

from __future__ import annotations

import pytest

from tests.browser import harness
from ui.i18n import LANGUAGES, load_strings
from ui.navigation import PAGES

pytestmark = pytest.mark.browser


def _slug(spec) -> str:
    return spec.slug


def _tab_is_drawn(page, tab: str) -> None:
    """After opening the tab ``tab``: still no error, and the charts it shows are drawn."""
    harness.assert_no_exception(page)
    harness.assert_charts_visible(page)
    assert not harness.clipped_legend_labels(page), tab


@pytest.mark.parametrize("lang", harness.LANGS)
@pytest.mark.parametrize("spec", PAGES, ids=_slug)
def test_page_loads_without_error(app_server, page, spec, lang):
    harness.open_app_page(page, app_server.url, spec, lang)
    harness.screenshot(page, f"{spec.slug}-{lang}")  # before the checks: a failing page is kept too
    harness.assert_no_exception(page)
    harness.assert_charts_visible(page)
    assert not harness.clipped_legend_labels(page)  # every legend entry within its chart
    harness.visit_tabs(page, lambda tab: _tab_is_drawn(page, tab))
    headings = harness.main_headings(page)
    strings = {harness.rendered(text) for text in load_strings(lang).values()}
    assert headings, f"{page.url} shows no heading"
    assert headings[0] in strings, (
        f"the title of {page.url} is {headings[0]!r}: not a string of locales/{lang}/ ({LANGUAGES[lang]})"
    )

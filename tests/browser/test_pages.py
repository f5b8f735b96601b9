"""Every page of ``ui.navigation.PAGES`` in a real browser (Debian's chromium), in both languages.

A page added to PAGES is covered here without editing this file. Page-specific browser checks
(uploads, downloads, widgets) belong in their own ``tests/browser/test_<slug>.py``, using the fixtures
of ``conftest.py`` and the helpers of ``harness.py``.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import harness
from ui.i18n import LANGUAGES, load_strings
from ui.navigation import PAGES

pytestmark = pytest.mark.browser

EN, ZH = load_strings("en"), load_strings("zh")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Strings that reach the page exactly as written: no markdown, no placeholders, no LaTeX.
PLAIN = re.compile(r"^[^`*_$\[\]{}<>#|\\]+$")


def _slug(spec) -> str:
    return spec.slug


def _english_only_strings(min_length: int = 12) -> list[str]:
    """English strings long enough to be unmistakable, rendered as written, different in Chinese."""
    return sorted(
        text
        for key, text in EN.items()
        if len(text) >= min_length and PLAIN.match(text) and not CJK.search(text) and ZH[key] != text
    )


@pytest.mark.parametrize("lang", harness.LANGS)
@pytest.mark.parametrize("spec", PAGES, ids=_slug)
def test_page_loads_without_error(app_server, page, spec, lang):
    harness.open_app_page(page, app_server.url, spec, lang)
    harness.screenshot(page, f"{spec.slug}-{lang}")  # before the checks: a failing page is kept too
    harness.assert_no_exception(page)
    harness.assert_charts_visible(page)
    headings = harness.main_headings(page)
    strings = set(load_strings(lang).values())
    assert headings, f"{page.url} shows no heading"
    assert headings[0] in strings, (
        f"the title of {page.url} is {headings[0]!r}: not a string of locales/{lang}/ ({LANGUAGES[lang]})"
    )


@pytest.mark.parametrize("spec", PAGES, ids=_slug)
def test_sidebar_language_switch_translates_the_page(app_server, page, spec):
    harness.open_app_page(page, app_server.url, spec, "en")
    english_headings = harness.main_headings(page)
    # For each heading that is an English locale string: its Chinese versions.
    expected = {
        heading: {ZH[key] for key, text in EN.items() if text == heading and ZH[key] != text}
        for heading in english_headings
    }
    expected = {heading: zh for heading, zh in expected.items() if zh}
    assert expected, f"no heading of {page.url} is an English string of locales/en/: {english_headings}"

    harness.switch_language(page, "zh", LANGUAGES["zh"])
    harness.assert_no_exception(page)
    chinese_headings = harness.main_headings(page)
    for heading, translations in expected.items():
        assert translations & set(chinese_headings), (
            f"after switching to Chinese, {heading!r} should read one of {sorted(translations)}; "
            f"the headings are {chinese_headings}"
        )
    text = harness.main_text(page)
    assert CJK.search(text), f"no Chinese text on {page.url} after switching the language"
    left_in_english = [s for s in _english_only_strings() if s in text]
    assert not left_in_english, f"still in English after switching to Chinese: {left_in_english}"
    if page.locator('[data-testid="stSidebarNav"]').count():
        sidebar = harness.sidebar_text(page)
        missing = [ZH[f"nav.{other.slug}"] for other in PAGES if ZH[f"nav.{other.slug}"] not in sidebar]
        assert not missing, f"the sidebar navigation lacks the Chinese page names {missing}"

    harness.switch_language(page, "en", LANGUAGES["en"])
    harness.assert_no_exception(page)
    assert harness.main_headings(page) == english_headings, "switching back to English changed the headings"

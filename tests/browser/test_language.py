"""The sidebar's language switch, in a real browser, on every page of ``ui.navigation.PAGES``."""

from __future__ import annotations

import re

import pytest

from tests.browser import harness
from ui.i18n import LANGUAGES, load_strings
from ui.navigation import HOME, PAGES

pytestmark = pytest.mark.browser

EN, ZH = load_strings("en"), load_strings("zh")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Strings that reach the page exactly as written: no markdown, no placeholders, no LaTeX.
PLAIN = re.compile(r"^[^`*_$\[\]{}<>#|\\]+$")


def _slug(spec) -> str:
    return spec.slug


def _english_only_strings(min_length: int = 12) -> list[str]:
    """English strings long enough to be unmistakable, rendered as written, different in Chinese, and
    not part of a Chinese string (names such as "Luong general" stay in Latin script there)."""
    return sorted(
        text
        for key, text in EN.items()
        if len(text) >= min_length
        and PLAIN.match(text)
        and not CJK.search(text)
        and ZH[key] != text
        and not any(text in chinese for chinese in ZH.values())
    )


@pytest.mark.parametrize("spec", PAGES, ids=_slug)
def test_sidebar_language_switch_translates_the_page(warm_app_server, page, spec):
    harness.open_app_page(page, warm_app_server.url, spec, "en")
    english_headings = harness.main_headings(page)
    # For each heading that is an English locale string: its Chinese versions.
    expected = {
        heading: {
            harness.rendered(ZH[key])
            for key, text in EN.items()
            if harness.rendered(text) == heading and ZH[key] != text
        }
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


def test_first_click_after_server_start_switches_the_language(browser_context, browser_available):
    """The radio is drawn after st.navigation(), so its widget id is the same in every script run."""
    # A server of its own: only the very first session of a server process shows this.
    with harness.StreamlitServer() as server:
        page = harness.new_page(browser_context)
        try:
            harness.open_app_page(page, server.url, HOME, "en")
            harness.switch_language(page, "zh", LANGUAGES["zh"], timeout_ms=10_000)
            assert harness.main_headings(page)[0] == ZH["common.app_title"]
        finally:
            page.close()

"""Shared fixtures of the browser tests: one real server and one chromium for the whole session.

Fixtures: ``app_server`` (a running ``StreamlitServer``; ``app_server.url``), ``warm_app_server``
(the same after one throwaway visit: use it for tests that click widgets), ``browser_context``
(Debian's chromium through Playwright, downloads accepted) and ``page`` (a new tab, i.e. a new
Streamlit session, per test). The helpers a test needs are in ``tests.browser.harness``:
``open_app_page`` (optionally with a link's query parameters), ``rerun_after`` (do an interaction and
wait for the run it causes), ``widget`` (an element by its ``key=``), readings (``metric_value``,
``dataframe_cells``, ``shown_chart``, ``chart_texts``, ``truncated_chart_labels``), checks
(``assert_no_exception``, ``assert_charts_visible``), ``switch_language``, ``screenshot``.

Without /usr/bin/chromium the browser tests skip locally, with the reason; under CI (``CI=true``)
they fail instead: CI must never pass without having driven the browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser import harness

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page


@pytest.fixture(scope="session")
def browser_available() -> None:
    harness.require_browser()


@pytest.fixture(scope="session")
def app_server(browser_available: None) -> Iterator[harness.StreamlitServer]:
    """The real app (``streamlit run app.py``), started once, stopped at the end even after failures."""
    server = harness.StreamlitServer(log_path=harness.ROOT / "artifacts" / "browser-tests-server.log")
    server.log_path.unlink(missing_ok=True)
    with server:
        yield server


@pytest.fixture(scope="session")
def warm_app_server(app_server: harness.StreamlitServer, browser_context: BrowserContext):
    """``app_server`` after one throwaway visit, so no test depends on running first.

    The very first script run of a server process gives the sidebar language radio another widget id
    than every later run (it is drawn before ``st.navigation``), which loses the first click of that
    first session: test_language.py::test_first_click_after_server_start_switches_the_language shows
    it on a fresh server of its own.
    """
    tab = harness.new_page(browser_context)
    try:
        harness.open_app_page(tab, app_server.url, harness.HOME, "en")
    finally:
        tab.close()
    return app_server


@pytest.fixture(scope="session")
def browser_context(browser_available: None) -> Iterator[BrowserContext]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, harness.chromium_context(playwright) as context:
        yield context


@pytest.fixture
def page(browser_context: BrowserContext) -> Iterator[Page]:
    """A fresh tab: its own Streamlit session, its own uncaught-JavaScript-error record."""
    tab = harness.new_page(browser_context)
    yield tab
    tab.close()

"""Shared fixtures of the browser tests: one real server and one chromium for the whole session.

Fixtures: ``app_server`` (a running ``StreamlitServer``; ``app_server.url``), ``browser_context``
(Debian's chromium through Playwright) and ``page`` (a new tab, i.e. a new Streamlit session, per
test). The helpers a test needs are in ``tests.browser.harness``: ``open_app_page``,
``wait_for_app_idle``, ``assert_no_exception``, ``assert_charts_visible``, ``screenshot``.

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

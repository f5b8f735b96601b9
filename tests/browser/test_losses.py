"""The loss-functions page in a real browser: a bad batch in a shared link, and the one-click hand-off of
the live classifiers' scores to the metrics page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser import harness
from ui.i18n import load_strings
from ui.navigation import PAGES

pytestmark = pytest.mark.browser

LOSSES = next(spec for spec in PAGES if spec.slug == "losses")
EN = load_strings("en")


def test_a_link_with_a_bad_batch_shows_one_sentence_and_the_rest_of_the_page(warm_app_server, page):
    harness.open_app_page(page, warm_app_server.url, LOSSES, "en", {"ls_ce_logits": "1, 2\n3, oops"})
    harness.assert_charts_visible(page)
    assert not harness.exception_texts(page)
    errors = harness.error_texts(page)
    assert len(errors) == 1 and "oops" in errors[0]
    assert EN["losses.bce_title"] in harness.main_headings(page)


def test_the_scores_open_on_the_metrics_page_in_one_click(warm_app_server, page):
    harness.open_app_page(page, warm_app_server.url, LOSSES, "en", {"ls_noise": "0.1", "ls_outliers": "5"})
    button = harness.widget(page, "ls_open_metrics").locator("button")
    harness.rerun_after(page, button.click)
    page.wait_for_url(lambda url: urlsplit(url).path == "/metrics", timeout=60_000)
    harness.wait_for_app_idle(page)
    assert not harness.exception_texts(page)
    assert harness.main_headings(page)[0] == EN["metrics.title"]


def test_a_script_expander_sends_its_script_when_opened(warm_app_server, page):
    """The page's first draw holds no script; opening "The same in plain PyTorch / scikit-learn" reruns the
    page and shows the section's script (ui.reproduce.reproduce_expander)."""
    from ui.reproduce import at_state

    harness.open_app_page(page, warm_app_server.url, LOSSES, "en")
    codes = page.locator('[data-testid="stCode"]')
    assert codes.count() == 0
    box = harness.widget(page, "reproduce_open_losses_fits-en")  # key "...@en"; CSS has "-" for "@"
    harness.rerun_after(page, lambda: box.get_by_text(EN["common.reproduce_title"]).click())
    assert codes.count() == 1
    shown = codes.first.inner_text()  # with the line numbers
    assert at_state("losses", "fits").splitlines()[0] in shown and "EXPECTED = {" in shown
    assert not harness.exception_texts(page)

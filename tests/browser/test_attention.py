"""The attention page in a real browser: a retraining runs on the server's pool while the page stays
usable, its progress bar follows it (a fragment), and the page redraws with the new model when it ends."""

from __future__ import annotations

import time

import pytest

from tests.browser import harness
from ui.i18n import load_strings
from ui.navigation import PAGES

pytestmark = pytest.mark.browser

SPEC = next(spec for spec in PAGES if spec.slug == "attention")


def test_a_retraining_does_not_hold_the_page_and_shows_its_result_when_done(warm_app_server, page):
    strings = load_strings("en")
    harness.open_app_page(page, warm_app_server.url, SPEC, "en")
    page.get_by_text(strings["attention.retrain_title"]).first.click()
    thumb = harness.widget(page, "att_retrain_steps").locator("input[type=range]")
    thumb.focus()
    page.keyboard.press("Home")  # 20 steps
    for _ in range(4):  # 100 steps: several seconds of training on a busy machine
        page.keyboard.press("ArrowRight")
    harness.wait_for_app_idle(page)
    button = harness.widget(page, "att_retrain").locator("button")
    harness.rerun_after(page, button.click)  # the click's run ends while the training goes on
    harness.assert_no_exception(page)
    done = page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="100")
    progress = page.locator('[data-testid="stProgress"]')
    assert progress.count() >= 1 or done.count() >= 1
    deadline = time.monotonic() + 300
    while done.count() == 0:  # the fragment reruns the page when the training ends
        assert time.monotonic() < deadline, "the retrained model's result did not appear"
        page.wait_for_timeout(250)
    harness.wait_for_app_idle(page)
    harness.assert_no_exception(page)
    assert progress.count() == 0

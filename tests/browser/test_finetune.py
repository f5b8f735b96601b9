"""The fine-tuning page in a real browser, both languages: a shared link reproduces the view, the
strategy's parameter counts match torch, the live run's checks pass, and clicking a strategy updates
the counts and the URL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

import core.finetune as ft
from tests.browser import harness
from ui.i18n import load_strings
from ui.navigation import PAGES

pytestmark = pytest.mark.browser

FINETUNE = next(spec for spec in PAGES if spec.slug == "finetune")
LINK = {"ft_strategy": "linear_probe", "ft_live": "linear_probe,full", "ft_size": "2", "ft_seed": "3"}


def _counts(strategy: str) -> tuple[int, int]:
    model, _ = ft.finetune_model(ft.load_pretrained(), strategy, 5, lr=ft.DEFAULT_LR)
    return ft.parameter_counts(model)


@pytest.mark.parametrize("lang", harness.LANGS)
def test_a_link_reproduces_the_view_and_the_checks_pass(warm_app_server, page, lang):
    strings = load_strings(lang)
    harness.open_app_page(page, warm_app_server.url, FINETUNE, lang, LINK)
    harness.screenshot(page, f"finetune-link-{lang}")
    harness.assert_no_exception(page)
    harness.assert_charts_visible(page)
    trainable, frozen = _counts("linear_probe")
    assert harness.metric_value(page, strings["finetune.trainable"]) == f"{trainable:,}"
    assert harness.metric_value(page, strings["finetune.frozen"]) == f"{frozen:,}"
    text = harness.main_text(page)
    # the five live checks (parameter formula, accuracy, drift, PCA, nearest centroid) pass, none fails
    assert not harness.error_texts(page)
    check_marker = strings["common.check"].split("`")[2].split("{diff}")[0].strip()  # ": max |diff| ="
    assert text.count(check_marker) == 5
    # the linked live runs were trained: their rows are in the live table, the probe did not move
    assert strings["finetune.drift_probe"].format(value="0") in text
    assert strings["finetune.sweep_title"] in text and strings["finetune.big_title"] in text
    query = parse_qs(urlsplit(page.url).query)
    assert query["ft_live"] == ["linear_probe,full"] and query["ft_seed"] == ["3"]


def test_clicking_a_strategy_updates_counts_and_url(warm_app_server, page):
    strings = load_strings("en")
    harness.open_app_page(
        page, warm_app_server.url, FINETUNE, "en", {"ft_live": "linear_probe", "ft_size": "1"}
    )
    radio = harness.widget(page, "ft_strategy")
    harness.rerun_after(page, lambda: radio.get_by_text("full", exact=True).click())
    harness.assert_no_exception(page)
    trainable, frozen = _counts("full")
    assert harness.metric_value(page, strings["finetune.trainable"]) == f"{trainable:,}"
    assert harness.metric_value(page, strings["finetune.frozen"]) == f"{frozen:,}" == "0"
    assert parse_qs(urlsplit(page.url).query)["ft_strategy"] == ["full"]

"""The normalization page in a real browser: every section drawn and checked in both languages, a shared
link's view, a slider move, and the live retrain of one cell."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from core import normalization as nz
from tests.browser import harness
from ui.i18n import load_strings
from ui.navigation import PAGES

pytestmark = pytest.mark.browser

SPEC = next(spec for spec in PAGES if spec.slug == "normalization")
CHARTS = ("norm_explorer", "norm_eps_curves", "norm_running", "norm_sweep")


def _success_texts(page) -> list[str]:
    return page.locator('[data-testid="stAlertContentSuccess"]').all_inner_texts()


@pytest.mark.parametrize("lang", harness.LANGS)
def test_every_section_is_drawn_and_checked(warm_app_server, page, lang):
    strings = load_strings(lang)
    harness.open_app_page(page, warm_app_server.url, SPEC, lang)
    harness.assert_no_exception(page)
    harness.assert_charts_visible(page)
    headings = harness.main_headings(page)
    for key in ("title", "explorer_title", "eps_title", "running_title", "sweep_title", "nlp_title"):
        assert strings[f"normalization.{key}"] in headings
    for key in CHARTS:
        assert harness.shown_chart(page, key).count() == 1, key
    # the explorer's panels are titled with the five layers
    texts = (
        harness.shown_chart(page, "norm_explorer")
        .locator("svg")
        .first.evaluate("(svg) => [...svg.querySelectorAll('text')].map((t) => t.textContent)")
    )
    for kind in nz.KINDS:
        assert strings[f"normalization.kind_{kind}"] in texts
    checks = _success_texts(page)
    assert len(checks) == 4, checks
    assert not harness.truncated_chart_labels(page)
    # the default view of every widget has a clean link: only the section picked is in it
    assert [key for key in parse_qs(urlsplit(page.url).query) if key.startswith("norm_")] == ["norm_section"]


def test_a_link_reproduces_the_view_and_a_slider_moves_it(warm_app_server, page):
    query = {"norm_layout": "sequence", "norm_l": "6", "norm_d": "6", "norm_groups": "3"}
    harness.open_app_page(page, warm_app_server.url, SPEC, "en", query)
    harness.assert_no_exception(page)
    assert "torch.nn.BatchNorm1d, LayerNorm, GroupNorm, InstanceNorm1d, RMSNorm" in _success_texts(page)[0]
    assert "norm_d=6" in page.url and "norm_groups=3" in page.url
    thumb = harness.widget(page, "norm_batch").locator("input[type=range]")

    def press_right() -> None:
        thumb.focus()
        page.keyboard.press("ArrowRight")

    harness.rerun_after(page, press_right)
    harness.assert_no_exception(page)
    page.wait_for_function("() => location.search.includes('norm_batch=9')")
    assert len(_success_texts(page)) == 4


def test_live_retrain_of_one_cell(warm_app_server, page):
    query = {"norm_cell_norm": "layer", "norm_cell_batch": "64", "norm_cell_seed": "1"}
    harness.open_app_page(page, warm_app_server.url, SPEC, "zh", query)
    button = harness.widget(page, "norm_retrain").locator("button")
    harness.rerun_after(page, button.click)
    harness.assert_no_exception(page)
    text = harness.main_text(page)
    match = re.search(r"测试准确率 ([0-9.]+)%（发布结果：([0-9.]+)%）", text)
    assert match is not None, text[-2000:]
    assert match.group(1) == match.group(2)  # same code, seed and data: the shipped accuracy
    assert harness.shown_chart(page, "norm_cell_loss").count() == 1

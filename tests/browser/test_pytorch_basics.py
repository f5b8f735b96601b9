"""The PyTorch basics page in a real browser: the colour grids show core's maps, a click on another
operation and an edited size redraw them (fragment reruns), a link reproduces the view, both languages."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pytest

from core.pytorch_basics import operation_map
from tests.browser import harness
from ui.i18n import load_strings
from ui.navigation import PAGES

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SPEC = next(spec for spec in PAGES if spec.slug == "pytorch_basics")


def _grid_numbers(page: Page, key: str) -> Counter:
    """The numbers written in the cells of the grid drawn with show_chart(key=key)."""
    chart = harness.shown_chart(page, key)
    assert chart.count() == 1, f"no chart {key!r} on {page.url}"
    return Counter(int(text) for text in harness.chart_texts(chart))


def _expected(op: str, shape, sizes, dim=None) -> Counter:
    return Counter(int(v) for v in operation_map(op, shape, sizes, dim).ravel())


def _choose_op(page: Page, op: str) -> None:
    option = harness.widget(page, "pb_op").get_by_text(op, exact=True)
    harness.rerun_after(page, option.click)


def _type(page: Page, key: str, text: str) -> None:
    box = harness.widget(page, key).locator("input")

    def edit() -> None:
        box.fill(text)
        box.press("Enter")

    harness.rerun_after(page, edit)


@pytest.mark.parametrize("lang", harness.LANGS)
def test_grids_show_cores_maps_and_follow_the_controls(warm_app_server, page, lang):
    strings = load_strings(lang)
    harness.open_app_page(page, warm_app_server.url, SPEC, lang)
    harness.assert_no_exception(page)
    harness.assert_charts_visible(page)
    assert harness.main_headings(page)[0] == harness.rendered(strings["pytorch_basics.title"])
    assert not harness.truncated_chart_labels(page)

    assert _grid_numbers(page, "pb_grid_input") == _expected("repeat", (2, 3), (1, 1))
    assert _grid_numbers(page, "pb_grid_output") == _expected("repeat", (2, 3), (2, 1, 2))

    _choose_op(page, "repeat_interleave")
    harness.assert_no_exception(page)
    assert _grid_numbers(page, "pb_grid_output") == _expected("repeat_interleave", (2, 3), (1, 0, 2), -1)

    _choose_op(page, "expand")
    _type(page, "pb_in_shape", "2, 1, 3")
    _type(page, "pb_expand", "2, 2, 4, 3")
    harness.assert_no_exception(page)
    harness.assert_charts_visible(page)
    assert _grid_numbers(page, "pb_grid_output") == _expected("expand", (2, 1, 3), (2, 2, 4, 3))
    assert "pb_op=expand" in page.url and "pb_expand=" in page.url

    # a broken user chain is located, with torch's error, without an error box
    chain = harness.widget(page, "pb_chain").locator("textarea")

    def edit_chain() -> None:
        chain.fill("Linear(64, 32)\nLinear(33, 10)")
        chain.press("Control+Enter")

    harness.rerun_after(page, edit_chain)
    harness.assert_no_exception(page)
    text = harness.main_text(page)
    broken = strings["pytorch_basics.chain_broken"].format(index=2, layer="Linear(33, 10)")
    assert harness.rendered(broken) in text
    assert "mat1 and mat2 shapes cannot be multiplied (8x32 and 33x10)" in text


def test_a_link_reproduces_the_tile_view(warm_app_server, page):
    link = {"pb_op": "tile", "pb_in_shape": "3, 2", "pb_tile": "2, 1, 2"}
    harness.open_app_page(page, warm_app_server.url, SPEC, "zh", link)
    harness.assert_no_exception(page)
    assert _grid_numbers(page, "pb_grid_output") == _expected("tile", (3, 2), (2, 1, 2))
    assert "torch.tile(x, (2, 1, 2))" in harness.main_text(page)

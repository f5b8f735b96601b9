"""The optimizers page's first section in a real browser: its table of runs drawn as a static table (no data
grid on a first visit), its headers and cells as the page wrote them, in both languages."""

from __future__ import annotations

import pytest

from tests.browser import harness
from ui.i18n import load_strings
from ui.navigation import PAGES
from ui.optimizers.state import DEFAULT_SELECTION, DEFAULT_STEPS
from ui.optimizers.views import TOLERANCE

pytestmark = pytest.mark.browser

SPEC = next(spec for spec in PAGES if spec.slug == "optimizers")
COLUMNS = ("col_optimizer", "col_lr", "col_gap_at", "col_gap_end", "col_reach", "col_check")


@pytest.mark.parametrize("lang", harness.LANGS)
def test_the_first_sections_table_of_runs_is_static_and_reads_as_written(warm_app_server, page, lang):
    strings = load_strings(lang)
    harness.open_app_page(page, warm_app_server.url, SPEC, lang, section=None)  # what a plain link opens
    harness.assert_no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('[data-testid="stDataFrame"]').count() == 0  # the grid's code is not loaded
    table = main.locator('[data-testid="stMarkdownContainer"] table')
    assert table.count() == 1
    headers = [h.strip() for h in table.locator("th").all_inner_texts()]
    # "max |diff| vs torch.optim" and "f − f* ...": a pipe or an asterisk neither splits a cell nor
    # starts emphasis
    assert headers == [strings[f"optimizers.{c}"].format(step=DEFAULT_STEPS) for c in COLUMNS]
    rows = table.locator("tbody tr")
    assert rows.count() == len(DEFAULT_SELECTION)
    names = [rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count())]
    assert names == DEFAULT_SELECTION
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td").all_inner_texts()
        assert len(cells) == len(COLUMNS)
        assert float(cells[-1]) <= TOLERANCE  # the |diff| against torch.optim, as the page's check

"""AppTest helpers shared by the page tests: open a page as a visitor's link does, and read what it shows."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from ui.sections import ALL, PAGE_SECTIONS

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_link(
    page: str,
    lang: str = "en",
    *,
    timeout: float = 300,
    state: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
    section: str | None = ALL,
    **more_params: str,
) -> AppTest:
    """Run ``app.py`` in ``lang`` and switch to ``page`` (e.g. ``"app_pages/losses.py"``) with the link's
    query parameters ``params`` and ``more_params`` (a link's own ``lang`` among them wins), given to both
    runs (a page switch drops them, as the browser does). ``state`` seeds ``st.session_state`` before the
    first run. Nothing is asserted of what it shows.

    ``section``: on a topic page (``ui.sections``), the section the link opens, unless the link names
    one itself: all of them by default, the whole page; None leaves the page's own default (its first)."""
    params = {**(params or {}), **more_params}
    sections = PAGE_SECTIONS.get(Path(page).stem)
    if sections is not None and section is not None:
        params.setdefault(sections.key, section)
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at


def open_page(
    page: str,
    lang: str = "en",
    *,
    timeout: float = 300,
    state: Mapping[str, Any] | None = None,
    section: str | None = ALL,
    **params: str,
) -> AppTest:
    """:func:`open_link`, and the page must open clean: no exception and no st.error (a page shows a bad
    link's values as ignored, never as an error)."""
    at = open_link(page, lang, timeout=timeout, state=state, params=params, section=section)
    assert_clean(at)
    return at


def assert_clean(at: AppTest, errors: int | None = 0) -> None:
    """No exception reached the page, and exactly ``errors`` st.error boxes (``None``: not counted)."""
    assert not at.exception, [e.value for e in at.exception]
    if errors is not None:
        assert len(at.error) == errors, [e.value for e in at.error]


def success_texts(at: AppTest) -> list[str]:
    """The st.success boxes: the page's passing live checks."""
    return [s.value for s in at.success]


_CELL_SPLIT = re.compile(r" ?(?<!\\)\| ?")  # a pipe not escaped by a backslash (markdown_table's " | ")
_ESCAPED = re.compile(r"\\([" + re.escape(string.punctuation) + "])")  # a backslash before ASCII punctuation


def static_tables(at: AppTest) -> list[pd.DataFrame]:
    """The tables the page drew with ``ui.layout.static_table`` (Markdown tables), read back as CommonMark
    reads them: one frame of texts each, its header as the columns."""
    tables = []
    for block in at.markdown:
        lines = block.value.split("\n")
        if len(lines) < 2 or not re.fullmatch(r"\|(---\|)+", lines[1]):
            continue
        rows = [[_ESCAPED.sub(r"\1", cell) for cell in _CELL_SPLIT.split(line)[1:-1]] for line in lines]
        tables.append(pd.DataFrame(rows[2:], columns=rows[0]))
    return tables

"""Altair chart helpers shared by the pages.

Every chart goes through :func:`show_chart`, which draws it and offers its data as CSV (Streamlit's
chart menu adds PNG/SVG). Curves are decimated in core before they get here: at most ~2,000 points
reach the browser.
"""

from __future__ import annotations

from typing import NamedTuple

import altair as alt
import pandas as pd
import streamlit as st

from ui.i18n import t

MAX_BROWSER_POINTS = 2_000


class Figure(NamedTuple):
    """A chart and the table behind it (its CSV download), as a view hands it to a page:
    ``show_chart(*figure, key=...)`` draws it."""

    chart: alt.TopLevelMixin
    data: pd.DataFrame


def show_chart(chart: alt.TopLevelMixin, data: pd.DataFrame, *, key: str) -> None:
    """Draw ``chart`` full width and put a CSV download of ``data`` under it."""
    st.altair_chart(chart, width="stretch", key=f"chart_{key}")
    st.download_button(
        t("common.download_csv"),
        data=lambda: data.to_csv(index=False).encode("utf-8"),  # built only when clicked
        file_name=f"{key}.csv",
        mime="text/csv",
        on_click="ignore",  # a download needs no rerun (and no chart redraw race)
        key=f"download_{key}",
        icon=":material/download:",
    )

"""Altair chart helpers shared by the pages.

Every chart goes through :func:`show_chart`, which draws it and offers its data as CSV (Streamlit's
chart menu adds PNG/SVG). Curves are decimated in core before they get here: at most ~2,000 points
reach the browser.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import NamedTuple

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from ui.i18n import t

MAX_BROWSER_POINTS = 2_000

# Altair validates every schema object as it is built (its "debug mode": tracebacks that point at the line
# that built a bad channel), then the whole spec again when st.altair_chart converts the chart
# (``to_dict(validate=True)``). The first is switched off, once per process: on the losses page's 12 charts
# it was 0.2 s of a 1.0 s warm run; a bad chart still fails, at the second.
alt.utils.schemapi.disable_debug_mode()


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


def grey_png(values: np.ndarray, light: int, dark: int) -> str:
    """``values`` (a 2-D array, first row drawn at the top; NaN not allowed) as an 8-bit grey PNG data URI:
    the smallest value at grey level ``light``, the largest at ``dark`` (0-255), linear in between.

    A heat map as one image mark instead of one rect per cell: the optimizers' 60 x 60 surface was 3,600
    marks for the browser to lay out (~0.3 s of a first visit) and 3,600 rows to send."""
    lo, hi = float(values.min()), float(values.max())
    share = (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)
    grey = np.rint(light + share * (dark - light)).astype(np.uint8)
    height, width = grey.shape
    rows = b"".join(b"\x00" + row.tobytes() for row in grey)  # filter type 0 (none) before each row

    def chunk(kind: bytes, data: bytes) -> bytes:  # length, type, data, CRC-32 of type and data
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale, no interlace
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
    png += chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

"""Numbers as the pages write them: one place for every format a page uses in its text and tables."""

from __future__ import annotations

import math
import string
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

DASH = "—"  # a figure that is not defined (NaN, None)
_ASCII_PUNCTUATION = frozenset(string.punctuation)


def fmt(value: float | None, digits: int = 4) -> str:
    """``digits`` significant digits; '—' for NaN or None, '∞' / '-∞' for infinities."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:.{digits}g}"


def fmt_fixed(value: float | None, decimals: int = 4) -> str:
    """``decimals`` digits after the point; '—' for None, NaN or an infinity."""
    if value is None or not math.isfinite(value):
        return DASH
    return f"{value:.{decimals}f}"


def fmt_pct(fraction: float, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.1234 -> '12.3%'."""
    return f"{100 * fraction:.{decimals}f}%"


def round_up(x: float, digits: int = 2) -> float:
    """``x`` rounded up to ``digits`` significant digits (a bound shown must never shrink)."""
    if x <= 0 or not math.isfinite(x):
        return x
    step = 10.0 ** (math.floor(math.log10(x)) - digits + 1)
    return math.ceil(x / step * (1 - 1e-12)) * step


def markdown_text(value: object) -> str:
    """``value`` as literal Markdown text: every ASCII punctuation character backslash-escaped (CommonMark
    allows it for each of them), so no ``*``, ``_``, ``|`` or ``$`` in it starts emphasis, a table cell
    or math; a line break becomes a space."""
    text = " ".join(str(value).splitlines())
    return "".join(f"\\{c}" if c in _ASCII_PUNCTUATION else c for c in text)


def markdown_table(frame: pd.DataFrame) -> str:
    """A small table of display texts as a Markdown (GFM) table: its header, then one line per row; every
    header and cell is :func:`markdown_text`."""
    header = "| " + " | ".join(markdown_text(c) for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(markdown_text(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])

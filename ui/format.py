"""Numbers as the pages write them: one place for every format a page uses in its text and tables."""

from __future__ import annotations

import math

DASH = "—"  # a figure that is not defined (NaN, None)


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

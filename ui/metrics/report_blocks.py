"""Issue 25's block of the metrics page's HTML report: the chosen model's score-band table
(``ui.metrics.views.downloads`` hands it to ``ui.metrics.report.html_report``; Holm's adjusted p-value is
in every comparison table already, ``core.metrics.comparison_frame``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from core.metrics import BAND_COLUMNS, Evaluation, band_table

REPORT_BANDS = 10


def block_strings(tr: Callable[..., str]) -> dict[str, str]:
    """The blocks' texts, resolved in the page's thread (a deferred download is built on another)."""
    return {"stability": tr("stability")} | {c: tr(f"col_{c}") for c in BAND_COLUMNS}


def blocks(evaluation: Evaluation, model: str, strings: Mapping[str, str]) -> list[tuple[str, pd.DataFrame]]:
    """(title, table) blocks under the report's comparison: the model's band table, translated headers."""
    bands = band_table(evaluation, n_bands=REPORT_BANDS)
    headers = {c: strings[c] for c in BAND_COLUMNS}
    return [(f"{strings['stability']} · {model}", bands.rename(columns=headers))]

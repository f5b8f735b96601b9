"""The metrics page's large-file path in a real browser: a server started with a data folder
(DLNOTES_DATA_DIR), a glob of Parquet parts named in the link, read by DuckDB on the button's click,
the AUC equal to scikit-learn's on the rows, in English and Chinese (screenshots
artifacts/screenshots/metrics-files-en.png, metrics-files-zh.png)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm

from tests.browser import harness
from ui.i18n import load_strings
from ui.metrics.data_folder import DATA_FOLDER_ENV
from ui.navigation import PAGES

pytestmark = pytest.mark.browser

METRICS = next(spec for spec in PAGES if spec.slug == "metrics")
SHOWN_TOL = 5e-5  # the page shows 4 decimals


def test_a_glob_of_parquet_parts_read_by_duckdb(browser_context, tmp_path):
    rng = np.random.default_rng(11)
    n = 60_000
    y = rng.random(n) < 0.3
    data = pd.DataFrame({"label": y.astype(int), "score": 1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y)))})
    (tmp_path / "parts").mkdir()
    for i, rows in enumerate(np.array_split(np.arange(n), 3)):
        data.iloc[rows].to_parquet(tmp_path / "parts" / f"part-{i}.parquet")
    exact = skm.roc_auc_score(y, data["score"])
    rounded = skm.roc_auc_score(y, np.round(data["score"], 2))

    with harness.StreamlitServer(env={DATA_FOLDER_ENV: str(tmp_path)}) as server:
        for lang, decimals, expected in (("en", "exact", exact), ("zh", "2", rounded)):
            strings = load_strings(lang)
            page = harness.new_page(browser_context)
            try:
                query = {
                    "metrics_source": "files",
                    "metrics_files": "parts/*.parquet",
                    "metrics_decimals": decimals,
                }
                harness.open_app_page(page, server.url, METRICS, lang, query)
                harness.assert_no_exception(page)
                button = page.get_by_role("button", name=strings["metrics.files_read"].format(n=3))
                harness.rerun_after(page, button.click)
                harness.assert_no_exception(page)
                assert not harness.error_texts(page), harness.error_texts(page)
                shown = float(harness.metric_value(page, strings["metrics.auc"]))
                assert shown == pytest.approx(expected, abs=SHOWN_TOL)
                bound_text = strings["metrics.auc_bound"].split("{")[0]
                assert (page.get_by_text(bound_text).count() > 0) == (decimals != "exact")
                harness.assert_charts_visible(page)
                harness.screenshot(page, f"metrics-files-{lang}")
            finally:
                page.close()

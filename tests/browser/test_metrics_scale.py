"""The metrics page's issue-14 additions in a real browser: a Parquet upload and an aggregated
(score, label, count) upload through the real file input, each checked against scikit-learn and
screenshotted (artifacts/screenshots/metrics-parquet-en.png, metrics-counts-en.png)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm

from tests.browser import harness
from ui.i18n import load_strings
from ui.navigation import PAGES

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

EN = load_strings("en")
METRICS = next(spec for spec in PAGES if spec.slug == "metrics")
SHOWN_TOL = 5e-5  # the page shows 4 decimals


def _rows(n: int = 4000, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.35
    p = np.round(1 / (1 + np.exp(-(rng.normal(size=n) + 1.4 * y - 0.6))), 2)
    return pd.DataFrame({"label": y.astype(int), "probability": p})


def _check(page: Page, y: np.ndarray, p: np.ndarray) -> None:
    harness.assert_no_exception(page)
    assert not harness.error_texts(page), harness.error_texts(page)
    assert float(harness.metric_value(page, EN["metrics.auc"])) == pytest.approx(
        skm.roc_auc_score(y, p), abs=SHOWN_TOL
    )
    assert float(harness.metric_value(page, EN["metrics.brier"])) == pytest.approx(
        skm.brier_score_loss(y, p), abs=SHOWN_TOL
    )
    assert harness.shown_chart(page, "calibration").count() >= 1


@pytest.mark.parametrize("kind", ["parquet", "counts"])
def test_parquet_and_aggregated_uploads(warm_app_server, page, tmp_path, kind):
    data = _rows()
    if kind == "parquet":
        path = tmp_path / "scores.parquet"
        data.to_parquet(path)
    else:
        path = tmp_path / "score_label_count.csv"
        data.groupby(["probability", "label"]).size().reset_index(name="count").to_csv(path, index=False)
    harness.open_app_page(page, warm_app_server.url, METRICS, "en", {"metrics_source": "upload"})
    uploader = page.locator('[data-testid="stFileUploader"] input[type=file]')
    harness.rerun_after(page, lambda: uploader.set_input_files(path))
    _check(page, data["label"].to_numpy(), data["probability"].to_numpy())
    harness.screenshot(page, f"metrics-{kind}-en")

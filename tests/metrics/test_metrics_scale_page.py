"""AppTest of the metrics page's issue-14 additions: a Parquet upload, an aggregated (score, label,
count) upload, the inverted-model KS sentence and the calibration section with its live check."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from scipy import stats
from streamlit.testing.v1 import AppTest

from ui.i18n import load_strings
from ui.sections import ALL

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "app_pages/metrics.py"
EN = load_strings("en")


def open_page() -> AppTest:
    """The metrics page, its report with all its sections (ui.sections)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["metrics_section"] = ALL
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str) -> AppTest:
    at.segmented_control(key="metrics_source").set_value("upload").run()
    at.file_uploader(key="metrics_upload").upload(name, data, mime).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def metric_value(at: AppTest, label_key: str) -> float:
    label = EN[f"metrics.{label_key}"]
    return float(next(m.value for m in at.metric if m.label == label))


def rows(n: int = 3000, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    p = np.round(1 / (1 + np.exp(-(rng.normal(size=n) + 1.5 * y - 0.5))), 3)
    return pd.DataFrame({"label": y.astype(int), "probability": p})


def test_parquet_upload_with_calibration_equal_to_sklearn():
    data = rows()
    buffer = io.BytesIO()
    data.to_parquet(buffer)
    at = upload(open_page(), "scores.parquet", buffer.getvalue(), "application/octet-stream")
    y, p = data["label"].to_numpy(), data["probability"].to_numpy()
    assert metric_value(at, "auc") == pytest.approx(skm.roc_auc_score(y, p), abs=5e-5)
    assert metric_value(at, "brier") == pytest.approx(skm.brier_score_loss(y, p), abs=5e-5)
    assert metric_value(at, "log_loss") == pytest.approx(skm.log_loss(y, p), abs=5e-5)
    reference = EN["metrics.calibration_reference"].split("{")[0]
    assert any(reference in s.value for s in at.success), "the live calibration check is shown and passes"
    # the bins control changes the reliability curve and keeps the check green
    at.segmented_control(key="metrics_calibration_strategy").set_value("quantile").run()
    assert not at.exception and not at.error
    assert at.query_params["metrics_calibration_strategy"] == "quantile"


def test_aggregated_upload_gives_the_rows_figures():
    data = rows(5000)
    counts = data.groupby(["probability", "label"]).size().reset_index(name="count")
    at = upload(open_page(), "counts.csv", counts.to_csv(index=False).encode(), "text/csv")
    y, p = data["label"].to_numpy(), data["probability"].to_numpy()
    assert metric_value(at, "auc") == pytest.approx(skm.roc_auc_score(y, p), abs=5e-5)
    assert metric_value(at, "ks") == pytest.approx(stats.ks_2samp(p[y == 1], p[y == 0]).statistic, abs=5e-5)
    assert metric_value(at, "brier") == pytest.approx(skm.brier_score_loss(y, p), abs=5e-5)
    # the table's lines are not called rows: it says how many rows they stand for
    loaded = EN["metrics.loaded_counts"].format(
        lines=f"{len(counts):,}", rows="5,000", column="count", pos="1", models="probability"
    )
    assert any(c.value == loaded for c in at.caption), [c.value for c in at.caption]
    # whole-number counts stand for rows: DeLong's interval and the notes' three methods are those of
    # the rows, from the table's tie groups
    from core.metrics import auc_confidence_interval, auc_pairwise, auc_rank

    low, high, se = auc_confidence_interval(y, p)
    shown = EN["metrics.auc_ci"].format(low=f"{low:.4f}", high=f"{high:.4f}", se=f"{se:.4f}")
    assert any(c.value == shown for c in at.caption), shown
    assert any(c.value.startswith(EN["metrics.three_ways_counts"].split("{")[0]) for c in at.caption)
    values = next(d.value for d in at.dataframe if EN["metrics.method"] in list(d.value.columns))[
        EN["metrics.value"]
    ].tolist()
    assert values[1] == auc_rank(y, p) and values[2] == auc_pairwise(y, p)


def test_inverted_model_gets_the_two_sided_ks_and_a_sentence():
    data = rows()
    data["probability"] = 1 - data["probability"]
    at = upload(open_page(), "inverted.csv", data.to_csv(index=False).encode(), "text/csv")
    y, p = data["label"].to_numpy(), data["probability"].to_numpy()
    assert metric_value(at, "ks") == pytest.approx(stats.ks_2samp(p[y == 1], p[y == 0]).statistic, abs=5e-5)
    start = EN["metrics.ks_inverted"].split("(")[0]
    assert any(w.value.startswith(start) for w in at.warning)


def test_scores_outside_zero_one_skip_calibration():
    data = rows()
    data["probability"] = data["probability"] * 10 - 3
    at = upload(open_page(), "logits.csv", data.to_csv(index=False).encode(), "text/csv")
    start = EN["metrics.calibration_not_probabilities"].split(";")[0]
    assert any(i.value.startswith(start) for i in at.info)
    assert not any(m.label == EN["metrics.brier"] for m in at.metric)

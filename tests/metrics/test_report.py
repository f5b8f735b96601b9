"""core.metrics' display tables and ui.metrics.report (the HTML report) against core.metrics and sklearn."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import precision_recall_curve, roc_curve

from core.metrics import (
    MAX_POINTS,
    comparison_frame,
    confusion_frame,
    curve_frame,
    evaluate,
    gains_frame,
    histogram_frame,
    ks_frame,
    ks_gap,
    metrics_frame,
    model_entry,
    report_json,
    summary_row,
)
from ui.metrics.report import html_report

LABELS = {"actual_pos": "A1", "actual_neg": "A0", "predicted_pos": "P1", "predicted_neg": "P0"}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    y = rng.random(60_000) < 0.2
    s = rng.normal(y * 1.2, 1.0)
    return y, s, evaluate(y, s, threshold=0.3)


def test_curves_are_decimated_points_of_sklearns_curves(data):
    y, s, ev = data
    fpr, tpr, _ = roc_curve(y, s)
    roc = curve_frame(ev, "roc", "m")
    assert 100 < len(roc) <= MAX_POINTS + 2
    np.testing.assert_allclose(roc["x"], fpr[roc["order"]], rtol=0, atol=0)
    np.testing.assert_allclose(roc["y"], tpr[roc["order"]], rtol=0, atol=0)
    assert roc["x"].iloc[0] == 0 and roc["x"].iloc[-1] == 1  # both ends kept
    precision, recall, _ = precision_recall_curve(y, s)
    pr = curve_frame(ev, "pr", "m")
    assert len(pr) <= MAX_POINTS + 2
    np.testing.assert_array_equal(pr["y"], precision[pr["order"]])
    np.testing.assert_array_equal(pr["x"], recall[pr["order"]])


def test_ks_frame_gap_is_the_ks_statistic(data):
    _, _, ev = data
    ks = ks_frame(ev, ("pos", "neg")).pivot(index="threshold", columns="series", values="value")
    assert (ks["neg"] - ks["pos"]).max() == pytest.approx(ev.ks, abs=1e-3)  # decimated: close to the max
    at, low, high = ks_gap(ev)
    assert high - low == pytest.approx(ev.ks, abs=1e-12)
    assert at == ev.ks_threshold


def test_confusion_frame_counts_and_row_rates(data):
    _, _, ev = data
    c = ev.confusion
    cm = confusion_frame(c, LABELS).set_index("cell")
    assert cm.loc["TP", "count"] == c.tp and cm.loc["TN", "count"] == c.tn
    assert cm.loc["TP", "rate"] + cm.loc["FN", "rate"] == pytest.approx(1.0)
    assert cm.loc["FP", "rate"] + cm.loc["TN", "rate"] == pytest.approx(1.0)
    assert cm.loc["FN", "actual"] == "A1" and cm.loc["FN", "predicted"] == "P0"


def test_histogram_and_gains_add_up(data):
    y, _, ev = data
    hist = histogram_frame(ev, ("pos", "neg"))
    assert hist.loc[hist["class"] == "pos", "count"].sum() == pytest.approx(y.sum())
    assert hist.loc[hist["class"] == "neg", "count"].sum() == pytest.approx((~y).sum())
    gains = gains_frame(ev)
    assert gains["captured"].iloc[0] == 0 and gains["captured"].iloc[-1] == pytest.approx(1.0)
    assert (np.diff(gains["captured"]) >= 0).all()
    assert gains["perfect"].iloc[-1] == 1.0 and (gains["perfect"] >= gains["captured"] - 1e-12).all()


def test_metrics_frame_has_every_curve_and_few_points(data):
    _, _, ev = data
    names = {k: k.upper() for k in ("precision", "recall", "f1", "accuracy", "specificity")}
    mvt = metrics_frame(ev, names)
    assert set(mvt["metric"]) == set(names.values())
    assert mvt.groupby("metric").size().max() <= MAX_POINTS
    assert mvt["value"].between(0, 1).all()


def test_json_report_and_delong_comparison(data):
    y, s, ev = data
    other = s + np.random.default_rng(0).normal(0, 1.0, len(s))
    evs = {"a": ev, "b": evaluate(y, other)}
    comparison = comparison_frame(y, {"a": s, "b": other})
    assert len(comparison) == 1 and 0 <= comparison["p_value"].iloc[0] <= 1
    at_half = {m: e.confusion_at(0.5) for m, e in evs.items()}
    entries = {m: model_entry(e, at_half[m], (0.1, 0.9, 0.2) if m == "a" else None) for m, e in evs.items()}
    doc = json.loads(report_json(entries, comparison, file="x.csv", threshold=0.5))
    assert doc["file"] == "x.csv" and doc["threshold"] == 0.5
    assert doc["models"]["a"]["roc_auc"] == pytest.approx(ev.roc_auc, abs=1e-15)
    assert doc["models"]["a"]["confusion"] == pytest.approx(at_half["a"].to_dict())
    assert doc["models"]["a"]["ci"] == {"method": "delong", "level": 0.95, "low": 0.1, "high": 0.9, "se": 0.2}
    assert "ci" not in doc["models"]["b"]
    assert doc["models"]["b"]["best_thresholds"] == pytest.approx(evs["b"].best_thresholds)
    assert doc["comparisons"][0]["model_a"] == "a" and doc["comparisons"][0]["model_b"] == "b"
    assert doc["comparisons"][0]["p_value"] == pytest.approx(comparison["p_value"].iloc[0], abs=1e-15)


def test_html_report_is_self_contained_and_escapes_user_content(data):
    _, _, ev = data
    frames = {
        "roc": curve_frame(ev, "roc", "<script>m</script>"),
        "pr": curve_frame(ev, "pr", "<script>m</script>"),
        "ks": ks_frame(ev, ("pos", "neg")),
        "ks_gap": pd.DataFrame([ks_gap(ev)], columns=["threshold", "low", "high"]),
        "histogram": histogram_frame(ev, ("pos", "neg")),
        "gains": gains_frame(ev),
    }
    strings = {
        k: k
        for k in (
            "report_title report_source report_summary compare threshold tab_roc tab_pr tab_ks tab_hist "
            "fpr tpr recall precision score cdf ks_gap count perfect random depth captured lift gains "
            "model_name"
        ).split()
    }
    rows = [summary_row("<b>x</b>", ev, (0.1, 0.2, 0.3), ev.confusion)]
    page = html_report(
        "<img src=x onerror=alert(1)>.csv", strings, rows, pd.DataFrame(), frames, threshold=0.3, lang="en"
    )
    assert page.count("<svg") == 5
    assert "<script" not in page and "<img" not in page and "<b>x</b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in page
    assert "http://" not in page.replace("http://www.w3.org", "")  # nothing fetched when opened

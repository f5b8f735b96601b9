"""ui.metrics.views and ui.metrics.source: the metrics page's sections, from a kept summary, without
changing it (a bundled example's is shared by every visitor), against core.metrics and scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import precision_recall_curve, roc_curve
from streamlit.testing.v1 import AppTest

from core.metrics import EXAMPLES, curve_frame, detect_columns, evaluate, load_scores
from tests.apptest import APP, assert_clean
from ui.compute import _results, freeze, key_of
from ui.metrics import source, views
from ui.metrics.kept import example_summary
from ui.sections import ALL

LABELS = ("P", "R", "F1", "Acc", "Spec", "cdf+", "cdf-", "pos", "neg")


def example_mapping(name: str) -> tuple:
    guess = detect_columns(EXAMPLES[name])
    return (guess.label, tuple(guess.scores), guess.weight, guess.pos_label, False)


def arrays_of(kept) -> dict[str, tuple[np.ndarray, ...]]:
    return {m: (ev.thresholds.copy(), ev.tps.copy(), ev.fps.copy()) for m, ev in kept.evaluations.items()}


def assert_unchanged(kept, before: dict[str, tuple[np.ndarray, ...]]) -> None:
    for model, ev in kept.evaluations.items():
        assert "roc" not in ev.__dict__ and "pr" not in ev.__dict__, (
            f"{model}: curves cached on a shared summary"
        )
        for was, now in zip(before[model], (ev.thresholds, ev.tps, ev.fps), strict=True):
            np.testing.assert_array_equal(was, now)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_drawing_an_example_leaves_its_shared_summary_as_it_was(name):
    kept = freeze(example_summary(EXAMPLES[name], example_mapping(name)))  # as ui.compute.shared stores it
    before = arrays_of(kept)
    for model in kept.models:
        frames = views.display_frames(kept.evaluations, model, LABELS)
        views.calibration_figures(kept.evaluations[model], 10, "quantile")
        report = views.Report(kept, model, frames, None, *views.threshold_bounds(kept))
        for download in views.downloads(report, 0.5):
            assert download["data"]()  # JSON, CSV, thresholds, the HTML report
    assert_unchanged(kept, before)


def test_the_display_curves_are_scikit_learns():
    table = load_scores(EXAMPLES["two_models"])
    kept = example_summary(EXAMPLES["two_models"], example_mapping("two_models"))
    frames = views.display_frames(kept.evaluations, kept.models[0], LABELS)
    for model, s in table.scores.items():
        roc = frames["roc"][frames["roc"]["model"] == model]
        fresh = curve_frame(evaluate(table.y_true, s), "roc", model)  # an Evaluation nobody else holds
        np.testing.assert_array_equal(roc["x"].to_numpy(), fresh["x"].to_numpy())
        fpr, tpr, _ = roc_curve(table.y_true, s)
        if len(fpr) <= 2_000:  # not decimated: every point of scikit-learn's curve
            np.testing.assert_allclose(roc["x"], fpr, atol=1e-12)
            np.testing.assert_allclose(roc["y"], tpr, atol=1e-12)
        pr = frames["pr"][frames["pr"]["model"] == model]
        precision, recall, _ = precision_recall_curve(table.y_true, s)
        if len(recall) <= 2_000:
            np.testing.assert_allclose(pr["x"], recall, atol=1e-12)
            np.testing.assert_allclose(pr["y"], precision, atol=1e-12)
    assert set(frames["metrics_vs_threshold"].columns) >= {"threshold"}


def test_the_threshold_range_and_clamp():
    kept = example_summary(EXAMPLES["balanced"], example_mapping("balanced"))
    low, high = views.threshold_bounds(kept)
    ev = kept.evaluations[kept.models[0]]
    assert (low, high) == (float(ev.thresholds[-1]), float(ev.thresholds[0]))
    report = views.Report(kept, kept.models[0], {}, None, low, high)
    assert report.clamp(high + 10) == high and report.clamp(low - 10) == low
    assert report.step == pytest.approx((high - low) / 1000)


def test_mapping_choices():
    guess = detect_columns(EXAMPLES["two_models"])
    offered = source.score_options(guess, guess.label)
    assert guess.label not in offered
    assert source.weight_options(offered, offered[:1])[0] == source.NONE
    assert source.position(["a", "b"], "b") == 1 and source.position(["a", "b"], "z") == 0
    assert source.mapping_of("y", ["s"], source.NONE, "1", False) == ("y", ("s",), None, "1", False)
    assert source.label_values(guess, "not the label") == []


def test_the_page_shares_the_example_summary_and_never_changes_it():
    """The page asks ui.compute.shared for a bundled example's summary, and drawing every view of it
    (every chart of the explorer, the calibration choices) caches nothing on it."""
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["metrics_section"] = ALL
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("app_pages/metrics.py").run()
    at.selectbox(key="metrics_example").set_value("two_models").run()
    for view in ("pr", "ks", "hist", "metrics"):
        at.segmented_control(key="metrics_view").set_value(view).run()
    at.segmented_control(key="metrics_calibration_strategy").set_value("quantile").run()
    at.selectbox(key="metrics_model").set_value(at.selectbox(key="metrics_model").options[1]).run()
    assert_clean(at)
    key = key_of(example_summary, (EXAMPLES["two_models"], example_mapping("two_models")), {})
    found, kept = _results().lookup(key)
    assert found, "the example's summary is in the shared store"
    assert_unchanged(kept, arrays_of(kept))
    assert "metrics_kept" not in at.session_state, "a bundled example is not kept per session"


def test_the_html_report_speaks_the_language_of_the_page_it_was_asked_from(monkeypatch):
    """Streamlit builds a deferred download on another thread, where the session's language is not
    readable: the report's language and texts are fixed when the page draws the button."""
    import ui.i18n

    kept = example_summary(EXAMPLES["two_models"], example_mapping("two_models"))
    frames = views.display_frames(kept.evaluations, kept.models[0], LABELS)
    report = views.Report(kept, kept.models[0], frames, None, *views.threshold_bounds(kept))
    for module in (ui.i18n, views):
        monkeypatch.setattr(module, "current_language", lambda: "zh")
    html = next(d for d in views.downloads(report, 0.5) if d["key"] == "metrics_download_html")
    for module in (ui.i18n, views):
        monkeypatch.setattr(module, "current_language", lambda: "en")  # the download thread's default
    page = html["data"]()
    assert '<html lang="zh">' in page
    assert "<th>模型</th>" in page and "<th>p 值</th>" in page  # the tables' headers in Chinese

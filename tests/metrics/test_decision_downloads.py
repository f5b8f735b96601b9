"""The page's JSON and HTML downloads carry the decision blocks (issue 24): each model's "cost" and
"constraint" blocks equal to core.metrics.decision_blocks (the command line's), and a Decisions section in
the HTML report."""

from __future__ import annotations

import json

from core.metrics import BOOTSTRAP_METRICS, EXAMPLES, bootstrap, decision_blocks, detect_columns, jsonable
from ui.metrics import decisions, views
from ui.metrics.kept import example_summary

LABELS = ("P", "R", "F1", "Acc", "Spec", "cdf+", "cdf-", "pos", "neg")


def test_downloads_carry_the_blocks_of_every_model():
    guess = detect_columns(EXAMPLES["two_models"])
    kept = example_summary(
        EXAMPLES["two_models"], (guess.label, tuple(guess.scores), None, guess.pos_label, False)
    )
    frames = views.display_frames(kept.evaluations, kept.models[0], LABELS)
    report = views.Report(kept, kept.models[0], frames, None, *views.threshold_bounds(kept))
    downloads = decisions.with_report_blocks(views.downloads(report, 0.4), report, 0.4)
    document = json.loads(next(d for d in downloads if d["key"] == "metrics_download_json")["data"]())
    costs = {f"cost_{k}": v for k, v in decisions.COST_DEFAULTS.items()}
    for model in kept.models:
        expected = jsonable(
            decision_blocks(kept.evaluations[model], costs=costs, constraint=("min_recall", 0.9))
        )
        entry = document["models"][model]
        assert entry["cost"] == expected["cost"] and entry["constraint"] == expected["constraint"]
        assert entry["roc_auc"] == kept.evaluations[model].roc_auc  # the rest of the entry is kept
        assert "bootstrap" not in entry  # off by default
    page = next(d for d in downloads if d["key"] == "metrics_download_html")["data"]()
    assert page.endswith("</body></html>") and "<h2>Decisions: costs, constraints, net benefit</h2>" in page


def test_the_bootstrap_block_is_the_pages_intervals_when_on():
    """With the bootstrap on, the shown model's JSON entry has the intervals the page shows (AppTest: the
    downloads are built in the page's run; the blocks are computed when the JSON is asked for)."""
    from streamlit.testing.v1 import AppTest

    def script():
        import json

        import streamlit as st

        from core.metrics import EXAMPLES, detect_columns
        from ui.metrics import decisions, views
        from ui.metrics.kept import example_summary

        st.session_state["metrics_bootstrap"] = True
        st.session_state["metrics_n_boot"] = "200"
        guess = detect_columns(EXAMPLES["balanced"])
        mapping = (guess.label, tuple(guess.scores), None, guess.pos_label, False)
        kept = example_summary(EXAMPLES["balanced"], mapping)
        frames = views.display_frames(kept.evaluations, kept.models[0], ("P",) * 9)
        report = views.Report(kept, kept.models[0], frames, None, *views.threshold_bounds(kept))
        downloads = decisions.with_report_blocks(views.downloads(report, 0.5), report, 0.5)
        json_download = next(d for d in downloads if d["key"] == "metrics_download_json")
        st.session_state["document"] = json.loads(json_download["data"]())

    at = AppTest.from_function(script, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    boot = at.session_state["document"]["models"]["score"]["bootstrap"]
    assert (boot["n_boot"], boot["seed"], boot["threshold"]) == (200, 0, 0.5)
    guess = detect_columns(EXAMPLES["balanced"])
    kept = example_summary(
        EXAMPLES["balanced"], (guess.label, tuple(guess.scores), None, guess.pos_label, False)
    )
    expected = bootstrap(
        kept.evaluations["score"], ("roc_auc", "average_precision", "ks"), n_boot=200
    ).intervals
    for metric, (low, high) in expected.items():
        assert (boot["intervals"][metric]["low"], boot["intervals"][metric]["high"]) == (low, high)
    assert set(boot["intervals"]) == set(BOOTSTRAP_METRICS)

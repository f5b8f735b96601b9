"""The page's JSON and HTML downloads carry the decision blocks (issue 24): each model's "cost" and
"constraint" blocks equal to core.metrics.decision_blocks (the command line's), and a Decisions section in
the HTML report."""

from __future__ import annotations

import json

from core.metrics import EXAMPLES, decision_blocks, detect_columns, jsonable
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

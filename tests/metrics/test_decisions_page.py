"""AppTest of the metrics page's Decisions section (issue 24): both languages, a link that reproduces a
non-default view, the sentence when no threshold meets a constraint, and the button that moves the
threshold explorer to the constraint's threshold."""

from __future__ import annotations

import numpy as np
import pytest

from core.metrics import evaluate, min_cost_threshold, threshold_for
from core.scores import EXAMPLES, load_scores
from tests.apptest import assert_clean, open_link, open_page
from ui.i18n import load_strings

PAGE = "app_pages/metrics.py"


def texts(at) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_section_opens_with_its_live_checks(lang):
    strings = load_strings(lang)
    at = open_page(PAGE, lang)
    assert strings["metrics.decisions"] in [s.value for s in at.subheader]
    assert "glossary-net_benefit" in texts(at) and "glossary-decision_curve" in texts(at)
    checks = [s.value for s in at.success]
    # costs and net benefit against the brute force, the confusion matrix against scikit-learn's
    assert sum("sklearn.metrics.confusion_matrix" in c for c in checks) == 1, checks
    assert len(checks) >= 5


def test_a_link_reproduces_costs_and_a_constraint():
    at = open_page(
        PAGE,
        metrics_example="imbalanced",
        metrics_cost_fn="20",
        metrics_cost_fp="1",
        metrics_constraint="max_fpr",
        metrics_max_fpr="0.02",
    )
    assert at.number_input(key="metrics_cost_fn").value == 20.0
    assert at.number_input(key="metrics_max_fpr").value == 0.02
    table = load_scores(EXAMPLES["imbalanced"])
    ev = evaluate(table.y_true, next(iter(table.scores.values())))
    best, cost = min_cost_threshold(ev, cost_fp=1.0, cost_fn=20.0)
    assert f"**{cost:.4f}**" in texts(at) and f"**{best:.4g}**" in texts(at)
    threshold, c = threshold_for(ev, max_fpr=0.02)
    assert f"**{threshold:.4g}**" in texts(at) and f"recall {c.recall:.4f}" in texts(at)
    # the button moves the explorer's slider there (clamped to its range)
    at.button(key="metrics_constraint_move").click().run()
    assert_clean(at)
    assert at.slider(key="metrics_threshold").value == pytest.approx(threshold)


def test_no_threshold_meets_is_said_not_raised():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.random(300), 3)  # no signal: no threshold reaches a precision of 0.99
    s[np.argmax(s)] = 1.0
    y[np.argmax(s)] = 0  # the highest score is a negative
    data = "label,score\n" + "".join(f"{a},{b}\n" for a, b in zip(y, s, strict=True))
    at = open_link(PAGE, "zh", metrics_constraint="min_precision", metrics_min_precision="0.99")
    at.segmented_control(key="metrics_source").set_value("upload").run()
    at.file_uploader(key="metrics_upload").upload("noise.csv", data.encode(), "text/csv").run()
    assert_clean(at)
    zh = load_strings("zh")["metrics.error_no_threshold_meets"].split("`")[0]
    assert any(w.value.startswith(zh) for w in at.warning), [w.value for w in at.warning]
    # the upload's rows are gone: the checks are against a brute force over the counts
    assert any("暴力法" in s.value for s in at.success)


def test_scores_outside_zero_one_have_no_decision_curve():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 200)
    s = np.round(rng.normal(size=200) * 3 + y, 2)
    data = "label,score\n" + "".join(f"{a},{b}\n" for a, b in zip(y, s, strict=True))
    at = open_link(PAGE, "en")
    at.segmented_control(key="metrics_source").set_value("upload").run()
    at.file_uploader(key="metrics_upload").upload("margins.csv", data.encode(), "text/csv").run()
    assert_clean(at)
    assert any("No decision curve" in i.value for i in at.info)

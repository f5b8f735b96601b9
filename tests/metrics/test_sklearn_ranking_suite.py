"""scikit-learn's own ranking tests, run against ``core.metrics``.

The installed ``sklearn/metrics/tests/test_ranking.py`` runs in a subprocess with its ``roc_curve``,
``roc_auc_score``, ``average_precision_score`` and ``precision_recall_curve`` replaced by ours
(``tests/metrics/sklearn_ranking_plugin.py`` substitutes them on ``sklearn.metrics`` before the test module is
imported, so its parametrisations hold ours too). Every test that calls one of ours must pass, except:

* our documented one-class contract: where ``y_true`` (or one label column) holds a single class, ours raises
  ``OneClassError`` (a ``ValueError``) where scikit-learn warns and returns NaN. The plugin records each such
  call and lets the test go on with scikit-learn's answer for that call only, so the rest of the test still
  checks ours; the tests where it happens are listed in ``ONE_CLASS`` below and must be exactly those.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# test function -> why ours refuses a one-class input in it (the call falls back to scikit-learn's)
ONE_CLASS = {
    "test_roc_curve_one_label": "roc_curve with every label 1, then every label 0: scikit-learn warns, NaN "
    "rates",
    "test_roc_curve_toydata": "roc_curve and roc_auc_score on y_true = [0, 0] and [1, 1], and a multilabel "
    "column of one class (macro/weighted): scikit-learn warns and returns NaN",
    "test_auc_score_non_binary_class": "roc_auc_score with all 0, all 1, all -1: scikit-learn warns, NaN",
    "test_precision_recall_curve_toydata": "precision_recall_curve and average_precision_score on y_true = "
    "[0, 0] and [1, 1] and on multilabel columns without positives: scikit-learn warns (precision 0, AP 0)",
    "test_precision_recall_curve_drop_intermediate": "precision_recall_curve on all-negative and "
    "all-positive labels",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("sklearn_ranking")
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    path = folder / "report.json"
    env = dict(os.environ, SKLEARN_RANKING_REPORT=str(path), PYTHONPATH=str(ROOT))
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(folder / "pytest.ini"),
        "--rootdir", str(folder), "-p", "tests.metrics.sklearn_ranking_plugin",
        "--pyargs", "sklearn.metrics.tests.test_ranking",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert path.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(path.read_text(encoding="utf-8"))


def _function(node_id: str) -> str:
    return node_id.split("::")[-1].split("[")[0]


def _case(node_id: str) -> str:
    return node_id.split("::")[-1]


def test_every_sklearn_ranking_test_that_calls_ours_passes(report):
    calling = {_function(k) for k, v in report.items() if v["called"]}
    # scikit-learn 1.9.1's test_ranking.py: 35 test functions call one of the four (90 cases)
    assert len(calling) >= 35, sorted(calling)
    cases = {k: v for k, v in report.items() if _function(k) in calling}
    failures = {_case(k): v for k, v in cases.items() if v["outcome"] not in ("passed", "skipped")}
    assert not failures, {k: v["error"] for k, v in failures.items()}


def test_the_one_class_refusals_are_exactly_the_listed_ones(report):
    refused = {_function(k) for k, v in report.items() if v.get("one_class")}
    assert refused == set(ONE_CLASS), sorted(refused)
    for key, value in report.items():
        for message in value.get("one_class", []):
            assert "only one class" in message or "sample_weight 0" in message, (key, message)

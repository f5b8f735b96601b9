"""A pytest plugin that runs scikit-learn's own ``sklearn/metrics/tests/test_ranking.py`` with its
``roc_curve``, ``roc_auc_score``, ``average_precision_score`` and ``precision_recall_curve`` replaced by
``core.metrics``' (loaded with ``-p tests.metrics.sklearn_ranking_plugin`` by
``tests/metrics/test_sklearn_ranking_suite.py``, in a subprocess of its own).

The substitution happens before the test module is imported, on ``sklearn.metrics`` itself, so the test
module's ``from sklearn.metrics import roc_curve`` and every parametrisation built from those names at
import time (``CURVE_FUNCS``, ``@pytest.mark.parametrize("metric", [...])``) hold ours. Each of ours is
wrapped to record that it was called: the report lists, per test, whether it called one of ours, its
outcome and, when it failed, the exception's type and first line. The report is written as JSON to the
path in the environment variable ``SKLEARN_RANKING_REPORT``.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback

import sklearn.metrics

import core.metrics
from core.metrics._validation import OneClassError

SUBSTITUTED = ("roc_curve", "roc_auc_score", "average_precision_score", "precision_recall_curve")

_called: dict = {"now": False, "one_class": []}
_results: dict[str, dict] = {}


def _recording(function, reference):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        _called["now"] = True
        try:
            return function(*args, **kwargs)
        except OneClassError as error:
            # our documented refusal where scikit-learn warns and returns NaN: recorded, and the test goes
            # on with scikit-learn's answer for this one call, so the rest of the test still checks ours
            _called["one_class"].append(f"{function.__name__}: {error}")
            return reference(*args, **kwargs)

    wrapper.__module__ = "core.metrics"
    return wrapper


def _substitute() -> None:
    if "sklearn.metrics.tests.test_ranking" in sys.modules:
        raise RuntimeError("sklearn's test_ranking was imported before the substitution")
    for name in SUBSTITUTED:
        ours, reference = getattr(core.metrics, name), getattr(sklearn.metrics, name)
        setattr(sklearn.metrics, name, _recording(ours, reference))


_substitute()


def pytest_runtest_setup(item) -> None:
    _called["now"] = False
    _called["one_class"] = []


def pytest_runtest_makereport(item, call) -> None:
    entry = _results.setdefault(item.nodeid, {"called": False, "outcome": "passed", "error": None})
    if call.when == "call":
        entry["called"] = _called["now"]
        entry["one_class"] = list(_called["one_class"])
    if call.excinfo is not None and entry["outcome"] == "passed":
        if call.excinfo.errisinstance(_skip_exceptions()):
            entry["outcome"] = "skipped"
            return
        entry["outcome"] = "failed" if call.when == "call" else "error"
        lines = traceback.format_exception_only(call.excinfo.type, call.excinfo.value)
        entry["error"] = "".join(lines).strip().splitlines()[0][:300]
        entry["error_type"] = call.excinfo.type.__name__


def _skip_exceptions():
    import _pytest.outcomes

    return (_pytest.outcomes.Skipped,)


def pytest_sessionfinish(session, exitstatus) -> None:
    path = os.environ.get("SKLEARN_RANKING_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(_results, handle, indent=1, sort_keys=True)

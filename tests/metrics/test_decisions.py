"""From scores to decisions (issue 24): every contract of ``core.metrics._decisions`` against a brute force
over every threshold (each distinct score and "predict none"), on rows with ties, weights and count
tables, and the sentences of the cases no threshold meets."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import sklearn.metrics as skm

import core.metrics._decisions as decisions_module
from core.errors import InputError
from core.metrics import (
    evaluate,
    evaluate_counts,
    min_cost_threshold,
    net_benefit,
    score_counts,
    threshold_for,
    treat_all_net_benefit,
)
from ui.i18n import load_strings


def make(kind: str, n: int = 600, seed: int = 0):
    """(labels, scores, weights or None) with many ties (scores on a coarse grid)."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    s = np.round(rng.normal(size=n) + 1.2 * y, 1)
    if kind == "inverted":
        s = -s
    weights = rng.integers(0, 4, n).astype(float) + rng.random(n) if kind == "weighted" else None
    return y, s, weights


def candidates(y, s, w):
    """Brute force: the confusion matrix of every candidate, from the rows (``+inf`` first)."""
    weights = np.ones(y.size) if w is None else w
    distinct = np.unique(s[weights > 0])[::-1]
    rows = []
    for t in np.concatenate(([np.inf], distinct)):
        predicted = s >= t
        tp = float(weights[predicted & y].sum())
        fp = float(weights[predicted & ~y].sum())
        rows.append((float(t), tp, fp, float(weights[y].sum()) - tp, float(weights[~y].sum()) - fp))
    return rows


def test_doctests():
    assert doctest.testmod(decisions_module).failed == 0


@pytest.mark.parametrize("kind", ["plain", "inverted", "weighted"])
@pytest.mark.parametrize(
    "costs",
    [
        {"cost_fp": 1.0, "cost_fn": 20.0},
        {"cost_fp": 5.0, "cost_fn": 1.0},
        {"cost_fp": 1.0, "cost_fn": 1.0, "cost_tp": -3.0, "cost_tn": 0.5},
        {"cost_fp": 100.0, "cost_fn": 0.0},  # predict none is best
        {"cost_fp": 0.0, "cost_fn": 0.0},  # every threshold ties: the highest (predict none) wins
    ],
)
def test_min_cost_threshold_equals_the_brute_force(kind, costs):
    y, s, w = make(kind)
    c_tp, c_fp = costs.get("cost_tp", 0.0), costs["cost_fp"]
    c_fn, c_tn = costs["cost_fn"], costs.get("cost_tn", 0.0)
    brute = []
    for t, tp, fp, fn, tn in candidates(y, s, w):
        brute.append((t, (c_tp * tp + c_fp * fp + c_fn * fn + c_tn * tn) / (tp + fp + fn + tn)))
    best = min(cost for _, cost in brute)
    expected = next((t, cost) for t, cost in brute if cost <= best + 1e-12)
    ev = evaluate(y, s, sample_weight=w)
    threshold, cost = min_cost_threshold(ev, **costs)
    assert threshold == expected[0]
    assert cost == pytest.approx(expected[1], abs=1e-12)
    if costs == {"cost_fp": 100.0, "cost_fn": 0.0}:
        assert threshold == np.inf
    if w is None:  # what evaluate_counts returns, and the table itself
        assert min_cost_threshold(evaluate_counts(score_counts(y, s)), **costs) == (threshold, cost)
        assert min_cost_threshold(score_counts(y, s), **costs) == (threshold, cost)


def brute_threshold(rows, name, value):
    """Best candidate by the rule of ``threshold_for``, written out over the list of candidates."""
    best, best_key = None, None
    for t, tp, fp, fn, tn in rows:
        recall = tp / (tp + fn)
        precision = tp / (tp + fp) if tp + fp else 0.0
        fpr = fp / (fp + tn)
        flagged = (tp + fp) / (tp + fp + fn + tn)
        ok, key = {
            "min_recall": (recall >= value, (precision, recall)),
            "min_precision": (precision >= value, (recall, precision)),
            "max_fpr": (fpr <= value, (recall, precision)),
            "top_fraction": (flagged <= value, (flagged, flagged)),
        }[name]
        if ok and (best_key is None or key > best_key):
            best, best_key = (t, tp, fp, fn, tn), key
    return best


@pytest.mark.parametrize("kind", ["plain", "inverted", "weighted"])
@pytest.mark.parametrize(
    "name, values",
    [
        ("min_recall", [0.0, 0.5, 0.9, 1.0]),
        ("min_precision", [0.0, 0.3, 0.5, 0.7]),
        ("max_fpr", [0.0, 0.01, 0.1, 0.5, 1.0]),
        ("top_fraction", [0.0, 0.01, 0.05, 0.29, 1.0]),
    ],
)
def test_threshold_for_equals_the_brute_force(kind, name, values):
    y, s, w = make(kind)
    ev = evaluate(y, s, sample_weight=w)
    rows = candidates(y, s, w)
    for value in values:
        expected = brute_threshold(rows, name, value)
        if expected is None:
            with pytest.raises(ValueError):
                threshold_for(ev, **{name: value})
            continue
        threshold, c = threshold_for(ev, **{name: value})
        assert threshold == expected[0], (name, value)
        assert (c.tp, c.fp, c.fn, c.tn) == pytest.approx(expected[1:], abs=1e-9)
        if w is None and np.isfinite(threshold):  # the confusion matrix against scikit-learn's on the rows
            tn, fp, fn, tp = skm.confusion_matrix(y, s >= threshold).ravel()
            assert (c.tp, c.fp, c.fn, c.tn) == (tp, fp, fn, tn)


def test_threshold_for_on_a_count_table_and_its_evaluation():
    y, s, _ = make("plain", 3000, seed=3)
    table = score_counts(y, s)
    constraints = [("min_recall", 0.9), ("min_precision", 0.6), ("max_fpr", 0.05), ("top_fraction", 0.1)]
    for name, value in constraints:
        on_rows = threshold_for(evaluate(y, s), **{name: value})
        assert threshold_for(evaluate_counts(table), **{name: value}) == on_rows
        assert threshold_for(table, **{name: value}) == on_rows


def test_no_threshold_meets_says_so_in_both_languages():
    y = np.array([0, 1, 0, 1, 0, 0])
    s = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])  # the best precision any threshold reaches is 0.5
    with pytest.raises(InputError, match=r"no threshold meets min_precision = 0\.9") as caught:
        threshold_for(evaluate(y, s), min_precision=0.9)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "metrics.no_threshold_meets"
    assert caught.value.values == {"constraint": "min_precision", "value": "0.9", "best": "0.5"}
    for lang in ("en", "zh"):
        sentence = load_strings(lang)[caught.value.locale_key].format(**caught.value.values)
        assert "0.9" in sentence and "0.5" in sentence


def test_predict_none_is_the_answer_when_nothing_else_fits():
    y = np.array([0, 1, 1, 0])
    s = np.array([0.9, 0.8, 0.7, 0.1])  # the top score is a negative
    threshold, c = threshold_for(evaluate(y, s), max_fpr=0.0)
    assert threshold == np.inf and (c.tp, c.fp, c.fn, c.tn) == (0.0, 0.0, 2.0, 2.0)
    threshold, c = threshold_for(evaluate(y, s), top_fraction=0.2)
    assert threshold == np.inf and c.tp + c.fp == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"min_recall": 0.5, "max_fpr": 0.1},
        {"min_recall": 1.5},
        {"max_fpr": -0.1},
        {"top_fraction": float("nan")},
        {"min_precision": True},
    ],
)
def test_threshold_for_refuses_bad_constraints(kwargs):
    ev = evaluate([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4])
    with pytest.raises(InputError):
        threshold_for(ev, **kwargs)


def test_bad_inputs_raise_input_errors():
    ev = evaluate([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4])
    with pytest.raises(InputError, match="cost_fp"):
        min_cost_threshold(ev, cost_fp=float("inf"), cost_fn=1.0)
    with pytest.raises(InputError) as caught:
        min_cost_threshold({"tps": []}, cost_fp=1.0, cost_fn=1.0)
    assert caught.value.code == "metrics.not_an_evaluation"
    for bad in ([1.0], [-0.1], [float("nan")]):
        with pytest.raises(InputError) as caught:
            net_benefit(ev, bad)
        assert caught.value.code == "metrics.net_benefit_threshold"


@pytest.mark.parametrize("kind", ["plain", "weighted"])
def test_net_benefit_equals_the_formula_on_rows(kind):
    y, s, w = make(kind)
    probabilities = 1.0 / (1.0 + np.exp(-s))  # scores as probabilities, tied as the scores are
    ev = evaluate(y, probabilities, sample_weight=w)
    weights = np.ones(y.size) if w is None else w
    n = weights.sum()
    # every tie point exactly, points between them, 0 and just below 1
    points = np.concatenate((np.unique(probabilities), np.linspace(0.0, 0.99, 100), [0.999999]))
    points = points[points < 1.0]
    expected = []
    for pt in points:
        treated = probabilities >= pt
        tp, fp = weights[treated & y].sum(), weights[treated & ~y].sum()
        expected.append(tp / n - fp / n * pt / (1 - pt))
    np.testing.assert_allclose(net_benefit(ev, points), expected, rtol=1e-14, atol=1e-12)
    everyone = weights[y].sum() / n - weights[~y].sum() / n * points / (1 - points)
    np.testing.assert_allclose(treat_all_net_benefit(ev, points), everyone, rtol=1e-14, atol=1e-12)
    # at p_t = 0 everyone is treated: the model's net benefit is treat all's, the prevalence
    assert net_benefit(ev, [0.0])[0] == pytest.approx(ev.prevalence, abs=1e-15)

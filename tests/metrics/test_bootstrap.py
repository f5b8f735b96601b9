"""The stratified bootstrap from the score table (issue 24): each replicate's metrics equal the metrics of
its resampled rows (expanded and evaluated row by row), the intervals agree in distribution with a
row-level stratified bootstrap, and the ROC / PR bands read the curves as a brute force does."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import sklearn.metrics as skm

import core.metrics._bootstrap as bootstrap_module
from core.budget import OverBudget
from core.errors import InputError
from core.metrics import (
    BOOTSTRAP_METRICS,
    THRESHOLD_METRICS,
    Confusion,
    bootstrap,
    bootstrap_ci,
    bootstrap_replicates,
    curve_points,
    evaluate,
    evaluate_counts,
    score_counts,
    threshold_intervals,
)
from core.metrics._bootstrap import _BLOCK_CELLS


def make(n: int = 400, seed: int = 0, decimals: int = 1):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.35
    s = np.round(rng.normal(size=n) + 1.0 * y, decimals)  # ties on a grid
    return y, s


def test_doctests():
    assert doctest.testmod(bootstrap_module).failed == 0


def resampled_rows(ev, n_boot: int, seed: int):
    """The rows of each replicate, drawn as ``_replicates`` draws them (one block here), expanded."""
    rng = np.random.default_rng(seed)
    positives = np.diff(ev.tps, prepend=0)
    negatives = np.diff(ev.fps, prepend=0)
    assert n_boot <= _BLOCK_CELLS // positives.size  # one block: positives' draws, then negatives'
    pos = rng.multinomial(positives.sum(), positives / positives.sum(), size=n_boot)
    neg = rng.multinomial(negatives.sum(), negatives / negatives.sum(), size=n_boot)
    for p, q in zip(pos, neg, strict=True):
        scores = np.concatenate((np.repeat(ev.thresholds, p), np.repeat(ev.thresholds, q)))
        labels = np.concatenate((np.ones(p.sum(), bool), np.zeros(q.sum(), bool)))
        yield labels, scores


def test_each_replicate_equals_the_metrics_of_its_resampled_rows():
    y, s = make()
    ev = evaluate(y, s, threshold=0.4)
    n_boot = 40
    got = bootstrap_replicates(ev, n_boot=n_boot, seed=7, n_points=21)
    grid = np.linspace(0.0, 1.0, 21)
    for b, (labels, scores) in enumerate(resampled_rows(ev, n_boot, seed=7)):
        assert labels.sum() == ev.n_pos and (~labels).sum() == ev.n_neg  # stratified
        assert got["roc_auc"][b] == pytest.approx(skm.roc_auc_score(labels, scores), abs=1e-12)
        assert got["average_precision"][b] == pytest.approx(
            skm.average_precision_score(labels, scores), abs=1e-12
        )
        row = evaluate(labels, scores, threshold=0.4)
        assert got["ks"][b] == pytest.approx(row.ks, abs=1e-12)
        c = row.confusion
        tn, fp, fn, tp = skm.confusion_matrix(labels, scores >= 0.4).ravel()
        assert (c.tp, c.fp, c.fn, c.tn) == (tp, fp, fn, tn)
        for metric in ("accuracy", "precision", "recall", "f1", "specificity", "mcc"):
            assert got[metric][b] == pytest.approx(getattr(c, metric), abs=1e-12), metric
        assert got["mcc"][b] == pytest.approx(skm.matthews_corrcoef(labels, scores >= 0.4), abs=1e-12)
        # the bands' curves: TPR at each FPR of the grid, interpolated precision at each recall
        np.testing.assert_allclose(got["roc"][b], brute_tpr_at(labels, scores, grid), atol=1e-12)
        np.testing.assert_allclose(got["pr"][b], brute_precision_at(labels, scores, grid), atol=1e-12)


def brute_tpr_at(labels, scores, grid):
    """The top of the ROC polyline (scikit-learn's points, none dropped) above each FPR of the grid."""
    fpr, tpr, _ = skm.roc_curve(labels, scores, drop_intermediate=False)
    out = []
    for x in grid:
        values = [tpr[i] for i in range(fpr.size) if fpr[i] == x]
        for i in range(fpr.size - 1):
            if fpr[i] <= x < fpr[i + 1] or fpr[i] < x <= fpr[i + 1]:
                values.append(tpr[i] + (x - fpr[i]) / (fpr[i + 1] - fpr[i]) * (tpr[i + 1] - tpr[i]))
        out.append(max(values))
    return np.array(out)


def brute_precision_at(labels, scores, grid):
    """The best precision of any threshold (scikit-learn's points, not its end point) with recall >= r."""
    precision, recall, _ = skm.precision_recall_curve(labels, scores)
    precision, recall = precision[:-1], recall[:-1]
    return np.array([precision[recall >= r].max() for r in grid])


def test_curve_points_are_the_evaluations_own_curves():
    y, s = make(seed=2)
    grid, tpr, precision = curve_points(evaluate(y, s), 11)
    np.testing.assert_allclose(tpr, brute_tpr_at(y, s, grid), atol=1e-12)
    np.testing.assert_allclose(precision, brute_precision_at(y, s, grid), atol=1e-12)


def test_intervals_agree_with_a_row_level_stratified_bootstrap():
    """Same distribution, different draws: endpoints within a few Monte Carlo standard errors."""
    y, s = make(n=300, seed=4, decimals=2)
    ev = evaluate(y, s, threshold=0.5)
    n_boot = 2000
    ours = bootstrap(ev, n_boot=n_boot, seed=0).intervals
    rng = np.random.default_rng(123)
    positives, negatives = s[y], s[~y]
    rows = {m: [] for m in BOOTSTRAP_METRICS}
    for _ in range(n_boot):
        pos = positives[rng.integers(0, positives.size, positives.size)]
        neg = negatives[rng.integers(0, negatives.size, negatives.size)]
        labels = np.concatenate((np.ones(pos.size, bool), np.zeros(neg.size, bool)))
        r = evaluate(labels, np.concatenate((pos, neg)), threshold=0.5)
        for m in BOOTSTRAP_METRICS:
            value = getattr(r, m) if m in ("roc_auc", "average_precision", "ks") else getattr(r.confusion, m)
            rows[m].append(value)
    for m in BOOTSTRAP_METRICS:
        low, high = np.quantile(rows[m], [0.025, 0.975])
        spread = high - low
        # each endpoint's Monte Carlo error is a few % of the interval's width at 2,000 replicates
        assert abs(ours[m][0] - low) <= 0.1 * spread, (m, ours[m], (low, high))
        assert abs(ours[m][1] - high) <= 0.1 * spread, (m, ours[m], (low, high))


def test_same_seed_same_replicates_whatever_is_asked():
    y, s = make(seed=5)
    ev = evaluate(y, s)
    full = bootstrap(ev, n_boot=300, seed=3, n_points=51)
    for metric in BOOTSTRAP_METRICS:
        assert bootstrap_ci(ev, metric, n_boot=300, seed=3) == full.intervals[metric]
    # what evaluate_counts returns and the table give the same
    assert bootstrap(evaluate_counts(score_counts(y, s)), n_boot=300, seed=3).intervals == full.intervals
    assert bootstrap(score_counts(y, s), n_boot=300, seed=3).intervals == full.intervals
    assert bootstrap_ci(ev, "roc_auc", n_boot=300, seed=4) != full.intervals["roc_auc"]
    # bands surround the curves' own points loosely and stay within [0, 1]
    grid, tpr, precision = curve_points(ev, 51)
    np.testing.assert_array_equal(grid, full.grid)
    assert np.all((full.roc_low >= 0) & (full.roc_high <= 1) & (full.roc_low <= full.roc_high))
    assert np.mean((full.roc_low <= tpr) & (tpr <= full.roc_high)) > 0.9
    assert np.mean((full.pr_low <= precision) & (precision <= full.pr_high)) > 0.9
    low, high = full.intervals["roc_auc"]
    assert low < ev.roc_auc < high and 0.0 <= low and high <= 1.0


def test_progress_is_reported_per_block():
    y, s = make(seed=6)
    seen = []
    bootstrap(
        evaluate(y, s), ("roc_auc",), n_boot=50, progress=lambda done, total: seen.append((done, total))
    )
    assert seen[-1] == (50, 50)


def test_bad_inputs():
    y, s = make()
    ev = evaluate(y, s)
    with pytest.raises(InputError) as caught:
        bootstrap_ci(evaluate(y, s, sample_weight=np.full(y.size, 0.5)), "roc_auc")
    assert caught.value.code == "metrics.bootstrap_weighted"
    with pytest.raises(InputError):
        bootstrap_ci(ev, "gini")
    for kwargs in ({"n_boot": 1}, {"level": 1.0}, {"seed": -1}, {"n_boot": 10.0}):
        with pytest.raises(InputError):
            bootstrap_ci(ev, "roc_auc", **kwargs)
    with pytest.raises(OverBudget):
        bootstrap_ci(ev, "roc_auc", n_boot=10**9)


def test_threshold_intervals_from_two_binomials_agree_with_the_full_replicates():
    """The same distribution (TP* ~ Bin(P, TP/P), FP* ~ Bin(N, FP/N)), other draws: close endpoints."""
    y, s = make(n=500, seed=8)
    for threshold in (0.2, 0.5, 1.0):
        ev = evaluate(y, s, threshold=threshold)
        full = bootstrap(ev, THRESHOLD_METRICS, n_boot=3000, seed=1).intervals
        fast = threshold_intervals(ev, threshold, n_boot=3000, seed=2)
        for metric in THRESHOLD_METRICS:
            spread = full[metric][1] - full[metric][0]
            assert abs(fast[metric][0] - full[metric][0]) <= 0.1 * spread, (threshold, metric)
            assert abs(fast[metric][1] - full[metric][1]) <= 0.1 * spread, (threshold, metric)
    # the replicates are the metrics of Confusion(TP*, FP*): rebuilt from the same two draws
    ev = evaluate(y, s)
    rng = np.random.default_rng(5)
    c = ev.confusion_at(0.5)
    tp = rng.binomial(round(ev.n_pos), c.tp / ev.n_pos, size=999)
    fp = rng.binomial(round(ev.n_neg), c.fp / ev.n_neg, size=999)
    f1 = [Confusion(0.5, a, b, ev.n_pos - a, ev.n_neg - b).f1 for a, b in zip(tp, fp, strict=True)]
    assert threshold_intervals(ev, 0.5, n_boot=999, seed=5)["f1"] == tuple(np.quantile(f1, [0.025, 0.975]))


def test_the_first_replicates_table_is_the_one_its_values_come_from():
    y, s = make(seed=9)
    ev = evaluate(y, s)
    result = bootstrap(ev, ("roc_auc", "average_precision", "ks"), n_boot=20, seed=11)
    table = result.first
    assert table.n_pos == ev.n_pos and table.n_neg == ev.n_neg and table.n_rows == ev.n
    labels = np.concatenate((np.ones(int(table.n_pos), bool), np.zeros(int(table.n_neg), bool)))
    scores = np.concatenate(
        (np.repeat(table.scores, table.positives), np.repeat(table.scores, table.negatives))
    )
    assert result.first_values["roc_auc"] == pytest.approx(skm.roc_auc_score(labels, scores), abs=1e-12)
    assert result.first_values["average_precision"] == pytest.approx(
        skm.average_precision_score(labels, scores), abs=1e-12
    )
    assert result.first_values["ks"] == pytest.approx(evaluate(labels, scores).ks, abs=1e-12)
    assert (
        bootstrap_replicates(ev, ("roc_auc",), n_boot=20, seed=11)["roc_auc"][0]
        == result.first_values["roc_auc"]
    )

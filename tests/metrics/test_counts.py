"""The aggregated score table (issue 14): evaluate on rows == evaluate_counts on the table, for every
figure; the rounding bound holds; calibration equals scikit-learn's, from rows and from the table."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import sklearn.calibration as skc
import sklearn.metrics as skm

import core.metrics._calibration as calibration_module
import core.metrics._counts as counts_module
from core.metrics import (
    ScoreCounts,
    auc_pairwise,
    brier_score_loss,
    calibration_curve,
    counts_from_table,
    evaluate,
    evaluate_counts,
    expected_calibration_error,
    log_loss,
    round_scores,
    score_counts,
)


def make(kind: str, n: int = 3000, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    if kind == "continuous":
        s = rng.normal(size=n) + y
    elif kind == "tied":
        s = np.round(rng.normal(size=n) + y, 1)
    elif kind == "inverted":
        s = np.round(-(rng.normal(size=n) + 1.5 * y), 2)
    else:  # probabilities with ties, 0 and 1 included
        s = np.round(1 / (1 + np.exp(-(rng.normal(size=n) + y))), 2)
        s[:2] = (0.0, 1.0)
    return y, s, rng


def test_doctests():
    for module in (counts_module, calibration_module):
        assert doctest.testmod(module).failed == 0


def assert_evaluations_identical(a, b):
    assert a.to_dict() == b.to_dict()
    for name in ("thresholds", "tps", "fps"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert getattr(a, name).dtype == getattr(b, name).dtype
    for curve in ("roc", "pr"):
        for axis in ("x", "y", "thresholds"):
            np.testing.assert_array_equal(getattr(getattr(a, curve), axis), getattr(getattr(b, curve), axis))
    for name, value in a.gains().items():
        np.testing.assert_array_equal(value, b.gains()[name])
    for x, z in zip(a.score_histogram(20), b.score_histogram(20), strict=True):
        np.testing.assert_array_equal(x, z)
    for name, value in a.threshold_table().items():
        np.testing.assert_array_equal(value, b.threshold_table()[name])
    for t in (-1.0, 0.0, 0.3, 0.55, 2.0):
        assert a.confusion_at(t) == b.confusion_at(t)


@pytest.mark.parametrize("kind", ["continuous", "tied", "inverted", "probability"])
def test_rows_and_table_identical_unweighted(kind):
    y, s, _ = make(kind)
    rows = evaluate(y, s, threshold=0.3)
    table = evaluate_counts(score_counts(y, s), threshold=0.3)
    assert_evaluations_identical(rows, table)
    assert rows.delong_interval() == table.delong_interval()


@pytest.mark.parametrize("kind", ["continuous", "tied", "inverted", "probability"])
def test_count_table_identical_to_the_repeated_rows(kind):
    # a (score, label, count) table, with the same (score, label) split over several lines
    y, s, rng = make(kind, n=800)
    counts = rng.integers(1, 5, size=y.size)
    table = counts_from_table(
        np.concatenate((s, s)), np.concatenate((y, y)), np.concatenate((counts, counts))
    )
    assert not table.weighted
    rows = evaluate(np.repeat(y, 2 * counts), np.repeat(s, 2 * counts), threshold=0.3)
    assert_evaluations_identical(rows, evaluate_counts(table, threshold=0.3))
    # and to evaluate with whole-number sample weights, but for the "weighted" flag and dtype
    weighted = evaluate(y, s, threshold=0.3, sample_weight=2.0 * counts)
    as_weights = counts_from_table(s, y, 2.0 * counts, weighted=True)
    assert evaluate_counts(as_weights, threshold=0.3).to_dict() == weighted.to_dict()


@pytest.mark.parametrize("kind", ["continuous", "tied", "inverted", "probability"])
def test_rows_and_table_equal_weighted(kind):
    # fractional weights: the table sums per score first, so the figures agree to float64 rounding
    y, s, rng = make(kind)
    w = rng.random(y.size) * 3
    w[::7] = 0.0
    rows = evaluate(y, s, threshold=0.3, sample_weight=w)
    table = score_counts(y, s, sample_weight=w)
    assert table.weighted
    ev = evaluate_counts(table, threshold=0.3)
    np.testing.assert_array_equal(ev.thresholds, rows.thresholds)
    np.testing.assert_allclose(ev.tps, rows.tps, rtol=1e-12)
    np.testing.assert_allclose(ev.fps, rows.fps, rtol=1e-12)
    for name in ("roc_auc", "average_precision", "ks", "gini", "n_pos", "n_neg"):
        np.testing.assert_allclose(getattr(ev, name), getattr(rows, name), rtol=1e-12)
    assert (ev.n, ev.ks_threshold, ev.ks_direction) == (rows.n, rows.ks_threshold, rows.ks_direction)
    np.testing.assert_allclose(ev.roc_auc, skm.roc_auc_score(y, s, sample_weight=w), rtol=1e-12)


def test_table_of_one_class_and_bad_input_raise():
    with pytest.raises(ValueError, match="only one class"):
        counts_from_table([0.1, 0.2], [1, 1], [3, 4])
    with pytest.raises(ValueError, match="fractional"):
        counts_from_table([0.1, 0.2], [0, 1], [1.5, 2], weighted=False)
    with pytest.raises(ValueError, match="negative"):
        counts_from_table([0.1, 0.2], [0, 1], [-1, 2])
    with pytest.raises(ValueError, match="ScoreCounts"):
        evaluate_counts({"score": [0.1]})
    with pytest.raises(ValueError, match="decimals"):
        score_counts([0, 1], [0.1, 0.2]).rounded(-1)


def test_round_scores_is_half_away_from_zero():
    values = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994, 0.125, 1e-20])
    np.testing.assert_array_equal(round_scores(values, 0), [1.0, 2.0, 3.0, -1.0, -3.0, 0.0, 0.0, 0.0])
    # exact binary values: 0.125 is a half (away from zero), 1.865 is stored just below its half
    np.testing.assert_array_equal(round_scores([0.125, 0.135, 1.865, -1.865], 2), [0.13, 0.14, 1.86, -1.86])


@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rounding_bound_holds(decimals, seed):
    # the true AUC of the unrounded rows lies within the bound of the rounded table's AUC
    rng = np.random.default_rng(seed)
    y = rng.random(2000) < 0.4
    s = rng.normal(size=2000) * 0.3 + 0.5 * y
    rounded = score_counts(y, s).rounded(decimals)
    assert rounded.decimals == decimals
    true_auc = auc_pairwise(y, s)
    rounded_auc = evaluate_counts(rounded).roc_auc
    assert abs(rounded_auc - true_auc) <= rounded.auc_bound
    # the rounded table is the table of the rounded rows
    direct = evaluate(y, round_scores(s, decimals))
    assert evaluate_counts(rounded).to_dict() == direct.to_dict()
    # brute force: 1/2 * (pairs sharing a rounded score) / (P N)
    r = round_scores(s, decimals)
    same = (r[y][:, None] == r[~y][None, :]).sum()
    assert rounded.auc_bound == pytest.approx(0.5 * same / (y.sum() * (~y).sum()), rel=1e-12)


def test_rounding_bound_is_reached():
    # every positive just above every negative, both rounded onto one score: AUC 1 becomes 0.5
    y = np.array([0, 0, 1, 1])
    s = np.array([0.41, 0.42, 0.43, 0.44])
    rounded = score_counts(y, s).rounded(1)
    assert (
        evaluate_counts(ScoreCounts(np.array([0.4, 0.3]), np.array([2, 0]), np.array([0, 2]), 4)).roc_auc == 1
    )
    assert rounded.auc_bound == 0.5
    assert abs(evaluate_counts(rounded).roc_auc - evaluate(y, s).roc_auc) == 0.5


# ------------------------------------------------------------------ calibration


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [1, 3, 5, 10, 17])
@pytest.mark.parametrize("seed", [0, 1])
def test_calibration_curve_equals_sklearn(strategy, n_bins, seed):
    y, p, _ = make("probability", n=1500, seed=seed)
    reference = skc.calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    for ours in (
        calibration_curve(y, p, n_bins=n_bins, strategy=strategy),
        calibration_curve(score_counts(y, p), n_bins=n_bins, strategy=strategy),
    ):
        assert ours[0].shape == reference[0].shape
        np.testing.assert_allclose(ours[0], reference[0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(ours[1], reference[1], rtol=0, atol=1e-12)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_weighted_calibration_is_that_of_the_repeated_rows(strategy):
    y, p, rng = make("probability", n=500)
    counts = rng.integers(1, 4, size=y.size)
    reference = skc.calibration_curve(np.repeat(y, counts), np.repeat(p, counts), n_bins=7, strategy=strategy)
    ours = calibration_curve(y, p, n_bins=7, strategy=strategy, sample_weight=counts)
    np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-12)
    table = counts_from_table(p, y, counts)
    np.testing.assert_allclose(calibration_curve(table, n_bins=7, strategy=strategy), reference, atol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_brier_and_log_loss_equal_sklearn(weighted):
    y, p, rng = make("probability", n=2000)
    w = rng.random(y.size) if weighted else None
    table = score_counts(y, p, sample_weight=w)
    for ours in (brier_score_loss(y, p, sample_weight=w), brier_score_loss(table)):
        np.testing.assert_allclose(ours, skm.brier_score_loss(y, p, sample_weight=w), rtol=1e-12)
    for ours in (log_loss(y, p, sample_weight=w), log_loss(table)):
        np.testing.assert_allclose(ours, skm.log_loss(y, p, sample_weight=w), rtol=1e-12)


def test_calibration_of_one_class_is_defined():
    np.testing.assert_allclose(brier_score_loss([1, 1], [0.5, 1.0]), skm.brier_score_loss([1, 1], [0.5, 1.0]))
    np.testing.assert_allclose(log_loss([1, 1], [0.5, 1.0]), skm.log_loss([1, 1], [0.5, 1.0], labels=[0, 1]))


def test_expected_calibration_error_brute_force():
    y, p, _ = make("probability", n=3000)
    for strategy in ("uniform", "quantile"):
        edges = np.linspace(0, 1, 11) if strategy == "uniform" else np.percentile(p, np.linspace(0, 100, 11))
        bins = np.searchsorted(edges[1:-1], p)
        expected = sum(
            (bins == b).sum() / p.size * abs(y[bins == b].mean() - p[bins == b].mean())
            for b in np.unique(bins)
        )
        ece = expected_calibration_error(y, p, n_bins=10, strategy=strategy)
        np.testing.assert_allclose(ece, expected, rtol=1e-12)
        assert ece == pytest.approx(
            expected_calibration_error(score_counts(y, p), strategy=strategy), rel=1e-12
        )


def test_calibration_rejects_non_probabilities():
    with pytest.raises(ValueError, match=r"outside \[0, 1\]"):
        brier_score_loss([0, 1], [0.2, 1.5])
    with pytest.raises(ValueError, match="strategy"):
        calibration_curve([0, 1], [0.2, 0.5], strategy="kmeans")
    with pytest.raises(ValueError, match="n_bins"):
        calibration_curve([0, 1], [0.2, 0.5], n_bins=0)


@pytest.mark.parametrize("kind", ["continuous", "tied", "inverted", "probability"])
def test_three_ways_from_the_table_equal_the_rows_methods(kind):
    from core.metrics import auc_rank, auc_three_ways

    y, s, _ = make(kind, n=2000)
    table = score_counts(y, s)
    trapezoid, rank, pairwise = auc_three_ways(table)
    # exact integer arithmetic until one division: bit-equal to the row methods
    assert trapezoid == evaluate(y, s).roc_auc
    assert rank == auc_rank(y, s)
    assert pairwise == auc_pairwise(y, s)
    assert trapezoid == pytest.approx(skm.roc_auc_score(y, s), rel=1e-15)
    # counts of 2^31 rows or more take the Python-integer path: the same three ratios (AUC does not
    # change when every count is multiplied by the same factor)
    big = ScoreCounts(table.scores, table.positives * 2**30, table.negatives * 2**30, 0)
    assert auc_three_ways(big) == pytest.approx((trapezoid, rank, pairwise), rel=1e-15)
    with pytest.raises(ValueError, match="unweighted"):
        auc_three_ways(score_counts(y, s, sample_weight=np.ones(y.size)))

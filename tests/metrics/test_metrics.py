"""core.metrics against scikit-learn, scipy and brute-force versions, with explicit tolerances.

"Exact" comparisons (assert_array_equal) are deliberate: the curves are built by the same float
operations as scikit-learn's, so they agree bit for bit; scalars that are summed in a different order are
compared with rtol 1e-12.
"""

import doctest
import json
import math
import pickle
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sklearn.metrics as skm
from scipy import stats

from core.metrics import (
    Confusion,
    Evaluation,
    _confidence,
    _evaluation,
    _ranking,
    _validation,
    auc_confidence_interval,
    auc_pairwise,
    auc_rank,
    average_precision_score,
    confusion_at,
    decimate_curve,
    delong_test,
    evaluate,
    gini,
    ks_statistic,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
    score_histogram,
)

RTOL = 1e-12  # float sums taken in another order than the reference


def make_data(kind: str, n: int = 3000, seed: int = 0):
    """(y_true bool, y_score, sample_weight or None) for one named scenario."""
    rng = np.random.default_rng(seed)
    positive_rate = 0.01 if kind == "imbalanced" else 0.35
    y = rng.random(n) < positive_rate
    y[:2] = [True, False]  # both classes, whatever the draw
    score = rng.normal(size=n) + 1.2 * y
    weight = None
    if kind == "tied1":
        score = np.round(1 / (1 + np.exp(-score)), 1)
    elif kind == "tied2":
        score = np.round(1 / (1 + np.exp(-score)), 2)
    elif kind == "weighted":
        weight = rng.exponential(size=n)
        weight[rng.random(n) < 0.1] = 0.0  # some rows of weight 0 (ignored, as in scikit-learn)
        weight[:2] = 1.0
    elif kind == "weighted_tied":
        score = np.round(score, 1)
        weight = rng.uniform(0.1, 3.0, size=n)
    return y, score, weight


KINDS = ["random", "tied1", "tied2", "imbalanced", "weighted", "weighted_tied"]


def assert_curves_equal(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ hand-checkable 4-sample example


Y4 = [0, 0, 1, 1]
S4 = [0.1, 0.4, 0.35, 0.8]


def test_four_sample_example_by_hand():
    # pairs (pos, neg): (0.35, 0.1) win, (0.35, 0.4) loss, (0.8, 0.1) win, (0.8, 0.4) win -> 3 / 4
    assert roc_auc_score(Y4, S4) == 0.75
    assert auc_pairwise(Y4, S4) == 0.75
    # ranks ascending: 0.1 -> 1, 0.35 -> 2 (pos), 0.4 -> 3, 0.8 -> 4 (pos): (2 + 4 - 3) / 4
    assert auc_rank(Y4, S4) == 0.75
    assert gini(Y4, S4) == 0.5
    fpr, tpr, thresholds = roc_curve(Y4, S4)
    assert fpr.tolist() == [0.0, 0.0, 0.5, 0.5, 1.0]
    assert tpr.tolist() == [0.0, 0.5, 0.5, 1.0, 1.0]
    assert thresholds.tolist() == [np.inf, 0.8, 0.4, 0.35, 0.1]
    # AP = 0.5 * 1 (at 0.8) + 0 * 1/2 (at 0.4) + 0.5 * 2/3 (at 0.35) = 5/6
    assert average_precision_score(Y4, S4) == pytest.approx(5 / 6, rel=RTOL)
    # TPR - FPR at 0.8, 0.4, 0.35, 0.1: 0.5, 0, 0.5, 0 -> 0.5, first at 0.8
    assert ks_statistic(Y4, S4) == (0.5, 0.8)
    c = confusion_at(Y4, S4, 0.35)
    assert (c.tp, c.fp, c.fn, c.tn) == (2.0, 1.0, 0.0, 1.0)
    assert c.precision == pytest.approx(2 / 3, rel=RTOL)
    assert (c.recall, c.specificity, c.fpr, c.accuracy) == (1.0, 0.5, 0.5, 0.75)
    assert c.f1 == pytest.approx(0.8, rel=RTOL)  # 2 * 2 / (4 + 1 + 0)
    assert c.mcc == pytest.approx(2 / math.sqrt(3 * 2 * 2 * 1), rel=RTOL)  # (2*1 - 1*0) / sqrt(3*2*2*1)
    ev = evaluate(Y4, S4, threshold=0.35)
    assert ev.thresholds.tolist() == [0.8, 0.4, 0.35, 0.1]
    assert ev.tps.tolist() == [1, 1, 2, 2]
    assert ev.fps.tolist() == [0, 1, 1, 2]
    # F1 at 0.8, 0.4, 0.35, 0.1: 2/3, 1/2, 4/5, 2/3 -> 0.35
    assert ev.best_thresholds == {"f1": 0.35, "youden": 0.8, "ks": 0.8}


def test_docstring_examples_run():
    results = [
        doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        for module in (_validation, _ranking, _confidence, _evaluation)
    ]
    assert sum(r.attempted for r in results) >= 10
    assert sum(r.failed for r in results) == 0


# ------------------------------------------------------------------ curves and scores vs scikit-learn


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("drop", [True, False])
def test_roc_curve_equals_sklearn(kind, drop):
    y, s, w = make_data(kind)
    ours = roc_curve(y, s, sample_weight=w, drop_intermediate=drop)
    theirs = skm.roc_curve(y, s, sample_weight=w, drop_intermediate=drop)
    assert_curves_equal(ours, theirs)
    assert ours[2][0] == np.inf


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("drop", [False, True])
def test_precision_recall_curve_equals_sklearn(kind, drop):
    y, s, w = make_data(kind)
    ours = precision_recall_curve(y, s, sample_weight=w, drop_intermediate=drop)
    theirs = skm.precision_recall_curve(y, s, sample_weight=w, drop_intermediate=drop)
    assert_curves_equal(ours, theirs)
    assert (ours[0][-1], ours[1][-1]) == (1.0, 0.0)


@pytest.mark.parametrize("kind", KINDS)
def test_auc_and_average_precision_equal_sklearn(kind):
    y, s, w = make_data(kind)
    np.testing.assert_allclose(
        roc_auc_score(y, s, sample_weight=w), skm.roc_auc_score(y, s, sample_weight=w), rtol=RTOL
    )
    np.testing.assert_allclose(
        average_precision_score(y, s, sample_weight=w),
        skm.average_precision_score(y, s, sample_weight=w),
        rtol=RTOL,
    )
    np.testing.assert_allclose(
        gini(y, s, sample_weight=w), 2 * skm.roc_auc_score(y, s, sample_weight=w) - 1, rtol=RTOL
    )


def test_merge_path_on_a_larger_sample_equals_sklearn():
    # 200k rows, mostly distinct scores plus a block of ties: exercises the per-class sort + merge
    rng = np.random.default_rng(7)
    y = rng.random(200_000) < 0.2
    s = rng.normal(size=y.size) + y
    s[:5000] = 0.25
    ev = evaluate(y, s)
    _, fps, _, tps, thresholds = skm.confusion_matrix_at_thresholds(y, s)
    np.testing.assert_array_equal(ev.thresholds, thresholds)
    np.testing.assert_array_equal(ev.tps, tps)
    np.testing.assert_array_equal(ev.fps, fps)
    assert_curves_equal((ev.roc.x, ev.roc.y, ev.roc.thresholds), skm.roc_curve(y, s))
    assert ev.roc_auc == skm.roc_auc_score(y, s)
    assert ev.average_precision == skm.average_precision_score(y, s)


@pytest.mark.parametrize("kind", ["random", "tied2", "weighted"])
def test_chunked_scans_cross_chunk_boundaries(monkeypatch, kind):
    # the O(U) scans (AP, KS, best F1, ROC turning points) run in slices: make the slices tiny
    y, s, w = make_data(kind, n=2000)
    whole = evaluate(y, s, sample_weight=w)
    monkeypatch.setattr(_ranking, "_CHUNK", 7)
    chunked = evaluate(y, s, sample_weight=w)
    assert_curves_equal(
        (chunked.roc.x, chunked.roc.y, chunked.roc.thresholds), skm.roc_curve(y, s, sample_weight=w)
    )
    np.testing.assert_allclose(
        chunked.average_precision, skm.average_precision_score(y, s, sample_weight=w), rtol=RTOL
    )
    # unweighted the AUC is exact integer arithmetic, so chunking cannot change it; weighted, float sums
    np.testing.assert_allclose(chunked.roc_auc, skm.roc_auc_score(y, s, sample_weight=w), rtol=RTOL)
    if w is None:
        assert chunked.roc_auc == whole.roc_auc
    assert (chunked.ks, chunked.ks_threshold) == (whole.ks, whole.ks_threshold)
    assert chunked.best_thresholds == whole.best_thresholds


@pytest.mark.parametrize("kind", ["random", "tied1", "imbalanced"])
def test_integer_weights_equal_repeated_rows(kind):
    y, s, _ = make_data(kind, n=800, seed=3)
    counts = np.random.default_rng(4).integers(0, 4, size=y.size)
    counts[:2] = 1
    y_rep, s_rep = np.repeat(y, counts), np.repeat(s, counts)
    weighted = evaluate(y, s, sample_weight=counts.astype(float), threshold=0.3)
    repeated = evaluate(y_rep, s_rep, threshold=0.3)
    np.testing.assert_array_equal(weighted.thresholds, repeated.thresholds)
    np.testing.assert_allclose(weighted.tps, repeated.tps, rtol=RTOL)
    np.testing.assert_allclose(weighted.fps, repeated.fps, rtol=RTOL)
    for name in ("roc_auc", "average_precision", "ks", "gini", "n_pos", "n_neg"):
        np.testing.assert_allclose(getattr(weighted, name), getattr(repeated, name), rtol=RTOL)
    assert weighted.ks_threshold == repeated.ks_threshold
    assert weighted.best_thresholds == repeated.best_thresholds
    for field in ("tp", "fp", "fn", "tn"):
        np.testing.assert_allclose(getattr(weighted.confusion, field), getattr(repeated.confusion, field))
    for ours, theirs in zip(roc_curve(y, s, sample_weight=counts), roc_curve(y_rep, s_rep), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=RTOL)
    assert ks_statistic(y, s, sample_weight=counts)[0] == pytest.approx(
        ks_statistic(y_rep, s_rep)[0], rel=RTOL
    )


def test_label_encodings_give_the_same_result():
    y, s, _ = make_data("tied2", n=500)
    expected = roc_auc_score(y, s)
    assert roc_auc_score(y.astype(int), s) == expected
    assert roc_auc_score(y.astype(float), s) == expected
    assert roc_auc_score(np.where(y, 1, -1), s) == expected
    assert roc_auc_score(list(y), list(s)) == expected
    assert roc_auc_score(y[:, None], s[:, None]) == expected  # column vectors, as scikit-learn
    assert roc_auc_score(y, s.astype(np.float32)) == skm.roc_auc_score(y, s.astype(np.float32))


# ------------------------------------------------------------------ the notes' two AUC methods


def brute_force_auc(y, s):
    """The notes' method 1, literally: a Python double loop over (positive, negative) pairs."""
    pos = [si for yi, si in zip(y, s, strict=True) if yi]
    neg = [si for yi, si in zip(y, s, strict=True) if not yi]
    total = sum(1.0 if p > q else 0.5 if p == q else 0.0 for p in pos for q in neg)
    return total / (len(pos) * len(neg))


@pytest.mark.parametrize("kind", ["random", "tied1", "tied2", "imbalanced"])
def test_auc_pairwise_and_rank_equal_sklearn(kind):
    y, s, _ = make_data(kind)
    expected = skm.roc_auc_score(y, s)
    np.testing.assert_allclose(auc_pairwise(y, s), expected, rtol=RTOL)
    np.testing.assert_allclose(auc_rank(y, s), expected, rtol=RTOL)


@pytest.mark.parametrize("seed", range(5))
def test_auc_methods_equal_brute_force_on_small_inputs(seed):
    rng = np.random.default_rng(seed)
    y = rng.random(40) < 0.4
    y[:2] = [True, False]
    s = rng.integers(0, 6, size=40) / 5.0  # many ties
    expected = brute_force_auc(y, s)
    np.testing.assert_allclose(auc_pairwise(y, s), expected, rtol=RTOL)
    np.testing.assert_allclose(auc_rank(y, s), expected, rtol=RTOL)
    np.testing.assert_allclose(roc_auc_score(y, s), expected, rtol=RTOL)
    # unweighted, the AUC is computed in exact integers: it is the correctly rounded exact fraction
    pos, neg = s[y][:, None], s[~y][None, :]
    twice_wins = int(2 * np.count_nonzero(pos > neg) + np.count_nonzero(pos == neg))
    exact = float(Fraction(twice_wins, 2 * pos.size * neg.size))
    assert roc_auc_score(y, s) == exact == evaluate(y, s).roc_auc == auc_pairwise(y, s) == auc_rank(y, s)


def test_auc_pairwise_blocks_cover_every_pair(monkeypatch):
    # tiny blocks force the double loop over row and column blocks, with ragged last blocks
    y, s, _ = make_data("tied2", n=700)
    expected = auc_pairwise(y, s)
    monkeypatch.setattr(_ranking, "PAIRWISE_BLOCK_PAIRS", 37)
    np.testing.assert_allclose(auc_pairwise(y, s), expected, rtol=RTOL)


def test_auc_pairwise_refuses_too_many_pairs(monkeypatch):
    monkeypatch.setattr(_ranking, "MAX_PAIRWISE_PAIRS", 1000)
    y = np.arange(100) % 2 == 0
    with pytest.raises(ValueError, match=r"50 positives with 50 negatives .* use auc_rank"):
        auc_pairwise(y, np.arange(100.0))


@pytest.mark.parametrize("kind", ["random", "tied1"])
def test_midranks_equal_scipy_rankdata(kind):
    _, s, _ = make_data(kind, n=1000)
    np.testing.assert_array_equal(_ranking._midranks(s), stats.rankdata(s))


# ------------------------------------------------------------------ KS


@pytest.mark.parametrize("kind", ["random", "tied1", "tied2", "imbalanced"])
def test_ks_equals_scipy_ks_2samp(kind):
    y, s, _ = make_data(kind)
    statistic, threshold = ks_statistic(y, s)
    reference = stats.ks_2samp(s[y], s[~y], method="asymp")
    np.testing.assert_allclose(statistic, reference.statistic, rtol=0, atol=1e-12)
    # the threshold reaches it: TPR - FPR of "score >= threshold"
    c = confusion_at(y, s, threshold)
    np.testing.assert_allclose(c.tpr - c.fpr, statistic, rtol=0, atol=1e-12)


@pytest.mark.parametrize("kind", ["random", "tied1", "tied2", "imbalanced"])
def test_ks_is_two_sided_for_an_inverted_model(kind):
    # issue 14: an inverted model (high score = negative) is separated as well as the original one;
    # KS is scipy's two-sided statistic, and the direction says the negatives score higher
    y, s, _ = make_data(kind)
    statistic, threshold = ks_statistic(y, -s)
    two_sided = stats.ks_2samp(-s[y], -s[~y], method="asymp").statistic
    np.testing.assert_allclose(statistic, two_sided, rtol=0, atol=1e-12)
    c = confusion_at(y, -s, threshold)
    np.testing.assert_allclose(c.fpr - c.tpr, statistic, rtol=0, atol=1e-12)
    ev = evaluate(y, -s)
    assert (ev.ks, ev.ks_threshold, ev.ks_direction) == (statistic, threshold, -1)
    assert evaluate(y, s).ks_direction == 1
    # Youden's J stays the signed best cut-off of "score >= t"
    assert ev.best_thresholds["youden"] != ev.ks_threshold


def test_ks_of_perfectly_inverted_scores_is_one():
    y = np.array([1, 1, 1, 0, 0])
    s = np.array([0.1, 0.2, 0.3, 0.8, 0.9])
    assert ks_statistic(y, s) == (1.0, 0.8)
    assert stats.ks_2samp(s[y == 1], s[y == 0]).statistic == 1.0
    assert evaluate(y, s).ks_direction == -1


def test_weighted_ks_against_a_brute_force_scan():
    y, s, w = make_data("weighted_tied", n=600)
    best = max(
        (w[y & (s >= t)].sum() / w[y].sum() - w[~y & (s >= t)].sum() / w[~y].sum(), -i, t)
        for i, t in enumerate(np.unique(s)[::-1])
    )
    statistic, threshold = ks_statistic(y, s, sample_weight=w)
    np.testing.assert_allclose(statistic, best[0], rtol=RTOL)
    assert threshold == best[2]


# ------------------------------------------------------------------ confusion matrix


def sklearn_confusion(y, s, threshold, w=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero_division warnings: the value (0.0) is what we compare
        predicted = s >= threshold
        tn, fp, fn, tp = skm.confusion_matrix(y, predicted, sample_weight=w, labels=[False, True]).ravel()
        return {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
            "accuracy": skm.accuracy_score(y, predicted, sample_weight=w),
            "precision": skm.precision_score(y, predicted, sample_weight=w),
            "recall": skm.recall_score(y, predicted, sample_weight=w),
            "f1": skm.f1_score(y, predicted, sample_weight=w),
            "mcc": skm.matthews_corrcoef(y, predicted, sample_weight=w),
            "specificity": skm.recall_score(~y, ~predicted, sample_weight=w),
            "npv": skm.precision_score(~y, ~predicted, sample_weight=w),
        }


@pytest.mark.parametrize("kind", ["random", "tied1", "imbalanced", "weighted"])
@pytest.mark.parametrize("quantile", [0.0, 0.3, 0.9, 0.995, 1.0])
def test_confusion_at_equals_sklearn(kind, quantile):
    y, s, w = make_data(kind)
    threshold = float(np.quantile(s, quantile))
    ours = confusion_at(y, s, threshold, sample_weight=w)
    for name, value in sklearn_confusion(y, s, threshold, w).items():
        np.testing.assert_allclose(getattr(ours, name), value, rtol=RTOL, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(ours.fpr, 1 - ours.specificity, rtol=0, atol=1e-12)
    assert ours.tpr == ours.recall
    np.testing.assert_allclose(ours.support, w[y].sum() if w is not None else y.sum(), rtol=RTOL)


@pytest.mark.parametrize("threshold", [10.0, -10.0])
def test_confusion_zero_division_is_zero_like_sklearn(threshold):
    # nothing (or everything) predicted positive: precision / npv are 0/0 -> 0.0, MCC -> 0.0
    y, s, _ = make_data("random", n=300)
    ours = confusion_at(y, s, threshold)
    for name, value in sklearn_confusion(y, s, threshold).items():
        np.testing.assert_allclose(getattr(ours, name), value, rtol=RTOL, atol=1e-12, err_msg=name)


def test_confusion_at_allows_a_single_class():
    y = np.zeros(6, dtype=bool)
    s = np.linspace(0, 1, 6)
    ours = confusion_at(y, s, 0.5)
    for name, value in sklearn_confusion(y, s, 0.5).items():
        np.testing.assert_allclose(getattr(ours, name), value, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("kind", ["random", "tied1", "tied2", "imbalanced", "weighted", "weighted_tied"])
def test_evaluation_confusion_at_equals_confusion_at(kind):
    y, s, w = make_data(kind, n=1500)
    ev = evaluate(y, s, sample_weight=w)
    distinct = np.unique(s)
    midpoints = (distinct[1:] + distinct[:-1]) / 2
    thresholds = np.concatenate(
        (distinct[:: max(1, distinct.size // 60)], midpoints[::50], [distinct[0], distinct[-1]])
    )
    ends = [-np.inf, np.inf, distinct[0] - 1, distinct[-1] + 1, np.nextafter(distinct[-1], np.inf)]
    for t in [*thresholds.tolist(), *ends]:
        fast, direct = ev.confusion_at(t), confusion_at(y, s, t, sample_weight=w)
        for name in ("tp", "fp", "fn", "tn"):
            np.testing.assert_allclose(
                getattr(fast, name), getattr(direct, name), rtol=RTOL, atol=1e-9, err_msg=f"{name} at {t}"
            )
    assert ev.confusion_at(np.inf).tp == 0.0
    assert ev.confusion_at(-np.inf).fn == 0.0


# ------------------------------------------------------------------ evaluate


@pytest.mark.parametrize("kind", KINDS)
def test_evaluate_equals_the_separate_functions_and_sklearn(kind):
    y, s, w = make_data(kind)
    ev = evaluate(y, s, threshold=0.4, sample_weight=w)
    assert ev.n == y.size
    _, fps, _, tps, thresholds = skm.confusion_matrix_at_thresholds(y, s, sample_weight=w)
    np.testing.assert_array_equal(ev.thresholds, thresholds)
    np.testing.assert_array_equal(ev.tps, tps)
    np.testing.assert_array_equal(ev.fps, fps)
    assert ev.tps.dtype == (np.float64 if w is not None else np.int64)
    assert_curves_equal((ev.roc.x, ev.roc.y, ev.roc.thresholds), skm.roc_curve(y, s, sample_weight=w))
    precision, recall, pr_thresholds = skm.precision_recall_curve(y, s, sample_weight=w)
    assert_curves_equal((ev.pr.y, ev.pr.x, ev.pr.thresholds), (precision, recall, pr_thresholds))
    np.testing.assert_allclose(ev.roc_auc, skm.roc_auc_score(y, s, sample_weight=w), rtol=RTOL)
    np.testing.assert_allclose(
        ev.average_precision, skm.average_precision_score(y, s, sample_weight=w), rtol=RTOL
    )
    assert (ev.ks, ev.ks_threshold) == ks_statistic(y, s, sample_weight=w)
    assert ev.gini == 2 * ev.roc_auc - 1
    total = w.sum() if w is not None else y.size
    np.testing.assert_allclose(ev.n_pos + ev.n_neg, total, rtol=RTOL)
    np.testing.assert_allclose(ev.prevalence, (w[y].sum() if w is not None else y.sum()) / total, rtol=RTOL)
    assert ev.confusion == ev.confusion_at(0.4)
    assert ev.best_thresholds["youden"] == ev.best_thresholds["ks"] == ev.ks_threshold


@pytest.mark.parametrize("prevalence", [0.02, 0.5, 0.98])
@pytest.mark.parametrize("levels", [3, 50, 100_000])
@pytest.mark.parametrize("chunk", [7, _ranking._CHUNK])
def test_unweighted_counts_merge_either_class_into_the_other(monkeypatch, prevalence, levels, chunk):
    """The unweighted sort merges the smaller class into the larger by binary search (positives before
    negatives among equal scores): every tie pattern and either class the smaller one, against sklearn;
    with tiny chunks too, so that the chunked loops run many times (and auc_rank's with them)."""
    monkeypatch.setattr(_ranking, "_CHUNK", chunk)
    rng = np.random.default_rng(levels)
    y = rng.random(20_000) < prevalence
    s = rng.integers(0, levels, y.size) / levels + 0.1 * y  # ties within and across the classes
    ev = evaluate(y, s)
    _, fps, _, tps, thresholds = skm.confusion_matrix_at_thresholds(y, s)
    np.testing.assert_array_equal(ev.thresholds, thresholds)
    np.testing.assert_array_equal(ev.tps, tps)
    np.testing.assert_array_equal(ev.fps, fps)
    assert auc_rank(y, s) == pytest.approx(skm.roc_auc_score(y, s), rel=0, abs=1e-12)


@pytest.mark.parametrize("kind", ["random", "tied1", "weighted_tied"])
def test_best_f1_threshold_against_a_brute_force_scan(kind):
    y, s, w = make_data(kind, n=400)
    ev = evaluate(y, s, sample_weight=w)
    weight = np.ones(y.size) if w is None else w
    scan = []  # (F1 of "score >= t" counted row by row, t), thresholds descending
    for t in np.unique(s)[::-1]:
        predicted = s >= t
        tp, fp, fn = (weight[y & predicted].sum(), weight[~y & predicted].sum(), weight[y & ~predicted].sum())
        scan.append((2 * tp / (2 * tp + fp + fn), t))
    best_f1 = max(f for f, _ in scan)
    first_best = next(t for f, t in scan if f >= best_f1 - 1e-12)
    assert ev.best_thresholds["f1"] == first_best
    reference = skm.f1_score(y, s >= first_best, sample_weight=w)
    np.testing.assert_allclose(ev.confusion_at(ev.best_thresholds["f1"]).f1, reference, rtol=RTOL)


@pytest.mark.parametrize("kind", ["random", "weighted_tied"])
def test_threshold_table(kind):
    y, s, w = make_data(kind, n=1000)
    ev = evaluate(y, s, sample_weight=w)
    table = ev.threshold_table()
    assert set(table) == {
        "threshold", "tp", "fp", "fn", "tn", "tpr", "fpr", "precision", "recall", "f1",
        "specificity", "accuracy",
    }  # fmt: skip
    assert all(column.size == ev.thresholds.size for column in table.values())
    for i in range(0, ev.thresholds.size, 97):
        c = confusion_at(y, s, table["threshold"][i], sample_weight=w)
        for name in ("tp", "fp", "fn", "tn", "tpr", "fpr", "precision", "recall", "f1", "specificity"):
            np.testing.assert_allclose(table[name][i], getattr(c, name), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(table["accuracy"][i], c.accuracy, rtol=1e-9)
    small = ev.threshold_table(max_rows=25)
    assert 2 <= small["threshold"].size <= 25
    assert small["threshold"][0] == ev.thresholds[0] and small["threshold"][-1] == ev.thresholds[-1]
    assert np.all(np.diff(small["threshold"]) < 0)
    with pytest.raises(ValueError, match="max_rows must be None or a whole number >= 2"):
        ev.threshold_table(max_rows=1)


def test_gains_on_untied_scores_equal_a_direct_count():
    rng = np.random.default_rng(11)
    y = rng.random(1000) < 0.2
    s = rng.normal(size=1000) + y
    ev = evaluate(y, s)
    gains = ev.gains(10)
    order = np.argsort(-s)
    captured = np.array([y[order[: 100 * k]].sum() for k in range(1, 11)]) / y.sum()
    np.testing.assert_allclose(gains["depth"], np.arange(1, 11) / 10, rtol=RTOL)
    np.testing.assert_allclose(gains["captured"], captured, rtol=1e-9)
    np.testing.assert_allclose(gains["lift"], captured / gains["depth"], rtol=RTOL)
    per_bin = np.array([y[order[100 * k : 100 * (k + 1)]].mean() for k in range(10)])
    np.testing.assert_allclose(gains["response_rate"], per_bin, rtol=1e-9)
    assert gains["captured"][-1] == 1.0 and gains["lift"][-1] == 1.0
    # the score at each decile's lower edge is that of the last row targeted
    np.testing.assert_array_equal(gains["score"], s[order[np.arange(100, 1001, 100) - 1]])


def test_gains_split_a_tied_group_in_proportion():
    # 4 rows: 0.9 (pos), then a tie at 0.5 of 1 pos + 2 neg, all in the second half of the population
    ev = evaluate([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.5])
    gains = ev.gains(2)
    # top half = 2 rows = the 0.9 row + 1/3 of the tie group: 1 + 1/3 of a positive, out of 2
    np.testing.assert_allclose(gains["captured"], [(1 + 1 / 3) / 2, 1.0], rtol=RTOL)
    np.testing.assert_allclose(gains["lift"], [(1 + 1 / 3), 1.0], rtol=RTOL)
    np.testing.assert_allclose(gains["response_rate"], [(1 + 1 / 3) / 2, (2 / 3) / 2], rtol=RTOL)
    np.testing.assert_array_equal(gains["score"], [0.5, 0.5])


@pytest.mark.parametrize("kind", ["random", "tied1", "weighted"])
def test_score_histograms(kind):
    y, s, w = make_data(kind)
    edges, pos, neg = score_histogram(y, s, bins=30, sample_weight=w)
    ref_pos, ref_edges = np.histogram(
        s[y], bins=30, range=(s.min(), s.max()), weights=None if w is None else w[y]
    )
    np.testing.assert_array_equal(edges, ref_edges)
    np.testing.assert_allclose(pos, ref_pos, rtol=RTOL)
    ev_edges, ev_pos, ev_neg = evaluate(y, s, sample_weight=w).score_histogram(bins=30)
    np.testing.assert_array_equal(ev_edges, edges)
    np.testing.assert_allclose(ev_pos, pos, rtol=RTOL, atol=1e-9)
    np.testing.assert_allclose(ev_neg, neg, rtol=RTOL, atol=1e-9)


def test_evaluation_pickles_and_serialises():
    y, s, w = make_data("weighted", n=500)
    ev = evaluate(y, s, sample_weight=w)
    clone = pickle.loads(pickle.dumps(ev))
    assert isinstance(clone, Evaluation)
    np.testing.assert_array_equal(clone.tps, ev.tps)
    np.testing.assert_array_equal(clone.roc.x, ev.roc.x)  # computed after the round trip
    clone_with_curves = pickle.loads(pickle.dumps(ev))  # ev.roc is now cached on ev
    np.testing.assert_array_equal(clone_with_curves.roc.y, ev.roc.y)
    assert clone.confusion == ev.confusion
    summary = json.loads(json.dumps(ev.to_dict(), allow_nan=False))
    assert summary["roc_auc"] == ev.roc_auc
    assert summary["confusion"]["tp"] == ev.confusion.tp
    assert set(summary["best_thresholds"]) == {"f1", "youden", "ks"}
    assert pickle.loads(pickle.dumps(ev.confusion)) == ev.confusion


# ------------------------------------------------------------------ decimation


def test_decimate_curve_keeps_the_shape():
    y, s, _ = make_data("random", n=20_000)
    fpr, tpr, _ = skm.roc_curve(y, s, drop_intermediate=False)
    keep = [1234, -5]
    idx = decimate_curve(fpr, tpr, max_points=500, keep_indices=keep)
    assert idx.size <= 500 + len(keep)
    assert np.all(np.diff(idx) > 0)
    assert idx[0] == 0 and idx[-1] == fpr.size - 1
    assert 1234 in idx and fpr.size - 5 in idx
    # the thinned curve, interpolated back, stays within 0.01 of the full one
    np.testing.assert_allclose(np.interp(fpr, fpr[idx], tpr[idx]), tpr, rtol=0, atol=0.01)
    np.testing.assert_allclose(np.trapezoid(tpr[idx], fpr[idx]), np.trapezoid(tpr, fpr), rtol=0, atol=1e-3)
    np.testing.assert_array_equal(decimate_curve(fpr[:100], tpr[:100]), np.arange(100))
    with pytest.raises(ValueError, match="same length"):
        decimate_curve(fpr, tpr[:-1])
    with pytest.raises(ValueError, match="max_points must be a whole number >= 2"):
        decimate_curve(fpr, tpr, max_points=1)


# ------------------------------------------------------------------ confidence intervals and DeLong


def brute_force_delong(y, *score_columns):
    """DeLong's structural components by the O(MN) double sum; returns (aucs, covariance)."""
    v10, v01 = [], []
    for s in score_columns:
        pos, neg = s[y][:, None], s[~y][None, :]
        psi = (pos > neg) + 0.5 * (pos == neg)  # psi(X_i, Y_j)
        v10.append(psi.mean(axis=1))  # V10(X_i) = mean over negatives
        v01.append(psi.mean(axis=0))  # V01(Y_j) = mean over positives
    v10, v01 = np.array(v10), np.array(v01)
    covariance = np.atleast_2d(np.cov(v10)) / v10.shape[1] + np.atleast_2d(np.cov(v01)) / v01.shape[1]
    return v10.mean(axis=1), covariance


@pytest.mark.parametrize("kind", ["random", "tied1", "imbalanced"])
def test_delong_interval_equals_brute_force(kind):
    y, s, _ = make_data(kind, n=1500)
    aucs, covariance = brute_force_delong(y, s)
    low, high, se = auc_confidence_interval(y, s, level=0.9, method="delong")
    np.testing.assert_allclose(se, math.sqrt(covariance[0, 0]), rtol=1e-10)
    z = stats.norm.ppf(0.95)
    np.testing.assert_allclose([low, high], [aucs[0] - z * se, aucs[0] + z * se], rtol=1e-10)


@pytest.mark.parametrize("kind", ["random", "tied2", "imbalanced"])
def test_delong_test_equals_brute_force(kind):
    y, s, _ = make_data(kind, n=1500)
    other = np.round(s + np.random.default_rng(5).normal(scale=0.8, size=s.size), 1)
    aucs, covariance = brute_force_delong(y, s, other)
    result = delong_test(y, s, other)
    np.testing.assert_allclose([result.auc_a, result.auc_b], aucs, rtol=1e-12)
    np.testing.assert_allclose(result.auc_a, skm.roc_auc_score(y, s), rtol=RTOL)
    se = math.sqrt(covariance[0, 0] + covariance[1, 1] - 2 * covariance[0, 1])
    np.testing.assert_allclose(result.se, se, rtol=1e-10)
    np.testing.assert_allclose(result.difference, aucs[0] - aucs[1], rtol=1e-10)
    np.testing.assert_allclose(result.z, (aucs[0] - aucs[1]) / se, rtol=1e-9)
    np.testing.assert_allclose(result.p_value, 2 * stats.norm.sf(abs(result.z)), rtol=1e-9)


def test_delong_test_degenerate_cases():
    y, s, _ = make_data("random", n=300)
    same = delong_test(y, s, s)
    assert (same.difference, same.z, same.p_value) == (0.0, 0.0, 1.0)
    perfect = np.where(y, 1.0, 0.0)
    half = np.where(y, 1.0, 0.0) + np.arange(y.size) % 2  # ties some negatives with positives
    result = delong_test(y, perfect, perfect)
    assert result.auc_a == 1.0 and result.p_value == 1.0
    assert delong_test(y, perfect, half).auc_b < 1.0


def test_hanley_mcneil_by_hand():
    # 4-sample example: A = 0.75, M = N = 2
    # Q1 = 0.75 / 1.25 = 0.6;  Q2 = 2 * 0.5625 / 1.75 = 0.642857142857...
    # SE^2 = (0.1875 + 1 * (0.6 - 0.5625) + 1 * (0.6428571428571 - 0.5625)) / 4 = 0.0763392857142857
    low, high, se = auc_confidence_interval(Y4, S4, method="hanley-mcneil")
    np.testing.assert_allclose(se, math.sqrt(0.0763392857142857), rtol=1e-12)
    np.testing.assert_allclose(low, max(0.0, 0.75 - 1.959963984540054 * se), rtol=1e-12)
    assert high == 1.0  # 0.75 + 1.96 * 0.276 > 1: clipped
    # a larger case against the formula written out
    y, s, _ = make_data("random", n=2000)
    a, m, n = skm.roc_auc_score(y, s), y.sum(), (~y).sum()
    q1, q2 = a / (2 - a), 2 * a**2 / (1 + a)
    expected = math.sqrt((a * (1 - a) + (m - 1) * (q1 - a**2) + (n - 1) * (q2 - a**2)) / (m * n))
    np.testing.assert_allclose(auc_confidence_interval(y, s, method="hanley-mcneil")[2], expected, rtol=1e-12)


def test_bootstrap_interval():
    y, s, _ = make_data("tied2", n=1000)
    low, high, se = auc_confidence_interval(y, s, method="bootstrap", n_bootstraps=400, random_state=1)
    assert (low, high, se) == auc_confidence_interval(
        y, s, method="bootstrap", n_bootstraps=400, random_state=1
    )
    delong = auc_confidence_interval(y, s, method="delong")
    auc = roc_auc_score(y, s)
    assert low < auc < high
    # the bootstrap SE estimates DeLong's within sampling noise (400 replicates: ~4 % relative)
    np.testing.assert_allclose(se, delong[2], rtol=0.2)
    np.testing.assert_allclose([low, high], delong[:2], atol=0.02)


def test_bootstrap_replicate_equals_the_pairwise_auc():
    y, s, _ = make_data("tied1", n=300)
    pos, neg = s[y], np.sort(s[~y])
    np.testing.assert_allclose(
        _confidence._pairwise_auc_sorted_negatives(pos, neg), roc_auc_score(y, s), rtol=RTOL
    )


def test_bootstrap_work_cap_rescales_to_the_full_sample(monkeypatch):
    y, s, _ = make_data("random", n=4000)
    monkeypatch.setattr(_confidence, "MAX_BOOTSTRAP_DRAWS", 200 * 400)  # 400 rows per replicate, not 4000
    low, high, se = auc_confidence_interval(y, s, method="bootstrap", n_bootstraps=200)
    delong = auc_confidence_interval(y, s, method="delong")
    np.testing.assert_allclose(se, delong[2], rtol=0.25)  # corrected to the full sample size
    assert low < roc_auc_score(y, s) < high


def test_intervals_are_clipped_to_the_unit_interval():
    y = np.array([0] * 5 + [1] * 5, dtype=bool)
    s = np.arange(10.0)  # perfect separation: AUC 1, DeLong SE 0
    for method in ("delong", "hanley-mcneil", "bootstrap"):
        low, high, _ = auc_confidence_interval(y, s, method=method, n_bootstraps=50)
        assert 0.0 <= low <= high <= 1.0
    assert auc_confidence_interval(y, s)[:2] == (1.0, 1.0)


# ------------------------------------------------------------------ validation messages


@pytest.mark.parametrize(
    ("y", "s", "w", "message"),
    [
        ([0, 0, 0], [0.1, 0.2, 0.3], None, r"y_true has only one class \(all 0\): ROC AUC needs both"),
        ([True, True], [0.1, 0.2], None, r"only one class \(all True\)"),
        ([0, 1, 1], [0.1, np.nan, 0.3], None, r"y_score has 1 non-finite values .* first at row 1"),
        ([0, 1, 1], [0.1, 0.2, np.inf], None, r"non-finite values \(NaN or ±inf\), the first at row 2"),
        ([0, 1, 2], [0.1, 0.2, 0.3], None, r"y_true must be binary .* 3 distinct values: 0, 1, 2"),
        ([1, 2, 2], [0.1, 0.2, 0.3], None, r"y_true takes the values \{1, 2\}: label the positive class 1"),
        ([0, 1, 1], [0.1, 0.2], None, r"y_true has 3 values but y_score has 2: .* one entry per row"),
        ([], [], None, r"y_true and y_score are empty: there is nothing to evaluate"),
        ([0, 1], [0.1, 0.2], [1.0, -1.0], r"sample_weight has 1 negative values, the first at row 1"),
        ([0, 1], [0.1, 0.2], [1.0, np.nan], r"sample_weight has 1 NaN or infinite values"),
        ([0, 1], [0.1, 0.2], [0.0, 0.0], r"sample_weight is 0 for every row"),
        ([0, 1], [0.1, 0.2], [1.0, 0.0], r"every positive row has sample_weight 0"),
        ([0, 1], [0.1, 0.2], [1.0], r"sample_weight has 1 values but y_true has 2"),
        ([0, 1], [[0.1, 0.2], [0.3, 0.4]], None, r"y_score must be one-dimensional .* shape \(2, 2\)"),
        ([0, 1], ["a", "b"], None, r"y_score must hold numbers"),
        (["yes", "no"], [0.1, 0.2], None, r"y_true must hold binary labels .* text such as"),
        ([0.0, np.nan], [0.1, 0.2], None, r"y_true has 1 missing \(NaN\) labels, the first at row 1"),
        ([0.5, 1.0], [0.1, 0.2], None, r"y_true takes the values \{0.5, 1.0\}"),
        ([2, 2], [0.1, 0.2], None, r"y_true holds the single value 2"),
    ],
)
def test_validation_messages(y, s, w, message):
    with pytest.raises(ValueError, match=message):
        evaluate(y, s, sample_weight=w)


@pytest.mark.parametrize(
    "call",
    [
        lambda y, s: roc_curve(y, s),
        lambda y, s: precision_recall_curve(y, s),
        lambda y, s: roc_auc_score(y, s),
        lambda y, s: average_precision_score(y, s),
        lambda y, s: ks_statistic(y, s),
        lambda y, s: gini(y, s),
        lambda y, s: auc_pairwise(y, s),
        lambda y, s: auc_rank(y, s),
        lambda y, s: auc_confidence_interval(y, s),
        lambda y, s: delong_test(y, s, s),
        lambda y, s: confusion_at(y, s, 0.5),
        lambda y, s: score_histogram(y, s),
    ],
)
def test_every_function_validates_at_the_door(call):
    with pytest.raises(ValueError, match="non-finite"):
        call([0, 1, 0], [0.2, np.nan, 0.1])
    with pytest.raises(ValueError, match="3 distinct values"):
        call([0, 1, 3], [0.2, 0.3, 0.1])


def test_one_class_messages_name_the_metric():
    with pytest.raises(ValueError, match=r"only one class \(all 1\): KS needs both"):
        ks_statistic([1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"only one class \(all -1\)"):
        roc_auc_score([-1, -1], [0.1, 0.2])


def test_parameter_messages():
    y, s, _ = make_data("random", n=100)
    with pytest.raises(ValueError, match="method must be one of delong, hanley-mcneil, bootstrap"):
        auc_confidence_interval(y, s, method="wald")
    with pytest.raises(ValueError, match="level must be a number strictly between 0 and 1, got 95"):
        auc_confidence_interval(y, s, level=95)
    with pytest.raises(ValueError, match="n_bootstraps must be a whole number >= 2, got 1"):
        auc_confidence_interval(y, s, method="bootstrap", n_bootstraps=1)
    with pytest.raises(ValueError, match="threshold must be a finite number, got inf"):
        evaluate(y, s, threshold=np.inf)
    with pytest.raises(ValueError, match="threshold is NaN"):
        evaluate(y, s).confusion_at(float("nan"))
    with pytest.raises(ValueError, match="threshold must be a number, got 'high'"):
        confusion_at(y, s, "high")
    with pytest.raises(ValueError, match="n_bins must be a positive whole number"):
        evaluate(y, s).gains(0)


def test_confusion_is_frozen():
    c = Confusion(0.5, 1.0, 2.0, 3.0, 4.0)
    with pytest.raises(AttributeError):
        c.tp = 5.0  # type: ignore[misc]


@pytest.mark.parametrize("decimals", [None, 1, 2])
def test_grouped_delong_variance_equals_the_structural_components(decimals):
    from core.metrics._confidence import _delong_components, _delong_covariance

    rng = np.random.default_rng(11)
    y = rng.random(3_000) < 0.35
    s = rng.normal(y * 0.7, 1.0)
    if decimals is not None:
        s = np.round(s, decimals)
    ev = evaluate(y, s)
    v10, v01 = _delong_components(s[y][None, :], s[~y][None, :])
    se = np.sqrt(_delong_covariance(v10, v01)[0, 0])
    low, high, se_grouped = ev.delong_interval()
    assert se_grouped == pytest.approx(se, rel=1e-12)
    assert (low, high, se_grouped) == pytest.approx(auc_confidence_interval(y, s, method="delong"), rel=1e-12)


def test_delong_interval_refuses_weights():
    ev = evaluate([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], sample_weight=[1, 2, 1, 1])
    with pytest.raises(ValueError, match="not available with sample weights"):
        ev.delong_interval()

"""The notes' confusion-matrix chapter (混淆矩阵), claim by claim, settled by numbers.

Each test settles the verdict of a claim of ``data/notes/claims.json`` (its ``test`` field names it):
``core.metrics`` against scikit-learn / scipy, or against a brute force over every positive-negative pair.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats
from sklearn import metrics as skm

from core.metrics import (
    auc_pairwise,
    auc_rank,
    average_precision_score,
    confusion_at,
    evaluate,
    gini,
    ks_statistic,
    roc_auc_score,
)

TOL = 1e-12


def _scores(n: int = 400, seed: int = 0, decimals: int | None = 2) -> tuple[np.ndarray, np.ndarray]:
    """Labels and scores of a noisy classifier; rounded scores make many ties across the classes."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    s = 1 / (1 + np.exp(-(1.2 * (2 * y - 1) + rng.normal(0, 1.5, n))))
    return y, (np.round(s, decimals) if decimals is not None else s)


def _brute_force_auc(y: np.ndarray, s: np.ndarray) -> float:
    """The notes' method 1 literally: every (positive, negative) pair, 1 if P_pos > P_neg, ½ on a tie."""
    pos, neg = s[y == 1], s[y == 0]
    total = sum(1.0 if p > q else 0.5 if p == q else 0.0 for p, q in itertools.product(pos, neg))
    return total / (len(pos) * len(neg))


# ---------------------------------------------------------------- 基本概念


def test_the_four_cells_are_named_as_scikit_learn_names_them():
    """FN = actual 1 predicted 0, TN = actual 0 predicted 0 (the notes' list swaps the abbreviations)."""
    y, s = _scores()
    for threshold in (0.3, 0.5, 0.71):
        c = confusion_at(y, s, threshold)
        predicted = (s >= threshold).astype(int)
        tn, fp, fn, tp = skm.confusion_matrix(y, predicted, labels=[0, 1]).ravel()
        assert (c.tp, c.fp, c.fn, c.tn) == (tp, fp, fn, tn)
        assert c.fn == np.sum((predicted == 0) & (y == 1)), "FN: predicted 0, wrong (actually 1)"
        assert c.tn == np.sum((predicted == 0) & (y == 0)), "TN: predicted 0, right (actually 0)"


def test_accuracy_precision_recall_are_the_notes_formulas():
    y, s = _scores()
    for threshold in (0.2, 0.5, 0.8):
        c = confusion_at(y, s, threshold)
        predicted = (s >= threshold).astype(int)
        assert c.accuracy == pytest.approx(skm.accuracy_score(y, predicted), abs=TOL)
        assert c.accuracy == pytest.approx((c.tp + c.tn) / len(y), abs=TOL), "ALL = TP + FP + FN + TN"
        assert c.precision == pytest.approx(skm.precision_score(y, predicted), abs=TOL)
        assert c.recall == pytest.approx(skm.recall_score(y, predicted), abs=TOL)
        assert c.tpr == c.recall, "recall = TPR (查全率 = 召回率 = 真阳性率)"


def test_ks_is_the_two_sample_kolmogorov_smirnov_statistic():
    """KS, listed but never defined in the notes: max over thresholds of |TPR − FPR| = scipy's ks_2samp."""
    for seed in range(3):
        y, s = _scores(seed=seed)
        statistic, _threshold = ks_statistic(y, s)
        expected = stats.ks_2samp(s[y == 1], s[y == 0]).statistic
        assert statistic == pytest.approx(expected, abs=TOL)
        fpr, tpr, _ = skm.roc_curve(y, s)
        assert statistic == pytest.approx(np.max(np.abs(tpr - fpr)), abs=TOL)
    y, s = _scores(seed=5)
    flipped, _ = ks_statistic(y, -s)  # an inverted model: the same gap, FPR above TPR
    assert flipped == pytest.approx(stats.ks_2samp(-s[y == 1], -s[y == 0]).statistic, abs=TOL)


# ---------------------------------------------------------------- ROC曲线 AUC面积


def test_auc_is_the_area_under_the_roc_curve():
    y, s = _scores(decimals=None)
    fpr, tpr, _ = skm.roc_curve(y, s)
    assert roc_auc_score(y, s) == pytest.approx(skm.auc(fpr, tpr), abs=TOL)
    assert roc_auc_score(y, s) == pytest.approx(skm.roc_auc_score(y, s), abs=TOL)


def test_a_random_classifier_has_auc_one_half_on_average():
    """A constant score gives exactly 0.5 (every pair a tie); random scores give 0.5 only on average,
    with the standard deviation sqrt((M + N + 1) / (12 M N)) of the Mann-Whitney statistic."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 200)
    assert roc_auc_score(y, np.full(200, 0.3)) == 0.5
    m, n = int(y.sum()), int(200 - y.sum())
    aucs = np.array([roc_auc_score(y, rng.random(200)) for _ in range(400)])
    sd = np.sqrt((m + n + 1) / (12 * m * n))
    assert abs(aucs.mean() - 0.5) < 4 * sd / np.sqrt(len(aucs))
    assert aucs.std() == pytest.approx(sd, rel=0.15)
    assert np.mean(np.abs(aucs - 0.5) > sd) > 0.2, "a single random classifier is rarely exactly 0.5"


def test_a_curve_closer_to_the_top_left_can_have_the_smaller_auc():
    """Two crossing ROC curves: one has the better top-left point (largest TPR − FPR), the other the
    larger area. 'Closer to the top-left' is a rule of thumb, not an order of classifiers."""
    y = np.array([1] * 10 + [0] * 10)
    # A: very sure of 6 positives, then no better than chance; B: a steady ranking
    a = np.array([9, 9, 9, 9, 9, 9, 1, 1, 1, 1, 5, 4, 4, 3, 3, 2, 2, 1, 1, 1], dtype=float)
    b = np.array([8, 7, 7, 6, 6, 5, 5, 4, 3, 2, 7, 6, 5, 4, 3, 3, 2, 2, 1, 1], dtype=float)
    ks_a, ks_b = ks_statistic(y, a)[0], ks_statistic(y, b)[0]
    assert ks_a > ks_b, "A's curve reaches further above the diagonal"

    def nearest_to_the_corner(scores: np.ndarray) -> float:
        fpr, tpr, _ = skm.roc_curve(y, scores)
        return float(np.min(np.hypot(fpr, 1 - tpr)))

    assert nearest_to_the_corner(a) < nearest_to_the_corner(b), "and comes nearer the top-left corner"
    assert roc_auc_score(y, a) < roc_auc_score(y, b), "B has the larger area"


def test_auc_from_hard_labels_is_balanced_accuracy():
    """The notes' '(true_label, predicted_label)': with 0/1 predictions instead of scores the 'AUC' is that
    of a single threshold, (TPR + TNR) / 2, scikit-learn's balanced accuracy."""
    y, s = _scores(decimals=None)
    predicted = (s >= 0.5).astype(int)
    assert roc_auc_score(y, predicted) == pytest.approx(skm.balanced_accuracy_score(y, predicted), abs=TOL)
    assert roc_auc_score(y, predicted) < roc_auc_score(y, s)


def test_auc_counts_the_pairs_in_order_and_one_minus_auc_the_inversions():
    y, s = _scores()
    pos, neg = s[y == 1], s[y == 0]
    ordered = np.sum(pos[:, None] > neg[None, :])
    inverted = np.sum(pos[:, None] < neg[None, :])
    ties = np.sum(pos[:, None] == neg[None, :])
    pairs = len(pos) * len(neg)
    assert ordered + inverted + ties == pairs
    assert roc_auc_score(y, s) == pytest.approx((ordered + 0.5 * ties) / pairs, abs=TOL)
    assert 1 - roc_auc_score(y, s) == pytest.approx((inverted + 0.5 * ties) / pairs, abs=TOL)
    # Mann-Whitney U of the positives against the negatives is the same count
    u = stats.mannwhitneyu(pos, neg).statistic
    assert roc_auc_score(y, s) == pytest.approx(u / pairs, abs=TOL)


# ---------------------------------------------------------------- 法1


def test_method_one_pairs_with_ties_as_one_half_is_the_auc():
    for decimals in (1, 2, None):
        y, s = _scores(n=300, decimals=decimals)
        expected = skm.roc_auc_score(y, s)
        assert _brute_force_auc(y, s) == pytest.approx(expected, abs=TOL)
        assert auc_pairwise(y, s) == pytest.approx(expected, abs=TOL)


def test_method_one_with_the_typo_indicator_is_not_the_auc():
    """The notes' indicator reads 1 when P_pos > P_pos: never true, so the count would be only the ties'
    halves; and comparing the other way (P_neg > P_pos) gives 1 − AUC."""
    y, s = _scores()
    pos, neg = s[y == 1], s[y == 0]
    ties = np.sum(pos[:, None] == neg[None, :])
    as_written = 0.5 * ties / (len(pos) * len(neg))
    backwards = (np.sum(neg[:, None] > pos[None, :]) + 0.5 * ties) / (len(pos) * len(neg))
    auc = skm.roc_auc_score(y, s)
    assert as_written < 0.1 < auc
    assert backwards == pytest.approx(1 - auc, abs=TOL)


def test_ties_counted_as_zero_or_one_move_the_auc():
    y, s = _scores(decimals=1)
    pos, neg = s[y == 1], s[y == 0]
    pairs = len(pos) * len(neg)
    above, ties = np.sum(pos[:, None] > neg[None, :]), np.sum(pos[:, None] == neg[None, :])
    auc = skm.roc_auc_score(y, s)
    assert above / pairs < auc < (above + ties) / pairs
    assert auc == pytest.approx((above + 0.5 * ties) / pairs, abs=TOL)


# ---------------------------------------------------------------- 法2


def test_method_two_needs_midranks_with_ties():
    """Ranks 1, 2, 3, ... given to tied scores in their order of appearance make the result depend on that
    order; midranks (scipy.stats.rankdata's 'average') give the AUC exactly."""
    y, s = _scores(decimals=1)
    m, n = int(y.sum()), int(len(y) - y.sum())

    def rank_formula(ranks: np.ndarray) -> float:
        return (ranks[y == 1].sum() - m * (m + 1) / 2) / (m * n)

    expected = skm.roc_auc_score(y, s)
    assert rank_formula(stats.rankdata(s, method="average")) == pytest.approx(expected, abs=TOL)
    assert auc_rank(y, s) == pytest.approx(expected, abs=TOL)
    positives_first = np.lexsort((-y, s))  # ties: positives ranked below the negatives they tie with
    negatives_first = np.lexsort((y, s))  # ties: positives ranked above
    ordinal_low, ordinal_high = np.empty(len(s)), np.empty(len(s))
    ordinal_low[positives_first] = np.arange(1, len(s) + 1)
    ordinal_high[negatives_first] = np.arange(1, len(s) + 1)
    low, high = rank_formula(ordinal_low), rank_formula(ordinal_high)
    assert low < expected - 0.01 and high > expected + 0.01
    assert (low + high) / 2 == pytest.approx(expected, abs=TOL)


def test_the_rank_sum_counts_each_positives_pairs_below_it():
    """Without ties: a positive of rank r has r − 1 samples below it; the positives below it are its
    rank among the positives minus 1, so Σ rank − M(M+1)/2 is the number of negatives below positives."""
    y, s = _scores(decimals=None)
    m = int(y.sum())
    ranks = stats.rankdata(s)
    pos, neg = s[y == 1], s[y == 0]
    assert ranks[y == 1].sum() - m * (m + 1) / 2 == np.sum(pos[:, None] > neg[None, :])
    assert sum(range(1, m + 1)) == m * (m + 1) / 2


def test_gini_is_two_auc_minus_one_and_somers_d():
    y, s = _scores()
    auc = skm.roc_auc_score(y, s)
    assert gini(y, s) == pytest.approx(2 * auc - 1, abs=TOL)
    assert gini(y, s) == pytest.approx(stats.somersd(y, s).statistic, abs=1e-10)


# ---------------------------------------------------------------- F1/PR曲线


def test_f1_is_the_harmonic_mean_of_precision_and_recall():
    y, s = _scores()
    for threshold in (0.2, 0.5, 0.8):
        c = confusion_at(y, s, threshold)
        predicted = (s >= threshold).astype(int)
        p, r = c.precision, c.recall
        assert c.f1 == pytest.approx(skm.f1_score(y, predicted), abs=TOL)
        assert c.f1 == pytest.approx(2 / (1 / p + 1 / r), abs=TOL)
        assert c.f1 == pytest.approx(stats.hmean([p, r]), abs=TOL)
        assert min(p, r) <= c.f1 <= (p + r) / 2, "pulled toward the smaller of the two"
        assert c.f1 == pytest.approx(2 * c.tp / (2 * c.tp + c.fp + c.fn), abs=TOL), "TN plays no part"


def test_the_best_f1_threshold_does_not_maximise_precision_or_recall():
    y, s = _scores()
    ev = evaluate(y, s)
    best = ev.confusion_at(ev.best_thresholds["f1"])
    grid = [confusion_at(y, s, t) for t in np.unique(s)]
    assert best.f1 == pytest.approx(max(c.f1 for c in grid), abs=TOL)
    assert best.precision < max(c.precision for c in grid)
    assert best.recall < max(c.recall for c in grid)


def test_the_pr_curve_is_summarised_by_average_precision_not_its_trapezoids():
    y, s = _scores()
    precision, recall, _ = skm.precision_recall_curve(y, s)
    ap = skm.average_precision_score(y, s)
    assert average_precision_score(y, s) == pytest.approx(ap, abs=TOL)
    assert abs(skm.auc(recall, precision) - ap) > 1e-3, "the trapezoidal area is another number"
    # a random classifier's precision is the share of positives at every recall, not 0.5
    rng = np.random.default_rng(3)
    rare = (rng.random(20_000) < 0.1).astype(int)
    assert average_precision_score(rare, rng.random(20_000)) == pytest.approx(rare.mean(), abs=0.02)

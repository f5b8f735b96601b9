"""core.metrics' four ranking functions with scikit-learn's full interface (core/metrics/_averaging.py),
against scikit-learn on random data with ties and weights (tolerance 1e-12)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from sklearn import metrics as sk

import core.metrics as ours
from core.metrics import _averaging

TOL = 1e-12


def _multiclass(seed: int, n: int = 400, k: int = 4, decimals: int = 1):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=n)
    logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    p = np.round(p, decimals)  # ties
    p[:, -1] = 1.0 - p[:, :-1].sum(axis=1)
    return y, p, rng.uniform(0.1, 3.0, size=n)


def test_doctests():
    assert doctest.testmod(_averaging).failed == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("average", ["macro", "weighted", "micro", None])
def test_multiclass_ovr_auc_and_ap(seed, average):
    y, p, w = _multiclass(seed)
    for weights in (None, w):
        np.testing.assert_allclose(
            ours.roc_auc_score(y, p, multi_class="ovr", average=average, sample_weight=weights),
            sk.roc_auc_score(y, p, multi_class="ovr", average=average, sample_weight=weights),
            rtol=0,
            atol=TOL,
        )
        np.testing.assert_allclose(
            ours.average_precision_score(y, p, average=average, sample_weight=weights),
            sk.average_precision_score(y, p, average=average, sample_weight=weights),
            rtol=0,
            atol=TOL,
        )


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("average", ["macro", "weighted"])
def test_multiclass_ovo_auc_with_text_labels_and_a_missing_class(seed, average):
    y, p, _ = _multiclass(seed, k=5)
    names = np.array(["ant", "bee", "cat", "dog", "eel"])[y]
    # "eel" never occurs: its pairs are skipped, as in scikit-learn
    keep = names != "eel"
    names, p = names[keep], p[keep]
    labels = ["ant", "bee", "cat", "dog", "eel"]
    got = ours.roc_auc_score(
        names, p / p.sum(axis=1, keepdims=True), multi_class="ovo", average=average, labels=labels
    )
    want = sk.roc_auc_score(
        names, p / p.sum(axis=1, keepdims=True), multi_class="ovo", average=average, labels=labels
    )
    assert abs(got - want) <= TOL


@pytest.mark.parametrize("max_fpr", [0.01, 0.1, 0.3, 0.77, 1.0])
def test_partial_auc_mcclish(max_fpr):
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, size=3000)
    s = np.round(rng.normal(size=3000) + y, 1)
    w = rng.uniform(0, 2, size=3000)
    for weights in (None, w):
        got = ours.roc_auc_score(y, s, max_fpr=max_fpr, sample_weight=weights)
        want = sk.roc_auc_score(y, s, max_fpr=max_fpr, sample_weight=weights)
        assert abs(got - want) <= TOL


@pytest.mark.parametrize("average", ["macro", "weighted", "micro", "samples", None])
def test_multilabel_indicator(average):
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, size=(300, 3))
    y[:3] = [[1, 0, 1], [0, 1, 0], [0, 0, 1]]
    s = np.round(rng.normal(size=(300, 3)) + y, 1)
    if average == "samples":  # every row needs both classes
        y[:, 0], y[:, 1] = 1, 0
    for function in ("roc_auc_score", "average_precision_score"):
        got = getattr(ours, function)(y, s, average=average)
        want = getattr(sk, function)(y, s, average=average)
        np.testing.assert_allclose(got, want, rtol=0, atol=TOL)


def test_pos_label_text_and_the_positive_class_trap():
    rng = np.random.default_rng(3)
    y = rng.choice(["churn", "stay"], size=500)
    s = rng.normal(size=500) + (y == "stay")
    for pos_label in ("churn", "stay"):
        for name in ("roc_curve", "precision_recall_curve"):
            for a, b in zip(
                getattr(ours, name)(y, s, pos_label=pos_label),
                getattr(sk, name)(y, s, pos_label=pos_label),
                strict=True,
            ):
                np.testing.assert_allclose(a, b, rtol=0, atol=TOL)
        got = ours.average_precision_score(y, s, pos_label=pos_label)
        assert abs(got - sk.average_precision_score(y, s, pos_label=pos_label)) <= TOL
    # AP of the other class is another number: the wrong positive class is not silently accepted
    assert ours.average_precision_score(y, s, pos_label="churn") != ours.average_precision_score(
        y, s, pos_label="stay"
    )
    # roc_auc_score: the larger label is positive, as scikit-learn
    assert abs(ours.roc_auc_score(y, s) - sk.roc_auc_score(y, s)) <= TOL


def test_what_stays_refused():
    with pytest.raises(ValueError, match="only one class"):
        ours.roc_auc_score([1, 1, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="pos_label is not specified"):
        ours.roc_curve(["a", "b"], [0.1, 0.2])
    with pytest.raises(TypeError, match="bytes"):
        ours.roc_curve([b"a", b"b"], [0.1, 0.2])
    with pytest.raises(ValueError, match="multi_class must be in"):
        ours.roc_auc_score([0, 1, 2], np.eye(3))
    with pytest.raises(ValueError, match="max_fpr"):
        ours.roc_auc_score([0, 1], [0.1, 0.2], max_fpr=0)


def test_a_weighted_column_without_positives_is_left_out_with_scikit_learns_warning():
    y_true = np.array([[0, 1], [0, 1], [0, 0]])
    y_score = np.array([[0.2, 0.9], [0.4, 0.8], [0.1, 0.3]])
    with pytest.warns(UserWarning, match="No positive class found in y_true") as caught:
        value = ours.average_precision_score(y_true, y_score, average="weighted")
    with pytest.warns(UserWarning, match="No positive class found in y_true"):
        expected = sk.average_precision_score(y_true, y_score, average="weighted")
    assert value == pytest.approx(expected, abs=1e-12)
    assert "column 0" in str(caught[0].message)

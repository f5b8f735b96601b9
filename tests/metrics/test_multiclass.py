"""core.metrics.evaluate_multiclass against scikit-learn on several datasets: ties, a class without rows,
text labels, weights (where scikit-learn takes them), the thresholded decision (tolerance 1e-12)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from sklearn import metrics as sk
from sklearn.calibration import calibration_curve as sk_calibration_curve

from core.metrics import _multiclass, evaluate_multiclass

TOL = 1e-12


def _data(name: str):
    rng = np.random.default_rng({"ties": 0, "wine": 1, "ten": 2, "missing": 3, "text": 4}[name])
    k = {"ties": 3, "wine": 3, "ten": 10, "missing": 4, "text": 3}[name]
    n = 600
    y = rng.integers(0, k, size=n)
    if name == "missing":
        y[y == 2] = 1  # class 2 has no row
    logits = rng.normal(size=(n, k)) + 2.0 * np.eye(k)[y]
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    if name == "ties":
        p = np.round(p, 1)
        p[:, -1] = np.clip(1.0 - p[:, :-1].sum(axis=1), 0, 1)
    labels = np.arange(k)
    if name == "text":
        labels = np.array(["cat", "dog", "owl"])
        y = labels[y]
    return y, p, labels, rng.uniform(0.2, 3.0, size=n)


DATASETS = ["ties", "wine", "ten", "missing", "text"]


def test_doctests():
    assert doctest.testmod(_multiclass).failed == 0


@pytest.mark.filterwarnings("ignore:'k' .* greater than or equal to 'n_classes'")
@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("weighted", [False, True])
def test_against_scikit_learn(name, weighted):
    y, p, labels, w = _data(name)
    w = w if weighted else None
    e = evaluate_multiclass(y, p, classes=labels, sample_weight=w)
    predicted = labels[np.argmax(p, axis=1)]
    np.testing.assert_allclose(
        e.confusion, sk.confusion_matrix(y, predicted, labels=labels, sample_weight=w), rtol=0, atol=1e-9
    )
    report = sk.classification_report(
        y, predicted, labels=labels, sample_weight=w, output_dict=True, zero_division=0
    )
    for i, label in enumerate(labels):
        row = report[str(label)]
        for ours, theirs in ((e.precision[i], "precision"), (e.recall[i], "recall"), (e.f1[i], "f1-score")):
            assert abs(ours - row[theirs]) <= TOL, (label, theirs)
        assert abs(e.support[i] - row["support"]) <= 1e-9
    for how in ("macro", "weighted"):
        row = report[f"{how} avg"]
        for ours, theirs in zip(e.averages[how], ("precision", "recall", "f1-score"), strict=True):
            assert abs(ours - row[theirs]) <= TOL, (how, theirs)
    assert abs(e.accuracy - sk.accuracy_score(y, predicted, sample_weight=w)) <= TOL
    assert abs(e.averages["micro"][2] - sk.f1_score(y, predicted, average="micro", sample_weight=w)) <= TOL
    # one-vs-rest per class, its curves and reliability
    present = [i for i, label in enumerate(labels) if (y == label).any()]
    for i in present:
        column = y == labels[i]
        assert abs(e.ovr_auc[i] - sk.roc_auc_score(column, p[:, i], sample_weight=w)) <= TOL
        assert abs(e.ovr_ap[i] - sk.average_precision_score(column, p[:, i], sample_weight=w)) <= TOL
        for ours, theirs in zip(e.roc(i), sk.roc_curve(column, p[:, i], sample_weight=w), strict=True):
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL)
        for ours, theirs in zip(
            e.pr(i), sk.precision_recall_curve(column, p[:, i], sample_weight=w), strict=True
        ):
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL)
        if w is None:
            for ours, theirs in zip(
                e.reliability(i, 10), sk_calibration_curve(column, p[:, i], n_bins=10), strict=True
            ):
                np.testing.assert_allclose(ours, theirs, rtol=0, atol=TOL)
    if len(present) == len(labels):
        for how, ours in (("macro", e.auc_macro), ("weighted", e.auc_weighted)):
            theirs = sk.roc_auc_score(y, p, multi_class="ovr", average=how, labels=labels, sample_weight=w)
            assert abs(ours - theirs) <= TOL
    else:
        assert np.isnan(e.ovr_auc[2]) and e.notes == ("class '2' has no row",)
        each = [sk.roc_auc_score(y == labels[i], p[:, i], sample_weight=w) for i in present]
        assert abs(e.auc_macro - np.mean(each)) <= TOL
    if w is None:
        for how, ours in (("macro", e.ovo_macro), ("weighted", e.ovo_weighted)):
            theirs = sk.roc_auc_score(y, p, multi_class="ovo", average=how, labels=labels)
            assert abs(ours - theirs) <= TOL
    else:
        assert e.ovo_macro is None  # scikit-learn's OvO takes no weights either
    for k, ours in e.top_k.items():
        theirs = sk.top_k_accuracy_score(y, p, k=k, labels=labels, sample_weight=w)
        assert abs(ours - theirs) <= TOL, k
    assert abs(e.log_loss - sk.log_loss(y, p, labels=labels, sample_weight=w)) <= 1e-12


def test_thresholded_decision():
    y, p, _, _ = _data("wine")
    e = evaluate_multiclass(y, p, decision=(2, 0.2))
    others = p.copy()
    others[:, 2] = -np.inf
    predicted = np.where(p[:, 2] >= 0.2, 2, np.argmax(others, axis=1))
    np.testing.assert_array_equal(e.confusion, sk.confusion_matrix(y, predicted))
    assert e.decision == (2, 0.2)


def test_refusals():
    with pytest.raises(ValueError, match="2 columns"):
        evaluate_multiclass([0, 1, 2], [[0.5, 0.5]] * 3)
    with pytest.raises(ValueError, match="not among the classes"):
        evaluate_multiclass([0, 1, 5], np.eye(3), classes=[0, 1, 2])
    with pytest.raises(ValueError, match="finite"):
        evaluate_multiclass([0, 1, 2], [[np.nan, 0, 1], [0, 1, 0], [1, 0, 0]])

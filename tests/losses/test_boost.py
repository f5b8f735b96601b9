"""Our AdaBoost (stagewise exponential loss with stumps) against scikit-learn's AdaBoostClassifier (SAMME)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn.ensemble import AdaBoostClassifier
from sklearn.tree import DecisionTreeClassifier

from core import losses as L
from core.errors import InputError


def _sklearn(x, y, rounds):
    return AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=rounds, random_state=0).fit(
        x, y
    )


@pytest.mark.parametrize("noise", [0.0, 0.1, 0.3])
def test_same_stumps_weights_and_predictions_as_sklearn_round_by_round(noise):
    data = L.classification_data(label_noise=noise)
    x, y = data.x_train, data.y_train
    ours, sk = L.adaboost(x, y, 40), _sklearn(x, y, 40)
    assert len(ours.stumps) == len(sk.estimators_) == 40
    w = np.full(len(y), 1.0 / len(y))
    beta_sum = np.cumsum(ours.beta)
    staged = list(sk.staged_decision_function(data.x_test))
    for m, (stump, tree, alpha) in enumerate(
        zip(ours.stumps, sk.estimators_, sk.estimator_weights_, strict=True)
    ):
        assert stump.feature == tree.tree_.feature[0]
        assert stump.threshold == tree.tree_.threshold[0]  # the same float32 midpoint, exactly
        np.testing.assert_array_equal(stump.predict(data.x_test), tree.predict(data.x_test))
        np.testing.assert_allclose(ours.weights[m], w, rtol=0, atol=1e-15)  # SAMME's weights, replayed
        assert 2 * ours.beta[m] == pytest.approx(alpha, abs=1e-12)
        assert ours.error[m] == pytest.approx(sk.estimator_errors_[m], abs=1e-12)
        f = ours.decision_function(data.x_test, m + 1)
        np.testing.assert_allclose(2 * f / beta_sum[m], staged[m], rtol=0, atol=1e-12)
        np.testing.assert_array_equal(np.where(f > 0, 1.0, -1.0), list(sk.staged_predict(data.x_test))[m])
        w = w * np.exp(alpha * (tree.predict(x) != y))
        w = w / w.sum()


def test_each_step_minimises_the_exponential_loss_and_the_loss_falls():
    data = L.classification_data(label_noise=0.1)
    x, y = data.x_train, data.y_train
    ours = L.adaboost(x, y, 25)
    assert np.all(np.diff(ours.train_loss) < 0)
    for m in range(25):
        f_before = ours.decision_function(x, m)
        h = ours.stumps[m].predict(x)
        best = minimize_scalar(
            lambda b, f=f_before, h=h: np.exp(-y * (f + b * h)).mean(),
            bounds=(0, 5),
            method="bounded",
            options={"xatol": 1e-10},
        )
        assert ours.beta[m] == pytest.approx(best.x, abs=1e-6)
        assert ours.train_loss[m + 1] == pytest.approx(
            np.exp(-y * (f_before + ours.beta[m] * h)).mean(), abs=1e-14
        )
    # the weights are the normalised e^{-y F}
    final = np.exp(-y * ours.decision_function(x))
    np.testing.assert_allclose(ours.final_weights, final / final.sum(), rtol=1e-10)


def test_flipped_labels_gather_the_weight():
    data = L.classification_data(label_noise=0.2)
    ours = L.adaboost(data.x_train, data.y_train, 100)
    assert ours.final_weights[data.flipped].sum() > 2 * data.flipped.mean()


def test_rounds_are_checked():
    data = L.classification_data()
    with pytest.raises(InputError):
        L.adaboost(data.x_train, data.y_train, 0)
    with pytest.raises(InputError):
        L.adaboost(data.x_train, data.y_train, L.MAX_ROUNDS + 1)

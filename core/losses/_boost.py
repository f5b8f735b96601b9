r"""AdaBoost as forward stagewise minimisation of the exponential loss, with decision stumps (numpy).

Round :math:`m` fits a stump :math:`h_m(x) \in \{-1, +1\}` to the examples weighted by
:math:`w_i \propto e^{-y_i F_{m-1}(x_i)}`, then adds :math:`\beta_m h_m` with
:math:`\beta_m = \arg\min_\beta \sum_i w_i e^{-\beta y_i h_m(x_i)}
= \frac12\ln\frac{1-\varepsilon_m}{\varepsilon_m}`, :math:`\varepsilon_m` the stump's weighted error.
scikit-learn's ``AdaBoostClassifier`` (SAMME, two classes) uses
:math:`\alpha_m = \ln\frac{1-\varepsilon_m}{\varepsilon_m} = 2\beta_m` and the update
:math:`w_i \leftarrow w_i e^{\alpha_m [h_m(x_i) \ne y_i]}`, normalised: the same weights (the ratio between
a wrong and a right example is :math:`e^{2\beta_m}` either way), the same stumps, and a score
:math:`F = \sum \alpha_m h_m` twice ours, so the same signs.

The stump is chosen as scikit-learn's ``DecisionTreeClassifier(max_depth=1)`` chooses it: the split of least
weighted Gini impurity, its threshold halfway between consecutive distinct values; each leaf predicts its
heavier class (a tie: -1). Like scikit-learn's trees, the stump reads the features in float32 (its
thresholds are halfway between float32 values), so the splits and predictions are the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core._validation import check_whole

MAX_ROUNDS = 500
MAX_WORK = 20_000_000  # rounds x examples x features


@dataclass(frozen=True)
class Stump:
    feature: int
    threshold: float
    left: float  # the prediction where x[feature] <= threshold (-1 or +1)
    right: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        column = _float32(x)[:, self.feature]
        return np.where(column <= self.threshold, self.left, self.right)


def _float32(x: np.ndarray) -> np.ndarray:
    """The features as scikit-learn's trees read them: rounded to float32 (then held in float64)."""
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def _gini(w_pos: np.ndarray, w_neg: np.ndarray) -> np.ndarray:
    """Weighted Gini impurity times the node's weight: W (1 - p^2 - q^2) = 2 w+ w- / W."""
    total = w_pos + w_neg
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 2.0 * w_pos * w_neg / total, 0.0)


def fit_stump(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> Stump:
    """The depth-1 tree of least weighted Gini impurity (labels -1/+1, weights >= 0)."""
    x = _float32(x)
    d = x.shape[1]
    best = (np.inf, 0, 0.0, -1.0, 1.0)
    w_pos_all, w_neg_all = float(weight[y > 0].sum()), float(weight[y < 0].sum())
    for j in range(d):
        order = np.argsort(x[:, j], kind="stable")
        xs, ys, ws = x[order, j], y[order], weight[order]
        # weight of each class left of every cut (after position i)
        left_pos = np.cumsum(np.where(ys > 0, ws, 0.0))[:-1]
        left_neg = np.cumsum(np.where(ys < 0, ws, 0.0))[:-1]
        impurity = _gini(left_pos, left_neg) + _gini(w_pos_all - left_pos, w_neg_all - left_neg)
        valid = xs[1:] > xs[:-1] + 1e-7  # scikit-learn's FEATURE_THRESHOLD between distinct values
        impurity = np.where(valid, impurity, np.inf)
        if not np.isfinite(impurity).any():
            continue
        i = int(np.argmin(impurity))
        if impurity[i] < best[0]:
            threshold = (xs[i] + xs[i + 1]) / 2.0
            if threshold == xs[i + 1]:
                threshold = xs[i]
            lp, ln = left_pos[i], left_neg[i]
            rp, rn = w_pos_all - lp, w_neg_all - ln
            best = (
                float(impurity[i]),
                j,
                float(threshold),
                1.0 if lp > ln else -1.0,
                1.0 if rp > rn else -1.0,
            )
    _, j, threshold, left, right = best
    if not np.isfinite(best[0]):  # no split possible: one leaf, the heavier class
        sign = 1.0 if w_pos_all > w_neg_all else -1.0
        return Stump(0, np.inf, sign, sign)
    return Stump(j, threshold, left, right)


@dataclass(frozen=True)
class Boosting:
    stumps: list[Stump]
    beta: np.ndarray  # the exponential loss's stagewise minimisers, 1/2 ln((1 - err)/err)
    error: np.ndarray  # each stump's weighted error
    weights: np.ndarray  # (rounds, n): the normalised sample weights each stump was fitted to
    final_weights: np.ndarray  # (n,): after the last round
    train_loss: np.ndarray  # (rounds + 1,): mean e^{-y F_m} on the training set, F_0 = 0

    def decision_function(self, x: np.ndarray, rounds: int | None = None) -> np.ndarray:
        """F_m(x) = sum_k beta_k h_k(x) over the first ``rounds`` stumps (all by default)."""
        k = len(self.stumps) if rounds is None else rounds
        f = np.zeros(len(x))
        for stump, b in zip(self.stumps[:k], self.beta[:k], strict=True):
            f += b * stump.predict(x)
        return f


def adaboost(x: np.ndarray, y: np.ndarray, rounds: int) -> Boosting:
    r"""Forward stagewise minimisation of :math:`\frac1n\sum_i e^{-y_i F(x_i)}` over ``rounds`` stumps
    (labels -1/+1). Stops early if a stump makes no weighted error (it then gets SAMME's weight 1)
    or no better than chance."""
    rounds = check_whole("rounds", rounds, low=1, high=MAX_ROUNDS)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or len(x) != len(y) or len(y) < 2:
        raise ValueError("x must be (n, d) and y (n,) with n >= 2.")
    if x.shape[0] * x.shape[1] * rounds > MAX_WORK:
        raise ValueError(f"{rounds} rounds on {x.shape} is more work than {MAX_WORK:,} cells.")
    n = len(y)
    w = np.full(n, 1.0 / n)
    f = np.zeros(n)
    stumps, betas, errors, weights, losses = [], [], [], [], [1.0]
    for _ in range(rounds):
        stump = fit_stump(x, y, w)
        h = stump.predict(x)
        wrong = h != y
        err = float(np.average(wrong, weights=w))
        weights.append(w)
        if err <= 0.0:  # a perfect stump: SAMME stops with weight 1 (beta 1/2)
            stumps.append(stump), betas.append(0.5), errors.append(0.0)
            f = f + 0.5 * h
            losses.append(float(np.exp(-y * f).mean()))
            break
        if err >= 0.5:  # no better than chance: SAMME drops it and stops
            weights.pop()
            break
        beta = 0.5 * np.log((1.0 - err) / err)
        stumps.append(stump), betas.append(beta), errors.append(err)
        f = f + beta * h
        losses.append(float(np.exp(-y * f).mean()))
        # w_i <- w_i e^{-beta y_i h_i}, normalised: proportional to e^{-y_i F(x_i)}
        w = w * np.exp(-beta * y * h)
        w = w / w.sum()
    return Boosting(stumps, np.array(betas), np.array(errors), np.array(weights), w, np.array(losses))

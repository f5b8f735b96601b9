r"""Risk against capacity: the L2-regularised logistic classifier over a range of strengths lambda.

For each :math:`\lambda` the fit minimises the structural risk
:math:`\hat R(f) + \frac\lambda2\lVert w\rVert^2` on the training set; beside it stand its empirical risk
:math:`\hat R(f)` (mean log loss on the training set), its mean log loss on held-out data (the estimate of
the expected risk), its exact expected risk on the two Gaussians of :func:`classification_data`, and the
generalisation gap :math:`R(\hat f) - \hat R(\hat f)`. Small :math:`\lambda`: most capacity; large: the
weights are held near 0 and the classifier underfits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.losses._elementwise import logistic
from core.losses._fits import ClassificationData, expected_risk, fit_linear_classifier

MAX_LAMBDAS = 200


@dataclass(frozen=True)
class CapacityPath:
    lams: np.ndarray
    w: np.ndarray  # (k, d)
    b: np.ndarray  # (k,)
    empirical: np.ndarray  # mean log loss on the training set
    structural: np.ndarray  # empirical + lambda/2 |w|^2
    held_out: np.ndarray  # mean log loss on the test set
    expected: np.ndarray  # exact expected log loss on the clean distribution

    @property
    def gap(self) -> np.ndarray:
        """The generalisation gap R(f) - R_hat(f), with the exact expected risk."""
        return self.expected - self.empirical


def capacity_path(data: ClassificationData, lams: np.ndarray) -> CapacityPath:
    """The regularised logistic classifier's risks at every strength in ``lams`` (positive, at most
    :data:`MAX_LAMBDAS` of them)."""
    lams = np.asarray(lams, dtype=np.float64)
    if lams.ndim != 1 or not 1 <= len(lams) <= MAX_LAMBDAS or not (np.isfinite(lams) & (lams > 0)).all():
        raise ValueError(f"lams must hold 1 to {MAX_LAMBDAS} positive numbers.")
    x, y = data.x_train, data.y_train
    rows = []
    for lam in lams:
        fit = fit_linear_classifier(x, y, "logistic", lam=float(lam))
        empirical = float(logistic(y, fit.decision_function(x)).mean())
        rows.append(
            (
                fit.w,
                fit.b,
                empirical,
                empirical + 0.5 * lam * float(fit.w @ fit.w),
                float(logistic(data.y_test, fit.decision_function(data.x_test)).mean()),
                expected_risk(fit.w, fit.b, "logistic"),
            )
        )
    w, b, emp, struct, held, exp = zip(*rows, strict=True)
    return CapacityPath(lams, np.array(w), np.array(b), *(np.array(v) for v in (emp, struct, held, exp)))

"""The losses page, section "regression": a line fitted through outliers by squared, absolute and Huber
loss, with scikit-learn and scipy.

y = 2x + 1 + noise for 60 points x ~ U(0, 10); the points with the largest x are moved up by 30. Squared
loss: LinearRegression (least squares, pulled by the outliers); absolute loss: QuantileRegressor at the
median (least absolute deviations, which may have many minimisers: the risk is compared, not the line);
Huber loss with threshold delta (torch's huber_loss: r^2 / 2 inside, delta (|r| - delta / 2) outside) by
scipy's BFGS. Prints each line and its mean loss and checks them against the page's.
"""

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LinearRegression, QuantileRegressor

PARAMS = {"n": 60, "outliers": 3, "shift": 30.0, "delta": 1.0, "seed": 0}
EXPECTED = {"squared": {"slope": 2.0, "intercept": 1.0, "risk": 1.0}}
# the page fits least squares by lstsq, least absolute deviations exactly (every line through two points)
# and Huber by reweighted least squares to 1e-12; scikit-learn's and scipy's solvers stop at their own
# tolerances
TOLERANCE = {"squared": 1e-9, "absolute": 1e-7, "huber": 1e-6}

rng = np.random.default_rng(PARAMS["seed"])
x = np.sort(rng.uniform(0.0, 10.0, size=PARAMS["n"]))
y = 2.0 * x + 1.0 + rng.normal(size=PARAMS["n"])
if PARAMS["outliers"]:
    y[-PARAMS["outliers"] :] += PARAMS["shift"]  # the largest x's move up
delta = PARAMS["delta"]


def huber(r):
    return np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))


def risk(loss, slope, intercept):
    r = y - (slope * x + intercept)
    return float({"squared": r**2, "absolute": np.abs(r), "huber": huber(r)}[loss].mean())


def huber_fit():
    def j_and_grad(theta):
        r = y - (theta[0] * x + theta[1])
        g = -np.clip(r, -delta, delta)  # d huber / d prediction
        return huber(r).mean(), np.array([(g * x).mean(), g.mean()])

    return minimize(j_and_grad, np.zeros(2), jac=True, method="BFGS", options={"gtol": 1e-13}).x


least_squares = LinearRegression().fit(x[:, None], y)
median = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(x[:, None], y)
lines = {
    "squared": (least_squares.coef_[0], least_squares.intercept_),
    "absolute": (median.coef_[0], median.intercept_),
    "huber": tuple(huber_fit()),
}
print(
    f"{PARAMS['n']} points, {PARAMS['outliers']} outliers moved up by {PARAMS['shift']:g}, delta = {delta:g}"
)
print(f"{'loss':<9} {'slope':>8} {'intercept':>10} {'mean loss':>10}")
for loss, (slope, intercept) in lines.items():
    value = risk(loss, slope, intercept)
    print(f"{loss:<9} {slope:>8.4f} {intercept:>10.4f} {value:>10.4f}")
    page = EXPECTED[loss]
    assert abs(value - page["risk"]) <= TOLERANCE[loss] * max(1.0, page["risk"]), (loss, value, page)
    if loss != "absolute":  # least absolute deviations: the minimiser need not be unique
        assert abs(slope - page["slope"]) <= 1e3 * TOLERANCE[loss], (loss, slope, page)
        assert abs(intercept - page["intercept"]) <= 1e3 * TOLERANCE[loss], (loss, intercept, page)
print("matches the page's figures")

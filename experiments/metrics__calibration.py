"""The metrics page, section "calibration": how far a bundled example's scores are from probabilities,
with scikit-learn.

The scores are rebuilt as in the page's examples (scripts/make_examples.py: scikit-learn's bundled data, a
classifier fitted on one half, scores on the other rounded to 6 decimals). The reliability curve is
scikit-learn's calibration_curve (the share of positives against the mean score, per bin of equal width or
of equal counts); the expected calibration error (ECE) weighs each bin's gap |observed - predicted| by its
share of the rows. Also the Brier score and the log loss.
"""

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

PARAMS = {"example": "balanced", "model": "score", "n_bins": 10, "strategy": "uniform", "seed": 20240607}
EXPECTED = {"brier": 0.1, "log_loss": 0.3, "ece": 0.05, "predicted": [0.5], "observed": [0.5]}
TOLERANCE = 1e-10  # the same rows and scores: the figures differ only in rounding


def example(name: str, model: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels (1 = positive) and scores of a bundled example, on the held-out half."""
    if name == "balanced":  # breast cancer: is the tumour malignant?
        x, target = load_breast_cancer(return_X_y=True)
        y = (target == 0).astype(int)  # scikit-learn codes malignant as 0
    elif name == "imbalanced":  # digits: is it an 8? (8s thinned out to about 5% of the rows)
        x, digit = load_digits(return_X_y=True)
        y = (digit == 8).astype(int)
        keep = (y == 0) | (np.random.default_rng(seed).random(len(y)) < 0.45)
        x, y = x[keep], y[keep]
    else:  # two_models: diabetes progression above its median
        x, progression = load_diabetes(return_X_y=True)
        y = (progression > np.median(progression)).astype(int)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.5, stratify=y, random_state=seed)
    if model == "naive_bayes":
        classifier = GaussianNB()
    else:
        classifier = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=5000))
    score = classifier.fit(x_train, y_train).predict_proba(x_test)[:, 1]
    return y_test, np.round(score, 6)


y, score = example(PARAMS["example"], PARAMS["model"], PARAMS["seed"])
n_bins, strategy = PARAMS["n_bins"], PARAMS["strategy"]
observed, predicted = calibration_curve(y, score, n_bins=n_bins, strategy=strategy)

# the rows in each bin, binned as calibration_curve bins them
if strategy == "quantile":
    edges = np.percentile(score, np.linspace(0, 100, n_bins + 1))
else:
    edges = np.linspace(0.0, 1.0, n_bins + 1)
rows = np.bincount(np.searchsorted(edges[1:-1], score), minlength=len(edges))
rows = rows[rows > 0]  # calibration_curve leaves out the empty bins
ours = {
    "brier": brier_score_loss(y, score),
    "log_loss": log_loss(y, score),
    "ece": float(np.sum(rows / len(y) * np.abs(observed - predicted))),
}

print(f"{PARAMS['example']} / {PARAMS['model']}: {len(y)} rows, {n_bins} bins ({strategy})")
print(f"{'mean score':>10} {'observed':>9} {'rows':>5}")
for p, o, k in zip(predicted, observed, rows, strict=True):
    print(f"{p:>10.4f} {o:>9.4f} {k:>5}")
for name, value in ours.items():
    print(f"{name:<9} {value:.6f}")
for name, value in ours.items():
    assert abs(value - EXPECTED[name]) <= TOLERANCE, (name, value, EXPECTED[name])
assert np.allclose(predicted, EXPECTED["predicted"], rtol=0, atol=TOLERANCE)
assert np.allclose(observed, EXPECTED["observed"], rtol=0, atol=TOLERANCE)
print("matches the page's figures")

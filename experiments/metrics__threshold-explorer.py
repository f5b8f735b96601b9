"""The metrics page, section "threshold-explorer": a bundled example's confusion matrix and rates at one
threshold, with scikit-learn.

The scores are rebuilt as in the page's examples (scripts/make_examples.py). A row is predicted positive
where its score >= the threshold. Prints the confusion matrix, accuracy, precision, recall (TPR),
specificity, FPR, F1 and Matthews' correlation, each from scikit-learn.
"""

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
)
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

PARAMS = {"example": "balanced", "model": "score", "threshold": 0.5, "seed": 20240607}
EXPECTED = {"tp": 1, "fp": 0, "fn": 0, "tn": 1, "accuracy": 1.0}
TOLERANCE = 1e-12  # counts are exact; rates differ only in rounding


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
predicted = (score >= PARAMS["threshold"]).astype(int)
tn, fp, fn, tp = confusion_matrix(y, predicted, labels=[0, 1]).ravel()
ours = {
    "tp": int(tp),
    "fp": int(fp),
    "fn": int(fn),
    "tn": int(tn),
    "accuracy": accuracy_score(y, predicted),
    "precision": precision_score(y, predicted, zero_division=np.nan),
    "recall": recall_score(y, predicted, zero_division=np.nan),
    "specificity": recall_score(y, predicted, pos_label=0, zero_division=np.nan),
    "fpr": fp / (fp + tn) if fp + tn else np.nan,
    "f1": f1_score(y, predicted, zero_division=np.nan),
    "mcc": matthews_corrcoef(y, predicted),
}
print(f"{PARAMS['example']} / {PARAMS['model']}: {len(y)} rows, threshold {PARAMS['threshold']}")
print(f"            predicted 1  predicted 0\nactual 1 {tp:>14} {fn:>12}\nactual 0 {fp:>14} {tn:>12}")
for name, value in ours.items():
    print(f"{name:<12} {value:.6f}" if isinstance(value, float) else f"{name:<12} {value}")
for name, page in EXPECTED.items():
    value = ours[name]
    if page is None:  # undefined on the page (0 / 0); scikit-learn says 0 for an undefined MCC
        assert np.isnan(value) or (name == "mcc" and value == 0), (name, value)
    else:
        assert abs(value - page) <= TOLERANCE, (name, value, page)
print("matches the page's figures")

"""Write the bundled example score files to data/examples/ (deterministic: fixed seeds, no downloads).

Each file holds real classifier scores on held-out rows of a dataset that ships with scikit-learn:

- balanced.csv: breast cancer (569 tumours, 37% malignant), logistic regression, test half;
  label 1 = malignant, score = predicted probability of malignant.
- imbalanced.csv: handwritten digits, "is it an 8?", with 8s thinned out to about 5% of the rows;
  logistic regression on the 64 pixels, scores on the held-out half.
- two_models.csv: diabetes progression (442 patients) turned binary (above the median = 1), logistic
  regression and Gaussian naive Bayes scored on the same held-out rows, with two segment columns of the
  patients (``sex``, from the dataset's sex feature, and ``age_band``, from its age feature): the
  metrics page's segments and stability sections group by them.
- digits.csv (multiclass): handwritten digits 0-9, multinomial logistic regression on the 64 pixels,
  held-out half; column ``digit`` = the true digit, columns ``0`` ... ``9`` = predicted probabilities.

Run from the project root: ``python scripts/make_examples.py`` (prints the ROC AUC of each model).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "examples"
SEED = 20240607


def _logistic() -> object:
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=5000))


def _write(
    path: Path, header: list[str], label: np.ndarray, *scores: np.ndarray, text: tuple[np.ndarray, ...] = ()
) -> None:
    """CSV with a 0/1 label, scores rounded to 6 decimals and text columns after them (``text``), rows in
    the held-out order."""
    lines = [",".join(header)]
    for k, row in enumerate(zip(label.astype(int), *scores, strict=True)):
        cells = [str(row[0]), *(f"{s:.6f}" for s in row[1:]), *(str(column[k]) for column in text)]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def balanced() -> dict[str, float]:
    x, target = load_breast_cancer(return_X_y=True)
    y = (target == 0).astype(int)  # scikit-learn codes malignant as 0; here malignant is the positive class
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, stratify=y, random_state=SEED)
    score = _logistic().fit(x_tr, y_tr).predict_proba(x_te)[:, 1]
    _write(OUT / "balanced.csv", ["label", "score"], y_te, score)
    return {"balanced.csv score": roc_auc_score(y_te, np.round(score, 6))}


def imbalanced() -> dict[str, float]:
    x, digit = load_digits(return_X_y=True)
    y = (digit == 8).astype(int)
    rng = np.random.default_rng(SEED)
    # keep every other digit and a random ~45% of the 8s: 8s drop from ~10% to ~5% of the rows
    keep = (y == 0) | (rng.random(len(y)) < 0.45)
    x, y = x[keep], y[keep]
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, stratify=y, random_state=SEED)
    score = _logistic().fit(x_tr, y_tr).predict_proba(x_te)[:, 1]
    _write(OUT / "imbalanced.csv", ["label", "score"], y_te, score)
    return {"imbalanced.csv score": roc_auc_score(y_te, np.round(score, 6))}


def two_models() -> dict[str, float]:
    x, progression = load_diabetes(return_X_y=True)
    y = (progression > np.median(progression)).astype(int)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, stratify=y, random_state=SEED)
    logistic = _logistic().fit(x_tr, y_tr).predict_proba(x_te)[:, 1]
    bayes = GaussianNB().fit(x_tr, y_tr).predict_proba(x_te)[:, 1]
    # segments of the held-out patients: the dataset's (scaled) sex and age features, as text
    raw = load_diabetes(scaled=False).data
    _, raw_te = train_test_split(raw, test_size=0.5, stratify=y, random_state=SEED)
    sex = np.where(raw_te[:, 1] == 1, "sex_1", "sex_2")
    age = np.select([raw_te[:, 0] < 40, raw_te[:, 0] < 60], ["under_40", "40_to_59"], "60_and_over")
    header = ["label", "logistic_regression", "naive_bayes", "sex", "age_band"]
    _write(OUT / "two_models.csv", header, y_te, logistic, bayes, text=(sex, age))
    return {
        "two_models.csv logistic_regression": roc_auc_score(y_te, np.round(logistic, 6)),
        "two_models.csv naive_bayes": roc_auc_score(y_te, np.round(bayes, 6)),
    }


def digits() -> dict[str, float]:
    """A multiclass example: ten classes, one probability column per class named after it."""
    x, digit = load_digits(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, digit, test_size=0.5, stratify=digit, random_state=SEED)
    # a weaker model (C = 0.002) than the binary examples', so the confusion matrix has off-diagonal cells
    proba = _logistic_c(0.002).fit(x_tr, y_tr).predict_proba(x_te)
    # 6 decimals; each row's largest probability takes the rounding remainder so the row sums to 1
    proba = np.round(proba, 6)
    top = np.argmax(proba, axis=1)
    rows = np.arange(len(proba))
    proba[rows, top] = 0.0
    proba[rows, top] = np.round(1.0 - proba.sum(axis=1), 6)
    lines = [",".join(["digit", *map(str, range(10))])]
    for label, row in zip(y_te, proba, strict=True):
        lines.append(",".join([str(int(label)), *(f"{p:.6f}" for p in row)]))
    (OUT / "digits.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"digits.csv macro OvR": roc_auc_score(y_te, proba, multi_class="ovr")}


def _logistic_c(c: float) -> object:
    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for make in (balanced, imbalanced, two_models, digits):
        for name, auc in make().items():
            print(f"{name}: ROC AUC {auc:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

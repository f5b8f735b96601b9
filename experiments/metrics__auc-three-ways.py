"""The metrics page, section "auc-three-ways": ROC AUC three ways, and the headline figures, on a bundled
example rebuilt with scikit-learn.

The examples are real classifier scores on held-out rows of scikit-learn's bundled data sets (written by
the project's scripts/make_examples.py, rebuilt here the same way, scores rounded to 6 decimals as in the
CSV). The AUC is computed by the trapezoid under the ROC curve (roc_auc_score), by ranks (the Mann-Whitney
statistic, midranks for ties) and by comparing every positive with every negative (ties count 1/2). Also:
average precision, the Kolmogorov-Smirnov statistic max |TPR - FPR| (scipy's ks_2samp) and Gini = 2 AUC - 1.
"""

import numpy as np
from scipy.stats import ks_2samp, rankdata
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

PARAMS = {"example": "balanced", "model": "score", "seed": 20240607}
EXPECTED = {"auc_trapezoid": 0.5, "auc_rank": 0.5, "auc_pairwise": 0.5, "average_precision": 0.5, "ks": 0.0}
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
positives, negatives = score[y == 1], score[y == 0]
n_pos, n_neg = len(positives), len(negatives)

ours = {"auc_trapezoid": roc_auc_score(y, score)}
# ranks: (sum of the positives' ranks - n_pos (n_pos + 1) / 2) / (n_pos n_neg)
ranks = rankdata(score)  # midranks for ties
ours["auc_rank"] = (ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
# every pair: P(score of a positive > score of a negative), ties 1/2
diff = positives[:, None] - negatives[None, :]
ours["auc_pairwise"] = ((diff > 0).sum() + 0.5 * (diff == 0).sum()) / (n_pos * n_neg)
ours["average_precision"] = average_precision_score(y, score)
ours["ks"] = ks_2samp(positives, negatives).statistic

print(f"{PARAMS['example']} / {PARAMS['model']}: {len(y)} rows, {n_pos} positive")
for name, value in ours.items():
    print(f"{name:<18} {value:.12f}")
print(f"{'gini':<18} {2 * ours['auc_trapezoid'] - 1:.12f}")
for name, value in ours.items():
    page = EXPECTED[name]  # None: the page skipped the pairs (too many)
    assert page is None or abs(value - page) <= TOLERANCE, (name, value, page)
print("matches the page's figures")

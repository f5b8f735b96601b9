"""The loss-functions page's live fits, timed, against the reference libraries in the same run.

Run with ``python benchmarks/bench_losses.py``. Best of 5 (the machine is shared: numbers are noisy,
the minimum is the least disturbed). Timed, for the page's default view and a noisy one:

- ``classifiers``: core.losses.fit_all_classifiers (hinge by subgradient descent, logistic, exponential
  and squared by Newton) on 200 points + outliers, against scikit-learn's LogisticRegression + Ridge +
  SVC(kernel="linear") solving the same problems;
- ``svm``: one more core.losses.fit_svm at the SVM section's lambda;
- ``regression``: core.losses.fit_line by squared, absolute (exact, every pair of points) and Huber,
  against numpy.polyfit + QuantileRegressor(solver="highs") + HuberRegressor;
- ``all fits``: the three above together, the issue's target: under 0.2 s;
- ``softmax``: softmax regression on digits, right and softmax-twice, 50 epochs (the mistake's
  training section), against the same training in torch (float64, torch.optim.SGD);
- ``cross_entropy``: core.losses.cross_entropy on a (10000, 100) batch against torch's.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.linear_model import HuberRegressor, LogisticRegression, QuantileRegressor, Ridge
from sklearn.svm import SVC

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import losses as L

TARGET = 0.2
LAM = 1e-2
REPEATS = 5
torch.set_num_threads(1)


def best_of(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def sklearn_classifiers(d: L.ClassificationData) -> None:
    n = len(d.y_train)
    LogisticRegression(C=1 / (LAM * n), tol=1e-12, max_iter=10_000).fit(d.x_train, d.y_train)
    Ridge(alpha=LAM * n / 2).fit(d.x_train, d.y_train)
    SVC(kernel="linear", C=1 / (LAM * n), tol=1e-10).fit(d.x_train, d.y_train)


def sklearn_regression(r: L.RegressionData) -> None:
    np.polyfit(r.x, r.y, 1)
    QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(r.x[:, None], r.y)
    HuberRegressor(epsilon=1.35, alpha=0.0).fit(r.x[:, None], r.y)


def torch_softmax(x, y, epochs: int) -> None:
    a = torch.tensor(np.column_stack([x, np.ones(len(x))]))
    target = torch.tensor(y)
    for twice in (False, True):
        theta = torch.zeros(a.shape[1], 10, dtype=torch.float64, requires_grad=True)
        optimizer = torch.optim.SGD([theta], lr=1.0)
        for _ in range(epochs):
            optimizer.zero_grad()
            z = a @ theta
            F.cross_entropy(F.softmax(z, dim=1) if twice else z, target).backward()
            optimizer.step()


def line(name: str, ours: float, ref: float | None = None, ref_name: str = "") -> str:
    text = f"  {name:<15}ours {ours * 1e3:7.1f} ms"
    if ref is not None:
        text += f"   {ref_name} {ref * 1e3:7.1f} ms   ratio {ref / ours:5.2f}x"
    return text


def main() -> None:
    print(__doc__.split("\n\n")[0])
    print(f"best of {REPEATS}; shared machine, numbers are noisy\n")
    views = {"default (no noise)": (0.0, 0, 4), "noisy (0.2 flipped, 10 outliers)": (0.2, 10, 8)}
    for label, (noise, outliers, reg_outliers) in views.items():
        d = L.classification_data(label_noise=noise, n_outliers=outliers)
        r = L.regression_data(n_outliers=reg_outliers)
        ours_cls = best_of(lambda d=d: L.fit_all_classifiers(d, lam=LAM))
        ours_svm = best_of(lambda d=d: L.fit_svm(d.x_train, d.y_train, lam=0.1))
        ours_reg = best_of(lambda r=r: [L.fit_line(r.x, r.y, k) for k in ("squared", "absolute", "huber")])
        ref_cls = best_of(lambda d=d: sklearn_classifiers(d))
        ref_reg = best_of(lambda r=r: sklearn_regression(r))
        total = best_of(
            lambda d=d, r=r: (
                L.fit_all_classifiers(d, lam=LAM),
                L.fit_svm(d.x_train, d.y_train, lam=0.1),
                [L.fit_line(r.x, r.y, k) for k in ("squared", "absolute", "huber")],
            )
        )
        print(f"{label}:")
        print(line("classifiers", ours_cls, ref_cls, "sklearn"))
        print(line("svm", ours_svm))
        print(line("regression", ours_reg, ref_reg, "sklearn"))
        verdict = "under" if total < TARGET else "OVER"
        print(f"  all fits     ours {total * 1e3:7.1f} ms   ({verdict} the {TARGET:g} s target)\n")

    x, y = load_digits(return_X_y=True)
    x = x / 16
    n = 500
    ours = best_of(lambda: L.train_softmax_regression(x[:n], y[:n], x[n:], y[n:], epochs=50, lr=1.0), 3)
    ref = best_of(lambda: torch_softmax(x[:n], y[:n], 50), 3)
    print("softmax regression on digits (right + softmax twice, 50 epochs, 500 images):")
    print(line("softmax", ours, ref, "torch  "))

    rng = np.random.default_rng(0)
    logits, target = rng.normal(size=(10_000, 100)) * 5, rng.integers(0, 100, size=10_000)
    lt, tt = torch.tensor(logits), torch.tensor(target)
    ours = best_of(lambda: L.cross_entropy(logits, target))
    ref = best_of(lambda: F.cross_entropy(lt, tt))
    print("cross_entropy of a (10000, 100) batch:")
    print(line("cross_entropy", ours, ref, "torch  "))


if __name__ == "__main__":
    main()

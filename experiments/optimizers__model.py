"""The optimizers page, section "model": logistic regression on scikit-learn's breast-cancer data, trained
by each torch.optim optimizer on the same mini-batches.

Objective: mean binary cross-entropy + l2/2 |w|^2; a 70/30 stratified split, features standardised on the
training part; weights start at zero; every epoch visits the training set once in a shuffled order (the
same order for every optimizer). Prints each optimizer's final training objective, test loss and test
accuracy, and the objective's minimum found by scikit-learn's LogisticRegression(C = 1 / (l2 n)).
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

PARAMS = {"epochs": 30, "batch_size": 32, "l2": 0.001, "seed": 0, "optimizers": {"SGD": {"lr": 0.1}}}
EXPECTED = {
    "SGD": {"train_loss": 0.1, "test_loss": 0.1, "test_accuracy": 0.95},
    "reference_train_loss": 0.05,
}
# the page computes the gradient by hand, autograd in another order of operations: the losses agree to
# about 1e-12 relative on a stable run; torch.optim.NAdam keeps one running product in float32 (the page
# in float64), which moves its losses by about 1e-8 relative
RTOL, RTOL_NADAM = 1e-8, 1e-5

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=PARAMS["seed"], stratify=y
)
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
X_train, X_test = torch.tensor((X_train - mean) / std), torch.tensor((X_test - mean) / std)
y_train, y_test = torch.tensor(y_train, dtype=torch.float64), torch.tensor(y_test, dtype=torch.float64)
n, d = X_train.shape
l2 = PARAMS["l2"]

# one shuffled order per epoch, cut into ceil(n / batch_size) nearly equal batches, the same for everyone
rng = np.random.default_rng(PARAMS["seed"])
n_batches = max(1, math.ceil(n / PARAMS["batch_size"]))
epochs = [np.array_split(rng.permutation(n), n_batches) for _ in range(PARAMS["epochs"])]


def objective(w, b, X, y, penalty):
    return F.binary_cross_entropy_with_logits(X @ w + b, y) + penalty / 2 * (w @ w)


def train(name: str, hyperparameters: dict) -> tuple[float, float, float]:
    w = torch.zeros(d, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = getattr(torch.optim, name)([w, b], **hyperparameters)
    for batches in epochs:
        for idx in batches:
            idx = torch.from_numpy(idx)
            optimizer.zero_grad()
            objective(w, b, X_train[idx], y_train[idx], l2).backward()
            optimizer.step()
    with torch.no_grad():
        accuracy = (((X_test @ w + b) > 0).double() == y_test).double().mean().item()
        return (
            objective(w, b, X_train, y_train, l2).item(),
            objective(w, b, X_test, y_test, 0).item(),
            accuracy,
        )


reference = LogisticRegression(C=1 / (l2 * n), tol=1e-12, max_iter=10_000).fit(X_train, y_train)
with torch.no_grad():
    w_ref, b_ref = torch.tensor(reference.coef_[0]), torch.tensor(reference.intercept_)
    best = objective(w_ref, b_ref, X_train, y_train, l2).item()

print(
    f"{PARAMS['epochs']} epochs, batches of {PARAMS['batch_size']} ({n_batches} steps an epoch), l2 = {l2:g}"
)
print(f"{'optimizer':<10} {'train objective':>15} {'test loss':>10} {'test accuracy':>14}")
for name, hyperparameters in PARAMS["optimizers"].items():
    train_loss, test_loss, accuracy = train(name, hyperparameters)
    page = EXPECTED[name]
    if page["train_loss"] is None:  # the page's run left float64
        print(f"{name:<10} {'diverged':>15}")
        assert not math.isfinite(train_loss), (name, train_loss)
        continue
    print(f"{name:<10} {train_loss:>15.6f} {test_loss:>10.6f} {accuracy:>14.1%}")
    rtol = RTOL_NADAM if name == "NAdam" else RTOL
    assert math.isclose(train_loss, page["train_loss"], rel_tol=rtol), (name, train_loss, page)
    assert math.isclose(test_loss, page["test_loss"], rel_tol=rtol), (name, test_loss, page)
    assert abs(accuracy - page["test_accuracy"]) * len(y_test) <= 1 + 1e-9, (name, accuracy, page)
print(f"{'minimum':<10} {best:>15.6f}  (scikit-learn's LogisticRegression)")
assert math.isclose(best, EXPECTED["reference_train_loss"], rel_tol=1e-9), (best, EXPECTED)
print("matches the page's figures")

"""The optimizers page, section "adam-then-sgd": the notes' "Adam early, SGD late" on the page's logistic
regression, with torch.optim.

The model, data and mini-batches are the "model" section's: breast cancer, 70/30 stratified split
(random_state = seed), standardised features, weights from zero, mean binary cross-entropy + l2/2 |w|^2,
batches of 32 in one shuffled order per epoch shared by the three runs. Adam throughout (torch's defaults,
lr = adam_lr), SGD throughout (lr = sgd_lr), and Adam switched to a fresh SGD after epoch k. Prints each
run's final training objective, test loss and test accuracy.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

PARAMS = {"switch_epoch": 5, "epochs": 40, "adam_lr": 0.01, "sgd_lr": 0.1, "seed": 0, "batch_size": 32}
EXPECTED = {"adam_then_sgd": {"train_loss": 0.06, "test_loss": 0.09, "test_accuracy": 0.97}}
# the page computes the gradient by hand, autograd in another order of operations: the losses agree to
# about 1e-12 relative
RTOL = 1e-8
L2 = 1e-3

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=PARAMS["seed"], stratify=y
)
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
X_train, X_test = torch.tensor((X_train - mean) / std), torch.tensor((X_test - mean) / std)
y_train, y_test = torch.tensor(y_train, dtype=torch.float64), torch.tensor(y_test, dtype=torch.float64)
n, d = X_train.shape
rng = np.random.default_rng(PARAMS["seed"])
n_batches = math.ceil(n / PARAMS["batch_size"])
epochs = [np.array_split(rng.permutation(n), n_batches) for _ in range(PARAMS["epochs"])]


def objective(w, b, X, y, penalty):
    return F.binary_cross_entropy_with_logits(X @ w + b, y) + penalty / 2 * (w @ w)


def train(switch_epoch: int) -> tuple[float, float, float]:
    w = torch.zeros(d, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([w, b], lr=PARAMS["adam_lr"])
    for epoch, batches in enumerate(epochs, start=1):
        if epoch == switch_epoch + 1:  # after epoch k: SGD from the weights Adam reached
            optimizer = torch.optim.SGD([w, b], lr=PARAMS["sgd_lr"])
        for idx in batches:
            idx = torch.from_numpy(idx)
            optimizer.zero_grad()
            objective(w, b, X_train[idx], y_train[idx], L2).backward()
            optimizer.step()
    with torch.no_grad():
        accuracy = (((X_test @ w + b) > 0).double() == y_test).double().mean().item()
        return (
            objective(w, b, X_train, y_train, L2).item(),
            objective(w, b, X_test, y_test, 0).item(),
            accuracy,
        )


k, total = PARAMS["switch_epoch"], PARAMS["epochs"]
runs = {"adam": total, "sgd": 0, "adam_then_sgd": k}  # the epoch after which each switches to SGD
print(f"{total} epochs, Adam lr {PARAMS['adam_lr']:g}, SGD lr {PARAMS['sgd_lr']:g}, switch after epoch {k}")
print(f"{'run':<14} {'train objective':>15} {'test loss':>10} {'test accuracy':>14}")
for name, switch in runs.items():
    train_loss, test_loss, accuracy = train(switch)
    print(f"{name:<14} {train_loss:>15.6f} {test_loss:>10.6f} {accuracy:>14.1%}")
    page = EXPECTED[name]
    assert math.isclose(train_loss, page["train_loss"], rel_tol=RTOL), (name, train_loss, page)
    assert math.isclose(test_loss, page["test_loss"], rel_tol=RTOL), (name, test_loss, page)
    assert abs(accuracy - page["test_accuracy"]) * len(y_test) <= 1 + 1e-9, (name, accuracy, page)
print("matches the page's figures")

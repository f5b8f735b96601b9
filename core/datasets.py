r"""scikit-learn's bundled data sets and the splits the topics train on, in one place.

- :func:`load`: ``digits`` (1797 x 64, pixels 0..16, 10 classes) or ``breast_cancer`` (569 x 30, 2
  classes) as read-only float64 features and int64 labels, read once per process.
- :func:`digit_images`: the digits as ``(N, 8, 8)`` float32 images in [0, 1] (:math:`x / 16`).
- :func:`stratified_split`: scikit-learn's ``train_test_split(..., stratify=y)`` with a fixed seed.
- :func:`standardized_split`: that split, standardised with the training split's statistics.
- :func:`digits_split`: the digits as ``(N, 64)`` float32 in [0, 1], split stratified (normalization).
- :func:`held_out_per_class`: a fixed number of test examples per class, the rest for training
  (fine-tuning's source and target tasks).

Every result is a fresh array or tensor (the cached raw data are read-only), so callers may own it.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from core._validation import check_choice
from core.lazy import LazyModule

torch = LazyModule("torch")  # imported when first used (core/lazy.py)

__all__ = [
    "DATASETS",
    "digit_images",
    "digits_split",
    "held_out_per_class",
    "load",
    "standardized_split",
    "stratified_split",
]

DATASETS = ("digits", "breast_cancer")


@cache
def _load(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_breast_cancer, load_digits

    x, y = {"digits": load_digits, "breast_cancer": load_breast_cancer}[name](return_X_y=True)
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.int64)
    x.flags.writeable = False
    y.flags.writeable = False
    return x, y


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Features ``(N, D)`` float64 and labels ``(N,)`` int64 of the bundled data set ``name`` (one of
    :data:`DATASETS`), read-only (copy before changing them).

    Raises
    ------
    ValueError
        For an unknown ``name``.
    """
    return _load(check_choice("dataset", name, DATASETS))


def digit_images() -> tuple[np.ndarray, np.ndarray]:
    """The digits as images ``(N, 8, 8)`` float32 in [0, 1] and their labels int64 (fresh arrays)."""
    x, y = load("digits")
    # pixel values are 0..16: x / 16 puts them in [0, 1]
    return (x / 16.0).astype(np.float32).reshape(-1, 8, 8), y.copy()


def stratified_split(
    x: np.ndarray, y: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``x_train, x_test, y_train, y_test``: scikit-learn's ``train_test_split`` with
    ``test_size=test_fraction``, ``random_state=seed`` and ``stratify=y`` (class shares kept)."""
    from sklearn.model_selection import train_test_split

    return train_test_split(x, y, test_size=test_fraction, random_state=seed, stratify=y)


def standardized_split(
    name: str, *, seed: int = 0, test_fraction: float = 0.25
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, int]:
    r"""``x_train, y_train, x_test, y_test, classes`` of data set ``name``, split stratified and
    standardised with the training split's statistics: :math:`x' = (x - \mu_{train}) / \sigma_{train}`
    (a constant column keeps :math:`\sigma = 1`); features float32, labels int64."""
    x, y = load(name)
    x_tr, x_te, y_tr, y_te = stratified_split(x, y, test_fraction, seed)
    # x' = (x - mean_train) / std_train
    mean = x_tr.mean(axis=0)
    std = x_tr.std(axis=0)
    std[std == 0] = 1.0
    as_x = lambda a: torch.tensor((a - mean) / std, dtype=torch.float32)  # noqa: E731
    as_y = lambda a: torch.tensor(a, dtype=torch.int64)  # noqa: E731
    return as_x(x_tr), as_y(y_tr), as_x(x_te), as_y(y_te), int(y.max()) + 1


def digits_split(
    test_fraction: float = 0.25, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The digits as ``(N, 64)`` float32 in [0, 1] (:math:`x / 16`) and int64 labels, split stratified
    with ``seed``: ``x_train, y_train, x_test, y_test``."""
    x, y = load("digits")
    x_tr, x_te, y_tr, y_te = stratified_split((x / 16.0).astype(np.float32), y, test_fraction, seed)
    return torch.from_numpy(x_tr), torch.from_numpy(y_tr), torch.from_numpy(x_te), torch.from_numpy(y_te)


def held_out_per_class(
    target: np.ndarray, classes: tuple[int, ...], test_per_class: int, seed: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """For each class of ``classes`` (in order), a random permutation of its rows (drawn from
    ``np.random.default_rng(seed)``, class after class) cut into ``test_per_class`` test rows and the
    rest: ``(train_rows, test_rows)``, one index array per class."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in classes:
        rows = rng.permutation(np.flatnonzero(target == c))
        test.append(rows[:test_per_class])
        train.append(rows[test_per_class:])
    return train, test

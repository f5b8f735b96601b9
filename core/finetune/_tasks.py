"""The source and target tasks: scikit-learn's bundled 8x8 digits, split by class.

The source task is digits 0-4, the target task digits 5-9 (relabelled 0-4). Each task keeps a fixed,
class-balanced held-out test set (``TEST_PER_CLASS`` images per class, chosen once with a fixed seed);
the rest of the target task is the *pool* that the labelled training examples are drawn from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from core.datasets import digit_images, held_out_per_class
from core.errors import InputError
from core.lazy import LazyModule

torch = LazyModule("torch")  # imported when first used (core/lazy.py)

SOURCE_CLASSES = (0, 1, 2, 3, 4)
TARGET_CLASSES = (5, 6, 7, 8, 9)
TEST_PER_CLASS = 40
SPLIT_SEED = 2024  # the one seed that fixes both test sets
#: labelled target examples per class in the comparison; "all" is the whole pool
SIZES: tuple[int | str, ...] = (1, 2, 5, 10, 20, "all")


@dataclass(frozen=True)
class Task:
    """One classification task on 8x8 digit images.

    Attributes
    ----------
    name : "source" or "target".
    digits : the digits of the task, in label order (label ``k`` is digit ``digits[k]``).
    x_train, y_train : the training pool, images ``(N, 1, 8, 8)`` float32 in [0, 1], labels int64.
    x_test, y_test : the fixed held-out test set, ``TEST_PER_CLASS`` images per class.
    """

    name: str
    digits: tuple[int, ...]
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def num_classes(self) -> int:
        return len(self.digits)

    def pool_per_class(self) -> np.ndarray:
        """How many training images each class has in the pool."""
        return np.bincount(self.y_train.numpy(), minlength=self.num_classes)


def _make_task(name: str, digits: tuple[int, ...]) -> Task:
    images, target = digit_images()
    train_rows, test_rows = held_out_per_class(
        target, digits, TEST_PER_CLASS, SPLIT_SEED + (0 if name == "source" else 1)
    )
    train_idx = [(rows, label) for label, rows in enumerate(train_rows)]
    test_idx = [(rows, label) for label, rows in enumerate(test_rows)]

    def stack(parts: list[tuple[np.ndarray, int]]) -> tuple[torch.Tensor, torch.Tensor]:
        index = np.concatenate([p for p, _ in parts])
        labels = np.concatenate([np.full(p.size, label, dtype=np.int64) for p, label in parts])
        # (N, 8, 8) -> (N, 1, 8, 8): one input channel
        return torch.from_numpy(images[index][:, None]), torch.from_numpy(labels)

    x_train, y_train = stack(train_idx)
    x_test, y_test = stack(test_idx)
    return Task(name, digits, x_train, y_train, x_test, y_test)


@cache
def source_task() -> Task:
    """Digits 0-4: the task the shipped model was pretrained on."""
    return _make_task("source", SOURCE_CLASSES)


@cache
def target_task() -> Task:
    """Digits 5-9, relabelled 0-4: the task the strategies are compared on."""
    return _make_task("target", TARGET_CLASSES)


def labelled_subset(task: Task, per_class: int | str, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``per_class`` training examples of each class drawn from the pool with ``seed`` (``"all"``: the
    whole pool).

    Raises
    ------
    ValueError
        If ``per_class`` is not a positive integer no larger than the smallest class, nor ``"all"``.
    """
    if per_class == "all":
        return task.x_train, task.y_train
    smallest = int(task.pool_per_class().min())
    if (
        isinstance(per_class, bool)
        or not isinstance(per_class, int | np.integer)
        or not (1 <= per_class <= smallest)
    ):
        raise InputError(
            "finetune.per_class",
            f"per_class must be 'all' or a whole number from 1 to {smallest} (the smallest class of the "
            f"{task.name} pool), got {per_class!r}.",
            high=smallest,
            got=repr(per_class),
        )
    rng = np.random.default_rng(seed)
    labels = task.y_train.numpy()
    chosen = np.concatenate(
        [
            rng.choice(np.flatnonzero(labels == k), size=int(per_class), replace=False)
            for k in range(task.num_classes)
        ]
    )
    index = torch.from_numpy(chosen)
    return task.x_train[index], task.y_train[index]

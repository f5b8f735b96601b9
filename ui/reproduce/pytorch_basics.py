"""The PyTorch basics page's sections as scripts' PARAMS / EXPECTED (see :mod:`ui.reproduce`)."""

from __future__ import annotations

from typing import Any

from ui.compute import shared
from ui.reproduce import register


def _training(dataset: str, epochs: int, lr: float):
    from ui.pytorch_basics import train, training_view

    shared(train, dataset, epochs, lr)  # computed first without a progress bar (no browser is waiting)
    return training_view(dataset, epochs, lr), {"dataset": dataset, "epochs": epochs, "lr": lr}


def _training_default():
    from ui.pytorch_basics import DATASET_DEFAULT, EPOCHS, LR_DEFAULT

    return _training(DATASET_DEFAULT, EPOCHS[2], LR_DEFAULT)


@register(
    "pytorch_basics",
    "training",
    default=_training_default,
    other=lambda: _training("breast_cancer", 30, 0.03),
)
def training(view: Any, *, dataset: str, epochs: int, lr: float):
    """``view``: the section's :class:`ui.pytorch_basics.TrainingView`; EXPECTED: each container's final
    training loss and test accuracy and whether its hidden weight is unchanged, from the same shared result
    the view was built from (``ui.compute.shared`` hands back the stored one)."""
    from ui.pytorch_basics import HIDDEN, train

    result = shared(train, dataset, int(epochs), float(lr))
    params = {"dataset": dataset, "epochs": int(epochs), "lr": float(lr), "hidden": HIDDEN, "seed": 0}
    expected = {
        kind: {
            "train_loss": float(run.train_loss[-1]),
            "test_accuracy": float(run.test_accuracy[-1]),
            "hidden_unchanged": bool(run.hidden_unchanged),
        }
        for kind, run in result.runs.items()
    }
    return params, expected

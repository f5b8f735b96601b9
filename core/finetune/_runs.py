"""Fine-tuning runs on the digits: the shipped source model, pretraining, one strategy trained and
evaluated (re-exported by :mod:`core.finetune`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.finetune._model import (
    WEIGHTS_PATH,
    DigitNet,
    backbone_drift,
    finetune_model,
    load_weights,
    new_model,
    parameter_counts,
    round_to_float16,
)
from core.finetune._settings import (
    DEFAULT_HEAD_LR_MULT,
    DEFAULT_LR,
    FINETUNE_PLAN,
    PRETRAIN_LR,
    PRETRAIN_PLAN,
    Progress,
    TrainLog,
    TrainPlan,
)
from core.finetune._tasks import labelled_subset, source_task, target_task
from core.finetune._training import train


def load_pretrained(path: Path | None = None) -> DigitNet:
    """The shipped source model (pretrained on digits 0-4 by ``scripts/train_finetune.py``), loaded
    with ``torch.load(weights_only=True)``, float32, in eval mode."""
    return load_weights(WEIGHTS_PATH if path is None else Path(path))


def pretrain(seed: int = 0, *, plan: TrainPlan = PRETRAIN_PLAN, lr: float = PRETRAIN_LR) -> DigitNet:
    """The source model: a random :class:`DigitNet` (from ``seed``) trained on the source pool with
    one learning rate for every layer; returned in eval mode, weights rounded through float16 as they
    ship."""
    task = source_task()
    model = new_model(task.num_classes, seed)
    groups = [{"params": list(model.parameters()), "lr": lr}]
    train(model, groups, task.x_train, task.y_train, plan=plan, seed=seed)
    return round_to_float16(model).eval()


@dataclass
class RunResult:
    """One strategy at one size and seed: the trained model, its log, final test accuracy, the
    backbone's movement per layer and the trainable / frozen parameter counts."""

    strategy: str
    per_class: int | str
    seed: int
    model: DigitNet
    log: TrainLog
    accuracy: float
    drift: dict[str, float]
    trainable: int
    frozen: int


def run_strategy(
    pretrained: DigitNet,
    strategy: str,
    per_class: int | str,
    seed: int = 0,
    *,
    lr: float = DEFAULT_LR,
    head_lr_mult: float = DEFAULT_HEAD_LR_MULT,
    plan: TrainPlan = FINETUNE_PLAN,
    progress: Progress | None = None,
) -> RunResult:
    """Fine-tune ``pretrained`` on ``per_class`` labelled target examples per class (drawn with
    ``seed``, which also draws the new head and the batch order) and evaluate on the target's fixed
    test set.

    Raises
    ------
    ValueError
        For an unknown strategy, an impossible ``per_class``, or a non-positive rate.
    """
    task = target_task()
    x, y = labelled_subset(task, per_class, seed)
    model, groups = finetune_model(
        pretrained, strategy, task.num_classes, lr=lr, head_lr_mult=head_lr_mult, seed=seed
    )
    trainable, frozen = parameter_counts(model)
    log = train(model, groups, x, y, plan=plan, seed=seed, test=(task.x_test, task.y_test), progress=progress)
    model.eval()
    return RunResult(
        strategy,
        per_class,
        seed,
        model,
        log,
        log.test_accuracy[-1],
        backbone_drift(pretrained, model),
        trainable,
        frozen,
    )

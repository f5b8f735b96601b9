r"""Fine-tuning: pretrain on a source task, replace the head, fine-tune on a target task.

The recipe (d2l, *Fine-Tuning*): pretrain a source model; build the target model from all of its
layers except the output layer; put a new output layer with the target's number of classes on top,
randomly initialised; train on the target, the new head from scratch and the copied layers starting
from their pretrained values. Here the source is scikit-learn's digits 0-4 and the target digits 5-9
(:mod:`._tasks`), the model a small CNN (:mod:`._model`), trained by :mod:`._training`.

Public API
----------
- :func:`load_pretrained` -> the shipped source model (``data/finetune/source.pt``), eval mode.
- :func:`finetune_model` ``(pretrained, strategy, num_classes, *, lr, head_lr_mult=10.0, seed=0)``
  -> ``(model, param_groups)`` for ``scratch linear_probe full head_lr discriminative``.
- :func:`run_strategy`: one strategy at one number of labelled examples per class, trained and
  evaluated on the target's fixed test set (what the page runs live and the script sweeps).
- :func:`pretrain`: the source model from a seed (what ``scripts/train_finetune.py`` ships).

A second experiment (:mod:`._dates`), where the source is large and related: the attention page's
date encoder (trained on 64,000 dates in 23 formats) fine-tuned to tell the month of dates written in 8
formats it never read. Its API: :func:`load_date_source`, :func:`date_finetune_model`,
:func:`run_date_strategy`, :func:`dates_target_task`, :func:`date_layer_table`, :func:`date_features`,
:func:`load_date_results` (the sweep of ``scripts/train_finetune_dates.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from core.finetune._dates import (
    DATES_BACKBONE_LAYERS,
    DATES_HEAD_LR_MULT,
    DATES_LAYERS,
    DATES_LR,
    DATES_PLAN,
    DATES_POOL_PER_CLASS,
    DATES_SIZES,
    DATES_SOURCE_VARIANT,
    DATES_TEST_PER_FORMAT,
    MONTH_NAMES,
    NUM_MONTHS,
    TARGET_FORMATS,
    AttentionPoolHead,
    DateReader,
    DateRunResult,
    DatesTask,
    TargetFormat,
    date_features,
    date_finetune_model,
    date_formula_count,
    date_labelled_subset,
    date_layer_table,
    dates_drift,
    dates_target_task,
    encode_dates,
    load_date_source,
    ordinal_words,
    run_date_strategy,
)
from core.finetune._model import (
    BACKBONE_LAYERS,
    DISCRIMINATIVE_DECAY,
    FEATURES,
    LAYERS,
    STRATEGIES,
    WEIGHTS_PATH,
    DigitNet,
    LayerRow,
    backbone_drift,
    finetune_model,
    formula_count,
    layer_learning_rates,
    layer_table,
    load_weights,
    new_model,
    parameter_counts,
    round_to_float16,
    save_weights,
)
from core.finetune._tasks import (
    SIZES,
    SOURCE_CLASSES,
    TARGET_CLASSES,
    TEST_PER_CLASS,
    Task,
    labelled_subset,
    source_task,
    target_task,
)
from core.finetune._training import (
    Progress,
    TrainLog,
    TrainPlan,
    accuracy,
    features,
    nearest_centroid_accuracy,
    pca_2d,
    predict,
    train,
)

__all__ = [
    "BACKBONE_LAYERS",
    "DATES_BACKBONE_LAYERS",
    "DATES_HEAD_LR_MULT",
    "DATES_LAYERS",
    "DATES_LR",
    "DATES_PLAN",
    "DATES_POOL_PER_CLASS",
    "DATES_RESULTS_PATH",
    "DATES_SIZES",
    "DATES_SOURCE_VARIANT",
    "DATES_TEST_PER_FORMAT",
    "DEFAULT_HEAD_LR_MULT",
    "DEFAULT_LR",
    "DISCRIMINATIVE_DECAY",
    "FEATURES",
    "FINETUNE_PLAN",
    "LAYERS",
    "MONTH_NAMES",
    "NUM_MONTHS",
    "PRETRAIN_LR",
    "PRETRAIN_PLAN",
    "RESULTS_PATH",
    "SIZES",
    "SOURCE_CLASSES",
    "STRATEGIES",
    "TARGET_CLASSES",
    "TARGET_FORMATS",
    "TEST_PER_CLASS",
    "WEIGHTS_PATH",
    "AttentionPoolHead",
    "DateReader",
    "DateRunResult",
    "DatesTask",
    "DigitNet",
    "LayerRow",
    "Progress",
    "RunResult",
    "TargetFormat",
    "Task",
    "TrainLog",
    "TrainPlan",
    "accuracy",
    "backbone_drift",
    "date_features",
    "date_finetune_model",
    "date_formula_count",
    "date_labelled_subset",
    "date_layer_table",
    "dates_drift",
    "dates_target_task",
    "encode_dates",
    "features",
    "finetune_model",
    "formula_count",
    "labelled_subset",
    "layer_learning_rates",
    "layer_table",
    "load_date_results",
    "load_date_source",
    "load_pretrained",
    "load_results",
    "nearest_centroid_accuracy",
    "new_model",
    "ordinal_words",
    "parameter_counts",
    "pca_2d",
    "predict",
    "pretrain",
    "round_to_float16",
    "run_date_strategy",
    "run_strategy",
    "save_weights",
    "source_task",
    "target_task",
    "train",
]

RESULTS_PATH = Path(__file__).resolve().parents[2] / "data" / "finetune" / "results.json"
#: the dates experiment's shipped sweep (``scripts/train_finetune_dates.py``)
DATES_RESULTS_PATH = RESULTS_PATH.parent / "dates" / "results.json"
#: the base learning rate eta of the comparison (Adam) and the head multiplier m
DEFAULT_LR = 1e-3
DEFAULT_HEAD_LR_MULT = 10.0
FINETUNE_PLAN = TrainPlan(steps=200, batch_size=64, eval_every=10)
PRETRAIN_PLAN = TrainPlan(steps=1500, batch_size=64, eval_every=100)
PRETRAIN_LR = 3e-3


def load_pretrained(path: Path | None = None) -> DigitNet:
    """The shipped source model (pretrained on digits 0-4 by ``scripts/train_finetune.py``), loaded
    with ``torch.load(weights_only=True)``, float32, in eval mode."""
    return load_weights(WEIGHTS_PATH if path is None else Path(path))


def load_results(path: Path | None = None) -> dict:
    """The shipped sweep (``data/finetune/results.json``, written by ``scripts/train_finetune.py``)."""
    return json.loads((RESULTS_PATH if path is None else Path(path)).read_text(encoding="utf-8"))


def load_date_results(path: Path | None = None) -> dict:
    """The dates experiment's shipped sweep (``data/finetune/dates/results.json``, written by
    ``scripts/train_finetune_dates.py``)."""
    return json.loads((DATES_RESULTS_PATH if path is None else Path(path)).read_text(encoding="utf-8"))


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

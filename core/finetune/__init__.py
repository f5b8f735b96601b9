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

from typing import TYPE_CHECKING

from core.lazy import lazy_exports

if TYPE_CHECKING:  # imported when first read (core/lazy.py): a page's default view needs none of torch
    from core.finetune._dates import (
        AttentionPoolHead,
        DateReader,
        DateRunResult,
        DatesTask,
        date_features,
        date_finetune_model,
        date_formula_count,
        date_labelled_subset,
        date_layer_table,
        dates_drift,
        dates_target_task,
        encode_dates,
        load_date_source,
        run_date_strategy,
    )
    from core.finetune._model import (
        WEIGHTS_PATH,
        DigitNet,
        backbone_drift,
        finetune_model,
        formula_count,
        layer_learning_rates,
        layer_table,
        new_model,
        parameter_counts,
        round_to_float16,
        save_weights,
    )
    from core.finetune._model import (
        load_weights as load_weights,
    )
    from core.finetune._runs import (
        RunResult,
        load_pretrained,
        pretrain,
        run_strategy,
    )
    from core.finetune._settings import (
        BACKBONE_LAYERS,
        DATES_BACKBONE_LAYERS,
        DATES_HEAD_LR_MULT,
        DATES_LAYERS,
        DATES_LR,
        DATES_PLAN,
        DATES_POOL_PER_CLASS,
        DATES_RESULTS_PATH,
        DATES_SIZES,
        DATES_SOURCE_VARIANT,
        DATES_TEST_PER_FORMAT,
        DEFAULT_HEAD_LR_MULT,
        DEFAULT_LR,
        DISCRIMINATIVE_DECAY,
        FEATURES,
        FINETUNE_PLAN,
        LAYERS,
        MONTH_NAMES,
        NUM_MONTHS,
        PRETRAIN_LR,
        PRETRAIN_PLAN,
        RESULTS_PATH,
        STRATEGIES,
        TARGET_FORMATS,
        LayerRow,
        Progress,
        TargetFormat,
        TrainLog,
        TrainPlan,
        load_date_results,
        load_results,
        ordinal_words,
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

__getattr__, __dir__ = lazy_exports(__name__)

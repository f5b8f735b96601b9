"""Normalization layers in numpy, equal to torch.nn in float64, forward and backward.

``BatchNorm``, ``LayerNorm``, ``GroupNorm``, ``InstanceNorm``, ``RMSNorm`` (``m(x)``, ``m.backward(dy)``),
plus the computations the normalization page shows (``_demos``: :func:`explore`, :func:`epsilon_curves`,
:func:`running_statistics`, :func:`train_mode_effect`, :func:`padding_effect`, :func:`compare_with_torch`)
and the batch-size experiment (``_experiment``, torch: :func:`train_cell`, :func:`run_sweep`,
:func:`summarize`, :func:`load_sweep`), and the notes' two signatures beside torch's and MXNet Gluon's
(``_signatures``: :func:`compare_signature`).
"""

from typing import TYPE_CHECKING

from core.lazy import lazy_exports

if TYPE_CHECKING:  # imported when first read (core/lazy.py): a page's default view needs none of torch
    from core.normalization._demos import (
        KINDS,
        LAYOUTS,
        TRUE_MEAN,
        TRUE_STD,
        EpsilonCurves,
        Explored,
        ModeEffect,
        PaddingEffect,
        RunningStats,
        compare_with_torch,
        epsilon_curves,
        explore,
        make_layer,
        padding_effect,
        running_statistics,
        torch_twin,
        train_mode_effect,
    )
    from core.normalization._experiment import (
        BATCH_SIZES,
        GROUPS,
        HIDDEN,
        NORMS,
        SEEDS,
        SPLIT_SEED,
        SWEEP_PATH,
        CellResult,
        TrainConfig,
        batch_statistics_accuracy,
        build_model,
        digits_split,
        load_sweep,
        norm_layer,
        run_sweep,
        summarize,
        train_cell,
    )
    from core.normalization._layers import (
        BatchNorm,
        Gradients,
        GroupNorm,
        InstanceNorm,
        LayerNorm,
        RMSNorm,
    )
    from core.normalization._signatures import (
        NOTES_SIGNATURES,
        SignatureComparison,
        SignatureRow,
        compare_signature,
        torch_parameters,
    )

__all__ = [
    "BATCH_SIZES",
    "GROUPS",
    "HIDDEN",
    "KINDS",
    "LAYOUTS",
    "NORMS",
    "NOTES_SIGNATURES",
    "SEEDS",
    "SPLIT_SEED",
    "SWEEP_PATH",
    "TRUE_MEAN",
    "TRUE_STD",
    "BatchNorm",
    "CellResult",
    "EpsilonCurves",
    "Explored",
    "Gradients",
    "GroupNorm",
    "InstanceNorm",
    "LayerNorm",
    "ModeEffect",
    "PaddingEffect",
    "RMSNorm",
    "RunningStats",
    "SignatureComparison",
    "SignatureRow",
    "TrainConfig",
    "batch_statistics_accuracy",
    "build_model",
    "compare_signature",
    "compare_with_torch",
    "digits_split",
    "epsilon_curves",
    "explore",
    "load_sweep",
    "make_layer",
    "norm_layer",
    "padding_effect",
    "run_sweep",
    "running_statistics",
    "summarize",
    "torch_parameters",
    "torch_twin",
    "train_cell",
    "train_mode_effect",
]

__getattr__, __dir__ = lazy_exports(__name__)

r"""The optimizers topic: SGD to AdamW on numpy arrays, step for step equal to ``torch.optim``, and what the
optimizers page runs with them.

This module is the public API; the modules behind it are private:

* ``_algorithms``: one readable class per optimizer (``SGD Adagrad Adadelta RMSprop Adam NAdam AdamW``),
  ``Cls(params: list[np.ndarray], **torch_hyperparameters)``, ``.step(grads)`` in place (the contract);
* ``_batched``: :class:`BatchedOptimizers`, every optimizer kind on the rows of one array at once;
* ``_surfaces``: the 2-D test surfaces with exact gradients, and :func:`run_trajectories`;
* ``_torch_reference``: the same runs through ``torch.optim`` and the replay checks the page shows;
* ``_experiments``: the notes-vs-torch experiments, learning-rate tuning, the logistic regression;
* ``_switch``: Adam switched to SGD on the logistic regression;
* ``_batch_size``: batch, stochastic and mini-batch gradient descent on the logistic regression.
"""

from typing import TYPE_CHECKING

from core.lazy import lazy_exports

if TYPE_CHECKING:  # imported when first read (core/lazy.py): a page's default view needs none of torch
    from core.optimizers._algorithms import (
        OPTIMIZERS,
        SGD,
        Adadelta,
        Adagrad,
        Adam,
        AdamW,
        NAdam,
        Optimizer,
        RMSprop,
    )
    from core.optimizers._batch_size import (
        BatchSizeRuns,
        GradientSpread,
        NoisyRavine,
        batch_size_runs,
        gradient_spread,
        noisy_ravine,
        sample_gradients,
    )
    from core.optimizers._batched import BatchedOptimizers, RunSpec, full_hyperparameters
    from core.optimizers._experiments import (
        FRAMEWORK,
        LEARNING_RATE_GRID,
        SETTLED_DISTANCE,
        AdamStepSizes,
        BiasCorrection,
        Counterexample,
        EffectiveRates,
        LogisticResult,
        MomentumForms,
        NesterovForms,
        Tuning,
        WeightDecayForms,
        adam_bias_correction,
        adam_counterexample,
        adam_path,
        adam_step_sizes,
        classical_nesterov_path,
        counterexample_gradient,
        effective_learning_rates,
        ema_momentum_path,
        logistic_regression,
        momentum_forms,
        nesterov_forms,
        notes_nesterov_path,
        tune_learning_rates,
        weight_decay_forms,
    )
    from core.optimizers._surfaces import (
        DIVERGENCE_BOUND,
        SURFACES,
        Surface,
        Trajectories,
        decimate_indices,
        grid_values,
        run_trajectories,
    )
    from core.optimizers._switch import SWITCH_RUNS, AdamThenSGD, adam_then_sgd
    from core.optimizers._torch_reference import (
        PathComparison,
        compare_paths,
        divergence_step,
        load_state,
        replay_check,
        replay_path,
        torch_optimizer,
        torch_trajectory,
    )

__all__ = [
    "DIVERGENCE_BOUND",
    "FRAMEWORK",
    "LEARNING_RATE_GRID",
    "OPTIMIZERS",
    "SETTLED_DISTANCE",
    "SGD",
    "SURFACES",
    "SWITCH_RUNS",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamStepSizes",
    "AdamThenSGD",
    "AdamW",
    "BatchSizeRuns",
    "BatchedOptimizers",
    "BiasCorrection",
    "Counterexample",
    "EffectiveRates",
    "GradientSpread",
    "LogisticResult",
    "MomentumForms",
    "NAdam",
    "NesterovForms",
    "NoisyRavine",
    "Optimizer",
    "PathComparison",
    "RMSprop",
    "RunSpec",
    "Surface",
    "Trajectories",
    "Tuning",
    "WeightDecayForms",
    "adam_bias_correction",
    "adam_counterexample",
    "adam_path",
    "adam_step_sizes",
    "adam_then_sgd",
    "batch_size_runs",
    "classical_nesterov_path",
    "compare_paths",
    "counterexample_gradient",
    "decimate_indices",
    "divergence_step",
    "effective_learning_rates",
    "ema_momentum_path",
    "full_hyperparameters",
    "gradient_spread",
    "grid_values",
    "load_state",
    "logistic_regression",
    "momentum_forms",
    "nesterov_forms",
    "noisy_ravine",
    "notes_nesterov_path",
    "replay_check",
    "replay_path",
    "run_trajectories",
    "sample_gradients",
    "torch_optimizer",
    "torch_trajectory",
    "tune_learning_rates",
    "weight_decay_forms",
]

__getattr__, __dir__ = lazy_exports(__name__)

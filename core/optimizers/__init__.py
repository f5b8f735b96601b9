r"""The optimizers topic: SGD to AdamW on numpy arrays, step for step equal to ``torch.optim``, and what the
optimizers page runs with them.

This module is the public API; the modules behind it are private:

* ``_algorithms``: one readable class per optimizer (``SGD Adagrad Adadelta RMSprop Adam NAdam AdamW``),
  ``Cls(params: list[np.ndarray], **torch_hyperparameters)``, ``.step(grads)`` in place (the contract);
* ``_batched``: :class:`BatchedOptimizers`, every optimizer kind on the rows of one array at once;
* ``_surfaces``: the 2-D test surfaces with exact gradients, and :func:`run_trajectories`;
* ``_torch_reference``: the same runs through ``torch.optim`` and the replay checks the page shows;
* ``_experiments``: the notes-vs-torch experiments, learning-rate tuning, the logistic regression.
"""

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
from core.optimizers._batched import BatchedOptimizers, RunSpec, full_hyperparameters
from core.optimizers._experiments import (
    FRAMEWORK,
    LEARNING_RATE_GRID,
    SETTLED_DISTANCE,
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
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "BatchedOptimizers",
    "BiasCorrection",
    "Counterexample",
    "EffectiveRates",
    "LogisticResult",
    "MomentumForms",
    "NAdam",
    "NesterovForms",
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
    "classical_nesterov_path",
    "compare_paths",
    "counterexample_gradient",
    "decimate_indices",
    "divergence_step",
    "effective_learning_rates",
    "ema_momentum_path",
    "full_hyperparameters",
    "grid_values",
    "load_state",
    "logistic_regression",
    "momentum_forms",
    "nesterov_forms",
    "notes_nesterov_path",
    "replay_check",
    "replay_path",
    "run_trajectories",
    "torch_optimizer",
    "torch_trajectory",
    "tune_learning_rates",
    "weight_decay_forms",
]

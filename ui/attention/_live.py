"""The attention page's computations: the shipped models and results, decoding, evaluation and the
retrainings, each through :func:`ui.compute.shared` (computed once for all visitors, kept read-only).

Every function here takes hashable arguments and never calls Streamlit: a job runs on the shared
worker pool, and a job that needs another result (a decoding needs its model) asks ``shared`` for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from core.attention import (
    DATE_PLAN,
    LONG_LENGTHS,
    LONG_PLAN,
    DateTask,
    Example,
    Explanation,
    ModelConfig,
    SequenceTask,
    load_results,
)
from core.lazy import LazyModule
from ui.compute import Describe, follow, is_stored, shared, start

if TYPE_CHECKING:
    from core.attention import Seq2Seq

# the models (torch): imported by the first live work, not by a default view (core/lazy.py)
_models = LazyModule("core.attention")

LONG_KINDS = ("reverse", "copy")
LONG_VARIANTS = ("none", "bahdanau", "luong-general")
#: the retraining widgets' ranges (low, high): steps, and the date models' seed; checked at the doors below
DATE_STEPS = (20, 600)
LONG_STEPS = (50, 800)
RETRAIN_SEEDS = (0, 999)
HELDOUT_SUBSET = 500  # held-out dates the page evaluates live (the full set is in the shipped results)

#: a model retrained on the page: (variant, steps, seed)
Retrained = tuple[str, int, int]
Progress = Callable[..., None]


# --- tasks, shipped models and results -------------------------------------------------------------------


def _date_task() -> DateTask:
    return DateTask()


def date_task() -> DateTask:
    return shared(_date_task)


def _long_task(kind: str) -> SequenceTask:
    return SequenceTask(kind)  # type: ignore[arg-type]


def long_task(kind: str) -> SequenceTask:
    return shared(_long_task, kind)


def _load_model(task: str, variant: str) -> Seq2Seq:
    spec = date_task() if task == "dates" else long_task(task)
    return _models.load_shipped(spec, variant)


def shipped_model(task: str, variant: str) -> Seq2Seq:
    """The shipped float16 model of ``task`` ("dates", "reverse", "copy") and ``variant`` (read-only)."""
    return shared(_load_model, task, variant)


def shipped_results() -> dict:
    """The accuracies measured on the shipped weights (read-only)."""
    return shared(load_results)


def _heldout_subset() -> list[Example]:
    return date_task().heldout_examples()[:HELDOUT_SUBSET]


def heldout_subset() -> list[Example]:
    """The first held-out dates, on which the page measures accuracies live."""
    return shared(_heldout_subset)


def _attention_parameters() -> tuple[int, int, int]:
    size = 2 * ModelConfig("local-m").encoder_size
    return (
        _models.count_parameters(_models.LuongAttention(size, size, "general")),
        _models.count_parameters(shipped_model("dates", "local-m").decoder.attention),
        _models.count_parameters(shipped_model("dates", "local-p").decoder.attention),
    )


def attention_parameters() -> tuple[int, int, int]:
    """Parameters of a global general-score attention, of local-m's and of local-p's."""
    return shared(_attention_parameters)


def whole_in(value: object, low: int, high: int) -> bool:
    """``value`` is a whole number (an int, not a bool) in ``[low, high]``."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and low <= value <= high


# --- models retrained on the page -------------------------------------------------------------------------


def _retrain_date(variant: str, steps: int, seed: int, progress: Progress | None = None) -> dict:
    task = date_task()
    model = _models.build_model(ModelConfig(variant), task, seed=seed)
    log = _models.train_model(
        model,
        task,
        steps=steps,
        batch_size=DATE_PLAN.batch_size,
        learning_rate=DATE_PLAN.learning_rate,
        seed=seed,
        progress=None if progress is None else lambda s, n, loss: progress(s, n, loss=loss),
    )
    accuracy = _models.evaluate(model, heldout_subset()).exact_match
    return {"model": model, "accuracy": accuracy, "cpu": log.cpu_seconds, "loss": log.losses}


def retrain_date(variant: str, steps: int, seed: int, describe: Describe | None = None) -> dict:
    """A date model retrained from ``seed`` for ``steps`` steps: model, held-out subset accuracy, CPU
    seconds and losses (trained once for all visitors; read-only)."""
    if not (whole_in(steps, *DATE_STEPS) and whole_in(seed, *RETRAIN_SEEDS)):
        raise ValueError(f"steps must be a whole number in {DATE_STEPS} and seed in {RETRAIN_SEEDS}.")
    return shared(_retrain_date, variant, int(steps), int(seed), describe=describe)


def start_retrain_date(variant: str, steps: int, seed: int) -> bool:
    """Start :func:`retrain_date`'s training and return at once (False: this visitor's last job still
    runs, nothing started); :func:`follow_retrain_date` shows its progress."""
    if not (whole_in(steps, *DATE_STEPS) and whole_in(seed, *RETRAIN_SEEDS)):
        raise ValueError(f"steps must be a whole number in {DATE_STEPS} and seed in {RETRAIN_SEEDS}.")
    return start(_retrain_date, variant, int(steps), int(seed))


def follow_retrain_date(variant: str, steps: int, seed: int, describe: Describe) -> None:
    """The progress of that training while it runs (a fragment; the page reruns when it ends)."""
    follow(_retrain_date, variant, int(steps), int(seed), describe=describe)


def is_retrained(variant: str, steps: int, seed: int) -> bool:
    return is_stored(_retrain_date, variant, int(steps), int(seed))


def _date_model(variant: str, retrained: Retrained | None) -> Seq2Seq:
    return shipped_model("dates", variant) if retrained is None else retrain_date(*retrained)["model"]


def _retrain_long(kind: str, steps: int, progress: Progress | None = None) -> dict:
    """The three long-input models retrained for ``steps`` steps, their accuracy by input length."""
    task = long_task(kind)
    by_model = {}
    for i, variant in enumerate(LONG_VARIANTS):
        fresh = _models.build_model(ModelConfig(variant), task, seed=LONG_PLAN.seed)

        def report(s: int, n: int, loss: float, i: int = i, variant: str = variant) -> None:
            # the three trainings as one bar: (i + s / n) / 3
            if progress is not None:
                progress(i * n + s, len(LONG_VARIANTS) * n, model=variant, step=s, steps=n, loss=loss)

        _models.train_model(
            fresh,
            task,
            steps=steps,
            batch_size=LONG_PLAN.batch_size,
            learning_rate=LONG_PLAN.learning_rate,
            seed=LONG_PLAN.seed,
            progress=report,
        )
        by_model[variant] = _models.accuracy_by_length(fresh, task, LONG_LENGTHS, per_length=30, seed=2)
    return {"steps": steps, "rows": by_model}


def retrain_long(kind: str, steps: int, describe: Describe | None = None) -> dict:
    """The long-input models retrained on the page (once for all visitors; read-only)."""
    if kind not in LONG_KINDS or not whole_in(steps, *LONG_STEPS):
        raise ValueError(f"kind must be one of {LONG_KINDS} and steps a whole number in {LONG_STEPS}.")
    return shared(_retrain_long, kind, int(steps), describe=describe)


def start_retrain_long(kind: str, steps: int) -> bool:
    """Start :func:`retrain_long`'s trainings and return at once (False: this visitor's last job still
    runs, nothing started); :func:`follow_retrain_long` shows their progress."""
    if kind not in LONG_KINDS or not whole_in(steps, *LONG_STEPS):
        raise ValueError(f"kind must be one of {LONG_KINDS} and steps a whole number in {LONG_STEPS}.")
    return start(_retrain_long, kind, int(steps))


def follow_retrain_long(kind: str, steps: int, describe: Describe) -> None:
    """The progress of those trainings while they run (a fragment; the page reruns when they end)."""
    follow(_retrain_long, kind, int(steps), describe=describe)


def is_long_retrained(kind: str, steps: int) -> bool:
    return is_stored(_retrain_long, kind, int(steps))


# --- decoding and evaluation ------------------------------------------------------------------------------


def _explain(
    task: str,
    variant: str,
    source: str,
    hard: str | None,
    seed: int,
    window: int | None,
    retrained: Retrained | None,
) -> Explanation:
    if task == "dates":
        model = _date_model(variant, retrained)
        return _models.explain(
            model, source, DateTask.max_target_length + 1, hard=hard, seed=seed, window=window
        )
    model = shipped_model(task, variant)
    return _models.explain(model, source, len(source) + 1, hard=hard, seed=seed, window=window)  # type: ignore[arg-type]


def explain_shipped(
    task: str, variant: str, source: str, hard: str | None = None, seed: int = 0, window: int | None = None
) -> Explanation:
    """:func:`core.attention.explain` on a shipped model (``task`` "dates", "reverse" or "copy")."""
    return shared(_explain, task, variant, source, hard, int(seed), window, None)


def explain_date(
    variant: str,
    source: str,
    retrained: Retrained | None = None,
    *,
    hard: str | None = None,
    seed: int = 0,
    window: int | None = None,
) -> Explanation:
    """Decode ``source`` with the shipped date model, or with the one ``retrained`` on the page."""
    return shared(_explain, "dates", variant, source, hard, int(seed), window, retrained)


def _subset_accuracy(
    variant: str, hard: str | None, window: int | None, seed: int, retrained: Retrained | None
) -> float:
    model = _date_model(variant, retrained)
    return _models.evaluate(model, heldout_subset(), hard=hard, window=window, seed=seed).exact_match  # type: ignore[arg-type]


def subset_accuracy(
    variant: str,
    hard: str | None = None,
    window: int | None = None,
    seed: int = 0,
    retrained: Retrained | None = None,
) -> float:
    """Exact match on the first held-out dates, with decoding options, of a shipped date model or of the
    one ``retrained`` on the page."""
    return shared(_subset_accuracy, variant, hard, window, int(seed), retrained)

r"""The one training loop of the torch topics (fine-tuning, PyTorch basics, normalization, attention).

Each step :math:`k = 1, \dots, K`: the caller's ``loss_of(k)`` gives the loss of that step's batch,
then the gradient step

.. math:: g = \nabla_\theta L_k,\quad g \leftarrow g \cdot \min(1, c / \lVert g\rVert_2)
          \ \text{(if clipping)},\quad \theta \leftarrow \text{optimizer}(\theta, g),

the learning-rate schedule's step, the caller's bookkeeping ``after_step(k, loss)`` (which may stop the
run by returning True), and ``progress(k, K, loss=...)`` every ``progress_every`` steps, at the last step
and at a stop. Everything random is drawn by the caller's ``loss_of`` from its own generator: the loop
reads and writes no global state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from core._validation import check_whole
from core.lazy import LazyModule

torch = LazyModule("torch")  # imported when first used (core/lazy.py)
nn = LazyModule("torch.nn")

__all__ = ["Progress", "run_steps"]


class Progress(Protocol):
    """``progress(done, total, **info)``: ``done`` of ``total`` steps are finished; ``info`` holds the
    step's figures (here ``loss``)."""

    def __call__(self, done: int, total: int, **info: float) -> None: ...


def run_steps(
    optimizer: torch.optim.Optimizer,
    loss_of: Callable[[int], torch.Tensor],
    steps: int,
    *,
    clip: tuple[Iterable[torch.Tensor], float] | None = None,
    schedule: torch.optim.lr_scheduler.LRScheduler | None = None,
    after_step: Callable[[int, float], bool | None] | None = None,
    progress: Progress | None = None,
    progress_every: int = 1,
) -> int:
    """Run up to ``steps`` optimizer steps (see the module docstring) and return how many ran.

    ``clip`` is ``(parameters, max_norm)`` for ``nn.utils.clip_grad_norm_``.

    Raises
    ------
    ValueError
        If ``steps`` or ``progress_every`` is below 1.
    """
    steps = check_whole("steps", steps, low=1)
    check_whole("progress_every", progress_every, low=1)
    clip_params = list(clip[0]) if clip is not None else []
    done = 0
    for step in range(1, steps + 1):
        loss = loss_of(step)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if clip is not None:
            # g <- g * min(1, c / ||g||)
            nn.utils.clip_grad_norm_(clip_params, clip[1])
        optimizer.step()
        if schedule is not None:
            schedule.step()
        value = float(loss.detach())
        done = step
        stop = bool(after_step(step, value)) if after_step is not None else False
        if progress is not None and (step % progress_every == 0 or step == steps or stop):
            progress(step, steps, loss=value)
        if stop:
            break
    return done

"""All seven optimizers x 2,000 steps on each surface: our batched engine against torch.optim.

Run with ``python benchmarks/bench_optimizers.py``. For every surface it times, in the same run:

- ``batched``: core.optimizers.run_trajectories (one BatchedOptimizers moving all seven runs), best of 9;
- ``classes``: the reference classes of core.optimizers, one object per run, stepped one run at a time;
- ``torch``: torch.optim, one optimizer per run, fed the same analytic gradient (so the comparison is
  the optimizer machinery, not autograd).

The page's target is the batched time under 0.1 s. It also times the fair-comparison grid (7 optimizers
x 21 learning rates = 147 runs) with the batched engine.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.optimizers import LEARNING_RATE_GRID, OPTIMIZERS, SURFACES, RunSpec, run_trajectories

STEPS = 2000
TARGET = 0.1


def best_of(fn, repeats: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def run_classes(surface, specs) -> None:
    for spec in specs:
        x = np.array(surface.start, dtype=float)
        opt = OPTIMIZERS[spec.optimizer]([x], **spec.hyperparameters)
        with np.errstate(all="ignore"):
            for _ in range(STEPS):
                opt.step([surface.gradient(x)])


def run_torch(surface, specs) -> None:
    for spec in specs:
        p = torch.tensor(surface.start, dtype=torch.float64, requires_grad=True)
        opt = getattr(torch.optim, spec.optimizer)([p], **spec.hyperparameters)
        for _ in range(STEPS):
            p.grad = torch.from_numpy(surface.gradient(p.detach().numpy()))
            opt.step()


def main() -> None:
    torch.set_num_threads(1)
    # warm-up: imports and first calls
    warm = SURFACES["rosenbrock"]
    run_trajectories(warm, [RunSpec(n) for n in OPTIMIZERS], 10)
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    p.grad = torch.ones(2, dtype=torch.float64)
    torch.optim.Adam([p]).step()

    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"All {len(OPTIMIZERS)} optimizers x {STEPS} steps (float64, CPU, torch threads = 1)")
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work slows every column)\n")
    print("wall-clock seconds (best of 9 for batched); cpu = CPU time of this thread (best of 9),")
    print("which preemption by other processes on a busy machine does not inflate\n")
    widths = (-12, 9, 8, 9, 9, 14, 8)
    header = ("surface", "batched", "cpu", "classes", "torch", "torch/batched", "< 0.1 s")
    print(" ".join(f"{h:<{-w}}" if w < 0 else f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    worst = 0.0
    for key, surface in SURFACES.items():
        specs = [RunSpec(name, {"lr": surface.learning_rates[name]}) for name in OPTIMIZERS]
        batched = best_of(lambda s=surface, sp=specs: run_trajectories(s, sp, STEPS), 9)
        cpu = best_of(lambda s=surface, sp=specs: run_trajectories(s, sp, STEPS), 9, time.thread_time)
        classes = best_of(lambda s=surface, sp=specs: run_classes(s, sp), 1)
        reference = best_of(lambda s=surface, sp=specs: run_torch(s, sp), 1)
        worst = max(worst, batched)
        print(
            f"{key:<12} {batched:>8.3f}s {cpu:>7.3f}s {classes:>8.3f}s {reference:>8.3f}s "
            f"{reference / batched:>13.1f}x {'yes' if batched < TARGET else 'NO':>8}"
        )
    surface = SURFACES["rosenbrock"]
    grid = [RunSpec(n, {"lr": float(lr)}) for n in OPTIMIZERS for lr in LEARNING_RATE_GRID]
    tuning = best_of(lambda: run_trajectories(surface, grid, STEPS), 3)
    print(f"\nfair-comparison grid on rosenbrock: {len(grid)} runs x {STEPS} steps: {tuning:.3f}s (batched)")
    verdict = "met" if worst < TARGET else "NOT met"
    print(f"slowest surface, batched: {worst:.3f}s -> target {TARGET} s {verdict}")


if __name__ == "__main__":
    main()

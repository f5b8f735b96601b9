"""Fine-tuning benchmark: the page's live run, its overhead over a bare torch loop, the shipped sweep.

    python benchmarks/bench_finetune.py            # about a minute on one core

1. The live run (``core.finetune.run_strategy``: copy, train 200 Adam steps with the test accuracy every
   10 steps, drift) for every strategy at 5 and at all labelled examples per class: CPU and wall time.
2. The same training as a bare torch loop (same model, groups, batches; no evaluation, no progress):
   the ratio says what the page's bookkeeping costs.
3. The shipped sweep: its recorded CPU time (``data/finetune/results.json``) and one seed of it rerun
   here (30 runs), times the number of seeds.

One thread (``torch.set_num_threads(1)``), as the script and the page use. The machine is shared, so
the numbers are noisy: compare ratios within one run, not absolute times between runs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import core.finetune as ft


def bare_loop(pretrained: ft.DigitNet, strategy: str, per_class: int | str, seed: int) -> float:
    """The reference: the same run written as the plain torch loop a tutorial shows; CPU seconds."""
    task = ft.target_task()
    x, y = ft.labelled_subset(task, per_class, seed)
    model, groups = ft.finetune_model(pretrained, strategy, task.num_classes, lr=ft.DEFAULT_LR, seed=seed)
    start = time.process_time()
    optimizer = torch.optim.Adam(groups)
    generator = torch.Generator().manual_seed(seed)
    batch = ft.FINETUNE_PLAN.batch_size
    order, cursor = torch.arange(len(x)), len(x)
    for _ in range(ft.FINETUNE_PLAN.steps):
        if len(x) <= batch:
            xb, yb = x, y
        else:
            if cursor + batch > len(x):
                order, cursor = torch.randperm(len(x), generator=generator), 0
            xb, yb = x[order[cursor : cursor + batch]], y[order[cursor : cursor + batch]]
            cursor += batch
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(xb), yb).backward()
        optimizer.step()
    return time.process_time() - start


def main() -> int:
    torch.set_num_threads(1)
    pretrained = ft.load_pretrained()
    ft.target_task()  # load the digits once, outside the timings
    ft.run_strategy(pretrained, "full", 1, 0)  # warm up torch's kernels (the first run pays for them)
    print("1-2. live run (200 Adam steps + test accuracy every 10 steps) vs a bare torch loop, one thread")
    print(
        f"{'strategy':<15} {'per class':>9} {'CPU s':>7} {'wall s':>7} {'bare CPU s':>10} "
        f"{'ratio':>6} {'acc':>6}"
    )
    worst_wall = 0.0
    for per_class in (5, "all"):
        for strategy in ft.STRATEGIES:
            wall = time.perf_counter()
            result = ft.run_strategy(pretrained, strategy, per_class, 0, progress=lambda *_: None)
            wall = time.perf_counter() - wall
            worst_wall = max(worst_wall, wall)
            bare = bare_loop(pretrained, strategy, per_class, 0)
            cpu = result.log.cpu_seconds
            print(
                f"{strategy:<15} {per_class!s:>9} {cpu:7.2f} {wall:7.2f} {bare:10.2f} {cpu / bare:6.2f} "
                f"{result.accuracy:6.3f}"
            )
    print(f"slowest live run: {worst_wall:.2f} s wall (target: under ~10 s)")

    results = ft.load_results()
    seeds = results["plan"]["seeds"]
    start = time.process_time()
    for per_class in ft.SIZES:
        for strategy in ft.STRATEGIES:
            ft.run_strategy(pretrained, strategy, per_class, seeds[0])
    one_seed = time.process_time() - start
    print(
        f"3. shipped sweep: {len(results['runs'])} runs, recorded {results['sweep_cpu_seconds']:.1f} s CPU "
        f"(+ {results['source']['cpu_seconds']:.1f} s pretraining); one seed rerun now: {one_seed:.1f} s CPU "
        f"x {len(seeds)} seeds = {one_seed * len(seeds):.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

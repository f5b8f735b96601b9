"""The normalization page's costs, against torch in the same run.

Run with ``python benchmarks/bench_normalization.py`` (add ``--sweep`` to rerun the whole shipped sweep,
about 1.5 minutes of CPU on one thread). It prints:

- forward + backward of each core.normalization layer against its torch.nn twin (float64, autograd),
  on a (32, 64, 16, 16) image batch and a (32, 128, 512) token batch, best of 5, and the ratio;
- the page's explorer (all five layers with their live torch checks) and its other demos;
- the live retrain of one cell (the slowest: BatchNorm at batch size 2, 5384 steps; and a fast one),
  in CPU seconds on one torch thread, and the shipped sweep's total CPU time (from its JSON, and
  measured again with ``--sweep``).

The machine is shared: timings are noisy, ratios less so.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import normalization as nz
from core.normalization import BatchNorm, GroupNorm, InstanceNorm, LayerNorm, RMSNorm


def best_of(fn, repeats: int = 5, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def layers_vs_torch() -> None:
    rng = np.random.default_rng(0)
    image = rng.normal(size=(32, 64, 16, 16))
    tokens = rng.normal(size=(32, 128, 512))
    cases = [
        ("BatchNorm2d", BatchNorm(64), torch.nn.BatchNorm2d(64), image),
        ("GroupNorm(8)", GroupNorm(8, 64), torch.nn.GroupNorm(8, 64), image),
        ("InstanceNorm2d", InstanceNorm(64, affine=True), torch.nn.InstanceNorm2d(64, affine=True), image),
        ("LayerNorm(512)", LayerNorm(512), torch.nn.LayerNorm(512), tokens),
        ("RMSNorm(512)", RMSNorm(512), torch.nn.RMSNorm(512), tokens),
    ]
    print(f"{'layer':<16} {'shape':<18} {'ours (ms)':>10} {'torch (ms)':>11} {'ratio':>7}")
    for name, ours, theirs, x in cases:
        theirs = theirs.double()
        dy = rng.normal(size=x.shape)
        xt, dyt = torch.tensor(x), torch.tensor(dy)

        def run_ours(ours=ours, x=x, dy=dy):
            ours(x)
            ours.backward(dy)

        def run_torch(theirs=theirs, xt=xt, dyt=dyt):
            x_req = xt.clone().requires_grad_(True)
            theirs(x_req).backward(dyt)

        a, b = best_of(run_ours), best_of(run_torch)
        print(f"{name:<16} {x.shape!s:<18} {1e3 * a:>10.1f} {1e3 * b:>11.1f} {a / b:>6.1f}x")


def page_demos() -> None:
    nz.explore("batch", "image", (2, 4, 3, 3))  # warm torch up
    t = best_of(lambda: [nz.explore(k, "image", (4, 8, 4, 4), 2) for k in nz.KINDS])
    print(f"explorer, 5 layers with torch checks, (4, 8, 4, 4): {1e3 * t:.1f} ms")
    t = best_of(lambda: nz.epsilon_curves(1e-5))
    print(f"epsilon curves (161 variances): {1e3 * t:.1f} ms")
    t = best_of(lambda: nz.running_statistics(0.1, 400, 64))
    print(f"running statistics, 400 batches of 64 with torch check: {1e3 * t:.1f} ms")
    t = best_of(lambda: nz.train_mode_effect(64))
    print(f"train vs eval mode (500 + 200 batches): {1e3 * t:.1f} ms")
    t = best_of(nz.padding_effect)
    print(f"padded sequences with torch checks: {1e3 * t:.1f} ms")


def live_cells() -> None:
    data = nz.digits_split()
    record = nz.load_sweep()
    config = nz.TrainConfig(**record["config"])
    for cell in (("batch", 2, 0), ("group", 2, 0), ("layer", 64, 0)):
        wall = time.perf_counter()
        result = nz.train_cell(*cell, config, data=data)
        wall = time.perf_counter() - wall
        shipped = next(c for c in record["cells"] if (c["norm"], c["batch_size"], c["seed"]) == cell)
        same = (
            "same as shipped" if result.test_accuracy == shipped["test_accuracy"] else "DIFFERS from shipped"
        )
        print(
            f"live retrain {cell}: {result.seconds:.2f} s CPU, {wall:.2f} s wall, {result.steps} steps, "
            f"accuracy {result.test_accuracy:.4f} ({same}; shipped cell took {shipped['seconds']:.2f} s CPU)"
        )
    print(f"shipped sweep ({len(record['cells'])} cells): {record['cpu_seconds']:.1f} s CPU when it was made")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sweep", action="store_true", help="rerun the whole sweep and time it")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("== core.normalization vs torch.nn, forward + backward, float64 ==")
    layers_vs_torch()
    print("\n== the page's computations ==")
    page_demos()
    print("\n== the batch-size experiment (one torch thread) ==")
    live_cells()
    if args.sweep:
        start = time.process_time()
        record = nz.run_sweep()
        inside = record["cpu_seconds"]
        total = time.process_time() - start
        print(f"sweep measured again: {total:.1f} s CPU ({inside:.1f} s inside run_sweep)")


if __name__ == "__main__":
    main()

"""PyTorch basics: our index maps against torch's own ops, the container training run, and the page.

    python benchmarks/bench_pytorch_basics.py

Prints, in one run:

- the four index maps (numpy index arithmetic) against torch applied to an ``arange`` (the reference
  the page checks against), best of 7, for the page's largest grids and for a large tensor;
- ``train_containers`` (four models + the frozen reference, full batch) on digits and breast cancer;
- the page's server time (Streamlit AppTest, whole script): first run and reruns after a map input.

Everything runs on one torch thread. The machine is shared: timings are noisy, compare ratios.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.pytorch_basics import operation_map, torch_map, train_containers  # noqa: E402

CASES = [  # (operation, input shape, sizes, dim)
    ("repeat", (2, 3), (2, 1, 2), None),
    ("repeat_interleave", (4, 4, 4), (1, 0, 2, 3), -1),
    ("tile", (4, 4, 4), (4, 4), None),
    ("expand", (4, 1, 4), (4, 4, 4, 4), None),
    ("repeat", (256, 256), (4, 4), None),
    ("repeat_interleave", (512, 512), (3,), 0),
    ("tile", (64, 64, 16), (2, 2, 2, 2), None),
    ("expand", (1, 1024), (1024, 1024), None),
]


def best_of(fn, repeats: int = 7) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_maps() -> None:
    print("index maps: ours (numpy index arithmetic) vs torch on arange (+ .contiguous()), best of 7")
    print(
        f"{'operation':<18} {'shape':<14} {'sizes':<14} {'cells':>10} "
        f"{'ours ms':>9} {'torch ms':>9} {'ratio':>7}"
    )
    for op, shape, sizes, dim in CASES:
        ours = operation_map(op, shape, sizes, dim)
        assert (ours == torch_map(op, shape, sizes, dim)).all()
        t_ours = best_of(lambda: operation_map(op, shape, sizes, dim))  # noqa: B023
        t_torch = best_of(lambda: torch_map(op, shape, sizes, dim))  # noqa: B023
        print(
            f"{op:<18} {shape!s:<14} {sizes!s:<14} {ours.size:>10,} {1e3 * t_ours:>9.3f} "
            f"{1e3 * t_torch:>9.3f} {t_ours / t_torch:>7.2f}"
        )


def bench_training() -> None:
    print("\ntrain_containers (4 models + frozen reference, full-batch Adam, hidden 32)")
    train_containers("digits", epochs=2)  # warm: sklearn import and dataset load
    for dataset, epochs in (("digits", 60), ("digits", 150), ("breast_cancer", 60)):
        start = time.perf_counter()
        result = train_containers(dataset, epochs=epochs)
        elapsed = time.perf_counter() - start
        listed = result.runs["list"]
        print(
            f"{dataset:<14} epochs={epochs:<4} {elapsed:6.2f} s"
            f"   list hidden unchanged: {listed.hidden_unchanged}"
            f"   test acc list {100 * listed.test_accuracy[-1]:.1f}% vs sequential "
            f"{100 * result.runs['sequential'].test_accuracy[-1]:.1f}%"
        )


def bench_page() -> None:
    from streamlit.testing.v1 import AppTest

    print("\npage server time (AppTest, whole script; includes AppTest's own polling)")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = "en"
    at.run()
    start = time.perf_counter()
    at.switch_page("app_pages/pytorch_basics.py").run()
    print(f"first visit (trains, caches)   {time.perf_counter() - start:6.2f} s")
    times = []
    for value in ("3", "2, 2", "1, 3", "2"):
        start = time.perf_counter()
        at.text_input(key="pb_tile").set_value(value).run()
        times.append(time.perf_counter() - start)
        assert not at.exception
    print(f"rerun after a map input        {min(times):6.2f} s best, {sum(times) / len(times):.2f} s mean")


if __name__ == "__main__":
    torch.set_num_threads(1)
    bench_maps()
    bench_training()
    bench_page()

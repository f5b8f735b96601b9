"""Attention benchmark: speed against torch, date accuracy within a CPU budget, accuracy vs input length.

    python benchmarks/bench_attention.py                  # ~12 minutes on one core
    python benchmarks/bench_attention.py --budget 60 --long-kinds reverse copy

1. ``LuongAttention(score="dot")`` against ``torch.nn.functional.scaled_dot_product_attention`` (scale 1):
   time per call, ratio, max |diff|.
2. Every date variant trained from scratch (fixed seed, one thread) for the shipped plan's steps or
   until ``--budget`` CPU seconds, whichever comes first; held-out exact match on all held-out dates.
3. The long task: the baseline and two attention models with the same sizes and the same number of
   training strings; exact match per input length.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.attention import (
    DATE_PLAN,
    LONG_LENGTHS,
    LONG_PLAN,
    VARIANTS,
    DateTask,
    LuongAttention,
    ModelConfig,
    SequenceTask,
    accuracy_by_length,
    build_model,
    evaluate,
    train_model,
)

LONG_VARIANTS = ("none", "bahdanau", "luong-general")


def bench_against_torch(repeats: int = 300) -> None:
    g = torch.Generator().manual_seed(0)
    q = torch.randn(128, 64, generator=g)
    k = torch.randn(128, 30, 64, generator=g)
    mask = torch.rand(128, 30, generator=g) > 0.2
    mask[:, 0] = True
    ours = LuongAttention(64, 64, "dot")

    def run_ours():
        return ours(q, k, k, mask)[0]

    def run_torch():
        out = torch.nn.functional.scaled_dot_product_attention(
            q.unsqueeze(1), k, k, attn_mask=mask.unsqueeze(1), scale=1.0
        )
        return out.squeeze(1)

    timings = {}
    with torch.no_grad():
        for name, fn in [("core LuongAttention(dot)", run_ours), ("torch SDPA (scale=1)", run_torch)]:
            fn()
            start = time.perf_counter()
            for _ in range(repeats):
                fn()
            timings[name] = (time.perf_counter() - start) / repeats * 1e6
        diff = (run_ours() - run_torch()).abs().max().item()
    print("## Attention step (batch 128, 30 keys, size 64), float32")
    print("| implementation | µs per call |")
    print("|---|---|")
    for name, us in timings.items():
        print(f"| {name} | {us:.1f} |")
    ratio = timings["core LuongAttention(dot)"] / timings["torch SDPA (scale=1)"]
    print(f"\nratio core / torch: {ratio:.2f}x   max |diff| of the contexts: {diff:.1e}\n", flush=True)


def bench_dates(budget: float) -> None:
    task = DateTask()
    heldout = task.heldout_examples()
    print(f"## Dates: held-out exact match ({len(heldout)} held-out dates, every format)")
    print(f"plan: up to {DATE_PLAN.steps} batches of {DATE_PLAN.batch_size}, stopped at {budget:.0f} CPU s")
    print("| variant | steps | CPU s | wall s | held-out exact match | characters right |")
    print("|---|---|---|---|---|---|", flush=True)
    for variant in VARIANTS:
        model = build_model(ModelConfig(variant), task, seed=DATE_PLAN.seed)
        log = train_model(
            model,
            task,
            steps=DATE_PLAN.steps,
            batch_size=DATE_PLAN.batch_size,
            learning_rate=DATE_PLAN.learning_rate,
            seed=DATE_PLAN.seed,
            time_limit=budget,
        )
        result = evaluate(model, heldout)
        print(
            f"| {variant} | {log.steps} | {log.cpu_seconds:.1f} | {log.seconds:.1f} | "
            f"{result.exact_match:.2%} | {result.char_accuracy:.2%} |",
            flush=True,
        )
    print()


def bench_long(kinds: list[str]) -> None:
    for kind in kinds:
        task = SequenceTask(kind)  # type: ignore[arg-type]
        rows: dict[str, list[dict[str, float]]] = {}
        cpu: dict[str, float] = {}
        for variant in LONG_VARIANTS:
            model = build_model(ModelConfig(variant), task, seed=LONG_PLAN.seed)
            log = train_model(
                model,
                task,
                steps=LONG_PLAN.steps,
                batch_size=LONG_PLAN.batch_size,
                learning_rate=LONG_PLAN.learning_rate,
                seed=LONG_PLAN.seed,
            )
            cpu[variant] = log.cpu_seconds
            rows[variant] = accuracy_by_length(model, task, LONG_LENGTHS, per_length=100, seed=1)
        print(f"## Long task: {kind} digit strings, exact match by input length (100 strings per length)")
        print(
            f"each model: {LONG_PLAN.steps} batches of {LONG_PLAN.batch_size}; CPU s: "
            + ", ".join(f"{v} {s:.0f}" for v, s in cpu.items())
        )
        print("| length | " + " | ".join(LONG_VARIANTS) + " |")
        print("|---" * (len(LONG_VARIANTS) + 1) + "|")
        for i, length in enumerate(LONG_LENGTHS):
            print(
                f"| {length} | "
                + " | ".join(f"{rows[v][i]['exact_match']:.0%}" for v in LONG_VARIANTS)
                + " |"
            )
        print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--budget", type=float, default=60.0, help="CPU seconds per date model (default 60)")
    parser.add_argument("--long-kinds", nargs="*", default=["reverse"], choices=["reverse", "copy"])
    parser.add_argument("--skip-dates", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread\n")
    bench_against_torch()
    if not args.skip_dates:
        bench_dates(args.budget)
    bench_long(args.long_kinds)


if __name__ == "__main__":
    main()

"""Pretrain the source model and run the shipped fine-tuning sweep (fixed seeds, one CPU thread).

    python scripts/train_finetune.py            # writes data/finetune/source.pt and results.json
    python scripts/train_finetune.py --check    # reruns everything and compares with the shipped files

The source model is trained on digits 0-4 and stored in float16; the sweep fine-tunes it on digits
5-9 with every strategy, at 1, 2, 5, 10, 20 and all labelled examples per class, for SEEDS seeds, and
records each run's test accuracy (target test set, 40 images per class).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also runs as `python scripts/...`

from core.finetune import (
    DEFAULT_HEAD_LR_MULT,
    DEFAULT_LR,
    FINETUNE_PLAN,
    PRETRAIN_LR,
    PRETRAIN_PLAN,
    RESULTS_PATH,
    SIZES,
    STRATEGIES,
    TEST_PER_CLASS,
    WEIGHTS_PATH,
    accuracy,
    load_pretrained,
    pretrain,
    run_strategy,
    save_weights,
    source_task,
    target_task,
)

PRETRAIN_SEED = 0
SEEDS = (0, 1, 2, 3, 4)


def sweep(pretrained, *, log=print) -> tuple[list[dict], float]:
    """Every strategy x size x seed: (runs, total CPU seconds)."""
    runs = []
    start = time.process_time()
    for per_class in SIZES:
        for strategy in STRATEGIES:
            for seed in SEEDS:
                result = run_strategy(pretrained, strategy, per_class, seed)
                runs.append(
                    {
                        "strategy": strategy,
                        "per_class": per_class,
                        "seed": seed,
                        "accuracy": result.accuracy,
                        "cpu_seconds": round(result.log.cpu_seconds, 3),
                        "drift": {k: round(v, 6) for k, v in result.drift.items()},
                    }
                )
            mean = np.mean([r["accuracy"] for r in runs[-len(SEEDS) :]])
            log(f"  {per_class!s:>4} per class  {strategy:<15} mean acc {mean:.3f}")
    return runs, time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped files, write nothing")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    start = time.process_time()
    model = pretrain(PRETRAIN_SEED)
    pretrain_cpu = time.process_time() - start
    src = source_task()
    source_accuracy = accuracy(model, src.x_test, src.y_test)
    print(f"source model: test accuracy {source_accuracy:.4f} on digits 0-4 ({pretrain_cpu:.1f} s CPU)")

    if args.check:
        shipped = json.loads(RESULTS_PATH.read_text(encoding="utf-8"))
        same = torch.equal(
            torch.cat([p.flatten() for p in model.parameters()]),
            torch.cat([p.flatten() for p in load_pretrained().parameters()]),
        )
        print(f"shipped source accuracy {shipped['source']['accuracy']:.4f}; same weights: {same}")
        pretrained = load_pretrained()
    else:
        save_weights(model, WEIGHTS_PATH)
        pretrained = load_pretrained()  # the sweep starts from the float16 file exactly as it ships
        source_accuracy = accuracy(pretrained, src.x_test, src.y_test)

    runs, sweep_cpu = sweep(pretrained)
    print(f"sweep: {len(runs)} runs in {sweep_cpu:.1f} s CPU")
    tgt = target_task()
    results = {
        "source": {
            "digits": list(src.digits),
            "accuracy": source_accuracy,
            "train_size": len(src.x_train),
            "test_size": len(src.x_test),
            "seed": PRETRAIN_SEED,
            "steps": PRETRAIN_PLAN.steps,
            "batch_size": PRETRAIN_PLAN.batch_size,
            "lr": PRETRAIN_LR,
            "cpu_seconds": round(pretrain_cpu, 2),
        },
        "target": {
            "digits": list(tgt.digits),
            "pool_per_class": tgt.pool_per_class().tolist(),
            "test_per_class": TEST_PER_CLASS,
        },
        "plan": {
            "steps": FINETUNE_PLAN.steps,
            "batch_size": FINETUNE_PLAN.batch_size,
            "lr": DEFAULT_LR,
            "head_lr_mult": DEFAULT_HEAD_LR_MULT,
            "optimizer": "torch.optim.Adam",
            "seeds": list(SEEDS),
            "sizes": list(SIZES),
            "strategies": list(STRATEGIES),
        },
        "sweep_cpu_seconds": round(sweep_cpu, 1),
        "environment": {"torch": torch.__version__, "python": platform.python_version(), "threads": 1},
        "runs": runs,
    }
    if args.check:
        old = {(r["strategy"], str(r["per_class"]), r["seed"]): r["accuracy"] for r in shipped["runs"]}
        diff = max(abs(old[(r["strategy"], str(r["per_class"]), r["seed"])] - r["accuracy"]) for r in runs)
        print(f"max |accuracy - shipped| over the sweep: {diff:.4f}")
        return 0 if diff == 0 else 1
    RESULTS_PATH.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_PATH} ({WEIGHTS_PATH.stat().st_size / 1024:.1f} KB) and {RESULTS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

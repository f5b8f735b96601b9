"""Run the shipped sweep of the dates fine-tuning experiment (fixed seeds, one CPU thread).

    python scripts/train_finetune_dates.py            # writes data/finetune/dates/results.json
    python scripts/train_finetune_dates.py --check    # reruns the sweep and compares with the shipped file

The source is the attention page's shipped date model (``data/attention/weights/dates-bahdanau.pt``,
written by ``scripts/train_attention.py``): nothing is pretrained here. Its encoder is fine-tuned to
tell the month of dates written in 8 formats it never read, with every strategy, at 1, 2, 5, 10, 20,
50 and all (200) labelled strings per month, for SEEDS seeds; each run's accuracy on the fixed test
set (480 strings of dates the source held out) is recorded, overall and per format.
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

from core.attention import DATE_PLAN, load_results
from core.finetune import (
    DATES_HEAD_LR_MULT,
    DATES_LR,
    DATES_PLAN,
    DATES_POOL_PER_CLASS,
    DATES_RESULTS_PATH,
    DATES_SIZES,
    DATES_SOURCE_VARIANT,
    DATES_TEST_PER_FORMAT,
    STRATEGIES,
    TARGET_FORMATS,
    date_features,
    date_finetune_model,
    dates_target_task,
    load_date_source,
    nearest_centroid_accuracy,
    parameter_counts,
    run_date_strategy,
)

SEEDS = (0, 1, 2, 3, 4)


def sweep(pretrained, *, log=print) -> tuple[list[dict], float]:
    """Every strategy x size x seed: (runs, total CPU seconds)."""
    runs = []
    start = time.process_time()
    for per_class in DATES_SIZES:
        for strategy in STRATEGIES:
            for seed in SEEDS:
                result = run_date_strategy(pretrained, strategy, per_class, seed)
                runs.append(
                    {
                        "strategy": strategy,
                        "per_class": per_class,
                        "seed": seed,
                        "accuracy": result.accuracy,
                        "per_format": result.per_format,
                        "cpu_seconds": round(result.log.cpu_seconds, 3),
                        "drift": {k: round(v, 6) for k, v in result.drift.items()},
                    }
                )
            mean = np.mean([r["accuracy"] for r in runs[-len(SEEDS) :]])
            log(f"  {per_class!s:>4} per class  {strategy:<15} mean acc {mean:.3f}", flush=True)
    return runs, time.process_time() - start


def feature_check(pretrained) -> dict:
    """How well the months separate in the encoder's pooled states before any training: the nearest
    class mean of the pool's features, scored on the test set, for the source's encoder and a random one
    (the scratch model of seed 0)."""
    task = dates_target_task()
    random_model, _ = date_finetune_model(pretrained, "scratch", lr=DATES_LR, seed=0)
    out = {}
    for name, model in (("pretrained", pretrained), ("random", random_model)):
        pool, test = date_features(model, task.x_train), date_features(model, task.x_test)
        out[name] = nearest_centroid_accuracy(pool, task.y_train.numpy(), test, task.y_test.numpy())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file, write nothing")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    pretrained = load_date_source()
    source_results = load_results()["dates"][DATES_SOURCE_VARIANT]
    task = dates_target_task()
    encoder_parameters = sum(p.numel() for p in pretrained.encoder.parameters())
    print(
        f"source: {DATES_SOURCE_VARIANT} date model, encoder {encoder_parameters:,} parameters, "
        f"held-out exact match {source_results['heldout_exact_match']:.4f}"
    )
    features = feature_check(pretrained)
    print(f"nearest class mean on pooled states: {features}")
    runs, sweep_cpu = sweep(pretrained)
    print(f"sweep: {len(runs)} runs in {sweep_cpu:.1f} s CPU")
    model, _ = date_finetune_model(pretrained, "linear_probe", lr=DATES_LR, seed=0)
    trainable, frozen = parameter_counts(model)
    results = {
        "source": {
            "model": f"dates-{DATES_SOURCE_VARIANT}",
            "weights": f"data/attention/weights/dates-{DATES_SOURCE_VARIANT}.pt",
            "task": "dates in 23 English, Chinese and numeric formats -> ISO YYYY-MM-DD",
            "train_examples": DATE_PLAN.steps * DATE_PLAN.batch_size,
            "heldout_exact_match": source_results["heldout_exact_match"],
            "encoder_parameters": encoder_parameters,
            "head_parameters": trainable,
        },
        "target": {
            "task": "month of a date (12 classes) written in a format the source never read",
            "formats": {fmt.name: fmt.example() for fmt in TARGET_FORMATS},
            "pool_per_class": task.pool_per_class().tolist(),
            "test_per_class": DATES_TEST_PER_FORMAT * len(TARGET_FORMATS),
            "test_size": len(task.y_test),
            "test_dates": "the source's held-out dates only",
        },
        "features": {"nearest_centroid": features, "frozen": frozen},
        "plan": {
            "steps": DATES_PLAN.steps,
            "batch_size": DATES_PLAN.batch_size,
            "lr": DATES_LR,
            "head_lr_mult": DATES_HEAD_LR_MULT,
            "optimizer": "torch.optim.Adam",
            "seeds": list(SEEDS),
            "sizes": list(DATES_SIZES),
            "pool_per_class": DATES_POOL_PER_CLASS,
            "strategies": list(STRATEGIES),
        },
        "sweep_cpu_seconds": round(sweep_cpu, 1),
        "environment": {"torch": torch.__version__, "python": platform.python_version(), "threads": 1},
        "runs": runs,
    }
    if args.check:
        shipped = json.loads(DATES_RESULTS_PATH.read_text(encoding="utf-8"))
        old = {(r["strategy"], str(r["per_class"]), r["seed"]): r["accuracy"] for r in shipped["runs"]}
        diff = max(abs(old[(r["strategy"], str(r["per_class"]), r["seed"])] - r["accuracy"]) for r in runs)
        same_features = shipped["features"]["nearest_centroid"] == features
        print(f"max |accuracy - shipped| over the sweep: {diff:.4f}; same feature check: {same_features}")
        return 0 if diff == 0 and same_features else 1
    DATES_RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATES_RESULTS_PATH.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {DATES_RESULTS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

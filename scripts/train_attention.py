"""Train every attention variant with fixed seeds and write the small weight files the repository ships.

    python scripts/train_attention.py            # everything (~15 minutes on one core)
    python scripts/train_attention.py --only dates --variants bahdanau none

Writes ``data/attention/weights/<task>-<variant>.pt`` (float16 state_dicts, about 120 KB each) and
``data/attention/results.json`` with the accuracies measured on the weights as shipped (after the
float16 round trip), which the attention page shows and ``tests/attention/test_attention_shipped.py`` checks.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.attention import (  # noqa: E402
    DATE_PLAN,
    LONG_LENGTHS,
    LONG_PLAN,
    RESULTS_PATH,
    VARIANTS,
    WEIGHTS_DIR,
    DateTask,
    ModelConfig,
    SequenceTask,
    accuracy_by_length,
    build_model,
    count_parameters,
    evaluate,
    load_model,
    save_model,
    train_model,
)

WEIGHTS = WEIGHTS_DIR
RESULTS = RESULTS_PATH
LONG_KINDS = ("reverse", "copy")
LONG_VARIANTS = ("none", "bahdanau", "luong-general")
SUBSET = 500  # the test re-measures the first SUBSET held-out dates
MAX_WINDOW = 12  # the page's slider for local attention's D


def _printer(name: str):
    def progress(step: int, steps: int, loss: float) -> None:
        if step % 100 == 0 or step == steps:
            print(f"  {name:>14} step {step:4d}/{steps}  loss {loss:.4f}", flush=True)

    return progress


def train_dates(variants: list[str], results: dict) -> None:
    task = DateTask()
    plan = task.heldout_plan()
    heldout = task.heldout_examples()
    for variant in variants:
        model = build_model(ModelConfig(variant), task, seed=DATE_PLAN.seed)
        log = train_model(
            model,
            task,
            steps=DATE_PLAN.steps,
            batch_size=DATE_PLAN.batch_size,
            learning_rate=DATE_PLAN.learning_rate,
            seed=DATE_PLAN.seed,
            progress=_printer(variant),
        )
        path = WEIGHTS / f"dates-{variant}.pt"
        save_model(model, path, task.name)
        shipped = load_model(path, task)  # measure what ships (float16 weights)
        full = evaluate(shipped, heldout)
        subset = evaluate(shipped, heldout[:SUBSET])
        by_format: dict[str, list[bool]] = defaultdict(list)
        for (_, fmt), pred, ex in zip(plan, full.predictions, heldout, strict=True):
            by_format[fmt.template].append(pred == ex.target)
        results["dates"][variant] = {
            "heldout_exact_match": full.exact_match,
            "heldout_char_accuracy": full.char_accuracy,
            "heldout_size": len(heldout),
            "subset_size": SUBSET,
            "subset_exact_match": subset.exact_match,
            "per_format": {k: sum(v) / len(v) for k, v in by_format.items()},
            "steps": log.steps,
            "cpu_seconds": round(log.cpu_seconds, 1),
            "wall_seconds": round(log.seconds, 1),
            "final_loss": log.losses[-1],
            "loss_curve": [round(x, 5) for x in log.losses[::5]],
            "parameters": count_parameters(model),
            "file_bytes": path.stat().st_size,
        }
        print(
            f"{variant:>14}: held-out exact match {full.exact_match:.2%} "
            f"({log.steps} steps, {log.cpu_seconds:.1f} CPU s)",
            flush=True,
        )


def evaluate_extras(results: dict) -> None:
    """Decoding variants of the shipped date models on all held-out dates, so the page shows them at once.

    Hard attention (argmax, and sampled with seed 0) for every attention model; local attention at every
    window half-width D = 1 ... 12 for local-m and local-p.
    """
    task = DateTask()
    heldout = task.heldout_examples()
    for variant in VARIANTS:
        if variant == "none":
            continue
        model = load_model(WEIGHTS / f"dates-{variant}.pt", task)
        entry = results["dates"][variant]
        entry["hard_argmax_exact_match"] = evaluate(model, heldout, hard="argmax").exact_match
        entry["hard_sample_exact_match"] = evaluate(model, heldout, hard="sample", seed=0).exact_match
        if variant.startswith("local"):
            entry["by_window"] = {
                str(d): evaluate(model, heldout, window=d).exact_match for d in range(1, MAX_WINDOW + 1)
            }
        print(
            f"{variant:>14}: hard argmax {entry['hard_argmax_exact_match']:.2%}, "
            f"sampled {entry['hard_sample_exact_match']:.2%}",
            flush=True,
        )


def train_long(kinds: list[str], variants: list[str], results: dict) -> None:
    for kind in kinds:
        task = SequenceTask(kind)  # type: ignore[arg-type]
        for variant in variants:
            model = build_model(ModelConfig(variant), task, seed=LONG_PLAN.seed)
            log = train_model(
                model,
                task,
                steps=LONG_PLAN.steps,
                batch_size=LONG_PLAN.batch_size,
                learning_rate=LONG_PLAN.learning_rate,
                seed=LONG_PLAN.seed,
                progress=_printer(f"{kind} {variant}"),
            )
            path = WEIGHTS / f"{kind}-{variant}.pt"
            save_model(model, path, task.name)
            rows = accuracy_by_length(load_model(path, task), task, LONG_LENGTHS, per_length=100, seed=1)
            results["long"].setdefault(kind, {})[variant] = {
                "by_length": rows,
                "steps": log.steps,
                "cpu_seconds": round(log.cpu_seconds, 1),
                "wall_seconds": round(log.seconds, 1),
                "final_loss": log.losses[-1],
                "parameters": count_parameters(model),
                "file_bytes": path.stat().st_size,
            }
            print(
                f"{kind} {variant}: " + " ".join(f"{r['length']}:{r['exact_match']:.2f}" for r in rows),
                flush=True,
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["dates", "extras", "long", "all"], default="all")
    parser.add_argument("--variants", nargs="*", help="date variants (default: all) or long-task variants")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # deterministic and fair on a shared machine
    WEIGHTS.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results.setdefault("dates", {})
    results.setdefault("long", {})
    results["setup"] = {
        "config": ModelConfig("bahdanau").to_dict(),
        "date_plan": asdict(DATE_PLAN),
        "long_plan": asdict(LONG_PLAN),
        "long_lengths": list(LONG_LENGTHS),
        "threads": 1,
        "torch": torch.__version__,
        "python": platform.python_version(),
    }
    if args.only in ("dates", "all"):
        train_dates(args.variants or list(VARIANTS), results)
    if args.only in ("dates", "extras", "all"):
        evaluate_extras(results)
    if args.only in ("long", "all"):
        train_long(list(LONG_KINDS), args.variants or list(LONG_VARIANTS), results)
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

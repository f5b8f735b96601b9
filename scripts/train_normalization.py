"""Run the normalization page's batch-size experiment with fixed seeds and write the shipped results.

    python scripts/train_normalization.py   # 4 norms x 6 batch sizes x 3 seeds: ~2 min of CPU, 1 thread

Writes ``data/normalization/batch_size_sweep.json``: the training recipe, every cell's test accuracy,
epoch losses, steps and CPU seconds, and the sweep's total CPU time. The page draws it and retrains one
cell live with the same code (``core.normalization.train_cell``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.normalization import (  # noqa: E402
    BATCH_SIZES,
    NORMS,
    SEEDS,
    SWEEP_PATH,
    CellResult,
    TrainConfig,
    run_sweep,
    summarize,
)

OUT = SWEEP_PATH


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    torch.set_num_threads(1)  # small models: one thread is fastest and keeps the runs reproducible

    def report(cell: CellResult) -> None:
        print(
            f"{cell.norm:>6} batch {cell.batch_size:>3} seed {cell.seed}: "
            f"test accuracy {cell.test_accuracy:.4f} ({cell.steps} steps, {cell.seconds:.1f} s CPU)",
            flush=True,
        )

    record = run_sweep(TrainConfig(), NORMS, BATCH_SIZES, SEEDS, progress=report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out.relative_to(ROOT)}; sweep CPU time {record['cpu_seconds']:.1f} s")
    for row in summarize(record):
        spread = f"[{row['min']:.4f}, {row['max']:.4f}]"
        print(f"{row['norm']:>6} batch {row['batch_size']:>3}: mean {row['mean']:.4f} {spread}")


if __name__ == "__main__":
    main()

"""Loading a 100 MB score file: core.scores.load_scores against pandas.read_csv + the same validation.

    python benchmarks/bench_load.py [--rows 10000000] [--repeats 3]

Writes a "label,score" CSV (10M rows, scores with 5 decimals: about 100 MB) to a temporary directory,
reads its bytes once (an upload arrives as bytes), then times, in this process:

- load_scores(bytes) -> ScoreTable (first run, and median of the repeats);
- the obvious reference: pandas.read_csv(C engine) + the same checks (two label values, finite
  scores) giving the same arrays; also pandas.read_csv(engine="pyarrow") + checks, for information.

Peak memory is measured for each loader in a fresh process, over the memory held before the call
(the file's bytes included in that baseline), two ways:
- RSS: the kernel's high-water mark of resident memory (VmHWM, reset just before the call). It sees
  everything, Arrow's buffers included;
- tracemalloc: Python and numpy allocations only; Arrow's memory pool is invisible to it, so it
  undercounts Arrow-based loaders.

If core.metrics is importable, load + evaluate is timed too (the 5 s target from bytes to the report).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.scores import load_scores  # noqa: E402


def write_csv(path: Path, rows: int, seed: int = 0) -> None:
    """label,score rows of fixed width ("1,0.73105\\n"), built with numpy: 10 bytes per row."""
    rng = np.random.default_rng(seed)
    label = rng.random(rows) < 0.3
    score = np.clip(rng.normal(0.35 + 0.3 * label, 0.2), 0, 0.99999)
    digits = np.round(score * 100_000).astype(np.int64).clip(0, 99_999)
    table = np.empty((rows, 10), dtype=np.uint8)
    table[:, 0] = ord("0") + label
    table[:, 1:4] = np.frombuffer(b",0.", dtype=np.uint8)
    for k in range(5):  # the five decimals, most significant first
        table[:, 8 - k] = ord("0") + (digits // 10**k) % 10
    table[:, 9] = ord("\n")
    with open(path, "wb") as handle:
        handle.write(b"label,score\n")
        handle.write(table.tobytes())


def reference(data: bytes, engine: str) -> tuple[np.ndarray, np.ndarray]:
    """pandas.read_csv + the checks load_scores makes, giving the same arrays."""
    frame = pd.read_csv(io.BytesIO(data), engine=engine)
    label = frame["label"].to_numpy()
    values = set(np.unique(label).tolist())
    if not values <= {0, 1} or len(values) != 2:
        raise ValueError(f"labels {values}")
    score = frame["score"].to_numpy(dtype=np.float64)
    if not np.isfinite(score).all():
        raise ValueError("non-finite score")
    return label == 1, score


def ours(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    table = load_scores(data)
    return table.y_true, table.scores["score"]


def end_to_end(data: bytes) -> object:
    from core.metrics import evaluate

    table = load_scores(data)
    return evaluate(table.y_true, table.scores["score"], sample_weight=table.weight)


LOADERS = {
    "load_scores": ours,
    "pandas C engine + checks": lambda data: reference(data, "c"),
    "pandas pyarrow engine + checks": lambda data: reference(data, "pyarrow"),
    "load_scores + evaluate": end_to_end,
}


def timed(function, data: bytes, repeats: int) -> tuple[float, float, float]:
    """(first run, median of `repeats` further runs, median CPU time of those runs) in seconds.

    CPU time counts every thread of the process: above the wall time when a loader runs in parallel,
    and a fair measure of the work done when other programs share the cores.
    """
    start = time.perf_counter()
    function(data)
    first = time.perf_counter() - start
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        function(data)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return first, statistics.median(times), statistics.median(cpu)


def _status(field: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def measure_memory(path: str, loader: str) -> dict[str, float]:
    """Runs in a fresh process: peak RSS and tracemalloc peak of one call, over the baseline."""
    data = Path(path).read_bytes()
    LOADERS[loader](data[: data.index(b"\n", 10_000) + 1])  # warm up: imports, thread pools
    baseline = _status("VmRSS")
    with open("/proc/self/clear_refs", "w") as handle:  # reset VmHWM to the current RSS
        handle.write("5")
    result = LOADERS[loader](data)
    rss_peak = _status("VmHWM") - baseline
    del result
    tracemalloc.start()
    LOADERS[loader](data)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"rss": rss_peak, "tracemalloc": traced_peak}


def memory_in_child(path: Path, loader: str) -> dict[str, float] | None:
    run = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(path), loader],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        print(f"  (memory of {loader} not measured: {run.stderr.strip().splitlines()[-1:]})")
        return None
    return json.loads(run.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-child", nargs=2, metavar=("PATH", "LOADER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        print(json.dumps(measure_memory(*args.memory_child)))
        return 0

    try:
        import core.metrics  # noqa: F401

        have_metrics = True
    except ImportError:
        have_metrics = False
    names = [n for n in LOADERS if have_metrics or n != "load_scores + evaluate"]

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scores.csv"
        start = time.perf_counter()
        write_csv(path, args.rows)
        size = path.stat().st_size
        print(f"file: {size / 1e6:.1f} MB, {args.rows:,} rows of label,score (written in "
              f"{time.perf_counter() - start:.1f} s)")  # fmt: skip
        data = path.read_bytes()

        y_ours, s_ours = ours(data)
        y_ref, s_ref = reference(data, "c")
        assert np.array_equal(y_ours, y_ref) and np.array_equal(s_ours, s_ref), "loaders disagree"
        print("load_scores and pandas give identical arrays")
        del y_ours, s_ours, y_ref, s_ref

        print(f"\ntime from the bytes (first run; median of {args.repeats} more runs):")
        medians = {}
        for name in names:
            first, medians[name], cpu = timed(LOADERS[name], data, args.repeats)
            print(f"  {name:32s} first {first:6.2f} s   median {medians[name]:6.2f} s   (CPU {cpu:5.2f} s)")
        base = medians["load_scores"]
        for name in ("pandas C engine + checks", "pandas pyarrow engine + checks"):
            print(f"  {name} / load_scores: {medians[name] / base:.2f}x")
        if have_metrics:
            verdict = "within" if medians["load_scores + evaluate"] <= 5 else "OVER"
            total = medians["load_scores + evaluate"]
            print(f"  end to end (load + evaluate): {total:.2f} s, {verdict} the 5 s target")
        else:
            print("  load + evaluate: skipped (core.metrics is not importable yet)")
        del data

        print("\npeak memory of one call over the baseline (fresh process each), relative to the file size:")
        for name in names:
            memory = memory_in_child(path, name)
            if memory:
                rss, traced = memory["rss"], memory["tracemalloc"]
                print(f"  {name:32s} RSS {rss / 1e6:7.1f} MB = {rss / size:4.2f}x   "
                      f"tracemalloc {traced / 1e6:7.1f} MB = {traced / size:4.2f}x")  # fmt: skip
        print("  (RSS: kernel high-water mark, sees Arrow's buffers; tracemalloc: Python/numpy only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

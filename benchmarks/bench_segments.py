"""Many models and segments at scale (issue 25): a 10M-row file with 5 models and 20 segments.

Writes the file into a temporary folder (never into the project), then, each stage in its own process
(time and peak RSS):

* the command line, memory engine: ``python -m core.metrics FILE --engine memory --segment segment
  --bands 10`` (the rows read, every model's report, the 10 DeLong pairs with Holm, the segments);
* the command line, DuckDB engine: the same with ``--engine duckdb --duckdb-memory 2GB`` (``GROUP BY
  segment, score, label``; no DeLong pairs, which need the rows; the main report's ``aggregate_files``
  runs out of its default 512MB on five models of about a million distinct scores each);
* the page's core path: the score table and the segment column read (``load_scores``,
  ``read_segment_column``), ``segment_tables`` and ``evaluate_segments`` per model (what the page keeps
  of an upload's segment column), and ``aggregate_segments`` (the page's files on the server);
* scikit-learn's ``roc_auc_score`` per model and segment on the same rows, in the same run: the ratio
  is its time over ``segment_tables`` + ``evaluate_segments`` (which give AUC, DeLong interval, KS, AP
  and Gini per segment), both from rows in memory; the AUCs are compared (max |diff|).

Usage: ``python benchmarks/bench_segments.py [--rows 10000000] [--models 5] [--segments 20]``. Timings
depend on the machine's load: the script prints ``os.getloadavg()`` beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def make_file(path: Path, rows: int, models: int, segments: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    segment = rng.integers(0, segments, rows)
    # segments differ in prevalence and in how well the models separate the classes
    y = rng.random(rows) < 0.05 + 0.2 * segment / segments
    columns = {"label": y.astype(np.int8)}
    strength = 0.5 + segment / segments
    for m in range(models):
        logit = rng.normal(size=rows) + (0.6 + 0.2 * m) * strength * y - 2.0
        columns[f"model_{m}"] = np.round(1 / (1 + np.exp(-logit)), 6)
    names = np.array([f"seg_{k:02d}" for k in range(segments)])
    columns["segment"] = pa.array(names[segment]).dictionary_encode()
    pq.write_table(pa.table(columns), path, row_group_size=1_000_000)


STAGE = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
start = time.perf_counter()
{body}
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": elapsed, "peak_mib": peak, **extra}}))
"""

CLI = """
import contextlib, io
from core.metrics._cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    status = main({args!r})
report = json.loads(out.getvalue())
extra = {{"status": status, "segments": len(report["segments"]["segments"]),
          "comparisons": len(report.get("comparisons", []))}}
"""

PAGE_MEMORY = """
from core.metrics import evaluate_segments, load_scores, read_segment_column, segment_tables
table = load_scores({path!r}, label="label")
column = read_segment_column({path!r}, "segment")
read = time.perf_counter() - start
t0 = time.perf_counter()
tables = segment_tables(table.y_true, table.scores, column, column="segment")
reports = {{m: evaluate_segments(tables.tables[m]) for m in table.scores}}
compute = time.perf_counter() - t0
aucs = {{m: r.frame.set_index("segment")["roc_auc"].to_dict() for m, r in reports.items()}}
t0 = time.perf_counter()
from sklearn.metrics import roc_auc_score
import numpy as np
codes = np.asarray(column)
worst = 0.0
for name in sorted(set(codes.tolist())):
    mine = codes == name
    y = table.y_true[mine]
    for m, s in table.scores.items():
        worst = max(worst, abs(roc_auc_score(y, s[mine]) - aucs[m][name]))
sklearn = time.perf_counter() - t0
extra = {{"read": read, "ours": compute, "sklearn": sklearn, "max_abs_diff": worst}}
"""

PAGE_DUCKDB = """
from core.metrics import aggregate_segments, evaluate_segments
tables = aggregate_segments({path!r}, "segment", label="label")
reports = {{m: evaluate_segments(tables.tables[m]) for m in tables.tables}}
extra = {{"segments": len(tables.segments)}}
"""


def stage(body: str) -> dict:
    code = STAGE.format(root=str(ROOT), body=body)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--models", type=int, default=5)
    parser.add_argument("--segments", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-segments-") as folder:
        path = Path(folder) / "scores.parquet"
        t0 = time.perf_counter()
        make_file(path, args.rows, args.models, args.segments)
        size = path.stat().st_size / 2**20
        print(
            f"file: {args.rows:,} rows x {args.models} models, {args.segments} segments, Parquet "
            f"{size:,.0f} MiB, written in {time.perf_counter() - t0:.1f} s; load {os.getloadavg()}"
        )
        for engine in ("memory", "duckdb"):
            argv = [
                str(path),
                "--engine",
                engine,
                "--label",
                "label",
                "--segment",
                "segment",
                "--bands",
                "10",
            ]
            if engine == "duckdb":  # aggregate_files' UNPIVOT of 5 models x ~1M distinct scores: > 512MB
                argv += ["--duckdb-memory", "2GB"]
            result = stage(CLI.format(args=argv))
            print(
                f"CLI --engine {engine:6s}: {result['seconds']:6.1f} s, peak RSS "
                f"{result['peak_mib']:,.0f} MiB ({result['segments']} segments, {result['comparisons']} "
                f"DeLong pairs); load {os.getloadavg()}"
            )
        page = stage(PAGE_MEMORY.format(path=str(path)))
        print(
            f"page core path (memory): read {page['read']:.1f} s, segment_tables + evaluate_segments "
            f"{page['ours']:.2f} s, peak RSS {page['peak_mib']:,.0f} MiB"
        )
        print(
            f"  sklearn roc_auc_score per model and segment: {page['sklearn']:.2f} s -> ratio "
            f"{page['sklearn'] / page['ours']:.1f}x (ours also gives the interval, KS, AP); "
            f"max |AUC diff| = {page['max_abs_diff']:.1e}; load {os.getloadavg()}"
        )
        duck = stage(PAGE_DUCKDB.format(path=str(path)))
        print(
            f"page core path (files, DuckDB GROUP BY segment, score, label): {duck['seconds']:.1f} s, "
            f"peak RSS {duck['peak_mib']:,.0f} MiB ({duck['segments']} segments)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

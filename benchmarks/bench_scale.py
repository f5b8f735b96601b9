"""The metrics tool at scale: the DuckDB engine on a 100M-row CSV against the in-memory path, and Parquet
against CSV at 10M rows, each run in a fresh process (time and peak RSS of that process).

    python benchmarks/bench_scale.py [--big-rows 100000000] [--memory-rows 10000000 30000000]
                                     [--parquet-rows 10000000] [--folder /tmp/bench_scale]

The big file also goes through the metrics page's "files on the server" path (``aggregate_files`` then
``ui.metrics.kept.summarize_counts``, what the page keeps), in a fresh process.

Files are written once to ``--folder`` (kept for reruns: the 100M-row CSV is 1.1 GB and takes a minute or
two to write): ``label,score`` rows with 6-decimal scores ("1,0.731050", 11 bytes a row), so every engine
sees the same distinct scores and the AUC / AP / KS must be equal exactly.

Each measurement is ``python -m core.metrics FILE --engine E`` in a child process that reports its own
wall time and peak RSS (``ru_maxrss``: the kernel's high-water mark of resident memory, the Python
interpreter and imported libraries included, ~150 MB). Printed: one line per run, then the ratios. The
JSON of the two engines on the same file is compared (everything but the file name); at the sizes both
run, they must be identical.

The machine is shared by other jobs (2 cores): timings are noisy, take them as rough figures. The
in-memory path is run only up to ``--memory-rows`` (default 30M rows): it holds every row (the file's
bytes, then 9 bytes a row of arrays plus the sort's temporaries), several GB at 100M rows, which a shared
machine should not be asked for; its memory per row is printed so the 100M figure can be extrapolated.

Figures from a run on a quiet moment of the 2-core machine (2026-11-28 07:16 UTC, duckdb 2.0.1, one
DuckDB thread, 512 MB DuckDB memory limit), after Parquet is read typed by the memory engine::

    memory engine   10M rows CSV    2.1 s  peak RSS 364 MiB      duckdb engine  10M    3.5 s  560 MiB
    memory engine   30M rows CSV    5.9 s  peak RSS 784 MiB      duckdb engine  30M    7.4 s  608 MiB
    duckdb engine  100M rows CSV (1.10 GB)  20.2 s  peak RSS 642 MiB
    page: files on the server, 100M rows    21.5 s  peak RSS 657 MiB (DuckDB 19.3 s, kept summary 2.2 s;
        22.9 MiB kept for 1M distinct scores; scikit-learn check on a 200,000-row sample: 0.0e+00)
    same JSON from both engines at 10M and 30M: True; same AUC on the page's path: True
    10M rows: CSV 110 MB, Parquet 76 MB
      memory engine  CSV 1.8 s 365 MiB, Parquet 1.8 s 461 MiB  (Parquet / CSV: time x0.98, RSS x1.26)
      duckdb engine  CSV 4.0 s 560 MiB, Parquet 2.8 s 599 MiB  (Parquet / CSV: time x0.70, RSS x1.07)
      same JSON for all four: True
    100M through DuckDB vs 30M in memory: time x3.42 for x3.3 the rows; peak RSS x0.82 (642 vs 784 MiB)
    the page's files path vs the command line's duckdb engine: time x1.07, peak RSS x1.02
    in-memory path: ~22 bytes per row over ~150 MiB, ~2.2 GiB at 100M rows (extrapolated)

An earlier run under load (04:52 UTC, load average 9-14 from other jobs) took 67.3 s / 631 MiB for the
100M-row file; then the memory engine still read Parquet through its CSV text: Parquet / CSV time x2.71,
RSS x1.49 (x0.76-0.98 and x1.26 since: only the needed columns, typed, batch by batch).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 5_000_000
ROW_BYTES = 11


def write_csv(path: Path, rows: int, seed: int = 0) -> None:
    """``label,score`` rows of fixed width ("1,0.731050\\n"), written in chunks: 11 bytes a row."""
    if path.exists() and path.stat().st_size == len(b"label,score\n") + ROW_BYTES * rows:
        return
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as handle:
        handle.write(b"label,score\n")
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            label = rng.random(n) < 0.3
            score = np.clip(rng.normal(0.35 + 0.3 * label, 0.2), 0, 0.999999)
            digits = np.round(score * 1_000_000).astype(np.int64).clip(0, 999_999)
            table = np.empty((n, ROW_BYTES), dtype=np.uint8)
            table[:, 0] = ord("0") + label
            table[:, 1:4] = np.frombuffer(b",0.", dtype=np.uint8)
            for k in range(6):  # the six decimals, most significant first
                table[:, 9 - k] = ord("0") + (digits // 10**k) % 10
            table[:, 10] = ord("\n")
            handle.write(table.tobytes())
    tmp.rename(path)


def write_parquet(csv: Path, path: Path) -> None:
    """The same rows as Parquet (label int8, score double), converted by DuckDB out of core."""
    if path.exists():
        return
    import duckdb

    connection = duckdb.connect()
    connection.execute(
        f"COPY (SELECT label::TINYINT AS label, score FROM read_csv('{csv}', header = true, "
        f"types = {{'label': 'INTEGER', 'score': 'DOUBLE'}})) TO '{path}.partial' (FORMAT parquet)"
    )
    connection.close()
    Path(f"{path}.partial").rename(path)


CHILD = textwrap.dedent(
    """
    import io, json, resource, sys, time
    from contextlib import redirect_stdout
    sys.path.insert(0, {root!r})
    start = time.perf_counter()
    from core.metrics._cli import main
    out = io.StringIO()
    with redirect_stdout(out):
        status = main({args!r})
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
    print(json.dumps({{"status": status, "seconds": seconds, "peak_mib": peak, "report": out.getvalue()}}))
    """
)


PAGE_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    sys.path.insert(0, {root!r})
    start = time.perf_counter()
    from core.metrics import aggregate_files
    from ui.metrics.kept import summarize_counts
    from ui.server import tune_allocators
    tune_allocators()  # as app.py's ui.server.housekeeping does once per server
    aggregated = aggregate_files({path!r})
    read = time.perf_counter() - start
    kept = summarize_counts(aggregated, source_id="bench", name="bench", mapping=())
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
    ev = kept.evaluations["score"]
    print(json.dumps({{"seconds": seconds, "read": read, "peak_mib": peak, "kept_mib": kept.nbytes() / 2**20,
                       "roc_auc": ev.roc_auc, "check": kept.checks["score"][0]}}))
    """
)


def measure_page(path: Path) -> dict:
    """The metrics page's files path in a fresh process: DuckDB's aggregate, then the kept summary
    (figures, DeLong interval, the three AUC methods, the scikit-learn checks on a 200,000-row sample)."""
    code = PAGE_CHILD.format(root=str(ROOT), path=str(path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"the page's path on {path} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(path: Path, engine: str) -> dict:
    """``python -m core.metrics path --engine engine`` in a fresh process: time, peak RSS, the report."""
    code = CHILD.format(root=str(ROOT), args=[str(path), "--engine", engine])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{engine} on {path} failed:\n{result.stderr}")
    run = json.loads(result.stdout.strip().splitlines()[-1])
    if run["status"] != 0:
        raise SystemExit(f"{engine} on {path} exited {run['status']}:\n{result.stderr}")
    run["report"] = json.loads(run["report"])
    return run


def show(label: str, rows: int, run: dict) -> None:
    auc = run["report"]["models"]["score"]["roc_auc"]
    print(
        f"  {label:<34} {rows / 1e6:>6.0f}M rows  {run['seconds']:7.1f} s  "
        f"peak RSS {run['peak_mib']:7.0f} MiB  ({rows / run['seconds'] / 1e6:5.2f} M rows/s)  AUC {auc:.12f}"
    )


def same_report(a: dict, b: dict) -> bool:
    strip = ("file", "encoding", "delimiter", "notes")
    return {k: v for k, v in a.items() if k not in strip} == {k: v for k, v in b.items() if k not in strip}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big-rows", type=int, default=100_000_000)
    parser.add_argument("--memory-rows", type=int, nargs="+", default=[10_000_000, 30_000_000])
    parser.add_argument("--parquet-rows", type=int, default=10_000_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench_scale"))
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    import duckdb

    print(f"duckdb {duckdb.__version__}; files in {args.folder} (written once, kept)")

    def csv_of(rows: int) -> Path:
        path = args.folder / f"scores_{rows // 1_000_000}M.csv"
        write_csv(path, rows)
        return path

    print("\nCSV through both engines (fresh process each):")
    memory_runs = {}
    for rows in args.memory_rows:
        path = csv_of(rows)
        memory_runs[rows] = memory = measure(path, "memory")
        duck = measure(path, "duckdb")
        show("memory engine", rows, memory)
        show("duckdb engine", rows, duck)
        print(f"    same JSON from both engines: {same_report(memory['report'], duck['report'])}")
    largest = max(args.memory_rows)
    big = csv_of(args.big_rows)
    big_run = measure(big, "duckdb")
    show(f"duckdb engine ({big.stat().st_size / 1e9:.2f} GB CSV)", args.big_rows, big_run)
    page = measure_page(big)
    print(
        f"  {'page: files on the server':<34} {args.big_rows / 1e6:>6.0f}M rows  {page['seconds']:7.1f} s  "
        f"peak RSS {page['peak_mib']:7.0f} MiB  (DuckDB {page['read']:.1f} s, kept summary "
        f"{page['seconds'] - page['read']:.1f} s; {page['kept_mib']:.1f} MiB kept; scikit-learn check "
        f"{page['check']:.1e})  AUC {page['roc_auc']:.12f}"
    )

    print(f"\nParquet vs CSV at {args.parquet_rows / 1e6:.0f}M rows:")
    csv = csv_of(args.parquet_rows)
    parquet = args.folder / f"scores_{args.parquet_rows // 1_000_000}M.parquet"
    write_parquet(csv, parquet)
    print(f"  sizes: CSV {csv.stat().st_size / 1e6:.0f} MB, Parquet {parquet.stat().st_size / 1e6:.0f} MB")
    runs = {}
    for engine in ("memory", "duckdb"):
        for kind, path in (("CSV", csv), ("Parquet", parquet)):
            runs[engine, kind] = run = measure(path, engine)
            show(f"{engine} engine, {kind}", args.parquet_rows, run)
    reports = [run["report"] for run in runs.values()]
    print(f"  same JSON for all four: {all(same_report(reports[0], r) for r in reports[1:])}")

    print("\nRatios:")
    memory = memory_runs[largest]
    per_row = (memory["peak_mib"] - 150) * 2**20 / largest
    print(
        f"  100M rows through DuckDB vs {largest / 1e6:.0f}M rows in memory (the largest run here): "
        f"time x{big_run['seconds'] / memory['seconds']:.2f} for x{args.big_rows / largest:.1f} the rows; "
        f"peak RSS x{big_run['peak_mib'] / memory['peak_mib']:.2f} "
        f"({big_run['peak_mib']:.0f} vs {memory['peak_mib']:.0f} MiB)"
    )
    extrapolated = (per_row * args.big_rows + 150 * 2**20) / 2**30
    print(
        f"  in-memory path: ~{per_row:.0f} bytes per row over the interpreter's ~150 MiB, so ~"
        f"{extrapolated:.1f} GiB at {args.big_rows / 1e6:.0f}M rows (extrapolated)"
    )
    print(f"  100M-row CSV through DuckDB: peak RSS under 1 GiB: {big_run['peak_mib'] < 1024}")
    print(
        f"  the page's files path vs the command line's duckdb engine on it: time "
        f"x{page['seconds'] / big_run['seconds']:.2f}, "
        f"peak RSS x{page['peak_mib'] / big_run['peak_mib']:.2f}, "
        f"same AUC: {page['roc_auc'] == big_run['report']['models']['score']['roc_auc']}"
    )
    for engine in ("memory", "duckdb"):
        csv_run, parquet_run = runs[engine, "CSV"], runs[engine, "Parquet"]
        print(
            f"  {engine} engine, Parquet / CSV at {args.parquet_rows / 1e6:.0f}M rows: time "
            f"x{parquet_run['seconds'] / csv_run['seconds']:.2f}, peak RSS "
            f"x{parquet_run['peak_mib'] / csv_run['peak_mib']:.2f}"
        )


if __name__ == "__main__":
    main()

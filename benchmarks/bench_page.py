"""The metrics page on a big upload, server side: bytes -> full report, then a threshold move.

Drives the real page with Streamlit's AppTest (no browser): uploads a ~100 MB CSV of 10M rows, times
the run that builds the whole report, then times reruns after moving the threshold slider (the
fragment reruns: a binary search, no re-sort) and after a jump button. Prints the peak RSS growth
relative to the file size.

    python benchmarks/bench_page.py [--rows 10000000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_csv(rows: int, seed: int = 0, chunk: int = 1_000_000) -> bytes:
    """label,score rows with 5-decimal scores (about 10 bytes a row), built in chunks so that
    making the file does not raise the process's peak memory above what the page uses."""
    rng = np.random.default_rng(seed)
    parts = [b"label,score\n"]
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        y = rng.random(n) < 0.3
        s = 1.0 / (1.0 + np.exp(-rng.normal(np.where(y, 1.0, -0.5), 1.2)))
        lines = np.char.add(np.char.add(y.astype(np.int8).astype(str), ","), np.char.mod("%.5f", s))
        parts.append(("\n".join(lines.tolist()) + "\n").encode())
    return b"".join(parts)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)  # the measuring child process
    args = parser.parse_args()
    if args.csv is None:
        # Make the file here, measure in a fresh process whose peak memory is the page's alone.
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "scores.csv"
            path.write_bytes(make_csv(args.rows))
            subprocess.run([sys.executable, __file__, "--csv", str(path)], check=True)
        return

    from streamlit.testing.v1 import AppTest

    data = args.csv.read_bytes()
    size_mb = len(data) / 1e6
    rows = data.count(b"\n") - 1
    print(f"file: {rows:,} rows, {size_mb:.1f} MB")

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("app_pages/metrics.py").run()
    at.segmented_control(key="metrics_source").set_value("upload").run()
    before = rss_mb()

    uploader = at.file_uploader(key="metrics_upload")
    start = time.perf_counter()
    uploader.upload("big.csv", data, "text/csv").run()
    full = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    peak = rss_mb() - before
    auc = next(m.value for m in at.metric if m.label == "ROC AUC")
    print(f"upload -> full report: {full:.2f} s (target 5 s), ROC AUC shown {auc}")
    print(f"peak RSS growth during the report: {peak:.0f} MB = {peak / size_mb:.1f}x the file (target < 4x)")

    slider = at.slider(key="metrics_threshold")
    moves = []
    for value in np.linspace(slider.min, slider.max, 7)[1:-1]:
        start = time.perf_counter()
        at.slider(key="metrics_threshold").set_value(float(value)).run()
        moves.append(time.perf_counter() - start)
        assert not at.exception
    start = time.perf_counter()
    at.button(key="metrics_jump_f1").click().run()
    jump = time.perf_counter() - start
    print(
        f"threshold slider rerun: median {np.median(moves):.3f} s, max {max(moves):.3f} s; "
        f"jump button {jump:.3f} s (target < 0.3 s; AppTest reruns the whole script, "
        "the browser only the fragment)"
    )


if __name__ == "__main__":
    main()

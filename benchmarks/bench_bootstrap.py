"""Benchmark and simulation: the stratified bootstrap from the score table (core.metrics.bootstrap).

    python benchmarks/bench_bootstrap.py               # coverage at n = 100, 1000, 10000, then timing
    python benchmarks/bench_bootstrap.py --quick       # fewer simulated samples, timing at 1M rows

1. Coverage. A binormal model: negatives' scores ~ N(0, 1), positives' ~ N(d, 1), 30 % positives (the
   class sizes fixed in every sample, as the stratified bootstrap assumes). Its population values are
   known: AUC = Phi(d / sqrt 2), KS = 2 Phi(d / 2) - 1 (at t = d / 2), and AP = the integral of precision
   over recall, computed by quadrature on a fine grid (checked against a 4M-row sample). For each sample
   size, ``--samples`` samples are drawn (half as many at n = 10,000); for each, the 95 % DeLong
   interval of the AUC and the 95 % bootstrap intervals (``--boot`` replicates) of AUC, AP and KS; the
   table prints how often each interval holds the population value, with the Monte Carlo standard error
   of a coverage of 95 %.
2. Timing. A 10M-row sample is aggregated to its score table (scores rounded to 3 decimals, then 2),
   and 1,000 replicates of every metric are timed against one scikit-learn ``roc_auc_score`` on the 10M
   rows (what a row-level bootstrap pays per replicate, before resampling), as a ratio.

Times are wall-clock on a shared machine: the load (``os.getloadavg``) is printed beside them.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from statistics import NormalDist

import numpy as np
import sklearn.metrics as skm
from scipy.special import ndtr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.metrics import ScoreCounts, bootstrap, evaluate, evaluate_counts, round_scores, score_counts

PREVALENCE = 0.3
PHI = NormalDist()


def population_values(d: float) -> dict[str, float]:
    """AUC, KS and AP of the binormal model with separation ``d`` and 30 % positives."""
    t = np.linspace(-12.0, 12.0 + d, 2_000_001)[::-1]  # thresholds, descending: recall increasing
    tpr = ndtr(d - t)
    fpr = ndtr(-t)
    precision = PREVALENCE * tpr / np.maximum(PREVALENCE * tpr + (1 - PREVALENCE) * fpr, 1e-300)
    ap = float(np.sum(np.diff(tpr, prepend=0.0) * precision))
    return {
        "roc_auc": PHI.cdf(d / math.sqrt(2.0)),
        "ks": 2.0 * PHI.cdf(d / 2.0) - 1.0,
        "average_precision": ap,
    }


def sample(n: int, d: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_pos = round(PREVALENCE * n)
    y = np.concatenate((np.ones(n_pos, bool), np.zeros(n - n_pos, bool)))
    s = rng.normal(size=n) + d * y
    return y, s


def coverage(sizes: list[int], samples: int, n_boot: int, d: float) -> None:
    truth = population_values(d)
    rng = np.random.default_rng(2024)
    y, s = sample(4_000_000, d, rng)
    check = evaluate(y, s)
    print(
        f"binormal d = {d}: population AUC {truth['roc_auc']:.5f} (4M-row sample {check.roc_auc:.5f}), "
        f"AP {truth['average_precision']:.5f} ({check.average_precision:.5f}), "
        f"KS {truth['ks']:.5f} ({check.ks:.5f})"
    )
    mc = math.sqrt(0.95 * 0.05 / samples)
    print(
        f"\ncoverage of nominal 95% intervals, {samples} samples per size ({samples // 2} at n = 10,000; MC "
        f"s.e. {mc:.1%} / {math.sqrt(2) * mc:.1%}), {n_boot} bootstrap replicates each"
    )
    print(f"{'n':>7} {'AUC DeLong':>11} {'AUC boot':>9} {'AP boot':>8} {'KS boot':>8} {'s/sample':>9}")
    for n in sizes:
        hits = {"delong": 0, "roc_auc": 0, "average_precision": 0, "ks": 0}
        start = time.perf_counter()
        for i in range(samples if n < 10_000 else samples // 2):
            y, s = sample(n, d, np.random.default_rng([n, i]))
            ev = evaluate(y, s)
            low, high, _ = ev.delong_interval(0.95)
            hits["delong"] += low <= truth["roc_auc"] <= high
            result = bootstrap(ev, ("roc_auc", "average_precision", "ks"), n_boot=n_boot, seed=i)
            for metric in ("roc_auc", "average_precision", "ks"):
                low, high = result.intervals[metric]
                hits[metric] += low <= truth[metric] <= high
        done = samples if n < 10_000 else samples // 2
        per = (time.perf_counter() - start) / done
        cells = [f"{hits[k] / done:.1%}" for k in ("delong", "roc_auc", "average_precision", "ks")]
        print(f"{n:>7} {cells[0]:>11} {cells[1]:>9} {cells[2]:>8} {cells[3]:>8} {per:>9.3f}")


def timing(n: int, d: float) -> None:
    rng = np.random.default_rng(7)
    y, s = sample(n, d, rng)
    print(f"\ntiming at {n:,} rows (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    start = time.perf_counter()
    skm.roc_auc_score(y, s)
    sk = time.perf_counter() - start
    print(f"  scikit-learn roc_auc_score on the {n:,} rows (one row-level replicate): {sk:.2f} s")
    for decimals in (3, 2):
        start = time.perf_counter()
        table: ScoreCounts = score_counts(y, round_scores(s, decimals))
        ev = evaluate_counts(table)
        build = time.perf_counter() - start
        start = time.perf_counter()
        result = bootstrap(ev, n_boot=1000, seed=0, n_points=101)
        ours = time.perf_counter() - start
        start = time.perf_counter()
        bootstrap(ev, ("roc_auc",), n_boot=1000, seed=0)
        auc_only = time.perf_counter() - start
        low, high = result.intervals["roc_auc"]
        print(
            f"  {decimals} decimals: U = {table.size:,} distinct scores (table built in {build:.2f} s); "
            f"1,000 replicates, AUC only: {auc_only:.2f} s; all nine metrics + ROC/PR bands: {ours:.2f} s; "
            f"ratio to one scikit-learn replicate: {auc_only / sk:.2f}x (AUC only), {ours / sk:.2f}x (all); "
            f"a row-level bootstrap would take ~{1000 * sk:.0f} s ({1000 * sk / auc_only:.0f}x longer); "
            f"AUC {ev.roc_auc:.5f} [{low:.5f}, {high:.5f}]"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--samples", type=int, default=None, help="simulated samples per size")
    parser.add_argument("--boot", type=int, default=500, help="bootstrap replicates per interval")
    parser.add_argument("--d", type=float, default=1.0, help="binormal separation (AUC = Phi(d / sqrt 2))")
    parser.add_argument("--skip-coverage", action="store_true")
    args = parser.parse_args()
    samples = args.samples or (100 if args.quick else 400)
    if not args.skip_coverage:
        coverage([100, 1000, 10000], samples, args.boot, args.d)
    timing(1_000_000 if args.quick else 10_000_000, args.d)


if __name__ == "__main__":
    main()

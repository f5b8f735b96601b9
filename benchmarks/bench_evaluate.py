"""Benchmark: core.metrics.evaluate against the scikit-learn + scipy calls that give the same figures.

    python benchmarks/bench_evaluate.py            # 1M and 10M rows, unweighted and weighted
    python benchmarks/bench_evaluate.py --quick    # 1M rows only

For each size it prints our time, the reference time, their ratio and the peak memory of each side
(tracemalloc, which sees numpy's allocations; measured in separate, untimed runs). Times are the best of
``--repeat`` runs (twice that at 1M rows) for both sides alike, in CPU seconds of this process (the
machine is shared, and all the code measured is single-threaded); the wall-clock ratio is printed too.

The reference is the fair set of calls a user makes to get evaluate's numbers:
roc_curve, precision_recall_curve, roc_auc_score, average_precision_score, scipy.stats.ks_2samp (KS),
confusion_matrix at the threshold, and numpy on the returned curves for the best-F1 / Youden thresholds
and Gini. Each scikit-learn curve or score sorts the data again. A second, "lean" reference calls
scikit-learn's confusion_matrix_at_thresholds once (one sort) and derives the same figures with numpy:
the best a careful user could do with scikit-learn, printed for transparency.

No BLAS is involved (sorting and cumulative sums), so OPENBLAS_NUM_THREADS and similar settings do not
matter here.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy
import sklearn
import sklearn.metrics as skm
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.metrics import evaluate

THRESHOLD = 0.5


def make_data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels (30 % positives), float64 probability-like scores (mostly distinct) and weights."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    score = 1.0 / (1.0 + np.exp(-(rng.normal(size=n) + 1.5 * y - 0.8)))
    weight = rng.uniform(0.5, 2.0, size=n)
    return y, score, weight


def reference_full(y: np.ndarray, score: np.ndarray, weight: np.ndarray | None) -> dict[str, float]:
    """What a user calls to get evaluate's figures from scikit-learn and scipy."""
    fpr, tpr, roc_thresholds = skm.roc_curve(y, score, sample_weight=weight)
    precision, recall, pr_thresholds = skm.precision_recall_curve(y, score, sample_weight=weight)
    auc = skm.roc_auc_score(y, score, sample_weight=weight)
    ap = skm.average_precision_score(y, score, sample_weight=weight)
    if weight is None:
        ks = stats.ks_2samp(score[y], score[~y]).statistic
    else:  # scipy's ks_2samp has no weights: take it from the ROC curve
        ks = float(np.max(tpr - fpr))
    _, _, _, tp = skm.confusion_matrix(y, score >= THRESHOLD, sample_weight=weight).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.nan_to_num(2 * precision[:-1] * recall[:-1] / (precision[:-1] + recall[:-1]))
    return {
        "roc_auc": auc,
        "average_precision": ap,
        "ks": ks,
        "gini": 2 * auc - 1,
        "tp": float(tp),
        # highest threshold of the best F1 (pr_thresholds increase)
        "f1_threshold": float(pr_thresholds[::-1][np.argmax(f1[::-1])]),
        "youden_threshold": float(roc_thresholds[np.argmax(tpr - fpr)]),
    }


def reference_lean(y: np.ndarray, score: np.ndarray, weight: np.ndarray | None) -> dict[str, float]:
    """One scikit-learn sort (confusion_matrix_at_thresholds) and numpy for the rest."""
    _, fps, _, tps, thresholds = skm.confusion_matrix_at_thresholds(y, score, sample_weight=weight)
    p, n = tps[-1], fps[-1]
    tpr, fpr = np.r_[0, tps] / p, np.r_[0, fps] / n
    auc = float(np.trapezoid(tpr, fpr))
    precision = tps / (tps + fps)
    ap = float(np.sum(np.diff(np.r_[0, tps]) / p * precision))
    separation = tps / p - fps / n
    k = int(np.searchsorted(-thresholds, -THRESHOLD, side="right"))
    return {
        "roc_auc": auc,
        "average_precision": ap,
        "ks": float(separation.max()),
        "gini": 2 * auc - 1,
        "tp": float(tps[k - 1]) if k else 0.0,
        "f1_threshold": float(thresholds[np.argmax(2 * tps / (tps + fps + p))]),
        "youden_threshold": float(thresholds[np.argmax(separation)]),
    }


def ours(y: np.ndarray, score: np.ndarray, weight: np.ndarray | None) -> dict[str, float]:
    ev = evaluate(y, score, threshold=THRESHOLD, sample_weight=weight)
    return {
        "roc_auc": ev.roc_auc,
        "average_precision": ev.average_precision,
        "ks": ev.ks,
        "gini": ev.gini,
        "tp": ev.confusion.tp,
        "f1_threshold": ev.best_thresholds["f1"],
        "youden_threshold": ev.best_thresholds["youden"],
    }


def best_time(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best (CPU seconds, wall seconds) of ``repeat`` runs.

    CPU time of this process is the figure to compare on a shared machine: every call measured here is
    single-threaded numpy / scikit-learn / scipy code, so CPU time is the wall time of an idle machine,
    and it is not inflated by other processes waiting for the same cores.
    """
    cpu, wall = [], []
    for _ in range(repeat):
        gc.collect()
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        function()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return min(cpu), min(wall)


def peak_mib(function: Callable[[], object]) -> float:
    """Peak memory allocated while ``function`` runs (its result included), in MiB."""
    gc.collect()
    tracemalloc.start()
    result = function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return peak / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1M rows only")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per side (best is kept)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    sizes = [1_000_000] if args.quick else [1_000_000, 10_000_000]
    print(
        f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, scipy {scipy.__version__}; best of "
        f"{args.repeat} runs; input = bool labels + float64 scores (+ float64 weights)"
    )
    header = (
        f"{'rows':>11} {'weights':>7} | {'ours':>6} {'sk+scipy':>8} {'ratio':>6} | {'lean sk':>7} "
        f"{'ratio':>6} | {'wall ratio':>10} | {'our peak':>8} {'sk peak':>8}"
    )
    print("times: best CPU seconds; wall ratio: the same on wall-clock seconds; peak: MiB (tracemalloc)")
    print(header)
    print("-" * len(header))
    for n in sizes:
        y, score, weight_all = make_data(n)
        repeat = args.repeat if n > 2_000_000 else 2 * args.repeat
        for weighted in (False, True):
            weight = weight_all if weighted else None
            # the figures agree (checked here at full size; tests check them exactly on smaller data)
            a, b, c = (
                ours(y, score, weight),
                reference_full(y, score, weight),
                reference_lean(y, score, weight),
            )
            for key in a:
                assert np.isclose(a[key], b[key], rtol=1e-9, atol=1e-12), (key, a[key], b[key])
                assert np.isclose(a[key], c[key], rtol=1e-9, atol=1e-12), (key, a[key], c[key])
            cpu_ours, wall_ours = best_time(lambda y=y, s=score, w=weight: ours(y, s, w), repeat)
            cpu_full, wall_full = best_time(lambda y=y, s=score, w=weight: reference_full(y, s, w), repeat)
            cpu_lean, _ = best_time(lambda y=y, s=score, w=weight: reference_lean(y, s, w), repeat)
            m_ours = peak_mib(
                lambda y=y, s=score, w=weight: evaluate(y, s, threshold=THRESHOLD, sample_weight=w)
            )
            m_full = peak_mib(lambda y=y, s=score, w=weight: reference_full(y, s, w))
            print(
                f"{n:>11,} {'yes' if weighted else 'no':>7} | {cpu_ours:6.2f} {cpu_full:8.2f} "
                f"{cpu_full / cpu_ours:5.1f}x | {cpu_lean:7.2f} {cpu_lean / cpu_ours:5.1f}x | "
                f"{wall_full / wall_ours:9.1f}x | {m_ours:8.0f} {m_full:8.0f}",
                flush=True,
            )
        input_mib = (y.nbytes + score.nbytes) / 2**20
        print(
            f"{'':>11} input: labels + scores = {input_mib:.0f} MiB "
            f"(+ {weight_all.nbytes / 2**20:.0f} MiB weights)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

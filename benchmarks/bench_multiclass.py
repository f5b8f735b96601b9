"""Benchmark: a 1M-row, 10-class score file through the multiclass path, against scikit-learn's calls for
the same figures, in the same run.

    python benchmarks/bench_multiclass.py              # 1,000,000 rows, 10 classes
    python benchmarks/bench_multiclass.py --rows 200000 --classes 5

Writes ``/tmp/bench_multiclass_<rows>x<classes>.csv`` (label ``label``, columns ``0`` ... ``K-1``,
probabilities with 6 decimals), then times, with peak memory:

* core: ``read_multiclass`` + ``evaluate_multiclass`` (every figure of the page: K x K confusion, per-class
  and averaged precision / recall / F1, OvR tables -> ROC / PR / AUC / AP, OvO AUC, top-1/2/3, log loss)
  plus each class's ROC and PR curves and 10-bin reliability curve from its table;
* page: ``ui.metrics.multiclass.evaluate_file`` (the same, plus the page's live check against scikit-learn);
* reference: ``pandas.read_csv`` + scikit-learn for the same figures (``confusion_matrix``,
  ``classification_report``, ``roc_auc_score`` OvR macro / weighted and OvO macro / weighted, per class
  ``roc_curve``, ``precision_recall_curve``, ``roc_auc_score``, ``average_precision_score``,
  ``calibration_curve``, ``top_k_accuracy_score`` k = 1, 2, 3, ``log_loss``);
* CLI: ``python -m core.metrics FILE`` against a script making the reference calls, each in a subprocess
  (wall seconds, peak RSS of the child).

Times are wall-clock seconds of one run each (the machine is shared: the load is printed); peaks are
tracemalloc's (numpy's and pandas' allocations) in a second, untimed run, and each subprocess's own peak
RSS (imports included). The largest
|difference| between our figures and scikit-learn's is printed too.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.metrics import evaluate_multiclass, read_multiclass  # noqa: E402

REFERENCE_SCRIPT = """
import sys, warnings
import numpy as np, pandas as pd
from sklearn import metrics as sk
from sklearn.calibration import calibration_curve
warnings.simplefilter("ignore")
frame = pd.read_csv(sys.argv[1])
k = frame.shape[1] - 1
y = frame["label"].to_numpy()
p = frame[[str(c) for c in range(k)]].to_numpy()
predicted = p.argmax(axis=1)
sk.confusion_matrix(y, predicted)
sk.classification_report(y, predicted, output_dict=True, zero_division=0)
for multi, how in (("ovr", "macro"), ("ovr", "weighted"), ("ovo", "macro"), ("ovo", "weighted")):
    sk.roc_auc_score(y, p, multi_class=multi, average=how)
for c in range(k):
    sk.roc_curve(y == c, p[:, c]); sk.precision_recall_curve(y == c, p[:, c])
    sk.roc_auc_score(y == c, p[:, c]); sk.average_precision_score(y == c, p[:, c])
    calibration_curve(y == c, p[:, c], n_bins=10)
for top in (1, 2, 3):
    sk.top_k_accuracy_score(y, p, k=top)
sk.log_loss(y, p)
"""


def make_file(rows: int, classes: int, seed: int = 0) -> Path:
    path = Path(f"/tmp/bench_multiclass_{rows}x{classes}.csv")
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, size=rows)
    logits = rng.normal(size=(rows, classes)) + 1.5 * np.eye(classes)[y]
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    p = np.round(p, 6)
    top = np.argmax(p, axis=1)
    p[np.arange(rows), top] = 0.0
    p[np.arange(rows), top] = np.round(1.0 - p.sum(axis=1), 6)
    frame = pd.DataFrame(p, columns=[str(c) for c in range(classes)])
    frame.insert(0, "label", y)
    frame.to_csv(path, index=False, float_format="%.6f")
    return path


def ours(path: Path, classes: int) -> dict:
    names = tuple(str(c) for c in range(classes))
    labels, proba = read_multiclass(path, "label", names, names)
    e = evaluate_multiclass(labels, proba, classes=list(names))
    for c in range(classes):
        e.roc(c)
        e.pr(c)
        e.reliability(c, 10)
    return {"e": e, "labels": labels, "proba": proba}


def page(path: Path, classes: int) -> object:
    from ui.metrics.multiclass import evaluate_file

    names = tuple(str(c) for c in range(classes))
    return evaluate_file(path, path.name, "label", names, names)


def reference(path: Path, classes: int) -> dict:
    from sklearn import metrics as sk
    from sklearn.calibration import calibration_curve

    frame = pd.read_csv(path)
    y = frame["label"].to_numpy()
    p = frame[[str(c) for c in range(classes)]].to_numpy()
    predicted = p.argmax(axis=1)
    out = {
        "confusion": sk.confusion_matrix(y, predicted),
        "report": sk.classification_report(y, predicted, output_dict=True, zero_division=0),
    }
    for multi, how in (("ovr", "macro"), ("ovr", "weighted"), ("ovo", "macro"), ("ovo", "weighted")):
        out[f"{multi}_{how}"] = sk.roc_auc_score(y, p, multi_class=multi, average=how)
    out["auc"], out["ap"] = [], []
    for c in range(classes):
        sk.roc_curve(y == c, p[:, c])
        sk.precision_recall_curve(y == c, p[:, c])
        out["auc"].append(sk.roc_auc_score(y == c, p[:, c]))
        out["ap"].append(sk.average_precision_score(y == c, p[:, c]))
        calibration_curve(y == c, p[:, c], n_bins=10)
    out["top"] = {k: sk.top_k_accuracy_score(y, p, k=k) for k in (1, 2, 3)}
    out["log_loss"] = sk.log_loss(y, p)
    return out


def timed(function, *args) -> tuple[float, float, object]:
    """(wall seconds of a plain run, peak MiB by tracemalloc in a second, untimed run, the result)."""
    gc.collect()
    start = time.perf_counter()
    result = function(*args)
    seconds = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()  # tracemalloc slows Python-level allocation: its run is not the timed one
    function(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20, result


# runs a module or a code string, then prints its own peak RSS (KiB, Linux) as the last line of stderr
_MEASURED = """
import runpy, sys
kind, target, *rest = sys.argv[1:]
sys.argv = [target, *rest]
try:
    if kind == "module":
        runpy.run_module(target, run_name="__main__")
    else:
        exec(compile(target, "<reference>", "exec"), {"__name__": "__main__"})
except SystemExit as stop:
    if stop.code:
        raise
finally:
    # VmHWM: this process's own peak RSS (ru_maxrss would carry the benchmark's from before exec)
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    print(int(status.split()[0]), file=sys.stderr)
"""


def subprocess_run(kind: str, target: str, *arguments: str) -> tuple[float, float]:
    """(wall seconds, the child's own peak RSS in MiB) of a module or code string run in a subprocess."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, kind, target, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024  # KiB on Linux


def max_diff(e, ref: dict) -> float:
    pairs = [
        (e.auc_macro, ref["ovr_macro"]),
        (e.auc_weighted, ref["ovr_weighted"]),
        (e.ovo_macro, ref["ovo_macro"]),
        (e.ovo_weighted, ref["ovo_weighted"]),
        (e.averages["macro"][2], ref["report"]["macro avg"]["f1-score"]),
        (e.averages["weighted"][2], ref["report"]["weighted avg"]["f1-score"]),
        (e.log_loss, ref["log_loss"]),
        *zip(e.ovr_auc, ref["auc"], strict=True),
        *zip(e.ovr_ap, ref["ap"], strict=True),
        *((e.top_k[k], ref["top"][k]) for k in (1, 2, 3)),
    ]
    confusion = float(np.abs(e.confusion - ref["confusion"]).max())
    return max(confusion, *(abs(float(a) - float(b)) for a, b in pairs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--classes", type=int, default=10)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)")
    path = make_file(args.rows, args.classes)
    print(f"file: {path} ({path.stat().st_size / 2**20:.0f} MiB, {args.rows:,} rows, {args.classes} classes)")
    t_ours, m_ours, got = timed(ours, path, args.classes)
    t_ref, m_ref, ref = timed(reference, path, args.classes)
    t_page, m_page, evaluated = timed(page, path, args.classes)
    diff = max_diff(got["e"], ref)
    print(f"{'':32} {'seconds':>8} {'peak MiB':>9}")
    print(f"{'core (read + evaluate + curves)':32} {t_ours:8.2f} {m_ours:9.0f}")
    print(f"{'page (+ live check vs sklearn)':32} {t_page:8.2f} {m_page:9.0f}")
    print(f"{'scikit-learn (read + calls)':32} {t_ref:8.2f} {m_ref:9.0f}")
    print(f"ratio core / scikit-learn: time {t_ours / t_ref:.2f}, peak memory {m_ours / m_ref:.2f}")
    print(f"max |diff| against scikit-learn: {diff:.1e}; the page's own live check: {evaluated.check[1]:.1e}")
    del got, ref, evaluated
    gc.collect()
    t_cli, rss_cli = subprocess_run("module", "core.metrics", str(path))
    t_cli_ref, rss_ref = subprocess_run("code", REFERENCE_SCRIPT, str(path))
    print(f"CLI python -m core.metrics FILE: {t_cli:.2f} s, peak RSS {rss_cli:.0f} MiB")
    print(f"scikit-learn script, same figures: {t_cli_ref:.2f} s, peak RSS {rss_ref:.0f} MiB")
    print(f"ratio CLI / scikit-learn script: time {t_cli / t_cli_ref:.2f}, peak RSS {rss_cli / rss_ref:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

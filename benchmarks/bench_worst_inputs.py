"""Every page's worst accepted input: the links (and clicks) that make a page's rerun do the most work while
the page still accepts them, each timed in a fresh process.

    python benchmarks/bench_worst_inputs.py [--page SLUG] [--repeat N] [--timeout 600] [--count-imports]

For every page of ``ui.navigation.PAGES`` the dicts below list a few candidate links: the largest values
its URL keys and widgets accept (slider ends, the longest accepted text, the most strategies, models or
steps at once). A candidate may also set widgets and click a button after the page opens (a retraining).
Update a page's dict when its limits change: the dicts are the only place the candidates are written.

Each candidate runs in a fresh child process, so the shared store (``ui.compute.shared``) is cold. The child
opens the page as ``tests/test_fuzz_links.py``'s ``open_with_link`` does: ``app.py`` with the link's
parameters (the home page's run: the app's import, not measured), then the page with the parameters again
(measured). Before the measured run the child imports the ``ui`` and ``core`` modules the page imports
(torch, pandas ...): a server has them loaded after its first visitor; ``--count-imports`` counts them.
Measured, per candidate: the wall seconds of the page's slowest run (the run after the clicks, if any),
that run's CPU seconds (all the process's threads: the shared workers' too), and the growth of the child's
peak RSS (``ru_maxrss``) from before the page's first run to after its last. The status says whether the
page showed an exception, a traceback, an error box (its text shortened), or a toast that a link value was
ignored (then the candidate is no longer accepted: a budget refused it, update the dict). Runs over 10 s
(the issue's bound for a rerun) are flagged.

Safety on a shared machine: a child's address space is limited (``--max-vm-gb``, an allocation past it fails
in the child as the page's MemoryError, reported in the status) and the child is killed when its RSS passes
``--max-rss-mb`` or its wall time ``--timeout``. The machine is shared (2 cores, other jobs): figures are
noisy; the load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLOW_S = 10.0  # the bound for one rerun of a page
#: texts of an allocation refused by the child's address-space limit (the page asked for too much memory)
MEMORY_FAILURES = ("can't allocate memory", "Cannot allocate memory", "MemoryError")

# --- the candidates: one dict per page ---------------------------------------------------------------------
# name -> {"link": the URL's parameters, "then": widgets set and buttons clicked after the page opens}
# "then" items: ("slider" | "select_slider" | "number_input" | ..., key, value) or ("button", key)

HOME = {
    "plain link": {"link": {}},
    "Chinese": {"link": {"lang": "zh"}},
}

_WIDE_THEN_GELU = "\n".join(["Linear(4096, 4096)"] + ["GELU()"] * 11)  # 12 layers: the chain's limit
_NARROW_THEN_GELU = "\n".join(["Linear(1, 20)", "LayerNorm(20)"] + ["GELU()"] * 10)
PYTORCH_BASICS = {
    # refused since issue 20 (kept to show the refusal is cheap): 16.4 GB of output before
    "refused: Linear(1, 4096) on 1e6 elements": {
        "link": {"pb_chain": "Linear(1, 4096)", "pb_chain_input": "61, 4, 4096, 1"},
    },
    # the worst the budget lets through (core.budget: 2e7 elements of any tensor and of all parameters
    # together, 2e9 multiply-adds)
    "widest accepted: Linear(4096, 4096) + 11 GELU on 118 x 4096": {
        "link": {"pb_chain": _WIDE_THEN_GELU, "pb_chain_input": "118, 4096"},  # 1.98e9 multiply-adds
    },
    "longest accepted: Linear(1, 20), LayerNorm, 10 GELU on 1e6 elements": {
        "link": {"pb_chain": _NARROW_THEN_GELU, "pb_chain_input": "1000, 1000, 1"},  # 2e7 elements
    },
    "widest output under 2e7 elements (2 x 2441 x 1 -> x 4096)": {
        "link": {"pb_chain": "Linear(1, 4096)", "pb_chain_input": "2, 2441, 1"},  # 19,996,672 elements
    },
    "training: digits, 150 epochs, lr 0.1": {
        "link": {"pb_dataset": "digits", "pb_epochs": "150", "pb_lr": "0.1"},
    },
    "largest repeat-family maps": {
        "link": {
            "pb_in_shape": "4, 4, 4",
            "pb_repeat": "4, 4, 4, 4, 4",
            "pb_tile": "4, 4, 4, 4, 4",
            "pb_ri_repeats": "4",
            "pb_ri_dim": "None",
            "pb_expand": "4, 4, 4, 4, 4",
            "pb_op": "tile",
        },
    },
}

_CE_LOGITS = "\n".join(", ".join(f"{(r * 7 + c * 3) % 11 - 5:.1f}" for c in range(10)) for r in range(20))
LOSSES = {
    "most noise and outliers, smallest SVM lambda": {
        "link": {"ls_noise": "0.4", "ls_outliers": "30", "ls_reg_outliers": "15", "ls_svm_lam": "0.001"},
    },
    "largest CE batch (20 x 10), 200 epochs, x10,000": {
        "link": {
            "ls_ce_logits": _CE_LOGITS,
            "ls_ce_target": ", ".join(str(r % 10) for r in range(20)),
            "ls_ce_weight": ", ".join(["1"] * 10),
            "ls_ce_reduction": "none",
            "ls_ce_smoothing": "0.5",
            "ls_epochs": "200",
            "ls_scale": "10000",
        },
    },
}

_ALL_OPTIMIZERS = "SGD,Adagrad,Adadelta,RMSprop,Adam,NAdam,AdamW"
OPTIMIZERS = {
    "7 optimizers x 5000 steps, AdamW form 10,000 steps": {
        "link": {"opt": _ALL_OPTIMIZERS, "steps": "5000", "form": "adamw", "xp": "wd_steps:10000"},
    },
    "7 x 5000 steps, fair tuning, AMSGrad form 5000 steps": {
        "link": {
            "opt": _ALL_OPTIMIZERS,
            "steps": "5000",
            "fair": "1",
            "form": "amsgrad",
            "xp": "ams_steps:5000",
        },
    },
    # the model's replay is bounded by core.budget's optimizer_steps (12,000): 7 x 34 epochs x 50 batches
    "model: 7 optimizers, 34 epochs, batch 8": {
        "link": {"opt": _ALL_OPTIMIZERS, "xp": "model_epochs:34;model_batch:8"},
    },
    "refused: model with 7 optimizers, 100 epochs, batch 8": {
        "link": {"opt": _ALL_OPTIMIZERS, "xp": "model_epochs:100;model_batch:8"},
    },
    "all of it at once, on rastrigin": {
        "link": {
            "surface": "rastrigin",
            "opt": _ALL_OPTIMIZERS,
            "steps": "5000",
            "fair": "1",
            "form": "adamw",
            "xp": "wd_steps:10000;model_epochs:34;model_batch:8",
        },
    },
}

ATTENTION = {
    "longest accepted date text (40 chars), every key at its largest": {
        "link": {
            "att_text": "Wednesday, the 30th of September of 2026",
            "att_model": "luong-concat",
            "att_step": "11",
            "att_window": "12",
            "att_pg_score": "dot",
            "att_pg_keys": "\n".join(["1, 2, 3"] * 6),
        },
    },
    "retrain the date model: 600 steps": {
        "link": {},
        "then": [("slider", "att_retrain_steps", 600), ("button", "att_retrain")],
    },
    "retrain the Luong concat date model: 600 steps": {
        "link": {"att_model": "luong-concat"},
        "then": [("slider", "att_retrain_steps", 600), ("button", "att_retrain")],
    },
    "retrain the long-input models: 800 steps, length 60": {
        "link": {},
        "then": [
            ("slider", "att_long_length", 60),
            ("slider", "att_long_steps", 800),
            ("button", "att_long_retrain"),
        ],
    },
}

FINETUNE = {
    "every strategy at 'all' examples": {
        "link": {
            "ft_live": "scratch,linear_probe,full,head_lr,discriminative",
            "ft_size": "all",
            "ft_seed": "7",
        },
    },
}

NORMALIZATION = {
    "largest image shape, most running batches": {
        "link": {
            "norm_layout": "image",
            "norm_n": "4",
            "norm_c": "8",
            "norm_h": "4",
            "norm_w": "4",
            "norm_groups": "8",
            "norm_batch": "64",
            "norm_batches": "400",
            "norm_cumulative": "True",
        },
    },
    "largest sequence shape": {
        "link": {"norm_layout": "sequence", "norm_n": "4", "norm_l": "8", "norm_d": "8", "norm_groups": "1"},
    },
    "retrain a cell: batch norm, batch 2, seed 2": {
        "link": {"norm_cell_norm": "batch", "norm_cell_batch": "2", "norm_cell_seed": "2"},
        "then": [("button", "norm_retrain")],
    },
    "retrain a cell: group norm, batch 2, seed 2": {
        "link": {"norm_cell_norm": "group", "norm_cell_batch": "2", "norm_cell_seed": "2"},
        "then": [("button", "norm_retrain")],
    },
}

_METRICS_CALIBRATION = {"metrics_calibration_strategy": "quantile", "metrics_calibration_bins": "20"}
METRICS = {
    **{
        f"largest example, {view} view": {
            "link": {"metrics_example": "imbalanced", "metrics_view": view, **_METRICS_CALIBRATION},
        }
        for view in ("roc", "pr", "ks", "hist", "metrics")
    },
    "two models, second one, metrics view": {
        "link": {
            "metrics_example": "two_models",
            "metrics_model": "naive_bayes",
            "metrics_view": "metrics",
            **_METRICS_CALIBRATION,
        },
    },
}

CANDIDATES: dict[str, dict[str, dict[str, Any]]] = {
    "home": HOME,
    "attention": ATTENTION,
    "pytorch_basics": PYTORCH_BASICS,
    "normalization": NORMALIZATION,
    "finetune": FINETUNE,
    "losses": LOSSES,
    "optimizers": OPTIMIZERS,
    "metrics": METRICS,
}


# --- the child: one candidate in a fresh process ---------------------------------------------------------


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB (Linux)


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def import_page_modules(page_path: Path) -> None:
    """Import the ``ui`` and ``core`` modules the page imports (and so torch, pandas ...)."""
    for node in ast.walk(ast.parse(page_path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        for name in names:
            if name.split(".")[0] in ("ui", "core"):
                try:
                    importlib.import_module(name)
                except ImportError:  # ``from ui.x import a_function``: not a module
                    pass


def problems_of(at: Any) -> dict[str, list[str]]:
    """What the page showed that a visitor must not see, or that says the input was refused."""
    tracebacks, memory = [], []
    for element in [*at.main, *at.sidebar]:
        text = getattr(element, "value", None)
        if isinstance(text, str) and "Traceback (most recent call last)" in text:
            tracebacks.append(text)
        if isinstance(text, str) and any(s in text for s in MEMORY_FAILURES):
            memory.append(text)  # caught by the page: shown as a result (torch's error in a chain, say)
    return {
        "exception": [str(e.value) for e in at.exception],
        "traceback": tracebacks,
        "memory": memory,
        "error": [str(e.value) for e in at.error],
        "toast": [str(e.value) for e in at.toast],
    }


def apply(at: Any, action: list[Any]) -> None:
    kind, key, *value = action
    widget = getattr(at, kind)(key=key)
    if kind == "button":
        widget.click()
    else:
        widget.set_value(value[0])


def wait_for_background_jobs(timeout: float) -> float:
    """Seconds until the jobs a click started on the shared pool (a retraining: ``ui.compute.start``) end,
    after the page's run returned; 0 when none runs. The page's run does not wait for them, the server's
    cores do the work all the same: the table shows both."""
    from ui.compute import _results

    store, start = _results(), time.perf_counter()
    if not store.running_jobs():
        return 0.0
    while store.running_jobs() and time.perf_counter() - start < timeout:
        time.sleep(0.1)
    return time.perf_counter() - start


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """Open the page from the link (as ``tests/test_fuzz_links.open_with_link``), then apply ``then``."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP

    link, timeout = spec["link"], spec["timeout"]
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params["lang"] = "en"  # open_with_link's order: the language, then the link's keys
    for key, value in link.items():
        at.query_params[key] = value
    at.run()  # the app's import and the home page: not measured
    if not spec["count_imports"]:
        import_page_modules(ROOT / spec["page"])
    before_mb = peak_mb()
    runs: list[tuple[float, float]] = []
    result: dict[str, Any] = {"runs": runs}
    try:
        at.switch_page(spec["page"])
        for key, value in link.items():
            at.query_params[key] = value
        start, cpu = time.perf_counter(), cpu_s()
        at.run()
        runs.append((time.perf_counter() - start, cpu_s() - cpu))
        if spec["then"]:
            for action in spec["then"]:
                apply(at, action)
            start, cpu = time.perf_counter(), cpu_s()
            at.run()
            runs.append((time.perf_counter() - start, cpu_s() - cpu))
        result["shown"] = problems_of(at)
        result["job_s"] = wait_for_background_jobs(spec["timeout"])
    except Exception as error:  # AppTest's timeout, or the run itself failing
        result["failed"] = f"{type(error).__name__}: {error}"
    result["mb"] = peak_mb() - before_mb
    return result


# --- the parent: a child per candidate, watched ----------------------------------------------------------


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_child(spec: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """One candidate in a fresh process; killed past ``--timeout`` or ``--max-rss-mb``."""
    max_vm = int(args.max_vm_gb * 2**30)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (max_vm, max_vm))

    command = [sys.executable, __file__, "--child", json.dumps(spec)]
    proc = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limit
    )
    deadline, killed, top = time.monotonic() + args.timeout + 120, None, 0.0
    while proc.poll() is None:
        top = max(top, rss_mb(proc.pid))
        if top > args.max_rss_mb:
            killed = f"killed: RSS over {args.max_rss_mb:,.0f} MB"
        elif time.monotonic() > deadline:
            killed = f"killed: over {args.timeout + 120:.0f} s"
        if killed:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.1)
    stdout, stderr = proc.communicate()
    if killed:
        return {"runs": [], "mb": top, "failed": killed}
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        tail = stderr.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        return {"runs": [], "mb": top, "failed": f"child died: {tail[0]}"}
    return json.loads(lines[-1][len("RESULT ") :])


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def status_of(result: dict[str, Any]) -> str:
    if "failed" in result:
        return shorten(result["failed"], 70)
    shown = result["shown"]
    parts = []
    for kind in ("memory", "exception", "traceback", "error", "toast"):
        for text in shown[kind]:
            if kind == "memory":
                asked = re.search(r"allocate (\d+) bytes", text)
                text = f"{int(asked[1]) / 2**30:.1f} GiB asked" if asked else text
            label = {"memory": "OVER --max-vm-gb", "error": "error box", "toast": "ignored"}.get(
                kind, kind.upper()
            )
            parts.append(f"{label}: {shorten(text, 50)}")
    return "; ".join(parts) or "ok"


def link_text(candidate: dict[str, Any]) -> str:
    text = "?" + urlencode(candidate["link"]) if candidate["link"] else "(plain link)"
    for action in candidate.get("then", []):
        kind, key, *value = action
        text += f" + click {key}" if kind == "button" else f" + {key}={value[0]}"
    return text


def measure(page: Any, name: str, candidate: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    spec = {
        "page": page.path,
        "link": candidate["link"],
        "then": candidate.get("then", []),
        "timeout": args.timeout,
        "count_imports": args.count_imports,
    }
    results = [run_child(spec, args) for _ in range(args.repeat)]
    worst_runs = [max(r["runs"]) if r["runs"] else (float("nan"), float("nan")) for r in results]
    seconds = [s for s, _ in worst_runs]
    return {
        "page": page.slug,
        "name": name,
        "link": link_text(candidate),
        "seconds": statistics.median(seconds),
        "range": (min(seconds), max(seconds)),
        "cpu": statistics.median(c for _, c in worst_runs),
        "mb": statistics.median(r["mb"] for r in results),
        "job": statistics.median(r.get("job_s", 0.0) for r in results),
        "status": status_of(results[-1]),
        "runs": [round(s, 2) for s, _ in results[-1]["runs"]],
    }


def print_row(row: dict[str, Any], repeat: int) -> None:
    flag = f"> {SLOW_S:.0f} s" if row["seconds"] > SLOW_S or row["seconds"] != row["seconds"] else ""
    spread = f" {row['range'][0]:>6.2f}-{row['range'][1]:<6.2f}" if repeat > 1 else ""
    print(
        f"{row['page']:<15} {shorten(row['name'], 52):<52} {row['seconds']:>7.2f}{spread} {row['cpu']:>7.2f} "
        f"{row['mb']:>7.0f} {row['job']:>7.1f}  {flag:<6} {row['status']}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", help="one page's slug (default: every page)")
    parser.add_argument("--repeat", type=int, default=1, help="fresh processes per candidate (median shown)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a page run may take (AppTest)")
    parser.add_argument("--count-imports", action="store_true", help="count the page's module imports")
    parser.add_argument("--max-rss-mb", type=float, default=8000, help="kill a child past this RSS")
    parser.add_argument("--max-vm-gb", type=float, default=16, help="a child's address-space limit")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # the measuring child process
    args = parser.parse_args()
    if args.child is not None:
        print("RESULT " + json.dumps(child(json.loads(args.child))), flush=True)
        return 0

    from ui.navigation import PAGES

    pages = [p for p in PAGES if args.page in (None, p.slug)]
    if not pages:
        parser.error(f"no page {args.page!r}: one of {', '.join(p.slug for p in PAGES)}")
    if not 1 <= args.repeat <= 10:
        parser.error("--repeat: 1 to 10")
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average at start: {load} on {os.cpu_count()} cores (a shared machine: figures are noisy)")
    imports = "counted" if args.count_imports else "excluded (imported before the measured run)"
    median = f" (median of {args.repeat} processes)" if args.repeat > 1 else ""
    print(f"seconds and CPU s: the page's slowest run; MB: peak RSS growth{median}; page imports {imports}")
    print()
    spread = f" {'range s':^13}" if args.repeat > 1 else ""
    print("job s: seconds a job the click started on the shared pool ran on after the page's run returned")
    columns = f"{'seconds':>7}{spread} {'CPU s':>7} {'MB':>7} {'job s':>7}"
    print(f"{'page':<15} {'input':<52} {columns}  {'flag':<6} status")
    rows = []
    for page in pages:
        for name, candidate in CANDIDATES.get(page.slug, {}).items():
            row = measure(page, name, candidate, args)
            rows.append(row)
            print_row(row, args.repeat)
    print()
    print("the inputs (links: ?key=value of the page's URL; + what is set or clicked after it opens):")
    for row in rows:
        runs = f" [runs: {', '.join(f'{s:.1f} s' for s in row['runs'])}]" if len(row["runs"]) > 1 else ""
        print(f"  {row['page']} / {row['name']}: {row['link']}{runs}")
    slow = [r for r in rows if r["seconds"] > SLOW_S or r["seconds"] != r["seconds"]]
    print()
    print(f"over {SLOW_S:.0f} s (or no run finished): {len(slow)} of {len(rows)}")
    print(f"load average at the end: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

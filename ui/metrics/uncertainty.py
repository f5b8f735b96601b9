"""The metrics page's uncertainty (issue 24): stratified bootstrap intervals beside AUC, AP and KS and the
metrics at the explorer's threshold, and pointwise bands on the ROC and PR charts.

The bootstrap is drawn from the model's table of counts per distinct score (``core.metrics.bootstrap``,
O(distinct scores) per replicate) and goes through ``ui.compute.shared``: every visitor asking for the
same model, replicates and seed shares one computation (a bundled example's for everyone, an upload's
keyed by its file). The number of replicates is a capped choice (URL ``metrics_n_boot``), reduced further
for a table of many distinct scores so that a rerun stays within seconds; the seed is a number (URL
``metrics_boot_seed``). The first replicate is checked live: its resampled rows (rebuilt from its table)
against ``sklearn.metrics.roc_auc_score`` and ``average_precision_score``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core.metrics import THRESHOLD_METRICS, Bootstrap, Evaluation, bootstrap, threshold_intervals
from ui.compute import shared
from ui.format import fmt_fixed
from ui.i18n import translator
from ui.layout import error_box, notes_corrections, reference_check
from ui.state import mirror_into_url, seed_from_url, url_choice

NS = "metrics"
ANCHOR = "uncertainty"
N_BOOT_OPTIONS = ("200", "500", "1000", "2000")
N_BOOT_DEFAULT = "1000"
MAX_CELLS = 10_000_000  # replicates x distinct scores per computation (~3 s here with the bands)
MAX_SEED = 1_000_000
CHECK_ROWS = 1_000_000  # the first replicate is expanded into rows for the live check up to this many
N_POINTS = 101  # the bands' grid: FPR (ROC) and recall (PR) 0, 0.01, ..., 1
CURVE_METRICS = ("roc_auc", "average_precision", "ks")
LEVEL = 0.95


@dataclass(frozen=True)
class Keyed:
    """A model's Evaluation keyed by its source, mapping and model (what ``shared`` hashes), not by
    its arrays."""

    key: tuple[Any, ...]
    evaluation: Evaluation = field(compare=False, hash=False)


def _first_check(result: Bootstrap) -> tuple[float, int]:
    """The first replicate's AUC and AP against scikit-learn's on its rows: (max |diff|, rows)."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    table = result.first
    n = int(table.n_pos + table.n_neg)
    if n > CHECK_ROWS:
        return math.nan, n
    labels = np.repeat([True, False], [int(table.n_pos), int(table.n_neg)])
    scores = np.repeat(
        np.concatenate((table.scores, table.scores)), np.concatenate((table.positives, table.negatives))
    )
    diff = max(
        abs(roc_auc_score(labels, scores) - result.first_values["roc_auc"]),
        abs(average_precision_score(labels, scores) - result.first_values["average_precision"]),
    )
    return float(diff), n


def curves_bootstrap(
    table: Keyed, n_boot: int, seed: int, progress: Any = None
) -> tuple[Bootstrap, tuple[float, int]]:
    """AUC, AP and KS intervals and the ROC / PR bands (one pass), with the first replicate's check."""
    result = bootstrap(
        table.evaluation,
        CURVE_METRICS,
        n_boot=n_boot,
        level=LEVEL,
        seed=seed,
        n_points=N_POINTS,
        progress=progress,
    )
    return result, _first_check(result)


def threshold_bootstrap(
    table: Keyed, threshold: float, n_boot: int, seed: int
) -> dict[str, tuple[float, float]]:
    return threshold_intervals(table.evaluation, threshold, n_boot=n_boot, level=LEVEL, seed=seed)


# ---------------------------------------------------------------- settings


def _flag(value: str) -> bool:
    if value not in ("True", "False"):
        raise ValueError(value)
    return value == "True"


def _seed(value: str) -> int:
    number = int(value)
    if not 0 <= number <= MAX_SEED:
        raise ValueError(value)
    return number


@dataclass(frozen=True)
class Settings:
    on: bool
    n_boot: int  # after the cap for this table
    asked: int  # what the widget asked for
    seed: int


def settings(ev: Evaluation) -> Settings:
    """The widget values as session state holds them (drawn by :func:`section`)."""
    asked = int(st.session_state.get("metrics_n_boot") or N_BOOT_DEFAULT)
    cap = MAX_CELLS // max(ev.thresholds.size, 1)
    return Settings(
        bool(st.session_state.get("metrics_bootstrap", False)),
        min(asked, cap),
        asked,
        int(st.session_state.get("metrics_boot_seed", 0)),
    )


def table_of(report: Any) -> Keyed:
    """The shown model's Evaluation, keyed for ``shared``."""
    kept = report.kept
    return Keyed((kept.source_id, kept.mapping, report.model), report.evaluation)


def _curves(report: Any, s: Settings) -> tuple[Bootstrap, tuple[float, int]] | None:
    """The shared bootstrap of the model's curves, or None (off, weighted, or too many distinct scores)."""
    if not s.on or report.evaluation.weighted or s.n_boot < 2:
        return None
    tr = translator(NS)
    return shared(
        curves_bootstrap,
        table_of(report),
        s.n_boot,
        s.seed,
        describe=lambda done, total, info: tr("boot_progress", done=f"{done:,}", total=f"{total:,}"),
    )


# ---------------------------------------------------------------- drawing


def section(report: Any) -> None:
    """The Uncertainty section under the headline: its settings and the AUC / AP / KS intervals."""
    tr = translator(NS)
    ev = report.evaluation
    st.subheader(tr("uncertainty"), anchor=ANCHOR)
    notes_corrections(NS, ANCHOR)
    c1, c2, c3 = st.columns([2, 2, 1])
    seed_from_url("metrics_bootstrap", False, _flag)
    c1.toggle(tr("boot_toggle"), key="metrics_bootstrap", help=tr("boot_toggle_help"))
    url_choice("metrics_n_boot", list(N_BOOT_OPTIONS), N_BOOT_DEFAULT)
    c2.segmented_control(tr("boot_n"), options=list(N_BOOT_OPTIONS), key="metrics_n_boot")
    seed_from_url("metrics_boot_seed", 0, _seed)
    c3.number_input(tr("boot_seed"), min_value=0, max_value=MAX_SEED, step=1, key="metrics_boot_seed")
    mirror_into_url(
        "metrics_bootstrap",
        "metrics_boot_seed",
        defaults={"metrics_bootstrap": False, "metrics_boot_seed": 0},
    )
    s = settings(ev)
    if not s.on:
        st.caption(tr("boot_off"))
        return
    if ev.weighted:
        st.info(tr("error_bootstrap_weighted"))
        return
    if s.n_boot < 2:
        st.info(tr("boot_too_many_scores", n=f"{ev.thresholds.size:,}"))
        return
    if s.n_boot < s.asked:
        st.caption(
            tr("boot_capped", n=f"{s.n_boot:,}", asked=f"{s.asked:,}", scores=f"{ev.thresholds.size:,}")
        )
    try:
        result, (diff, rows) = _curves(report, s)
    except ValueError as err:  # over the server's budget
        error_box(err)
        return
    st.markdown(tr("boot_intro", n=f"{s.n_boot:,}", seed=s.seed))
    st.dataframe(interval_table(report, result), hide_index=True, width="stretch")
    st.caption(tr("boot_ks_note"))
    if math.isnan(diff):
        st.caption(tr("boot_check_skipped", rows=f"{rows:,}"))
    else:
        reference_check(tr("boot_check", rows=f"{rows:,}"), diff, 1e-12)


def interval_table(report: Any, result: Bootstrap) -> pd.DataFrame:
    tr = translator(NS)
    ev = report.evaluation
    ci = report.kept.cis.get(report.model)
    names = {"roc_auc": tr("auc"), "average_precision": tr("ap"), "ks": tr("ks")}
    rows = []
    for metric in CURVE_METRICS:
        low, high = result.intervals[metric]
        delong = f"[{fmt_fixed(ci[0])}, {fmt_fixed(ci[1])}]" if metric == "roc_auc" and ci else "—"
        rows.append(
            (names[metric], fmt_fixed(getattr(ev, metric)), f"[{fmt_fixed(low)}, {fmt_fixed(high)}]", delong)
        )
    columns = [tr("metric"), tr("value"), tr("boot_interval"), tr("delong_interval")]
    return pd.DataFrame(rows, columns=columns)


def threshold_caption(report: Any, threshold: float) -> None:
    """Under the explorer's rates: each metric's interval at this threshold (two binomials a replicate)."""
    s = settings(report.evaluation)
    if not s.on or report.evaluation.weighted or s.n_boot < 2:
        return
    tr = translator(NS)
    intervals = shared(threshold_bootstrap, table_of(report), float(threshold), s.asked, s.seed)
    parts = [
        f"{tr(f'm_{m}')} [{fmt_fixed(intervals[m][0])}, {fmt_fixed(intervals[m][1])}]"
        for m in THRESHOLD_METRICS
    ]
    st.caption(tr("boot_threshold", n=f"{s.asked:,}", intervals=" · ".join(parts)))


def banded(view: Any, report: Any, which: str | None) -> Any:
    """The explorer's ROC or PR chart with the model's pointwise band under its curve (when on)."""
    if view is None or which not in ("roc", "pr") or not st.session_state.get("metrics_bands", True):
        return view
    s = settings(report.evaluation)
    curves = _curves(report, s) if s.on and s.n_boot >= 2 and not report.evaluation.weighted else None
    if curves is None:
        return view
    result = curves[0]
    tr = translator(NS)
    low, high = (result.roc_low, result.roc_high) if which == "roc" else (result.pr_low, result.pr_high)
    band = pd.DataFrame(
        {"x": result.grid, "low": low, "high": high, "band": tr("boot_band", n=f"{s.n_boot:,}")}
    )
    area = (
        alt.Chart(band)
        .mark_area(opacity=0.25, color="#888888", interpolate="linear")
        .encode(
            x=alt.X("x:Q"),
            y=alt.Y("low:Q"),
            y2=alt.Y2("high:Q"),
            tooltip=[
                alt.Tooltip("band:N"),
                alt.Tooltip("x:Q", format=".2f"),
                alt.Tooltip("low:Q", format=".4f"),
                alt.Tooltip("high:Q", format=".4f"),
            ],
        )
    )
    data = pd.concat(
        [view.data, band.rename(columns={"low": "band_low", "high": "band_high"})], ignore_index=True
    )
    caption = tr(f"boot_band_caption_{which}", n=f"{s.n_boot:,}")
    caption = caption if view.caption is None else f"{view.caption} {caption}"
    return type(view)(alt.layer(area, view.chart), data, view.key, caption)


def bands_toggle() -> None:
    """The chart's band switch (shown only while the bootstrap is on)."""
    if not st.session_state.get("metrics_bootstrap", False):
        return
    seed_from_url("metrics_bands", True, _flag)
    st.toggle(translator(NS)("boot_bands"), key="metrics_bands")
    mirror_into_url("metrics_bands", defaults={"metrics_bands": True})


def report_block(report: Any, threshold: float) -> dict[str, Any] | None:
    """The shown model's ``"bootstrap"`` block for the page's JSON report (the command line's schema): the
    intervals the page shows (AUC, AP, KS from the shared replicates; the metrics at ``threshold``)."""
    s = settings(report.evaluation)
    curves = _curves(report, s) if s.on and s.n_boot >= 2 and not report.evaluation.weighted else None
    if curves is None:
        return None
    at_threshold = shared(threshold_bootstrap, table_of(report), float(threshold), s.asked, s.seed)
    intervals = {m: {"low": low, "high": high} for m, (low, high) in curves[0].intervals.items()}
    intervals |= {m: {"low": low, "high": high} for m, (low, high) in at_threshold.items()}
    return {
        "method": "stratified percentile bootstrap",
        "n_boot": s.n_boot,
        "n_boot_at_threshold": s.asked,
        "level": LEVEL,
        "seed": s.seed,
        "threshold": float(threshold),
        "intervals": intervals,
    }

"""What the metrics page draws, section by section, from a kept summary (``ui.metrics.kept``): texts with
their numbers, display frames, charts, downloads. The page only reads its widgets and draws these.

Nothing here changes a :class:`~ui.metrics.kept.KeptSource`: a bundled example's is shared by every
visitor (``ui.compute.shared``), and an upload's is kept in its session. The full-resolution ROC and
PR curves an Evaluation computes on first use are computed on a private copy of it, decimated into the
display frames and dropped with the copy. A bundled example's frames and calibration figures are the same
for every visitor: they go through ``ui.compute.shared`` too; an upload's stay in its session
(``ui.state.session_memo``).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from core.metrics import (
    Confusion,
    Evaluation,
    brier_score_loss,
    calibration_bin_rows,
    calibration_curve,
    confusion_frame,
    counts_of,
    curve_frame,
    expected_calibration_error,
    gains_frame,
    histogram_frame,
    ks_frame,
    ks_gap,
    log_loss,
    metrics_frame,
    model_entry,
    report_json,
    summary_row,
)
from ui.compute import shared
from ui.format import fmt_fixed, round_up
from ui.i18n import current_language, translator
from ui.metrics import charts
from ui.metrics.kept import (  # noqa: F401  (CALIBRATION_*: the calibration section's choices, for the page)
    CALIBRATION_BINS,
    CALIBRATION_STRATEGIES,
    PAIRWISE_LIMIT,
    KeptSource,
    example_summary,
)
from ui.metrics.report import html_report
from ui.metrics.report_blocks import block_strings, blocks
from ui.state import link_value_ignored, session_memo

NS = "metrics"
NONE = "—"  # no weight column
METRIC_NAMES = ("precision", "recall", "f1", "accuracy", "specificity")  # the metrics-vs-threshold lines
REPORT_STRINGS = (
    "report_title",
    "report_source",
    "report_summary",
    "compare",
    "threshold",
    "tab_roc",
    "tab_pr",
    "tab_ks",
    "tab_hist",
    "fpr",
    "tpr",
    "recall",
    "precision",
    "score",
    "cdf",
    "ks_gap",
    "count",
    "perfect",
    "random",
    "depth",
    "captured",
    "lift",
    "gains",
)
# the formulas the explorer and the AUC section write out
RATES_LATEX = (
    r"\mathrm{Accuracy}=\frac{TP+TN}{TP+FP+FN+TN},\quad \mathrm{Precision}=\frac{TP}{TP+FP},"
    r"\quad \mathrm{Recall}=TPR=\frac{TP}{TP+FN},\quad FPR=\frac{FP}{FP+TN}"
)
AUC_LATEX = (
    r"\mathrm{AUC}=\frac{\sum_{i\in pos}\mathrm{rank}_i-\frac{M(M+1)}{2}}{M\,N}",
    r"\mathrm{AUC}=\frac{1}{MN}\sum_{p\in pos}\sum_{n\in neg}"
    r"\Big[\mathbb 1(s_p>s_n)+\tfrac12\mathbb 1(s_p=s_n)\Big]",
    r"\mathrm{Gini}=2\,\mathrm{AUC}-1,\qquad \mathrm{KS}=\max_t\big|TPR(t)-FPR(t)\big|",
)


# ---------------------------------------------------------------- the file's header


def header(kept: KeptSource) -> tuple[str | None, str | None, str]:
    """The warning of dropped rows (or None), the caption of DuckDB's groups (or None) and the caption of
    what was read."""
    tr = translator(NS)
    evaluations, models = kept.evaluations, kept.models
    dropped = tr("dropped", n=f"{kept.n_dropped:,}") if kept.n_dropped else None
    groups = None
    if kept.aggregated:
        groups = tr("files_kept", groups=f"{sum(e.thresholds.size for e in evaluations.values()):,}")
    if kept.count_column is not None:  # an aggregated table: its lines are not the rows it stands for
        loaded = tr(
            "loaded_counts",
            lines=f"{kept.n_rows:,}",
            rows=f"{int(evaluations[models[0]].confusion.total):,}",  # TP + FP + FN + TN: the counts' sum
            column=kept.count_column,
            pos=kept.pos_label,
            models="`, `".join(models),
        )
    else:
        loaded = tr(
            "loaded",
            rows=f"{kept.n_rows:,}",
            pos=kept.pos_label,
            models="`, `".join(models),
            weight=f"`{kept.fields['weight_column']}`" if kept.fields["weight_column"] else NONE,
        )
    return dropped, groups, loaded


def mapping_used(kept: KeptSource) -> str | None:
    """The mapping a kept file was read with (None for a table handed over by another page)."""
    if kept.guess is None:
        return None
    label, scores, weight, _pos_label, _drop = kept.mapping
    tr = translator(NS)
    return tr(
        "mapping_used",
        label=label,
        scores="`, `".join(scores),
        weight=f"`{weight}`" if weight else NONE,
        pos=kept.pos_label,
    )


# ---------------------------------------------------------------- the report of one model


@dataclass(frozen=True)
class Report:
    """One model of a kept source, with its display frames and the threshold slider's range."""

    kept: KeptSource
    model: str
    frames: Mapping[str, pd.DataFrame]
    example: Path | None  # a bundled example: figures shared by every visitor
    low: float
    high: float

    @property
    def evaluation(self) -> Evaluation:
        return self.kept.evaluations[self.model]

    @property
    def step(self) -> float:
        return (self.high - self.low) / 1000

    @property
    def default_threshold(self) -> float:
        return float(0.5 if self.low <= 0.5 <= self.high else self.evaluation.ks_threshold)

    def clamp(self, threshold: float) -> float:
        return float(min(max(threshold, self.low), self.high))


def start_slider_afresh(r: Report) -> None:
    """New bounds make a new slider (Streamlit keys a slider's identity on them): start it afresh."""
    bounds = (r.low, r.high, r.step)
    if st.session_state.get("metrics_threshold_bounds") != bounds:
        st.session_state.pop("metrics_threshold", None)
        st.session_state["metrics_threshold_bounds"] = bounds
    check_threshold_link(r)


def check_threshold_link(r: Report) -> None:
    """A link's threshold (the slider is bound to ``?metrics_threshold=``) is used only if it is a finite
    number within the slider's range; otherwise it is taken out of the link and a note says it was ignored
    (Streamlit alone would silently start at the default). Looked at once a session: later the URL holds
    the slider's own value, which a model with other scores may leave out of its new range."""
    if st.session_state.get("metrics_threshold_link_checked"):
        return
    st.session_state["metrics_threshold_link_checked"] = True
    raw = st.query_params.get("metrics_threshold")
    if raw is None:
        return
    try:
        value = float(raw) if len(raw) <= 40 else math.nan
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and r.low <= value <= r.high):
        st.query_params.pop("metrics_threshold", None)
        st.session_state.pop("metrics_threshold", None)
        link_value_ignored("metrics_threshold")


def threshold_bounds(kept: KeptSource) -> tuple[float, float]:
    """The slider's range: from the lowest to the highest score of every model (a point widened)."""
    # Evaluation.thresholds are the distinct (finite) scores, descending.
    lo = min(float(ev.thresholds[-1]) for ev in kept.evaluations.values())
    hi = max(float(ev.thresholds[0]) for ev in kept.evaluations.values())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def frame_labels() -> tuple[str, ...]:
    """The translated names the display frames carry: the five metrics, then the two CDFs and classes."""
    tr = translator(NS)
    names = [tr(f"m_{m}") for m in METRIC_NAMES]
    return (*names, tr("cdf_pos"), tr("cdf_neg"), tr("class_pos"), tr("class_neg"))


def display_frames(
    evaluations: Mapping[str, Evaluation], model: str, labels: tuple[str, ...]
) -> dict[str, pd.DataFrame]:
    """Every curve decimated once per file and model (a threshold move only redraws). The ROC and PR
    curves are computed on private copies of the Evaluations (``roc`` / ``pr`` are cached properties):
    the Evaluations given are left as they are."""
    own = {m: copy.copy(ev) for m, ev in evaluations.items()}
    ev = evaluations[model]
    names = dict(zip(METRIC_NAMES, labels[:5], strict=True))
    return {
        "roc": pd.concat([curve_frame(own[m], "roc", m) for m in own], ignore_index=True),
        "pr": pd.concat([curve_frame(own[m], "pr", m) for m in own], ignore_index=True),
        "ks": ks_frame(ev, (labels[5], labels[6])),
        "histogram": histogram_frame(ev, (labels[7], labels[8])),
        "metrics_vs_threshold": metrics_frame(ev, names),
        "gains": gains_frame(ev),
        "ks_gap": pd.DataFrame([ks_gap(ev)], columns=["threshold", "low", "high"]),
    }


def example_frames(
    path: Path, mapping: tuple[Any, ...], model: str, labels: tuple[str, ...]
) -> dict[str, pd.DataFrame]:
    """:func:`display_frames` of a bundled example (through ``ui.compute.shared``: once for everyone)."""
    return display_frames(shared(example_summary, path, mapping).evaluations, model, labels)


def report(kept: KeptSource, model: str, example: Path | None) -> Report:
    """The report of ``model``: its frames from the shared store (a bundled example) or the session."""
    labels = frame_labels()
    if example is not None:
        frames = shared(example_frames, example, kept.mapping, model, labels)
    else:
        frames = session_memo(
            "frames",
            (kept.source_id, kept.mapping, model, labels),
            lambda: display_frames(kept.evaluations, model, labels),
        )
    return Report(kept, model, frames, example, *threshold_bounds(kept))


@dataclass(frozen=True)
class Headline:
    metrics: list[dict[str, Any]]  # st.metric's arguments, one per column
    interval: str  # DeLong's interval, or why there is none
    bound: str | None  # how far rounding the scores can move the AUC
    inverted: str | None  # the warning of an inverted model


def headline(r: Report) -> Headline:
    """AUC, AP, KS, Gini and prevalence, with the captions under them."""
    tr = translator(NS)
    kept, ev = r.kept, r.evaluation
    ci = kept.cis.get(r.model)
    bound = kept.auc_bounds.get(r.model, 0.0)
    metrics = [
        {
            "label": tr("auc"),
            "value": fmt_fixed(ev.roc_auc),
            # scores rounded before grouping: the AUC of the exact scores is within the bound, beside it
            "delta": None if kept.decimals is None else f"± {round_up(bound):.2g}",
            "delta_color": "off",
            "delta_arrow": "off",
            "help": tr("auc_help"),
        },
        {"label": tr("ap"), "value": fmt_fixed(ev.average_precision), "help": tr("ap_help")},
        {
            "label": tr("ks"),
            "value": fmt_fixed(ev.ks),
            "help": tr("ks_help", threshold=f"{ev.ks_threshold:.4g}"),
        },
        {"label": tr("gini"), "value": fmt_fixed(ev.gini), "help": tr("gini_help")},
        {
            "label": tr("prevalence"),
            "value": f"{ev.prevalence:.2%}",
            "help": tr("prevalence_help", n=f"{ev.n:,}"),
        },
    ]
    interval = (
        tr("auc_ci", low=fmt_fixed(ci[0]), high=fmt_fixed(ci[1]), se=fmt_fixed(ci[2]))
        if ci
        else tr("auc_ci_weighted")
    )
    rounded = None
    if kept.decimals is not None:
        rounded = tr(
            "auc_bound",
            decimals=kept.decimals,
            bound=f"{round_up(bound):.2g}",
            low=f"{math.floor(max(0.0, ev.roc_auc - bound) * 1e4) / 1e4:.4f}",  # widened, never narrowed
            high=f"{math.ceil(min(1.0, ev.roc_auc + bound) * 1e4) / 1e4:.4f}",
        )
    inverted = None
    if ev.ks_direction < 0:
        # KS is two-sided: an inverted model separates the classes, with the negatives on top
        inverted = tr(
            "ks_inverted",
            auc=fmt_fixed(ev.roc_auc),
            flipped=fmt_fixed(1.0 - ev.roc_auc),
            ks=fmt_fixed(ev.ks),
            threshold=f"{ev.ks_threshold:.4g}",
        )
    return Headline(metrics, interval, rounded, inverted)


# ---------------------------------------------------------------- the threshold explorer


@dataclass(frozen=True)
class ChartView:
    chart: alt.TopLevelMixin
    data: pd.DataFrame
    key: str  # the chart's key (and its CSV download's)
    caption: str | None = None


def confusion_view(c: Confusion) -> ChartView:
    """The confusion matrix at a threshold."""
    tr = translator(NS)
    labels = {k: tr(k) for k in ("actual_pos", "actual_neg", "predicted_pos", "predicted_neg")}
    cm = confusion_frame(c, labels)
    titles = {"actual": tr("actual"), "predicted": tr("predicted")}
    return ChartView(charts.confusion_chart(cm, titles=titles), cm, "confusion")


def rates_table(c: Confusion) -> pd.DataFrame:
    """The rates at a threshold, with their formulas (a table of three translated columns)."""
    tr = translator(NS)
    rows = [
        (tr("m_accuracy"), c.accuracy, "(TP + TN) / (TP + FP + FN + TN)"),
        (tr("m_precision"), c.precision, "TP / (TP + FP)"),
        (tr("m_recall"), c.recall, "TP / (TP + FN)"),
        (tr("m_specificity"), c.specificity, "TN / (TN + FP)"),
        (tr("m_fpr"), c.fpr, "FP / (FP + TN)"),
        (tr("m_f1"), c.f1, "2 · P · R / (P + R)"),
        (tr("m_mcc"), c.mcc, "(TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN))"),
    ]
    return pd.DataFrame(
        {
            tr("metric"): [r[0] for r in rows],
            tr("value"): [r[1] for r in rows],
            tr("formula"): [r[2] for r in rows],
        }
    )


def f1_latex(c: Confusion) -> str:
    """F1 written out, with this threshold's precision and recall."""
    return (
        r"F_1=\frac{2}{\frac{1}{\mathrm{Precision}}+\frac{1}{\mathrm{Recall}}}"
        r"=\frac{2\,\mathrm{Precision}\cdot\mathrm{Recall}}{\mathrm{Precision}+\mathrm{Recall}}"
        rf"=\frac{{2\cdot {c.precision:.4f}\cdot {c.recall:.4f}}}{{{c.precision:.4f}+{c.recall:.4f}}}"
        rf"={c.f1:.4f}"
    )


def explorer_chart(r: Report, view: str | None, threshold: float, c: Confusion) -> ChartView | None:
    """The explorer's chart ``view`` (roc, pr, ks, hist, metrics) at ``threshold``; None for no view."""
    tr = translator(NS)
    ev, frames = r.evaluation, r.frames
    point_label = tr("point", threshold=f"{threshold:.4g}")
    rule = {"threshold": tr("threshold")}
    if view == "roc":
        chart = charts.curve_chart(
            frames["roc"],
            x_title=tr("fpr"),
            y_title=tr("tpr"),
            diagonal=True,
            point=(c.fpr, c.recall, point_label),
        )
        return ChartView(chart, frames["roc"], "roc")
    if view == "pr":
        chart = charts.curve_chart(
            frames["pr"],
            x_title=tr("recall"),
            y_title=tr("precision"),
            diagonal=False,
            baseline=ev.prevalence,
            point=(c.recall, c.precision, point_label),
        )
        return ChartView(chart, frames["pr"], "pr", tr("pr_baseline", prevalence=f"{ev.prevalence:.2%}"))
    if view == "ks":
        titles = {"x": tr("score"), "y": tr("cdf"), "gap": tr("ks_gap"), **rule}
        chart = charts.ks_chart(frames["ks"], ks_at=ks_gap(ev), threshold=threshold, titles=titles)
        caption = tr("ks_caption", ks=fmt_fixed(ev.ks), threshold=f"{ev.ks_threshold:.4g}")
        return ChartView(chart, frames["ks"], "ks", caption)
    if view == "hist":
        titles = {"x": tr("score"), "y": tr("count"), **rule}
        chart = charts.histogram_chart(frames["histogram"], threshold=threshold, titles=titles)
        return ChartView(chart, frames["histogram"], "histogram")
    if view == "metrics":
        titles = {"x": tr("threshold"), "y": tr("value"), **rule}
        chart = charts.metrics_vs_threshold_chart(
            frames["metrics_vs_threshold"], threshold=threshold, titles=titles
        )
        return ChartView(chart, frames["metrics_vs_threshold"], "metrics_vs_threshold")
    return None


def downloads(r: Report, threshold: float) -> list[dict[str, Any]]:
    """The download buttons' arguments (``data`` is built when the user clicks, on another thread):
    metrics as JSON and CSV, the per-threshold table and the HTML report, at ``threshold``."""
    tr = translator(NS)
    kept, model, ev, frames = r.kept, r.model, r.evaluation, r.frames
    evaluations, cis, models, comparison = kept.evaluations, kept.cis, kept.models, kept.comparison
    confusions = {m: evaluations[m].confusion_at(threshold) for m in models}
    summaries = [summary_row(m, evaluations[m], cis.get(m), confusions[m]) for m in models]
    entries = {m: model_entry(evaluations[m], confusions[m], cis.get(m)) for m in models}
    if kept.decimals is not None:  # as the command line's --decimals: the rounding and its AUC bound
        for m in models:
            entries[m] |= {"decimals": kept.decimals, "auc_bound": kept.auc_bounds[m]}
    # Deferred downloads are built on another thread: resolve the report's texts and language here.
    strings = {k: tr(k) for k in REPORT_STRINGS} | {"model_name": model}
    lang = current_language()
    # the HTML report is read by people: its tables get the page's column names (the CSV and JSON keep theirs)
    headers = {k: tr(f"col_{k}") for row in summaries for k in row} | {k: tr(f"col_{k}") for k in comparison}
    extra_strings = block_strings(tr)  # the model's band table, built with the report
    fields = {**kept.fields, "threshold": threshold}
    return [
        {
            "label": tr("download_json"),
            "data": lambda: report_json(entries, comparison, **fields),
            "file_name": "metrics.json",
            "mime": "application/json",
            "key": "metrics_download_json",
            "icon": ":material/data_object:",
        },
        {
            "label": tr("download_csv"),
            "data": lambda: pd.DataFrame(summaries).to_csv(index=False),
            "file_name": "metrics.csv",
            "mime": "text/csv",
            "key": "metrics_download_csv",
            "icon": ":material/table:",
        },
        {
            "label": tr("download_thresholds"),
            "data": lambda: pd.DataFrame(ev.threshold_table(max_rows=10_000)).to_csv(index=False),
            "file_name": f"thresholds_{model}.csv",
            "mime": "text/csv",
            "key": "metrics_download_thresholds",
            "icon": ":material/tune:",
            "help": tr("download_thresholds_help"),
        },
        {
            "label": tr("download_html"),
            "data": lambda: html_report(
                kept.name,
                strings,
                [{headers[k]: v for k, v in row.items()} for row in summaries],
                comparison.rename(columns=headers),
                frames,
                threshold=threshold,
                lang=lang,
                extra=blocks(ev, model, extra_strings),
            ),
            "file_name": "metrics_report.html",
            "mime": "text/html",
            "key": "metrics_download_html",
            "icon": ":material/description:",
        },
    ]


# ---------------------------------------------------------------- AUC three ways, gains, several models


@dataclass(frozen=True)
class ThreeWays:
    caption: str | None  # where the row counts come from (a count column, an aggregated table)
    table: pd.DataFrame
    skipped: str | None  # why the pairwise method was not run


def three_ways(r: Report) -> ThreeWays | None:
    """The notes' three AUC computations (from the rows or their counts, when the file was read); None
    with fractional weights."""
    tr = translator(NS)
    kept = r.kept
    aucs = kept.three_ways.get(r.model)
    if aucs is None:
        return None
    caption = None
    if kept.count_column is not None:
        caption = tr("three_ways_counts", column=kept.count_column)
    elif kept.aggregated:
        caption = tr("three_ways_aggregated")
    table = pd.DataFrame(
        {
            tr("method"): [tr("method_trapezoid"), tr("method_rank"), tr("method_pairwise")],
            tr("value"): [
                aucs.trapezoid,
                aucs.rank,
                aucs.pairwise if aucs.pairwise is not None else math.nan,
            ],
        }
    )
    skipped = None
    if aucs.pairwise is None:
        skipped = tr("pairwise_skipped", pairs=f"{aucs.pairs:,}", limit=f"{PAIRWISE_LIMIT:,}")
    return ThreeWays(caption, table, skipped)


def reference(r: Report) -> tuple[str, float]:
    """The live scikit-learn check of the model (run on the rows when they were read): label, max |diff|."""
    tr = translator(NS)
    diff, n_checked = r.kept.checks[r.model]
    return tr("check_reference_table" if r.kept.aggregated else "check_reference", n=f"{n_checked:,}"), diff


def gains(r: Report) -> ChartView:
    tr = translator(NS)
    titles = {k: tr(k) for k in ("perfect", "random", "depth", "captured", "lift")}
    return ChartView(
        charts.gains_chart(r.frames["gains"], titles={"model": r.model, **titles}), r.frames["gains"], "gains"
    )


def translated_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A summary or comparison table with its column names in the page's language (``col_<name>``)."""
    tr = translator(NS)
    return frame.rename(columns={c: tr(f"col_{c}") for c in frame.columns})


def models_table(r: Report) -> pd.DataFrame:
    """One summary row per model, at the threshold 0.5 the file was read with (translated headers)."""
    evaluations, cis = r.kept.evaluations, r.kept.cis
    return translated_columns(
        pd.DataFrame(
            [summary_row(m, evaluations[m], cis.get(m), evaluations[m].confusion) for m in r.kept.models]
        )
    )


# ---------------------------------------------------------------- calibration


def not_probabilities(r: Report) -> str | None:
    """Why there is no calibration section (scores outside [0, 1]), or None."""
    ev = r.evaluation
    if ev.thresholds[-1] < 0.0 or ev.thresholds[0] > 1.0:
        low, high = f"{ev.thresholds[-1]:.4g}", f"{ev.thresholds[0]:.4g}"
        return translator(NS)("calibration_not_probabilities", low=low, high=high)
    return None


def calibration_figures(evaluation: Evaluation, n_bins: int, strategy: str) -> dict[str, Any]:
    """Brier, log loss, ECE and the reliability curve from the model's aggregated table (no rows)."""
    table = counts_of(evaluation)
    prob_true, prob_pred = calibration_curve(table, n_bins=n_bins, strategy=strategy)
    totals = calibration_bin_rows(table, n_bins, strategy)
    return {
        "brier": brier_score_loss(table),
        "log_loss": log_loss(table),
        "ece": expected_calibration_error(table, n_bins=n_bins, strategy=strategy),
        "curve": pd.DataFrame({"predicted": prob_pred, "observed": prob_true, "rows": totals}),
    }


def example_calibration(
    path: Path, mapping: tuple[Any, ...], model: str, n_bins: int, strategy: str
) -> dict[str, Any]:
    """:func:`calibration_figures` of a bundled example (through ``ui.compute.shared``)."""
    return calibration_figures(shared(example_summary, path, mapping).evaluations[model], n_bins, strategy)


@dataclass(frozen=True)
class Calibration:
    metrics: list[tuple[str, str, str]]  # (label, value, help) of Brier, log loss and ECE
    chart: ChartView
    check: tuple[str, float]  # the scikit-learn check's label and max |diff|


def calibration(r: Report, n_bins: int, strategy: str) -> Calibration:
    """The calibration section for ``n_bins`` bins of the ``strategy`` ("uniform" or "quantile")."""
    tr = translator(NS)
    kept, model = r.kept, r.model
    if r.example is not None:
        figures = shared(example_calibration, r.example, kept.mapping, model, n_bins, strategy)
    else:
        figures = session_memo(
            "calibration",
            (kept.source_id, kept.mapping, model, strategy, n_bins),
            lambda: calibration_figures(r.evaluation, n_bins, strategy),
        )
    metrics = [(tr(k), fmt_fixed(figures[k]), tr(f"{k}_help")) for k in ("brier", "log_loss", "ece")]
    titles = {
        "x": tr("mean_predicted"),
        "y": tr("fraction_positive"),
        "diagonal": tr("perfectly_calibrated"),
        "rows": tr("bin_rows"),
    }
    chart = ChartView(
        charts.calibration_chart(figures["curve"], titles=titles), figures["curve"], "calibration"
    )
    diff, n_checked = kept.calibration_checks[model][(n_bins, strategy)]  # scikit-learn, when read
    label = tr(
        "calibration_reference_table" if kept.aggregated else "calibration_reference", n=f"{n_checked:,}"
    )
    return Calibration(metrics, chart, (label, diff))

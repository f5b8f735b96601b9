"""Metrics: evaluate a binary classifier's scores (confusion matrix, ROC/AUC, PR, KS, F1, lift).

Thin page: widgets -> core.metrics -> ui.metrics.
Heavy results (the loaded table, one sort per model) are memoised in the session; the threshold
explorer is a fragment, so moving the threshold costs a binary search, not a re-sort.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import streamlit as st

from core.metrics import (
    EXAMPLES,
    AucThreeWays,
    ScoreFileError,
    auc_pairwise,
    auc_rank,
    auc_three_ways,
    brier_score_loss,
    calibration_bin_rows,
    calibration_curve,
    comparison_frame,
    confusion_frame,
    counts_from_table,
    counts_of,
    curve_frame,
    detect_columns,
    evaluate,
    evaluate_counts,
    expected_calibration_error,
    file_fields,
    gains_frame,
    histogram_frame,
    ks_frame,
    ks_gap,
    load_scores,
    log_loss,
    metrics_frame,
    model_entry,
    report_json,
    roc_auc_score,
    score_counts,
    summary_row,
)
from ui.charts import show_chart
from ui.i18n import current_language, t
from ui.layout import about_the_notes, page_header, reference_check
from ui.metrics import charts
from ui.metrics.report import html_report
from ui.state import session_memo, url_choice

NS = "metrics"
PAIRWISE_LIMIT = 200_000_000  # pairs (~0.2 s here); above, the O(M N) method is skipped and the page says so
CHECK_SAMPLE = 200_000  # rows on which the live scikit-learn check runs (all rows below that)


def tr(name: str, /, **values: object) -> str:
    return t(f"{NS}.{name}", **values)


def _fmt(x: float, digits: int = 4) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.{digits}f}"


page_header(NS)
about_the_notes([(tr(f"notes_{i}_said"), tr(f"notes_{i}_verified")) for i in range(1, 6)])

# ---------------------------------------------------------------- data source
KEPT_UPLOAD = "metrics_kept_upload"


def forget_removed_upload() -> None:
    """on_change of the uploader: a file the user removed is not kept (see below)."""
    if st.session_state.get("metrics_upload") is None:
        st.session_state.pop(KEPT_UPLOAD, None)


url_choice("metrics_source", ["example", "upload"], "example")
source_kind = st.segmented_control(
    tr("source"),
    options=["example", "upload"],
    format_func=lambda k: tr(f"source_{k}"),
    key="metrics_source",
)
if source_kind == "upload":
    upload = st.file_uploader(
        tr("upload"),
        type=["csv", "tsv", "txt", "parquet", "parq", "pq"],
        key="metrics_upload",
        help=tr("upload_help"),
        on_change=forget_removed_upload,
    )
    if upload is not None:
        st.session_state[KEPT_UPLOAD] = upload
    else:
        # Back from another page, the uploader is empty (Streamlit drops a widget that was not shown):
        # the file uploaded before is still in this session, so the page keeps using it.
        upload = st.session_state.get(KEPT_UPLOAD)
        if upload is None:
            st.info(tr("upload_hint"))
            st.stop()
        st.caption(tr("upload_kept", name=upload.name))
    source_id = f"upload:{upload.file_id}"

    def open_source() -> io.BytesIO:
        upload.seek(0)
        return upload

    source_name = upload.name
else:
    url_choice("metrics_example", list(EXAMPLES), "balanced")
    example = st.selectbox(
        tr("example"),
        options=list(EXAMPLES),
        format_func=lambda k: tr(f"example_{k}"),
        key="metrics_example",
    )
    source_id = f"example:{example}"

    def open_source():  # type: ignore[no-redef]
        return EXAMPLES[example]

    source_name = EXAMPLES[example].name

# ---------------------------------------------------------------- column mapping
try:
    guess = session_memo("guess", source_id, lambda: detect_columns(open_source()))
except ScoreFileError as err:
    st.error(f"{t('common.error_prefix')} {err}")
    st.stop()

MAPPING_KEYS = (
    "metrics_label",
    "metrics_scores",
    "metrics_weight",
    "metrics_pos_label",
    "metrics_drop_invalid",
)
if st.session_state.get("metrics_mapping_for") != source_id:
    # A new file: its own auto-detected mapping, not the previous file's choices.
    for k in MAPPING_KEYS:
        st.session_state.pop(k, None)
    st.session_state["metrics_mapping_for"] = source_id

NONE = "—"
with st.expander(tr("mapping", name=source_name), expanded=source_kind == "upload"):
    c1, c2, c3, c4 = st.columns(4)
    label_col = c1.selectbox(
        tr("label_column"),
        options=guess.columns,
        index=guess.columns.index(guess.label) if guess.label in guess.columns else 0,
        key="metrics_label",
    )
    score_options = [c for c in guess.columns if c != label_col]
    score_cols = c2.multiselect(
        tr("score_columns"),
        options=score_options,
        default=[c for c in guess.scores if c in score_options],
        key="metrics_scores",
    )
    weight_options = [NONE, *[c for c in score_options if c not in score_cols]]
    weight_col = c3.selectbox(
        tr("weight_column"),
        options=weight_options,
        index=weight_options.index(guess.weight) if guess.weight in weight_options else 0,
        key="metrics_weight",
        help=tr("weight_help"),
    )
    label_values = list(guess.label_values) if label_col == guess.label else []
    pos_label = (
        c4.selectbox(
            tr("positive_label"),
            options=label_values,
            index=label_values.index(guess.pos_label) if guess.pos_label in label_values else 0,
            key="metrics_pos_label",
        )
        if label_values
        else None
    )
    drop_invalid = st.checkbox(tr("drop_invalid"), key="metrics_drop_invalid", help=tr("drop_invalid_help"))

if not score_cols:
    st.warning(tr("no_score_column"))
    st.stop()

mapping = (label_col, tuple(score_cols), None if weight_col == NONE else weight_col, pos_label, drop_invalid)


def load():
    return load_scores(
        open_source(),
        label=mapping[0],
        score=list(mapping[1]),
        weight=mapping[2],
        pos_label=mapping[3],
        drop_invalid=mapping[4],
    )


def evaluate_all(table) -> dict:
    """One sort per model: everything else (curves, KS, thresholds) comes from its cumulative counts."""
    out = {}
    progress = st.progress(0.0, text=tr("evaluating"))
    for i, (name, scores) in enumerate(table.scores.items()):
        out[name] = evaluate(table.y_true, scores, threshold=0.5, sample_weight=table.weight)
        progress.progress((i + 1) / len(table.scores), text=tr("evaluating_model", model=name))
    progress.empty()
    return out


try:
    with st.spinner(tr("loading")):
        table = session_memo("table", (source_id, mapping), load)
    evaluations = session_memo("evaluations", (source_id, mapping), lambda: evaluate_all(table))
except ValueError as err:  # ScoreFileError is a ValueError; so is one class only, etc.
    st.error(f"{t('common.error_prefix')} {err}")
    st.stop()

if table.n_dropped:
    st.warning(tr("dropped", n=f"{table.n_dropped:,}"))
models = list(evaluations)
st.caption(
    tr(
        "loaded",
        rows=f"{table.n_rows:,}",
        pos=table.pos_label,
        models=", ".join(models),
        weight=mapping[2] or NONE,
    )
)


def whole_counts() -> bool:
    """A weight column of whole numbers is a count column (an aggregated file): it stands for rows."""
    return table.weight is not None and bool(np.array_equal(table.weight, np.round(table.weight)))


def count_tables() -> dict:
    """Per model, the aggregated table of a count column's rows (the rows it stands for, unweighted)."""
    return {m: counts_from_table(table.scores[m], table.y_true, table.weight, weighted=False) for m in models}


def confidence_intervals() -> dict[str, tuple[float, float, float]]:
    # DeLong's variance is defined for individual rows: with whole-number counts, from the rows they
    # stand for (the tie groups of the aggregated table); with fractional weights, none.
    if table.weight is None:
        return {m: evaluations[m].delong_interval() for m in models}
    if whole_counts():
        tables = session_memo("count_tables", (source_id, mapping), count_tables)
        return {m: evaluate_counts(tables[m]).delong_interval() for m in models}
    return {}


cis = session_memo("cis", (source_id, mapping), confidence_intervals)

# ---------------------------------------------------------------- headline figures
model = models[0]
if len(models) > 1:
    url_choice("metrics_model", models, models[0])  # a model kept from another file is not an option
    model = st.selectbox(tr("model"), options=models, key="metrics_model")
ev = evaluations[model]
ci = cis.get(model)
cols = st.columns(5)
cols[0].metric(tr("auc"), _fmt(ev.roc_auc), help=tr("auc_help"))
cols[1].metric(tr("ap"), _fmt(ev.average_precision))
cols[2].metric(tr("ks"), _fmt(ev.ks), help=tr("ks_help", threshold=f"{ev.ks_threshold:.4g}"))
cols[3].metric(tr("gini"), _fmt(ev.gini))
cols[4].metric(tr("prevalence"), f"{ev.prevalence:.2%}", help=tr("prevalence_help", n=f"{ev.n:,}"))
st.caption(tr("auc_ci", low=_fmt(ci[0]), high=_fmt(ci[1]), se=_fmt(ci[2])) if ci else tr("auc_ci_weighted"))
if ev.ks_direction < 0:
    # KS is two-sided: an inverted model separates the classes, with the negatives on top
    st.warning(
        tr(
            "ks_inverted",
            auc=_fmt(ev.roc_auc),
            flipped=_fmt(1.0 - ev.roc_auc),
            ks=_fmt(ev.ks),
            threshold=f"{ev.ks_threshold:.4g}",
        ),
        icon=":material/swap_vert:",
    )


def display_frames() -> dict[str, pd.DataFrame]:
    """Every curve decimated once per file and model: a threshold move only redraws."""
    names = {m: tr(f"m_{m}") for m in ("precision", "recall", "f1", "accuracy", "specificity")}
    return {
        "roc": pd.concat([curve_frame(evaluations[m], "roc", m) for m in models], ignore_index=True),
        "pr": pd.concat([curve_frame(evaluations[m], "pr", m) for m in models], ignore_index=True),
        "ks": ks_frame(ev, (tr("cdf_pos"), tr("cdf_neg"))),
        "histogram": histogram_frame(ev, (tr("class_pos"), tr("class_neg"))),
        "metrics_vs_threshold": metrics_frame(ev, names),
        "gains": gains_frame(ev),
        "ks_gap": pd.DataFrame([ks_gap(ev)], columns=["threshold", "low", "high"]),
    }


frames = session_memo("frames", (source_id, mapping, model, t("common.app_title")), display_frames)
summaries_at = {}  # filled by the explorer: the summary rows at the current threshold
if len(models) > 1 and table.weight is None:
    comparison = session_memo(
        "delong", (source_id, mapping), lambda: comparison_frame(table.y_true, table.scores)
    )
else:
    comparison = pd.DataFrame()


# ---------------------------------------------------------------- threshold explorer
def _threshold_bounds() -> tuple[float, float]:
    # Evaluation.thresholds are the distinct (finite) scores, descending.
    lo = min(float(evaluations[m].thresholds[-1]) for m in models)
    hi = max(float(evaluations[m].thresholds[0]) for m in models)
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


LOW, HIGH = _threshold_bounds()
STEP = (HIGH - LOW) / 1000


def _set_threshold(value: float) -> None:
    st.session_state["metrics_threshold"] = float(min(max(value, LOW), HIGH))


# New bounds make a new slider (Streamlit keys a slider's identity on them): start it afresh.
if st.session_state.get("metrics_threshold_bounds") != (LOW, HIGH, STEP):
    st.session_state.pop("metrics_threshold", None)
    st.session_state["metrics_threshold_bounds"] = (LOW, HIGH, STEP)

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


def downloads(threshold: float) -> None:
    """Metrics as JSON and CSV, the per-threshold table and the HTML report, at ``threshold``."""
    confusions = {m: evaluations[m].confusion_at(threshold) for m in models}
    summaries = [summary_row(m, evaluations[m], cis.get(m), confusions[m]) for m in models]
    entries = {m: model_entry(evaluations[m], confusions[m], cis.get(m)) for m in models}
    # Deferred downloads are built on another thread: resolve the report's texts here.
    strings = {k: tr(k) for k in REPORT_STRINGS} | {"model_name": model}
    st.subheader(tr("downloads"))
    d = st.columns(4)
    d[0].download_button(
        tr("download_json"),
        data=lambda: report_json(entries, comparison, **file_fields(table, source_name, threshold)),
        file_name="metrics.json",
        mime="application/json",
        on_click="ignore",  # a download needs no rerun (and no chart redraw race)
        key="metrics_download_json",
        icon=":material/data_object:",
    )
    d[1].download_button(
        tr("download_csv"),
        data=lambda: pd.DataFrame(summaries).to_csv(index=False),
        file_name="metrics.csv",
        mime="text/csv",
        on_click="ignore",  # a download needs no rerun (and no chart redraw race)
        key="metrics_download_csv",
        icon=":material/table:",
    )
    d[2].download_button(
        tr("download_thresholds"),
        data=lambda: pd.DataFrame(ev.threshold_table(max_rows=10_000)).to_csv(index=False),
        file_name=f"thresholds_{model}.csv",
        mime="text/csv",
        on_click="ignore",  # a download needs no rerun (and no chart redraw race)
        key="metrics_download_thresholds",
        icon=":material/tune:",
        help=tr("download_thresholds_help"),
    )
    d[3].download_button(
        tr("download_html"),
        data=lambda: html_report(
            source_name, strings, summaries, comparison, frames, threshold=threshold, lang=current_language()
        ),
        file_name="metrics_report.html",
        mime="text/html",
        on_click="ignore",  # a download needs no rerun (and no chart redraw race)
        key="metrics_download_html",
        icon=":material/description:",
    )


@st.fragment
def threshold_explorer() -> None:
    st.subheader(tr("explorer"))
    b = st.columns(4)
    for col, name in zip(b[:3], ("f1", "youden", "ks"), strict=True):
        value = ev.best_thresholds[name]
        col.button(
            tr(f"jump_{name}", value=f"{value:.4g}"),
            key=f"metrics_jump_{name}",
            on_click=_set_threshold,
            args=(value,),
            width="stretch",
        )
    default = 0.5 if LOW <= 0.5 <= HIGH else ev.ks_threshold
    # The jump buttons set the threshold through session state; a value there must not meet a default.
    initial = {} if "metrics_threshold" in st.session_state else {"value": float(default)}
    threshold = st.slider(
        tr("threshold"),
        min_value=LOW,
        max_value=HIGH,
        step=STEP,
        format="%.4f",
        key="metrics_threshold",
        bind="query-params",
        help=tr("threshold_help"),
        **initial,
    )
    c = ev.confusion_at(threshold)

    left, right = st.columns([2, 3])
    with left:
        labels = {
            "actual_pos": tr("actual_pos"),
            "actual_neg": tr("actual_neg"),
            "predicted_pos": tr("predicted_pos"),
            "predicted_neg": tr("predicted_neg"),
        }
        cm = confusion_frame(c, labels)
        show_chart(
            charts.confusion_chart(cm, titles={"actual": tr("actual"), "predicted": tr("predicted")}),
            cm,
            key="confusion",
        )
    with right:
        table_rows = [
            (tr("m_accuracy"), c.accuracy, "(TP + TN) / (TP + FP + FN + TN)"),
            (tr("m_precision"), c.precision, "TP / (TP + FP)"),
            (tr("m_recall"), c.recall, "TP / (TP + FN)"),
            (tr("m_specificity"), c.specificity, "TN / (TN + FP)"),
            (tr("m_fpr"), c.fpr, "FP / (FP + TN)"),
            (tr("m_f1"), c.f1, "2 · P · R / (P + R)"),
            (tr("m_mcc"), c.mcc, "(TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN))"),
        ]
        st.dataframe(
            pd.DataFrame(
                {
                    tr("metric"): [r[0] for r in table_rows],
                    tr("value"): [r[1] for r in table_rows],
                    tr("formula"): [r[2] for r in table_rows],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={tr("value"): st.column_config.NumberColumn(format="%.4f")},
        )

    with st.expander(tr("formulas"), icon=":material/function:"):
        st.latex(
            r"\mathrm{Accuracy}=\frac{TP+TN}{TP+FP+FN+TN},\quad \mathrm{Precision}=\frac{TP}{TP+FP},"
            r"\quad \mathrm{Recall}=TPR=\frac{TP}{TP+FN},\quad FPR=\frac{FP}{FP+TN}"
        )
        st.latex(
            r"F_1=\frac{2}{\frac{1}{\mathrm{Precision}}+\frac{1}{\mathrm{Recall}}}"
            r"=\frac{2\,\mathrm{Precision}\cdot\mathrm{Recall}}{\mathrm{Precision}+\mathrm{Recall}}"
            rf"=\frac{{2\cdot {c.precision:.4f}\cdot {c.recall:.4f}}}{{{c.precision:.4f}+{c.recall:.4f}}}"
            rf"={c.f1:.4f}"
        )
        st.caption(tr("formulas_caption"))

    # One chart at a time (not st.tabs, which would rebuild all five on every threshold move).
    views = ["roc", "pr", "ks", "hist", "metrics"]
    url_choice("metrics_view", views, "roc")
    view = st.segmented_control(
        tr("view"),
        options=views,
        format_func=lambda v: tr(f"tab_{v}"),
        key="metrics_view",
        label_visibility="collapsed",
    )
    point_label = tr("point", threshold=f"{threshold:.4g}")
    if view == "roc":
        roc = frames["roc"]
        show_chart(
            charts.curve_chart(
                roc, x_title=tr("fpr"), y_title=tr("tpr"), diagonal=True, point=(c.fpr, c.recall, point_label)
            ),
            roc,
            key="roc",
        )
    elif view == "pr":
        pr = frames["pr"]
        show_chart(
            charts.curve_chart(
                pr,
                x_title=tr("recall"),
                y_title=tr("precision"),
                diagonal=False,
                baseline=ev.prevalence,
                point=(c.recall, c.precision, point_label),
            ),
            pr,
            key="pr",
        )
        st.caption(tr("pr_baseline", prevalence=f"{ev.prevalence:.2%}"))
    elif view == "ks":
        ks = frames["ks"]
        show_chart(
            charts.ks_chart(
                ks,
                ks_at=ks_gap(ev),
                threshold=threshold,
                titles={"x": tr("score"), "y": tr("cdf"), "gap": tr("ks_gap"), "threshold": tr("threshold")},
            ),
            ks,
            key="ks",
        )
        st.caption(tr("ks_caption", ks=_fmt(ev.ks), threshold=f"{ev.ks_threshold:.4g}"))
    elif view == "hist":
        hist = frames["histogram"]
        show_chart(
            charts.histogram_chart(
                hist,
                threshold=threshold,
                titles={"x": tr("score"), "y": tr("count"), "threshold": tr("threshold")},
            ),
            hist,
            key="histogram",
        )
    elif view == "metrics":
        mvt = frames["metrics_vs_threshold"]
        show_chart(
            charts.metrics_vs_threshold_chart(
                mvt,
                threshold=threshold,
                titles={"x": tr("threshold"), "y": tr("value"), "threshold": tr("threshold")},
            ),
            mvt,
            key="metrics_vs_threshold",
        )

    downloads(threshold)


threshold_explorer()

# ---------------------------------------------------------------- AUC three ways, with the live check
st.subheader(tr("three_ways"))


def three_ways() -> AucThreeWays:
    y, s = table.y_true, table.scores[model]
    n_pos = int(y.sum())
    pairs = n_pos * (len(y) - n_pos)
    return AucThreeWays(
        trapezoid=ev.roc_auc,
        rank=auc_rank(y, s),
        pairwise=auc_pairwise(y, s) if pairs <= PAIRWISE_LIMIT else None,
        pairs=pairs,
    )


def three_ways_from_counts() -> AucThreeWays:
    """The three methods on the rows a count column stands for, from its aggregated table (O(U))."""
    counts = session_memo("count_tables", (source_id, mapping), count_tables)[model]
    trapezoid, rank, pairwise = auc_three_ways(counts)
    return AucThreeWays(trapezoid, rank, pairwise, int(counts.n_pos) * int(counts.n_neg))


if table.weight is not None and not whole_counts():
    st.info(tr("three_ways_weighted"))
else:
    if table.weight is None:
        aucs = session_memo("three_ways", (source_id, mapping, model), three_ways)
    else:
        aucs = session_memo("three_ways", (source_id, mapping, model), three_ways_from_counts)
        st.caption(tr("three_ways_counts", column=mapping[2]))
    left, right = st.columns([1, 1])
    with left:
        st.dataframe(
            pd.DataFrame(
                {
                    tr("method"): [tr("method_trapezoid"), tr("method_rank"), tr("method_pairwise")],
                    tr("value"): [
                        aucs.trapezoid,
                        aucs.rank,
                        aucs.pairwise if aucs.pairwise is not None else np.nan,
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={tr("value"): st.column_config.NumberColumn(format="%.12f")},
        )
        if aucs.pairwise is None:
            st.caption(tr("pairwise_skipped", pairs=f"{aucs.pairs:,}", limit=f"{PAIRWISE_LIMIT:,}"))
    with right:
        st.latex(r"\mathrm{AUC}=\frac{\sum_{i\in pos}\mathrm{rank}_i-\frac{M(M+1)}{2}}{M\,N}")
        st.latex(
            r"\mathrm{AUC}=\frac{1}{MN}\sum_{p\in pos}\sum_{n\in neg}"
            r"\Big[\mathbb 1(s_p>s_n)+\tfrac12\mathbb 1(s_p=s_n)\Big]"
        )
        st.latex(r"\mathrm{Gini}=2\,\mathrm{AUC}-1,\qquad \mathrm{KS}=\max_t\big|TPR(t)-FPR(t)\big|")


def sklearn_check() -> tuple[float, int]:
    """Our AUC and AP against scikit-learn's on the same rows (a fixed sample of big files)."""
    from sklearn.metrics import average_precision_score as sk_ap
    from sklearn.metrics import roc_auc_score as sk_auc

    from core.metrics import average_precision_score

    y, s, w = table.y_true, table.scores[model], table.weight
    if len(y) > CHECK_SAMPLE:
        idx = np.random.default_rng(0).choice(len(y), CHECK_SAMPLE, replace=False)
        y, s, w = y[idx], s[idx], None if w is None else w[idx]
    diff = max(
        abs(roc_auc_score(y, s, sample_weight=w) - sk_auc(y, s, sample_weight=w)),
        abs(average_precision_score(y, s, sample_weight=w) - sk_ap(y, s, sample_weight=w)),
    )
    return diff, len(y)


diff, n_checked = session_memo("check", (source_id, mapping, model), sklearn_check)
reference_check(
    tr("check_reference", n=f"{n_checked:,}"),
    diff,
    1e-10,
)

CALIBRATION_STRATEGIES = ("uniform", "quantile")
CALIBRATION_BINS = ("5", "10", "20")


def calibration_figures(evaluation, n_bins: int, strategy: str) -> dict:
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


def calibration_check(n_bins: int, strategy: str) -> tuple[float, int]:
    """Our calibration figures from the table against scikit-learn's on the rows (a fixed sample of big
    files: there, both are computed on the sample)."""
    from sklearn.calibration import calibration_curve as sk_curve
    from sklearn.metrics import brier_score_loss as sk_brier
    from sklearn.metrics import log_loss as sk_log_loss

    y, s, w = table.y_true, table.scores[model], table.weight
    if len(y) > CHECK_SAMPLE:
        idx = np.random.default_rng(0).choice(len(y), CHECK_SAMPLE, replace=False)
        y, s, w = y[idx], s[idx], None if w is None else w[idx]
    ours = score_counts(y, s, sample_weight=w) if y.any() and not y.all() else None
    if ours is None:
        return 0.0, len(y)
    diffs = [
        abs(brier_score_loss(ours) - sk_brier(y, s, sample_weight=w)),
        abs(log_loss(ours) - sk_log_loss(y, s, sample_weight=w, labels=[False, True])),
    ]
    if w is None:  # scikit-learn's calibration_curve takes no weights
        for a, b in zip(
            calibration_curve(ours, n_bins=n_bins, strategy=strategy),
            sk_curve(y, s, n_bins=n_bins, strategy=strategy),
            strict=True,
        ):
            diffs.append(float(np.max(np.abs(a - b))) if a.shape == b.shape else float("inf"))
    return max(diffs), len(y)


# ---------------------------------------------------------------- gains and lift
st.subheader(tr("gains"))
gains = frames["gains"]
show_chart(
    charts.gains_chart(
        gains,
        titles={
            "model": model,
            "perfect": tr("perfect"),
            "random": tr("random"),
            "depth": tr("depth"),
            "captured": tr("captured"),
            "lift": tr("lift"),
        },
    ),
    gains,
    key="gains",
)
st.caption(tr("gains_caption"))

# ---------------------------------------------------------------- calibration
st.subheader(tr("calibration"))
if ev.thresholds[-1] < 0.0 or ev.thresholds[0] > 1.0:
    st.info(
        tr("calibration_not_probabilities", low=f"{ev.thresholds[-1]:.4g}", high=f"{ev.thresholds[0]:.4g}")
    )
else:
    st.markdown(tr("calibration_intro"))
    k1, k2 = st.columns(2)
    url_choice("metrics_calibration_strategy", list(CALIBRATION_STRATEGIES), "uniform")
    strategy = k1.segmented_control(
        tr("calibration_strategy"),
        options=list(CALIBRATION_STRATEGIES),
        format_func=lambda v: tr(f"strategy_{v}"),
        key="metrics_calibration_strategy",
    )
    url_choice("metrics_calibration_bins", list(CALIBRATION_BINS), "10")
    n_bins = int(
        k2.segmented_control(
            tr("calibration_bins"), options=list(CALIBRATION_BINS), key="metrics_calibration_bins"
        )
        or 10
    )
    strategy = strategy or "uniform"
    calibration = session_memo(
        "calibration",
        (source_id, mapping, model, strategy, n_bins),
        lambda: calibration_figures(ev, n_bins, strategy),
    )
    m1, m2, m3 = st.columns(3)
    m1.metric(tr("brier"), _fmt(calibration["brier"]), help=tr("brier_help"))
    m2.metric(tr("log_loss"), _fmt(calibration["log_loss"]), help=tr("log_loss_help"))
    m3.metric(tr("ece"), _fmt(calibration["ece"]), help=tr("ece_help"))
    reliability = calibration["curve"]
    show_chart(
        charts.calibration_chart(
            reliability,
            titles={
                "x": tr("mean_predicted"),
                "y": tr("fraction_positive"),
                "diagonal": tr("perfectly_calibrated"),
                "rows": tr("bin_rows"),
            },
        ),
        reliability,
        key="calibration",
    )
    st.caption(tr("calibration_caption"))
    diff, n_checked = session_memo(
        "calibration_check",
        (source_id, mapping, model, strategy, n_bins),
        lambda: calibration_check(n_bins, strategy),
    )
    reference_check(tr("calibration_reference", n=f"{n_checked:,}"), diff, 1e-10)

# ---------------------------------------------------------------- several models
if len(models) > 1:
    st.subheader(tr("compare"))
    st.dataframe(
        pd.DataFrame([summary_row(m, evaluations[m], cis.get(m), evaluations[m].confusion) for m in models]),
        hide_index=True,
        width="stretch",
    )
    if table.weight is None:
        st.markdown(tr("delong_intro"))
        st.dataframe(comparison, hide_index=True, width="stretch")
    else:
        st.info(tr("delong_weighted"))

"""Metrics: evaluate a binary classifier's scores (confusion matrix, ROC/AUC, PR, KS, F1, lift).

Thin page: widgets -> core.metrics -> ui.metrics.
A file is read once: what the page draws is computed then and kept in the session, the rows and
the file are not (ui.metrics.kept; bundled examples are summarised once per server). The threshold
explorer is a fragment, so moving the threshold costs a binary search, not a re-sort.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import DeletedFile

from core.metrics import (
    EXAMPLES,
    ScoreFileError,
    aggregate_files,
    brier_score_loss,
    calibration_bin_rows,
    calibration_curve,
    confusion_frame,
    counts_of,
    curve_frame,
    detect_columns,
    expand_sources,
    expected_calibration_error,
    first_with_rows,
    gains_frame,
    histogram_frame,
    ks_frame,
    ks_gap,
    load_scores,
    log_loss,
    metrics_frame,
    model_entry,
    report_json,
    summary_row,
)
from ui.charts import show_chart
from ui.i18n import current_language, t
from ui.layout import about_the_notes, page_header, reference_check
from ui.metrics import charts
from ui.metrics.data_folder import (
    MAPPING_PARAMS,
    data_folder,
    files_id,
    human_size,
    mapping_from_url,
    mirror_mapping,
    total_size,
)
from ui.metrics.kept import (
    CALIBRATION_BINS,
    CALIBRATION_STRATEGIES,
    PAIRWISE_LIMIT,
    KeptSource,
    drop_curves,
    example_guess,
    example_summary,
    forget_upload,
    reap_expired_sessions,
    release_memory,
    summarize,
    summarize_counts,
)
from ui.metrics.report import html_report
from ui.state import mirror_into_url, seed_from_url, session_memo, url_choice

NS = "metrics"


def tr(name: str, /, **values: object) -> str:
    return t(f"{NS}.{name}", **values)


def _up(x: float, digits: int = 2) -> float:
    """``x`` rounded up to ``digits`` significant digits (a bound shown must not shrink)."""
    if x <= 0 or not math.isfinite(x):
        return x
    step = 10.0 ** (math.floor(math.log10(x)) - digits + 1)
    return math.ceil(x / step * (1 - 1e-12)) * step


def _fmt(x: float, digits: int = 4) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.{digits}f}"


page_header(NS)
about_the_notes([(tr(f"notes_{i}_said"), tr(f"notes_{i}_verified")) for i in range(1, 6)])

# ---------------------------------------------------------------- data source
# The session keeps what the page draws, never the rows (ui.metrics.kept): an upload is read once, its
# summary is kept under KEPT and the file itself is let go. PENDING holds the bytes of an upload only
# until it has been read (so that a column mapping can be fixed after a failed read).
KEPT = "metrics_kept"  # KeptSource of the user's data (an upload, or a table another page handed over)
KEPT_FILES = "metrics_kept_files"  # KeptSource of files on the server, aggregated by DuckDB
PENDING = "metrics_pending"  # (file id, name, bytes) of an upload not read yet
INCOMING = "metrics_incoming"  # {"name": ..., "table": ScoreTable} set by another page before switch_page
RELEASE_AFTER_RUN = "metrics_release_after_run"  # a file was just read: give memory back once drawn


def forget_removed_upload() -> None:
    """on_change of the uploader: a file the user removed is not kept (see below)."""
    if st.session_state.get("metrics_upload") is None:
        st.session_state.pop(KEPT, None)
        st.session_state.pop(PENDING, None)


def progress_bar() -> tuple[object, object]:
    bar = st.progress(0.0, text=tr("evaluating"))
    return bar, lambda done, model: bar.progress(done, text=tr("evaluating_model", model=model))


def keep(compute, slot: str = KEPT) -> None:
    """Summarise a source (``compute(progress)`` -> KeptSource) into this session; give the memory back."""
    bar, progress = progress_bar()
    try:
        st.session_state[slot] = compute(progress)
    finally:
        bar.empty()
        release_memory()


reap_expired_sessions()  # closed tabs' sessions past their TTL: released now, not at the next disconnect
incoming = st.session_state.pop(INCOMING, None)  # read once, then gone
if incoming is not None:
    st.session_state["metrics_source"] = "upload"  # the user's own data
# Files on the server: only when whoever runs the app names a data folder (ui.metrics.data_folder)
DATA_FOLDER = data_folder()
SOURCES = ["example", "upload", *(["files"] if DATA_FOLDER is not None else [])]
DECIMALS = ["exact", *map(str, range(16))]  # the files' scores rounded before grouping, or not
url_choice("metrics_source", SOURCES, "example")
source_kind = st.segmented_control(
    tr("source"),
    options=SOURCES,
    format_func=lambda k: tr(f"source_{k}"),
    key="metrics_source",
)
kept: KeptSource | None = None
if source_kind != "files":
    mirror_mapping(None)  # only the files' mapping belongs in a link
if source_kind == "upload":
    if incoming is not None:
        st.session_state.pop(PENDING, None)
        st.session_state["metrics_incoming_count"] = count = (
            st.session_state.get("metrics_incoming_count", 0) + 1
        )
        try:
            keep(
                lambda progress: summarize(
                    incoming["table"],
                    source_id=f"incoming:{count}",
                    name=str(incoming["name"]),
                    mapping=(),
                    progress=progress,
                )
            )
            st.session_state[RELEASE_AFTER_RUN] = True
        except ValueError as err:  # one class only, ...
            st.session_state.pop(KEPT, None)
            st.error(f"{t('common.error_prefix')} {err}")
            st.stop()
        finally:
            del incoming
    upload = st.file_uploader(
        tr("upload"),
        type=["csv", "tsv", "txt", "parquet", "parq", "pq"],
        key="metrics_upload",
        help=tr("upload_help", mb=st.get_option("server.maxUploadSize")),
        on_change=forget_removed_upload,
    )
    held = {st.session_state[PENDING][0]} if PENDING in st.session_state else set()
    if KEPT in st.session_state:
        held.add(st.session_state[KEPT].source_id.removeprefix("upload:"))
    if upload is not None and not isinstance(upload, DeletedFile) and upload.file_id not in held:
        # A new file: take its bytes, and take them out of Streamlit's uploaded-file store (which would
        # keep a copy for as long as the server runs); the uploader then hands back a DeletedFile.
        st.session_state[PENDING] = (upload.file_id, upload.name, upload.getvalue())
        st.session_state.pop(KEPT, None)
        forget_upload(upload.file_id, upload, st.session_state.get("metrics_upload"))
    del upload
    pending = st.session_state.get(PENDING)
    kept = st.session_state.get(KEPT)
    if pending is None and kept is None:
        st.info(tr("upload_hint"))
        st.stop()
    if pending is not None:
        source_id, source_name = f"upload:{pending[0]}", pending[1]
    del pending  # the threshold explorer (a fragment) keeps this script's globals alive between runs

    def open_source() -> io.BytesIO:
        return io.BytesIO(st.session_state[PENDING][2])

elif source_kind == "files":
    st.caption(tr("files_intro", folder=str(DATA_FOLDER)))
    f1, f2 = st.columns([3, 1])
    seed_from_url("metrics_files", "")
    pattern = f1.text_input(
        tr("files_pattern"),
        key="metrics_files",
        placeholder="scores/part-*.parquet",
        help=tr("files_pattern_help"),
    ).strip()
    mirror_into_url("metrics_files", defaults={"metrics_files": ""})
    url_choice("metrics_decimals", DECIMALS, "exact")
    rounding = f2.selectbox(
        tr("decimals"),
        options=DECIMALS,
        format_func=lambda d: tr("decimals_exact") if d == "exact" else d,
        key="metrics_decimals",
        help=tr("decimals_help"),
    )
    decimals = None if rounding == "exact" else int(rounding)
    if not pattern:
        st.info(tr("files_hint"))
        st.stop()
    try:
        paths = expand_sources(pattern, root=DATA_FOLDER)
        source_id = f"files:{files_id(paths)}"  # these files as they are now (size, modification time)
        size = human_size(total_size(paths))
    except (ScoreFileError, OSError) as err:
        st.error(f"{t('common.error_prefix')} {err}")
        st.stop()
    st.caption(tr("files_matched", n=len(paths), size=size))
    source_name = pattern

    def open_source():  # type: ignore[no-redef]
        return first_with_rows(paths)  # a folder of parts may start with an empty one

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
NONE = "—"
if kept is not None:
    # The rows are gone: the mapping they were read with is shown, not offered.
    if kept.guess is not None:
        label_col, score_cols, weight_col, pos_label, _drop = kept.mapping
        with st.expander(tr("mapping", name=kept.name), expanded=False):
            st.markdown(
                tr(
                    "mapping_used",
                    label=label_col,
                    scores=", ".join(score_cols),
                    weight=weight_col or NONE,
                    pos=kept.pos_label,
                )
            )
    st.caption(tr("kept_summary", name=kept.name))  # how many rows: the caption below the figures
else:
    try:
        if source_kind in ("upload", "files"):
            guess = session_memo("guess", source_id, lambda: detect_columns(open_source()))
        else:
            guess = example_guess(EXAMPLES[example])
    except ScoreFileError as err:
        st.error(f"{t('common.error_prefix')} {err}")
        st.stop()

    if st.session_state.get("metrics_mapping_for") != source_id:
        # A new file: its own auto-detected mapping, not the previous file's choices.
        for k in MAPPING_PARAMS:  # the mapping widgets' keys
            st.session_state.pop(k, None)
        st.session_state["metrics_mapping_for"] = source_id

    # The widgets start from the guess. Files on the server start from a link's mapping, or from the one
    # they were read with (Streamlit forgets a widget's value when the user looks at another source or
    # page, and the summary kept for that mapping would then be hidden behind the guess's).
    start = (guess.label, tuple(guess.scores), guess.weight, guess.pos_label, False)
    held = st.session_state.get(KEPT_FILES) if source_kind == "files" else None
    if source_kind == "files" and (linked := mapping_from_url(guess)) is not None:
        start = linked
    elif held is not None and held.source_id.startswith(f"{source_id}:"):
        start = held.mapping
    with st.expander(tr("mapping", name=source_name), expanded=source_kind != "example"):
        c1, c2, c3, c4 = st.columns(4)
        label_col = c1.selectbox(
            tr("label_column"),
            options=guess.columns,
            index=guess.columns.index(start[0]) if start[0] in guess.columns else 0,
            key="metrics_label",
        )
        score_options = [c for c in guess.columns if c != label_col]
        score_cols = c2.multiselect(
            tr("score_columns"),
            options=score_options,
            default=[c for c in start[1] if c in score_options],
            key="metrics_scores",
        )
        weight_options = [NONE, *[c for c in score_options if c not in score_cols]]
        weight_col = c3.selectbox(
            tr("weight_column"),
            options=weight_options,
            index=weight_options.index(start[2]) if start[2] in weight_options else 0,
            key="metrics_weight",
            help=tr("weight_help"),
        )
        label_values = list(guess.label_values) if label_col == guess.label else []
        pos_label = (
            c4.selectbox(
                tr("positive_label"),
                options=label_values,
                index=label_values.index(start[3]) if start[3] in label_values else 0,
                key="metrics_pos_label",
            )
            if label_values
            else None
        )
        drop_invalid = st.checkbox(
            tr("drop_invalid"), value=start[4], key="metrics_drop_invalid", help=tr("drop_invalid_help")
        )

    if not score_cols:
        st.warning(tr("no_score_column"))
        st.stop()

    mapping = (
        label_col,
        tuple(score_cols),
        None if weight_col == NONE else weight_col,
        pos_label,
        drop_invalid,
    )
    if source_kind == "files":
        mirror_mapping(mapping)

    def read(progress=None) -> KeptSource:
        table = load_scores(
            open_source(),
            label=mapping[0],
            score=list(mapping[1]),
            weight=mapping[2],
            pos_label=mapping[3],
            drop_invalid=mapping[4],
        )
        return summarize(
            table, source_id=source_id, name=source_name, mapping=mapping, guess=guess, progress=progress
        )

    def read_files(progress=None) -> KeptSource:
        aggregated = aggregate_files(
            pattern,  # expanded again, inside the folder (the file names are not patterns)
            root=DATA_FOLDER,
            label=mapping[0],
            score=list(mapping[1]),
            weight=mapping[2],
            pos_label=mapping[3],
            drop_invalid=mapping[4],
            decimals=decimals,
        )
        return summarize_counts(
            aggregated,
            source_id=f"{source_id}:{rounding}",
            name=source_name,
            mapping=mapping,
            guess=guess,
            progress=progress,
        )

    try:
        if source_kind == "files":
            # Read on request (a large file takes a while), then kept until the files or choices change.
            if held is not None and (held.source_id, held.mapping) == (f"{source_id}:{rounding}", mapping):
                kept = held
            elif st.button(tr("files_read", n=len(paths)), type="primary", icon=":material/database:"):
                with st.spinner(tr("files_reading", n=len(paths), size=size)):
                    keep(read_files, KEPT_FILES)
                st.rerun()  # drawn as kept, without the button
            else:
                st.stop()
        elif source_kind == "upload":
            with st.spinner(tr("loading")):
                keep(read)
            st.session_state.pop(PENDING, None)  # read: the bytes go
            release_memory()
            st.session_state[RELEASE_AFTER_RUN] = True
            st.rerun()  # drawn as kept: the mapping widgets above could no longer be applied
        else:
            kept = example_summary(EXAMPLES[example], mapping)
    except ValueError as err:  # ScoreFileError is a ValueError; so is one class only, etc.
        st.error(f"{t('common.error_prefix')} {err}")
        st.stop()

source_id, mapping, source_name = kept.source_id, kept.mapping, kept.name
evaluations, cis = kept.evaluations, kept.cis
if kept.n_dropped:
    st.warning(tr("dropped", n=f"{kept.n_dropped:,}"))
if kept.aggregated:
    groups = sum(e.thresholds.size for e in evaluations.values())
    st.caption(tr("files_kept", groups=f"{groups:,}"))
models = kept.models
if kept.count_column is not None:  # an aggregated table: its lines are not the rows it stands for
    loaded = tr(
        "loaded_counts",
        lines=f"{kept.n_rows:,}",
        rows=f"{int(evaluations[models[0]].confusion.total):,}",  # TP + FP + FN + TN: the counts' sum
        column=kept.count_column,
        pos=kept.pos_label,
        models=", ".join(models),
    )
else:
    loaded = tr(
        "loaded",
        rows=f"{kept.n_rows:,}",
        pos=kept.pos_label,
        models=", ".join(models),
        weight=kept.fields["weight_column"] or NONE,
    )
st.caption(loaded)

# ---------------------------------------------------------------- headline figures
model = models[0]
if len(models) > 1:
    url_choice("metrics_model", models, models[0])  # a model kept from another file is not an option
    model = st.selectbox(tr("model"), options=models, key="metrics_model")
ev = evaluations[model]
ci = cis.get(model)
cols = st.columns(5)
bound = kept.auc_bounds.get(model, 0.0)
cols[0].metric(
    tr("auc"),
    _fmt(ev.roc_auc),
    # scores rounded before grouping: the AUC of the exact scores is within the bound, beside the AUC
    delta=None if kept.decimals is None else f"± {_up(bound):.2g}",
    delta_color="off",
    delta_arrow="off",
    help=tr("auc_help"),
)
cols[1].metric(tr("ap"), _fmt(ev.average_precision))
cols[2].metric(tr("ks"), _fmt(ev.ks), help=tr("ks_help", threshold=f"{ev.ks_threshold:.4g}"))
cols[3].metric(tr("gini"), _fmt(ev.gini))
cols[4].metric(tr("prevalence"), f"{ev.prevalence:.2%}", help=tr("prevalence_help", n=f"{ev.n:,}"))
st.caption(tr("auc_ci", low=_fmt(ci[0]), high=_fmt(ci[1]), se=_fmt(ci[2])) if ci else tr("auc_ci_weighted"))
if kept.decimals is not None:
    st.caption(
        tr(
            "auc_bound",
            decimals=kept.decimals,
            bound=f"{_up(bound):.2g}",
            low=f"{math.floor(max(0.0, ev.roc_auc - bound) * 1e4) / 1e4:.4f}",  # widened, never narrowed
            high=f"{math.ceil(min(1.0, ev.roc_auc + bound) * 1e4) / 1e4:.4f}",
        )
    )
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
drop_curves(evaluations)  # the frames hold the curves, decimated
comparison = kept.comparison  # DeLong's test of the models (several models, no weights)


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
    if kept.decimals is not None:  # as the command line's --decimals: the rounding and its AUC bound
        for m in models:
            entries[m] |= {"decimals": kept.decimals, "auc_bound": kept.auc_bounds[m]}
    # Deferred downloads are built on another thread: resolve the report's texts here.
    strings = {k: tr(k) for k in REPORT_STRINGS} | {"model_name": model}
    st.subheader(tr("downloads"))
    d = st.columns(4)
    d[0].download_button(
        tr("download_json"),
        data=lambda: report_json(entries, comparison, **{**kept.fields, "threshold": threshold}),
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


aucs = kept.three_ways.get(model)  # computed when the file was read: from its rows or its count column
if aucs is None:
    st.info(tr("three_ways_weighted"))
else:
    if kept.count_column is not None:
        st.caption(tr("three_ways_counts", column=kept.count_column))
    elif kept.aggregated:
        st.caption(tr("three_ways_aggregated"))
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


diff, n_checked = kept.checks[model]  # scikit-learn on the same rows, when they were read
reference_check(
    tr("check_reference_table" if kept.aggregated else "check_reference", n=f"{n_checked:,}"),
    diff,
    1e-10,
)


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
    diff, n_checked = kept.calibration_checks[model][(n_bins, strategy)]  # scikit-learn, when read
    reference = "calibration_reference_table" if kept.aggregated else "calibration_reference"
    reference_check(tr(reference, n=f"{n_checked:,}"), diff, 1e-10)

# ---------------------------------------------------------------- several models
if len(models) > 1:
    st.subheader(tr("compare"))
    st.dataframe(
        pd.DataFrame([summary_row(m, evaluations[m], cis.get(m), evaluations[m].confusion) for m in models]),
        hide_index=True,
        width="stretch",
    )
    if kept.aggregated:
        st.info(tr("delong_aggregated"))
    elif not kept.weighted:
        st.markdown(tr("delong_intro"))
        st.dataframe(comparison, hide_index=True, width="stretch")
    else:
        st.info(tr("delong_weighted"))

# ---------------------------------------------------------------- memory
if st.session_state.pop(RELEASE_AFTER_RUN, False):
    release_memory()  # what drawing the report of a file just read freed (frames, messages)

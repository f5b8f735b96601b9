"""Metrics: evaluate a binary classifier's scores (confusion matrix, ROC/AUC, PR, KS, F1, lift).

Thin page: it reads its widgets, asks ``ui.metrics.source`` (where the scores come from, reading them
into the session) and ``ui.metrics.views`` (what each section shows), and draws (``ui.metrics.draw``
lays out the sections that have no widget). The threshold explorer is a fragment: moving the threshold
costs a binary search, not a re-sort. Under the explorer, the curves and the AUC section stand the
corrections of the notes' confusion-matrix chapter (``data/notes/claims.json``, anchors
``threshold-explorer``, ``curves``, ``auc-three-ways``). The binary report is shown one section at a time
under its headline figures (``ui.sections``: threshold and curves first, or all of them).
"""

from __future__ import annotations

import streamlit as st

from ui.layout import page_header

NS = "metrics"
# the title and introduction first: the modules below import pandas, pyarrow, altair and DuckDB (0.5 s on
# a fresh server)
page_header(NS)

from ui.i18n import translator
from ui.layout import error_box, notes_corrections, reference_check
from ui.metrics import comparison, decisions, draw, multiclass, segments, stability, uncertainty, views
from ui.metrics import source as src
from ui.metrics.data_folder import data_folder, mirror_mapping
from ui.reproduce import reproduce_expander
from ui.sections import choose_section, draw_sections, shows
from ui.state import mirror_into_url, seed_from_url, url_choice

tr = translator(NS)


# ---------------------------------------------------------------- data source
def data_source() -> tuple[views.KeptSource | None, src.Source | None]:
    """The source chosen: (the kept summary, None) of the user's data already read, (None, the source)
    to read, or (None, None) when there is nothing to show yet (the section said why)."""
    incoming = src.take_incoming()  # read once, then gone
    folder = data_folder()
    options = src.source_options(folder)
    url_choice("metrics_source", options, "example")
    kind = st.segmented_control(
        tr("source"), options=options, format_func=lambda k: tr(f"source_{k}"), key="metrics_source"
    )
    if kind != "files":
        mirror_mapping(None)  # only the files' mapping belongs in a link
    if kind == "upload":
        return upload_section(incoming)
    if kind == "files":
        return None, files_section(folder)
    url_choice("metrics_example", src.EXAMPLE_NAMES, "balanced")
    example = st.selectbox(
        tr("example"),
        options=src.EXAMPLE_NAMES,
        format_func=lambda k: tr(f"example_{k}"),
        key="metrics_example",
    )
    return None, src.example_source(example)


def upload_section(incoming: dict | None) -> tuple[views.KeptSource | None, src.Source | None]:
    if incoming is not None:
        try:
            src.keep_incoming(incoming)
        except ValueError as err:  # one class only, ...
            error_box(err)
            return None, None
    upload = st.file_uploader(
        tr("upload"),
        type=src.UPLOAD_TYPES,
        key="metrics_upload",
        help=tr("upload_help", mb=st.get_option("server.maxUploadSize")),
        on_change=src.forget_removed_upload,
    )
    src.take_upload(upload)
    kept, source = src.upload_source()
    if kept is None and source is None:
        st.info(tr("upload_hint"))
    return kept, source


def files_section(folder) -> src.Source | None:
    st.caption(tr("files_intro", folder=str(folder)))
    f1, f2 = st.columns([3, 1])
    seed_from_url("metrics_files", "", str, src.pattern_usable)
    pattern = f1.text_input(
        tr("files_pattern"),
        key="metrics_files",
        max_chars=src.MAX_PATTERN_CHARS,
        placeholder="scores/part-*.parquet",
        help=tr("files_pattern_help"),
    ).strip()
    mirror_into_url("metrics_files", defaults={"metrics_files": ""})
    url_choice("metrics_decimals", src.DECIMALS, "exact")
    rounding = f2.selectbox(
        tr("decimals"),
        options=src.DECIMALS,
        format_func=lambda d: tr("decimals_exact") if d == "exact" else d,
        key="metrics_decimals",
        help=tr("decimals_help"),
    )
    if not pattern:
        st.info(tr("files_hint"))
        return None
    try:
        source = src.files_source(folder, pattern, rounding)
    except (ValueError, OSError) as err:
        error_box(err)
        return None
    st.caption(tr("files_matched", n=len(source.paths), size=source.size))
    return source


# ---------------------------------------------------------------- column mapping and reading
def choice(column, label: str, options: list, value: object, key: str, **kwargs: object) -> object:
    """A select box over ``options`` starting at ``value`` (the first option when it is not one)."""
    return column.selectbox(tr(label), options=options, index=src.position(options, value), key=key, **kwargs)


def mapping_section(source: src.Source):
    """The mapping widgets, started from the detected columns: (guess, mapping), or None."""
    try:
        guess = src.guess_of(source)
    except ValueError as err:
        error_box(err)
        return None
    start = src.start_mapping(source, guess)
    with st.expander(tr("mapping", name=source.name), expanded=True):
        c1, c2, c3, c4 = st.columns(4)
        label_col = choice(c1, "label_column", guess.columns, start[0], "metrics_label")
        offered = src.score_options(guess, label_col)
        score_cols = c2.multiselect(
            tr("score_columns"), options=offered, default=src.kept_in(start[1], offered), key="metrics_scores"
        )
        weights = src.weight_options(offered, score_cols)
        weight_col = choice(c3, "weight_column", weights, start[2], "metrics_weight", help=tr("weight_help"))
        values = src.label_values(guess, label_col)
        pos_label = choice(c4, "positive_label", values, start[3], "metrics_pos_label") if values else None
        drop_invalid = st.checkbox(
            tr("drop_invalid"), value=start[4], key="metrics_drop_invalid", help=tr("drop_invalid_help")
        )
    if not score_cols:
        st.warning(tr("no_score_column"))
        return None
    mapping = src.mapping_of(label_col, score_cols, weight_col, pos_label, drop_invalid)
    if source.kind == "files":
        mirror_mapping(mapping)
    return guess, mapping


def read_section(source: src.Source, guess, mapping) -> views.KeptSource | None:
    """The source's kept summary: files read on request, an upload read now."""
    try:
        if source.kind == "files":
            kept = src.files_kept(source, mapping)
            n = len(source.paths)
            if kept is None and st.button(tr("files_read", n=n), type="primary", icon=":material/database:"):
                with st.spinner(tr("files_reading", n=n, size=source.size)):
                    src.read_files(source, guess, mapping)
                st.rerun()  # drawn as kept, without the button
            return kept
        with st.spinner(tr("loading")):  # an upload
            src.read_upload(source, guess, mapping)
        st.rerun()  # drawn as kept: the mapping widgets above could no longer be applied
    except ValueError as err:  # ScoreFileError is a ValueError; so is one class only, etc.
        error_box(err)
        return None


# ---------------------------------------------------------------- the report
def _jump(report: views.Report, value: float) -> None:
    st.session_state["metrics_threshold"] = report.clamp(value)


def threshold_slider(report: views.Report) -> float:
    """The explorer's threshold (its value in the URL): drawn in the explorer, or above the decisions when
    they are shown without it."""
    # The jump buttons set the threshold through session state; a value there must not meet a default.
    initial = {} if "metrics_threshold" in st.session_state else {"value": report.default_threshold}
    return st.slider(
        tr("threshold"),
        min_value=report.low,
        max_value=report.high,
        step=report.step,
        format="%.4f",
        key="metrics_threshold",
        bind="query-params",
        help=tr("threshold_help"),
        **initial,
    )


@st.fragment
def threshold_explorer(report: views.Report, with_decisions: bool) -> None:
    st.subheader(tr("explorer"), anchor="threshold-explorer")
    notes_corrections(NS, "threshold-explorer")
    for col, name in zip(st.columns(4)[:3], ("f1", "youden", "ks"), strict=True):
        value = report.evaluation.best_thresholds[name]
        col.button(
            tr(f"jump_{name}", value=f"{value:.4g}"),
            key=f"metrics_jump_{name}",
            on_click=_jump,
            args=(report, value),
            help=tr(f"jump_{name}_help"),
            width="stretch",
        )
    threshold = threshold_slider(report)
    c = report.evaluation.confusion_at(threshold)
    left, right = st.columns([2, 3])
    with left:
        draw.draw_chart(views.confusion_view(c))
    with right:
        number = {tr("value"): st.column_config.NumberColumn(format="%.4f")}
        st.dataframe(views.rates_table(c), hide_index=True, width="stretch", column_config=number)
        uncertainty.threshold_caption(report, threshold)  # bootstrap intervals at this threshold, when on
        st.caption(tr("rates_caption"))
    with st.expander(tr("formulas"), icon=":material/function:"):
        st.latex(views.RATES_LATEX)
        st.latex(views.f1_latex(c))
        st.caption(tr("formulas_caption"))
    reproduce_expander(NS, "threshold-explorer", report, threshold=threshold)
    st.subheader(tr("curves"), anchor="curves")
    notes_corrections(NS, "curves")
    # One chart at a time (not st.tabs, which would rebuild all five on every threshold move).
    options = ["roc", "pr", "ks", "hist", "metrics"]
    url_choice("metrics_view", options, "roc")
    view = st.segmented_control(
        tr("view"),
        options=options,
        format_func=lambda v: tr(f"tab_{v}"),
        key="metrics_view",
        label_visibility="collapsed",
    )
    uncertainty.bands_toggle()
    draw.draw_chart(uncertainty.banded(views.explorer_chart(report, view, threshold, c), report, view))
    st.subheader(tr("downloads"), anchor="downloads")
    downloads = decisions.with_report_blocks(views.downloads(report, threshold), report, threshold)
    for col, download in zip(st.columns(4), downloads, strict=True):
        col.download_button(**download, on_click="ignore")  # no rerun (and no chart redraw race)
    if with_decisions:  # in the fragment: they follow the slider without a rerun of the whole page
        decisions.section(report, threshold)  # costs, constraints, net benefit at this threshold


@st.fragment
def decisions_alone(report: views.Report) -> None:
    """The decisions with the explorer's section hidden: the threshold they use is drawn above them."""
    decisions.section(report, threshold_slider(report))


def three_ways(report: views.Report) -> None:
    st.subheader(tr("three_ways"), anchor="auc-three-ways")
    notes_corrections(NS, "auc-three-ways")
    draw.three_ways_table(report)
    reference_check(*views.reference(report), 1e-10)  # scikit-learn on the same rows, when they were read
    reproduce_expander(NS, "auc-three-ways", report)  # a bundled example's report: rebuilt with scikit-learn


def calibration(report: views.Report) -> None:
    st.subheader(tr("calibration"), anchor="calibration")
    outside = views.not_probabilities(report)
    if outside is not None:
        st.info(outside)
        return
    st.markdown(tr("calibration_intro"))
    k1, k2 = st.columns(2)
    url_choice("metrics_calibration_strategy", list(views.CALIBRATION_STRATEGIES), "uniform")
    strategy = k1.segmented_control(
        tr("calibration_strategy"),
        options=list(views.CALIBRATION_STRATEGIES),
        format_func=lambda v: tr(f"strategy_{v}"),
        key="metrics_calibration_strategy",
    )
    url_choice("metrics_calibration_bins", list(views.CALIBRATION_BINS), "10")
    bins = k2.segmented_control(
        tr("calibration_bins"), options=list(views.CALIBRATION_BINS), key="metrics_calibration_bins"
    )
    figures = views.calibration(report, int(bins or 10), strategy or "uniform")
    for col, (label, value, help_text) in zip(st.columns(3), figures.metrics, strict=True):
        col.metric(label, value, help=help_text)
    draw.draw_chart(figures.chart)
    st.caption(tr("calibration_caption"))
    reference_check(*figures.check, 1e-10)
    reproduce_expander(NS, "calibration", report, n_bins=int(bins or 10), strategy=strategy or "uniform")


def report_section(kept: views.KeptSource, source: src.Source | None) -> None:
    dropped, groups, loaded = views.header(kept)
    if dropped is not None:
        st.warning(dropped)
    if groups is not None:
        st.caption(groups)
    st.caption(loaded)
    models = kept.models
    model = models[0]
    if len(models) > 1:
        url_choice("metrics_model", models, models[0])  # a model kept from another file is not an option
        model = st.selectbox(tr("model"), options=models, key="metrics_model")
    report = views.report(kept, model, source.example if source is not None else None)
    draw.headline(report)
    uncertainty.section(report)  # bootstrap intervals of AUC, AP, KS (off by default)
    views.start_slider_afresh(report)
    chosen = choose_section(NS)  # the report one section at a time (ui.sections), the threshold's first
    together = shows(chosen, "threshold") and shows(chosen, "decisions")  # then: in the explorer's fragment
    draw_sections(
        NS,
        chosen,
        {
            "threshold": lambda: threshold_explorer(report, with_decisions=together),
            "decisions": lambda: None if together else decisions_alone(report),
            "auc": lambda: three_ways(report),
            "gains-calibration": lambda: gains_and_calibration(report),
            "models-segments": lambda: models_and_segments(report, source),
        },
    )


def gains_and_calibration(report: views.Report) -> None:
    st.subheader(tr("gains"), anchor="gains")
    draw.draw_chart(views.gains(report))
    st.caption(tr("gains_caption"))
    calibration(report)


def models_and_segments(report: views.Report, source: src.Source | None) -> None:
    comparison.section(report)  # many models, segments and stability: issue 25's sections
    stability.section(report, segments.section(report, source))


def main() -> None:
    kept, source = data_source()
    if kept is None and (guess := multiclass.recognised(source)) is not None:
        multiclass.section(source, guess)  # a label with K > 2 classes and a score column per class
        return
    if kept is not None:
        draw.kept_mapping(kept)
    elif source is not None and source.kind == "example":  # its columns are shown, not offered
        kept = src.example_kept(source, src.start_mapping(source, src.guess_of(source)))
        draw.example_mapping(kept)
    elif source is not None and (chosen := mapping_section(source)) is not None:
        kept = read_section(source, *chosen)
    if kept is None:
        # Nothing to report yet (a section said why). A stopped run keeps the values of the widgets it
        # did not draw (a completed one forgets them): the report's come back with the next file.
        st.stop()
    report_section(kept, source)
    src.release_after_run()  # what drawing the report of a file just read freed (frames, messages)


main()

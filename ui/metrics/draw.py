"""Drawing helpers of the metrics page: sections that only lay out what ``ui.metrics.views`` computed
(no widget whose value the page reads), so the page script stays short."""

from __future__ import annotations

import streamlit as st

from ui.charts import show_chart
from ui.i18n import translator
from ui.metrics import views

NS = "metrics"


def kept_mapping(kept: views.KeptSource) -> None:
    """The rows are gone: the mapping they were read with is shown, not offered."""
    tr = translator(NS)
    used = views.mapping_used(kept)
    if used is not None:
        with st.expander(tr("mapping", name=kept.name), expanded=False):
            st.markdown(used)
    st.caption(tr("kept_summary", name=kept.name))  # how many rows: the caption below the figures


def example_mapping(kept: views.KeptSource) -> None:
    """A bundled example is read with the columns it was made with: they are shown, not offered."""
    with st.expander(translator(NS)("mapping", name=kept.name), expanded=False):
        st.markdown(views.mapping_used(kept))


def headline(report: views.Report) -> None:
    """AUC, AP, KS, Gini and prevalence in a row, with DeLong's interval and the warnings under them."""
    figures = views.headline(report)
    for col, metric in zip(st.columns(5), figures.metrics, strict=True):
        col.metric(**metric)
    st.caption(figures.interval)
    if figures.bound is not None:
        st.caption(figures.bound)
    if figures.inverted is not None:
        st.warning(figures.inverted, icon=":material/swap_vert:")


def draw_chart(view: views.ChartView | None) -> None:
    if view is not None:
        show_chart(view.chart, view.data, key=view.key)
        if view.caption is not None:
            st.caption(view.caption)


def three_ways_table(report: views.Report) -> None:
    """The notes' AUC computations side by side, with their formulas (or why they do not apply)."""
    tr = translator(NS)
    aucs = views.three_ways(report)  # computed when the file was read: from its rows or its count column
    if aucs is None:
        st.info(tr("three_ways_weighted"))
        return
    if aucs.caption is not None:
        st.caption(aucs.caption)
    left, right = st.columns([1, 1])
    with left:
        number = {tr("value"): st.column_config.NumberColumn(format="%.12f")}
        st.dataframe(aucs.table, hide_index=True, width="stretch", column_config=number)
        if aucs.skipped is not None:
            st.caption(aucs.skipped)
        st.caption(tr("three_ways_caption"))
    with right:
        for formula in views.AUC_LATEX:
            st.latex(formula)


def several_models(report: views.Report) -> None:
    """The models side by side and DeLong's test between them, when the file has more than one."""
    tr = translator(NS)
    kept = report.kept
    if len(kept.models) < 2:
        return
    st.subheader(tr("compare"), anchor="model-comparison")
    st.dataframe(views.models_table(report), hide_index=True, width="stretch")
    if kept.aggregated:
        st.info(tr("delong_aggregated"))
    elif not kept.weighted:
        st.markdown(tr("delong_intro"))
        st.dataframe(views.translated_columns(kept.comparison), hide_index=True, width="stretch")
    else:
        st.info(tr("delong_weighted"))

"""The metrics page's segments (anchor ``segments``): the chosen model's rows, positives, AUC with DeLong's
interval, KS and AP in each segment of a column (a region, a channel, a month), a chart of the AUCs with
their intervals, and the segments skipped with their reason. Where the tables come from:
``ui.metrics.segment_data``; each segment's figures: ``core.metrics.evaluate_segments``."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from core.metrics import SegmentTables
from ui.charts import show_chart
from ui.i18n import translator
from ui.layout import error_box, notes_corrections, reference_check
from ui.metrics import segment_data
from ui.metrics.views import Report, translated_columns
from ui.state import url_choice

NS = "metrics"


def interval_chart(frame: pd.DataFrame, overall: float, titles: dict[str, str]) -> alt.LayerChart:
    """Each segment's AUC (point) with its DeLong interval (bar), the whole file's AUC as a rule."""
    base = alt.Chart(frame).encode(y=alt.Y("segment:N", title=titles["segment"], sort=None))
    scale = alt.Scale(zero=False)
    bars = base.mark_rule(strokeWidth=3, opacity=0.6).encode(
        x=alt.X("auc_low:Q", title=titles["auc"], scale=scale), x2=alt.X2("auc_high:Q")
    )
    points = base.mark_point(filled=True, size=70).encode(
        x=alt.X("roc_auc:Q", scale=scale),
        tooltip=[
            alt.Tooltip("segment:N", title=titles["segment"]),
            alt.Tooltip("rows:Q", format=",", title=titles["rows"]),
            alt.Tooltip("roc_auc:Q", format=".4f", title=titles["auc"]),
            alt.Tooltip("auc_low:Q", format=".4f", title=titles["low"]),
            alt.Tooltip("auc_high:Q", format=".4f", title=titles["high"]),
        ],
    )
    rule = alt.Chart(pd.DataFrame({"x": [overall]})).mark_rule(color="#999999", strokeDash=[4, 3])
    return alt.layer(rule.encode(x=alt.X("x:Q")), bars, points).properties(height=80 + 40 * len(frame))


def section(report: Report, source: Any) -> SegmentTables | None:
    """The section; returns the tables of the chosen column (the stability section's PSI uses them)."""
    tr = translator(NS)
    st.subheader(tr("segments"), anchor="segments")
    notes_corrections(NS, "segments")
    st.markdown(tr("segments_intro"))
    columns = segment_data.candidates(report.kept, source)
    if not columns:
        st.info(tr("segments_none"))
        return None
    url_choice("metrics_segment", columns, columns[0])
    column = st.selectbox(
        tr("segment_column"), options=columns, key="metrics_segment", help=tr("segment_column_help")
    )
    try:
        with st.spinner(tr("segments_reading")):
            tables, figures, check = segment_data.figures(report.kept, source, column, report.model)
    except ValueError as err:
        error_box(err)
        return None
    frame, skipped = figures.frame, figures.skipped
    st.caption(tr("segments_model", model=report.model, n=len(tables.segments), column=column))
    if len(frame):
        number = {tr(f"col_{c}"): st.column_config.NumberColumn(format="%.4f") for c in _FOUR_DECIMALS}
        st.dataframe(translated_columns(frame), hide_index=True, width="stretch", column_config=number)
        titles = {
            "segment": tr("col_segment"),
            "auc": tr("col_roc_auc"),
            "rows": tr("col_rows"),
            "low": tr("col_auc_low"),
            "high": tr("col_auc_high"),
        }
        show_chart(interval_chart(frame, report.evaluation.roc_auc, titles), frame, key="segments_auc")
        st.caption(tr("segments_chart_caption"))
    for row in skipped.itertuples(index=False):
        st.caption(
            tr(
                f"segment_skipped_{row.reason}",
                segment=row.segment,
                rows=f"{row.rows:,.0f}",
                positives=f"{row.positives:,.0f}",
                negatives=f"{row.negatives:,.0f}",
            )
        )
    if len(frame):
        reference_check(tr("segments_reference", rows=f"{check[1]:,}"), check[0], 1e-10)
    return tables


_FOUR_DECIMALS = ("prevalence", "roc_auc", "auc_low", "auc_high", "auc_se", "ks", "average_precision", "gini")

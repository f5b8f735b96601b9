"""The metrics page's model comparison (anchor ``model-comparison``): every model of the file ranked by
AUC (with DeLong's interval, KS, AP, Gini), the pairwise DeLong matrix with Holm's correction, and
every model's ROC and PR curves on one chart each (click a legend entry to show one model alone).

The pairwise tests were computed from the rows when the file was read (``KeptSource.comparison``:
``core.metrics.delong_test`` per pair, Holm's correction ``core.metrics.holm`` on their p-values),
checked live against the formula written out (statsmodels' ``multipletests(method="holm")``).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from ui.charts import show_chart
from ui.i18n import translator
from ui.layout import notes_corrections, reference_check
from ui.metrics.views import Report, translated_columns

NS = "metrics"
RANK_COLUMNS = ("rank", "model", "roc_auc", "auc_ci_low", "auc_ci_high", "ks", "average_precision", "gini")


def ranking(report: Report) -> pd.DataFrame:
    """One row per model, best AUC first: rank, AUC with DeLong's interval, KS, AP, Gini."""
    kept = report.kept
    rows = []
    for model, ev in kept.evaluations.items():
        ci = kept.cis.get(model)
        low, high = (ci[0], ci[1]) if ci else (np.nan, np.nan)
        rows.append(
            {
                "model": model,
                "roc_auc": ev.roc_auc,
                "auc_ci_low": low,
                "auc_ci_high": high,
                "ks": ev.ks,
                "average_precision": ev.average_precision,
                "gini": ev.gini,
            }
        )
    frame = pd.DataFrame(rows).sort_values("roc_auc", ascending=False, kind="stable")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)


def pairs(report: Report) -> pd.DataFrame:
    """The pairwise DeLong tests with Holm's adjusted p-value (``p_holm``), or an empty frame."""
    return report.kept.comparison  # core.metrics.comparison_frame: p_holm beside p_value


def brute_holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down correction written out as statsmodels' ``multipletests(method="holm")`` does:
    sorted p-values times (m - j + 1), capped at 1, running maximum, back in the original order."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    m = len(p_values)
    out = [0.0] * m
    running = 0.0
    for j, i in enumerate(order):
        running = max(running, min(1.0, (m - j) * float(p_values[i])))
        out[i] = running
    return np.array(out)


def matrix_chart(frame: pd.DataFrame, titles: dict[str, str]) -> alt.LayerChart:
    """A heat map of AUC(row) - AUC(column) with Holm's p-value written in each cell."""
    cells = pd.concat(
        [
            frame.assign(row=frame["model_a"], column=frame["model_b"], value=frame["difference"]),
            frame.assign(row=frame["model_b"], column=frame["model_a"], value=-frame["difference"]),
        ],
        ignore_index=True,
    )
    cells["text"] = cells["p_holm"].map(lambda p: f"p={p:.2g}")
    limit = float(max(cells["value"].abs().max(), 1e-9))
    base = alt.Chart(cells).encode(
        x=alt.X("column:N", title=titles["column"], axis=alt.Axis(labelAngle=0, labelLimit=200)),
        y=alt.Y("row:N", title=titles["row"]),
    )
    rect = base.mark_rect().encode(
        color=alt.Color(
            "value:Q",
            title=titles["value"],
            scale=alt.Scale(scheme="redblue", domain=[-limit, limit], reverse=True),
        ),
        tooltip=[
            alt.Tooltip("row:N", title=titles["row"]),
            alt.Tooltip("column:N", title=titles["column"]),
            alt.Tooltip("value:Q", format=".4f", title=titles["value"]),
            alt.Tooltip("p_value:Q", format=".3g", title=titles["p_value"]),
            alt.Tooltip("p_holm:Q", format=".3g", title=titles["p_holm"]),
        ],
    )
    # white on the dark cells, black on the light ones
    dark = f"abs(datum.value) > {limit / 2}"
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("text:N"), color=alt.condition(dark, alt.value("white"), alt.value("black"))
    )
    # the page's charts fit their container: the height holds the axes too
    return alt.layer(rect, text).properties(height=90 + 56 * cells["row"].nunique())


def curves_chart(curves: pd.DataFrame, *, x_title: str, y_title: str, diagonal: bool) -> alt.LayerChart:
    """Every model's curve on one chart; clicking a legend entry shows that model alone (shift: more)."""
    pick = alt.selection_point(fields=["model"], bind="legend")
    lines = (
        alt.Chart(curves)
        .mark_line(clip=True)
        .encode(
            x=alt.X("x:Q", title=x_title, scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("y:Q", title=y_title, scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("model:N", title=None, legend=alt.Legend(orient="bottom")),
            order=alt.Order("order:Q"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.08)),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("x:Q", format=".4f"),
                alt.Tooltip("y:Q", format=".4f"),
            ],
        )
        .add_params(pick)
    )
    layers: list[alt.Chart] = [lines]
    if diagonal:
        ref = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]})
        layers.insert(
            0,
            alt.Chart(ref)
            .mark_line(color="#999999", strokeDash=[2, 2])
            .encode(x=alt.X("x:Q"), y=alt.Y("y:Q")),
        )
    return alt.layer(*layers).properties(height=320)


def section(report: Report) -> None:
    """The section, drawn when the file has two models or more."""
    tr = translator(NS)
    kept = report.kept
    if len(kept.models) < 2:
        return
    st.subheader(tr("compare"), anchor="model-comparison")
    notes_corrections(NS, "model-comparison")
    st.markdown(tr("compare_intro", n=len(kept.models)))
    number = st.column_config.NumberColumn(format="%.4f")
    ranked = ranking(report)
    config = {tr(f"col_{c}"): number for c in RANK_COLUMNS[2:]}
    st.dataframe(translated_columns(ranked), hide_index=True, width="stretch", column_config=config)
    left, right = st.columns(2)
    frames = report.frames
    with left:
        chart = curves_chart(frames["roc"], x_title=tr("fpr"), y_title=tr("tpr"), diagonal=True)
        show_chart(chart, frames["roc"], key="compare_roc")
    with right:
        chart = curves_chart(frames["pr"], x_title=tr("recall"), y_title=tr("precision"), diagonal=False)
        show_chart(chart, frames["pr"], key="compare_pr")
    st.caption(tr("compare_legend"))
    if kept.aggregated:
        st.info(tr("delong_aggregated"))
        return
    if kept.weighted:
        st.info(tr("delong_weighted"))
        return
    tests = pairs(report)
    st.markdown(tr("delong_matrix_intro", pairs=len(tests)))
    titles = {
        "row": tr("matrix_row"),
        "column": tr("matrix_column"),
        "value": tr("col_difference"),
        "p_value": tr("col_p_value"),
        "p_holm": tr("col_p_holm"),
    }
    show_chart(matrix_chart(tests, titles), tests, key="delong_matrix")
    st.dataframe(translated_columns(tests), hide_index=True, width="stretch")
    diff = float(np.max(np.abs(tests["p_holm"].to_numpy() - brute_holm(tests["p_value"].to_numpy()))))
    reference_check(tr("holm_reference"), diff, 1e-15)

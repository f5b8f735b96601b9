"""Widgets' ranges, cached core calls and Altair charts of the normalization page.

No arithmetic on the normalizations lives here: it is all in :mod:`core.normalization`.
"""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import normalization as demos
from core import normalization as experiment
from core.torch_threads import one_torch_thread

SWEEP_FILE = Path(__file__).resolve().parent.parent / "data" / "normalization" / "batch_size_sweep.json"
#: the explorer's sizes: widget key -> (label, low, high, default)
IMAGE_SIZES = {
    "norm_n": ("N", 1, 4, 2),
    "norm_c": ("C", 1, 8, 4),
    "norm_h": ("H", 1, 4, 3),
    "norm_w": ("W", 1, 4, 3),
}
SEQUENCE_SIZES = {"norm_n": ("N", 1, 4, 2), "norm_l": ("L", 1, 8, 5), "norm_d": ("D", 1, 8, 4)}
EPS_CHOICES = [1e-8, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2]
NORM_COLOURS = {"batch": "#d62728", "group": "#1f77b4", "layer": "#2ca02c", "none": "#7f7f7f"}
_BOTTOM = alt.Legend(title=None, orient="bottom")


def divisors(n: int) -> list[int]:
    return [g for g in range(1, n + 1) if n % g == 0]


# --- cached core calls ------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=256)
def explored(kind: str, layout: str, shape: tuple[int, ...], groups: int) -> demos.Explored:
    return demos.explore(kind, layout, shape, groups)


@st.cache_data(show_spinner=False, max_entries=32)
def eps_curves(eps: float) -> demos.EpsilonCurves:
    return demos.epsilon_curves(eps)


@st.cache_data(show_spinner=False, max_entries=64)
def running(momentum: float | None, batches: int, batch_size: int) -> demos.RunningStats:
    return demos.running_statistics(momentum, batches, batch_size)


@st.cache_data(show_spinner=False, max_entries=64)
def mode_effect(batch_size: int) -> demos.ModeEffect:
    return demos.train_mode_effect(batch_size)


@st.cache_data(show_spinner=False)
def padding() -> demos.PaddingEffect:
    return demos.padding_effect()


@st.cache_resource(show_spinner=False)
def digits() -> tuple:
    """The digits split of the experiment (torch tensors, read-only: shared by sessions)."""
    return experiment.digits_split()


def train_live(cell: tuple[str, int, int], config: dict, progress) -> experiment.CellResult:
    """Retrain one cell of the shipped sweep on one torch thread (the tiny model gains nothing from more,
    and the machine is shared), with the shipped recipe."""
    with one_torch_thread():
        return experiment.train_cell(
            *cell, experiment.TrainConfig(**config), progress=progress, data=digits()
        )


@st.cache_data(show_spinner=False)
def shipped_sweep() -> dict:
    with SWEEP_FILE.open(encoding="utf-8") as f:
        return json.load(f)


# --- frames and charts ------------------------------------------------------------------------------------
def explorer_frame(results: dict[str, demos.Explored], labels: dict[str, str], layout: str) -> pd.DataFrame:
    """One row per element and normalization: where it is drawn, its group, its value before/after."""
    frames = []
    for kind, res in results.items():
        idx = np.indices(res.x.shape).reshape(res.x.ndim, -1)
        if layout == "image":
            n, c, h, w = idx
            width, height = res.x.shape[3], res.x.shape[2]
            col, row = c * (width + 1) + w, n * (height + 1) + h
        else:
            n, pos, d = idx
            col, row = d, n * (res.x.shape[1] + 1) + pos
        frames.append(
            pd.DataFrame(
                {
                    "normalization": labels[kind],
                    "col": col,
                    "row": row,
                    "index": [str(tuple(i)) for i in idx.T],
                    "group": res.groups.reshape(-1),
                    "before": res.x.reshape(-1).round(4),
                    "after": res.y.reshape(-1).round(4),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def explorer_chart(df: pd.DataFrame, order: list[str]) -> alt.Chart:
    """Every element a square, coloured by the group that shares its mean and variance."""
    base = (
        alt.Chart(df)
        .transform_calculate(col2="datum.col + 0.92", row2="datum.row + 0.92")
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("col:Q", axis=None, scale=alt.Scale(nice=False)),
            x2="col2:Q",
            y=alt.Y("row:Q", axis=None, scale=alt.Scale(nice=False, reverse=True)),
            y2="row2:Q",
            color=alt.Color("group:N", legend=None, scale=alt.Scale(scheme="tableau20")),
            tooltip=["normalization", "index", "group", "before", "after"],
        )
        .properties(width=150, height=130)
    )
    return base.facet(
        facet=alt.Facet("normalization:N", sort=order, title=None, header=alt.Header(labelFontSize=13)),
        columns=5,
    ).resolve_scale(color="independent")


def eps_chart(df: pd.DataFrame, eps: float, x_title: str, y_title: str) -> alt.LayerChart:
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("variance:Q", scale=alt.Scale(type="log"), title=x_title, axis=alt.Axis(format=".0e")),
            y=alt.Y("output_std:Q", scale=alt.Scale(type="log"), title=y_title),
            # torch's formula first and blue, the notes' red and dashed, in every language
            color=alt.Color(
                "formula:N",
                legend=_BOTTOM,
                sort=None,
                scale=alt.Scale(domain=list(dict.fromkeys(df["formula"])), range=["#1f77b4", "#d62728"]),
            ),
            strokeDash=alt.StrokeDash(
                "formula:N",
                legend=None,
                sort=None,
                scale=alt.Scale(domain=list(dict.fromkeys(df["formula"]))),
            ),
            tooltip=[
                "formula",
                alt.Tooltip("variance:Q", format=".2e"),
                alt.Tooltip("output_std:Q", format=".4g"),
            ],
        )
    )
    marks = pd.DataFrame({"variance": [eps, eps * eps], "what": ["ε", "ε²"]})
    rules = alt.Chart(marks).mark_rule(strokeDash=[2, 3], color="gray").encode(x="variance:Q")
    text = (
        alt.Chart(marks)
        .mark_text(align="left", baseline="top", dx=4, color="gray", fontSize=13)
        .encode(x="variance:Q", y=alt.value(4), text="what:N")
    )
    return (lines + rules + text).properties(height=320)


def running_chart(
    df: pd.DataFrame, truth: dict[str, float], x_title: str, points: pd.DataFrame | None = None
) -> alt.LayerChart:
    """Lines of ``df`` (series, batch, value), dashed rules at ``truth``, faint dots for ``points``."""
    legend = alt.Legend(title=None, orient="bottom", columns=2, labelLimit=400)
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("batch:Q", title=x_title),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("series:N", legend=legend, sort=None),
            tooltip=["series", "batch", alt.Tooltip("value:Q", format=".4f")],
        )
    )
    if points is not None:
        lines = (
            alt.Chart(points)
            .mark_circle(size=14, opacity=0.35, color="gray")
            .encode(
                x="batch:Q", y="value:Q", tooltip=["series", "batch", alt.Tooltip("value:Q", format=".4f")]
            )
            + lines
        )
    rules = (
        alt.Chart(pd.DataFrame({"value": list(truth.values()), "label": list(truth)}))
        .mark_rule(strokeDash=[4, 4], color="black")
        .encode(y="value:Q", tooltip=["label", "value"])
    )
    return (lines + rules).properties(height=300)


def sweep_chart(df: pd.DataFrame, x_title: str, y_title: str) -> alt.LayerChart:
    colour = alt.Color(
        "normalization:N",
        legend=_BOTTOM,
        scale=alt.Scale(domain=list(df["normalization"].unique()), range=list(NORM_COLOURS.values())),
    )
    x = alt.X(
        "batch_size:Q",
        scale=alt.Scale(type="log", base=2),
        title=x_title,
        axis=alt.Axis(values=[2, 4, 8, 16, 32, 64]),
    )
    band = (
        alt.Chart(df)
        .mark_area(opacity=0.18)
        .encode(x=x, y=alt.Y("min:Q", title=y_title), y2="max:Q", color=colour)
    )
    line = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("mean:Q", scale=alt.Scale(zero=False)),
            color=colour,
            tooltip=[
                "normalization",
                "batch_size",
                alt.Tooltip("mean:Q", format=".3f"),
                alt.Tooltip("min:Q", format=".3f"),
                alt.Tooltip("max:Q", format=".3f"),
            ],
        )
    )
    # the line layer first: the legend takes its symbols (solid), not the pale band's
    return (line + band).properties(height=340)

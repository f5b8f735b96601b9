"""The optimizers page's Altair charts and the long tables they draw (at most ~2,000 points per line)."""

from __future__ import annotations

import unicodedata
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from core.optimizers import SURFACES, decimate_indices
from ui.charts import MAX_BROWSER_POINTS, grey_png
from ui.compute import shared
from ui.i18n import t
from ui.optimizers import live
from ui.optimizers.state import NAMES

# a fixed colour per optimizer, so a colour means the same optimizer in every chart
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
GAP_FLOOR = 1e-16  # f - f* below this is drawn at this value on log scales
# Vega lays a legend's entries out in one row unless told how many columns, and cuts off what is wider than
# the chart ("NAdam" under the 368-px chart of f - f*): a legend under a chart wraps into the columns that fit
# the narrowest slot this page gives a chart (the right column, 2/5 of the wide layout: 368 px at 1,400 px)
# less the y axis the legend starts after.
LEGEND_ROW_PX = 280
_ENTRY_PX = 36  # a legend entry besides its label: the symbol, its offset and the column padding


def _label_px(label: str) -> float:
    """The width of a legend label in Vega's 10-px sans-serif, estimated on the wide side: 7 px a Latin
    character, 11 px a wide (CJK) one."""
    return sum(11.0 if unicodedata.east_asian_width(c) in "WF" else 7.0 for c in label)


def bottom_legend(labels: list[str], *, label_limit: int = 260) -> alt.Legend:
    """A legend under the chart whose entries wrap into as many columns as fit in ``LEGEND_ROW_PX``."""
    widest = max((min(_label_px(label), label_limit) for label in labels), default=0.0)
    columns = max(1, min(len(labels), int(LEGEND_ROW_PX // (widest + _ENTRY_PX))))
    return alt.Legend(title=None, orient="bottom", columns=columns, labelLimit=label_limit)


# a chart's second legend: stacked at its right, not beside the first one under it
_RIGHT = alt.Legend(title=None, orient="right")

# --- charts ----------------------------------------------------------------------------------------------


def colour_scale(names: list[str]) -> alt.Scale:
    """Colours for the labels present: an optimizer always gets its own colour, other labels strong ones."""
    others = iter(["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#000000"])
    colours = [PALETTE[NAMES.index(n)] if n in NAMES else next(others, "#7f7f7f") for n in names]
    return alt.Scale(domain=names, range=colours)


def paths_frame(paths: dict[str, np.ndarray], upto: int | None = None) -> pd.DataFrame:
    """Long table (label, step, x, y) of paths cut at ``upto`` steps, each at most ~2,000 points."""
    frames = []
    for label, path in paths.items():
        path = path[: (upto + 1) if upto is not None else None]
        idx = decimate_indices(len(path), MAX_BROWSER_POINTS)
        keep = np.isfinite(path[idx]).all(axis=1)
        frames.append(
            pd.DataFrame(
                {"label": label, "step": idx[keep], "x": path[idx][keep, 0], "y": path[idx][keep, 1]}
            )
        )
    return (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["label", "step", "x", "y"])
    )


HEAT_RANGE = ("#fafafa", "#5f5f5f")  # the heat map's greys: low f - f* light, high dark


def heat_map(grid: live.SurfaceGrid, x_scale: alt.Scale, y_scale: alt.Scale) -> alt.LayerChart:
    """The surface's log10(f - f* + 1e-3) as one grey image over the grid's cells (``ui.charts.grey_png``:
    one pixel per cell), and an invisible layer of its two extreme levels that gives it its legend."""
    xs, ys, level = grid
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    light, dark = (int(colour[1:3], 16) for colour in HEAT_RANGE)
    box = pd.DataFrame(
        {
            "x": [xs[0] - dx / 2],
            "x2": [xs[-1] + dx / 2],
            "y": [ys[0] - dy / 2],
            "y2": [ys[-1] + dy / 2],
            "url": [grey_png(level[::-1], light, dark)],  # the image's first row is the top: the largest y
        }
    )
    image = (
        alt.Chart(box)
        .mark_image(aspect=False, smooth=False)
        .encode(
            x=alt.X("x:Q", scale=x_scale, title="x"),
            x2=alt.X2("x2:Q"),
            y=alt.Y("y:Q", scale=y_scale, title="y"),
            y2=alt.Y2("y2:Q"),
            url=alt.Url("url:N"),
        )
    )
    extremes = pd.DataFrame({"level": [level.min(), level.max()], "x": [xs[0]] * 2, "y": [ys[0]] * 2})
    legend = (
        alt.Chart(extremes)
        .mark_point(opacity=0)
        .encode(
            x=alt.X("x:Q", scale=x_scale),
            y=alt.Y("y:Q", scale=y_scale),
            color=alt.Color(
                "level:Q",
                # interpolated in RGB, as the image's greys are
                scale=alt.Scale(range=list(HEAT_RANGE), interpolate="rgb"),
                legend=alt.Legend(title=t("optimizers.chart_level"), orient="right"),
            ),
        )
    )
    return alt.layer(image, legend)


def contour_chart(
    surface: str,
    paths: pd.DataFrame,
    *,
    current: pd.DataFrame | None = None,
    start: tuple[float, float] | None = None,
    extra_points: pd.DataFrame | None = None,
    height: int = 460,
    overlapping: bool = False,
) -> alt.LayerChart:
    """Heat map of log10(f - f* + 1e-3) with paths (label, step, x, y), start point and minima.

    ``overlapping``: paths expected to coincide get decreasing line widths, so each stays visible.
    """
    surf = SURFACES[surface]
    x_scale = alt.Scale(domain=list(surf.x_range), nice=False, zero=False)
    y_scale = alt.Scale(domain=list(surf.y_range), nice=False, zero=False)
    heat = heat_map(shared(live.surface_grid, surface), x_scale, y_scale)
    names = list(dict.fromkeys(paths["label"])) if len(paths) else []
    # the comparisons' labels are long: a wider limit before Vega cuts one, and as many columns as fit
    legend = bottom_legend(names, label_limit=300 if overlapping else 260)
    colour = alt.Color("label:N", scale=colour_scale(names), legend=legend)
    tooltip = [
        alt.Tooltip("label:N"),
        alt.Tooltip("step:Q"),
        alt.Tooltip("x:Q", format=".4g"),
        alt.Tooltip("y:Q", format=".4g"),
    ]

    def line_layer(data: pd.DataFrame, width: float, legend: bool = True) -> alt.Chart:
        return (
            alt.Chart(data)
            .mark_line(clip=True, strokeWidth=width)
            .encode(
                x=alt.X("x:Q", scale=x_scale),
                y=alt.Y("y:Q", scale=y_scale),
                color=colour if legend else alt.Color("label:N", scale=colour_scale(names), legend=None),
                order=alt.Order("step:Q"),
                detail=alt.Detail("label:N"),
                tooltip=tooltip,
            )
        )

    if overlapping:
        # one layer per path, the first widest and at the bottom, so coinciding paths all show
        lines = [
            line_layer(paths[paths["label"] == n], max(1.5, 6.0 - 2.0 * i), legend=i == 0)
            for i, n in enumerate(names)
        ]
    else:
        lines = [line_layer(paths, 2.5)]
    layers: list[alt.Chart | alt.LayerChart] = [heat, *lines]
    if current is not None and len(current):
        layers.append(
            alt.Chart(current)
            .mark_point(filled=True, size=90, stroke="white", strokeWidth=1, clip=True)
            .encode(
                x=alt.X("x:Q", scale=x_scale),
                y=alt.Y("y:Q", scale=y_scale),
                color=alt.Color("label:N", scale=colour_scale(names), legend=None),
                tooltip=[alt.Tooltip("label:N"), alt.Tooltip("step:Q")],
            )
        )
    minima = pd.DataFrame(surf.minima, columns=["x", "y"]).assign(what=t("optimizers.chart_minimum"))
    marks = [minima]
    if start is not None:
        marks.append(pd.DataFrame([start], columns=["x", "y"]).assign(what=t("optimizers.chart_start")))
    if extra_points is not None:
        marks.append(extra_points)
    layers.append(
        alt.Chart(pd.concat(marks, ignore_index=True))
        .mark_point(shape="diamond", size=140, filled=True, color="#111111", stroke="white", clip=True)
        .encode(
            x=alt.X("x:Q", scale=x_scale),
            y=alt.Y("y:Q", scale=y_scale),
            shape=alt.Shape("what:N", legend=_RIGHT),  # under the heat map's scale
            tooltip=[alt.Tooltip("what:N"), alt.Tooltip("x:Q"), alt.Tooltip("y:Q")],
        )
    )
    return (
        alt.layer(*layers).resolve_scale(color="independent", shape="independent").properties(height=height)
    )


def gap_frame(names: list[str], gap: np.ndarray) -> pd.DataFrame:
    """Long table (label, step, gap) with at most ~2,000 points per run; gaps floored for the log scale."""
    idx = decimate_indices(gap.shape[0], MAX_BROWSER_POINTS)
    frames = []
    for r, name in enumerate(names):
        values = gap[idx, r]
        keep = np.isfinite(values)
        frames.append(
            pd.DataFrame({"label": name, "step": idx[keep], "gap": np.maximum(values[keep], GAP_FLOOR)})
        )
    return pd.concat(frames, ignore_index=True)


def log_line_chart(
    data: pd.DataFrame,
    x: str,
    y: str,
    *,
    x_title: str,
    y_title: str,
    log_x: bool = False,
    rule_at: float | None = None,
    dash: str | None = None,
    height: int = 320,
) -> alt.LayerChart:
    """Lines of ``y`` (log scale) against ``x``, one per ``label``, with an optional vertical rule."""
    names = list(dict.fromkeys(data["label"]))
    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(type="log") if log_x else alt.Scale(zero=False)),
        "y": alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(type="log")),
        "color": alt.Color("label:N", scale=colour_scale(names), legend=bottom_legend(names)),
        "tooltip": [
            alt.Tooltip("label:N"),
            alt.Tooltip(f"{x}:Q", format=".4g"),
            alt.Tooltip(f"{y}:Q", format=".3e"),
        ],
    }
    if dash:
        kinds = list(dict.fromkeys(data[dash]))
        dashes = alt.Scale(domain=kinds, range=[[1, 0], [6, 4], [2, 2]][: len(kinds)])
        encoding["strokeDash"] = alt.StrokeDash(f"{dash}:N", scale=dashes, legend=_RIGHT)
    layers: list[alt.Chart] = [alt.Chart(data).mark_line(strokeWidth=2).encode(**encoding)]
    if rule_at is not None:
        layers.append(
            alt.Chart(pd.DataFrame({x: [rule_at]}))
            .mark_rule(color="#555", strokeDash=[4, 3])
            .encode(x=alt.X(f"{x}:Q"))
        )
    return alt.layer(*layers).properties(height=height)


def line_chart(
    data: pd.DataFrame, x: str, y: str, *, x_title: str, y_title: str, height: int = 300
) -> alt.Chart:
    """Plain lines of ``y`` against ``x``, one per ``label``."""
    names = list(dict.fromkeys(data["label"]))
    return (
        alt.Chart(data)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title),
            y=alt.Y(f"{y}:Q", title=y_title),
            color=alt.Color("label:N", scale=colour_scale(names), legend=bottom_legend(names)),
            tooltip=[
                alt.Tooltip("label:N"),
                alt.Tooltip(f"{x}:Q", format=".4g"),
                alt.Tooltip(f"{y}:Q", format=".4g"),
            ],
        )
        .properties(height=height)
    )

"""Altair builders for the metrics page. Each takes ready, decimated data frames and returns a chart.

The arithmetic (curves, decimation, counts) is done in ``core.metrics``; these functions only draw.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

HEIGHT = 320
POSITIVE_COLOUR = "#d62728"
NEGATIVE_COLOUR = "#1f77b4"
THRESHOLD_COLOUR = "#111111"


def _point(x: float, y: float, label: str) -> alt.Chart:
    """The current threshold's point on a curve: a black dot with its label."""
    data = pd.DataFrame({"x": [x], "y": [y], "label": [label]})
    base = alt.Chart(data).encode(x=alt.X("x:Q"), y=alt.Y("y:Q"))
    dot = base.mark_point(size=120, filled=True, color=THRESHOLD_COLOUR)
    text = base.mark_text(align="left", dx=8, dy=-8, color=THRESHOLD_COLOUR).encode(text=alt.Text("label:N"))
    return dot + text


def _rule(threshold: float, label: str) -> alt.Chart:
    """A vertical rule at the current threshold."""
    data = pd.DataFrame({"threshold": [threshold], "label": [label]})
    return (
        alt.Chart(data)
        .mark_rule(color=THRESHOLD_COLOUR, strokeDash=[4, 3])
        .encode(
            x=alt.X("threshold:Q"), tooltip=[alt.Tooltip("label:N"), alt.Tooltip("threshold:Q", format=".4g")]
        )
    )


def curve_chart(
    curves: pd.DataFrame,
    *,
    x_title: str,
    y_title: str,
    diagonal: bool,
    baseline: float | None = None,
    point: tuple[float, float, str] | None = None,
) -> alt.LayerChart:
    """ROC or PR curves. ``curves`` has columns model, x, y, threshold (one line per model)."""
    lines = (
        alt.Chart(curves)
        .mark_line(interpolate="linear", clip=True)
        .encode(
            x=alt.X("x:Q", title=x_title, scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("y:Q", title=y_title, scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("model:N", title=None, legend=alt.Legend(orient="bottom")),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("x:Q", format=".4f", title=x_title),
                alt.Tooltip("y:Q", format=".4f", title=y_title),
                alt.Tooltip("threshold:Q", format=".4g"),
            ],
        )
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
    if baseline is not None:
        ref = pd.DataFrame({"y": [baseline]})
        layers.insert(0, alt.Chart(ref).mark_rule(color="#999999", strokeDash=[2, 2]).encode(y=alt.Y("y:Q")))
    if point is not None:
        layers.append(_point(*point))
    return alt.layer(*layers).properties(height=HEIGHT)


def ks_chart(
    data: pd.DataFrame, *, ks_at: tuple[float, float, float], threshold: float, titles: dict[str, str]
) -> alt.LayerChart:
    """Cumulative distributions of the scores of each class and the KS gap between them.

    ``data`` has columns threshold, series, value; ``ks_at`` is (threshold, low, high) of the gap.
    """
    lines = (
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("threshold:Q", title=titles["x"]),
            y=alt.Y("value:Q", title=titles["y"], scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(range=[POSITIVE_COLOUR, NEGATIVE_COLOUR]),
                legend=alt.Legend(orient="bottom", labelLimit=0),  # long labels: never cut
            ),
            tooltip=[
                alt.Tooltip("series:N"),
                alt.Tooltip("threshold:Q", format=".4g"),
                alt.Tooltip("value:Q", format=".4f"),
            ],
        )
    )
    at, low, high = ks_at
    gap = pd.DataFrame({"threshold": [at], "low": [low], "high": [high], "label": [titles["gap"]]})
    gap_rule = (
        alt.Chart(gap)
        .mark_rule(color="#2ca02c", strokeWidth=3)
        .encode(
            x=alt.X("threshold:Q"), y=alt.Y("low:Q"), y2=alt.Y2("high:Q"), tooltip=[alt.Tooltip("label:N")]
        )
    )
    return alt.layer(lines, gap_rule, _rule(threshold, titles["threshold"])).properties(height=HEIGHT)


def histogram_chart(data: pd.DataFrame, *, threshold: float, titles: dict[str, str]) -> alt.LayerChart:
    """Score histograms per class. ``data``: columns start, end, class, count."""
    bars = (
        alt.Chart(data)
        .mark_bar(opacity=0.55, binSpacing=0)
        .encode(
            x=alt.X("start:Q", title=titles["x"]),
            x2=alt.X2("end:Q"),
            y=alt.Y("count:Q", title=titles["y"], stack=None),
            color=alt.Color(
                "class:N",
                title=None,
                scale=alt.Scale(range=[POSITIVE_COLOUR, NEGATIVE_COLOUR]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("class:N"),
                alt.Tooltip("start:Q", format=".4g"),
                alt.Tooltip("end:Q", format=".4g"),
                alt.Tooltip("count:Q", format=",.4g"),
            ],
        )
    )
    return alt.layer(bars, _rule(threshold, titles["threshold"])).properties(height=HEIGHT)


def metrics_vs_threshold_chart(
    data: pd.DataFrame, *, threshold: float, titles: dict[str, str]
) -> alt.LayerChart:
    """Precision, recall, F1, ... against the threshold. ``data``: columns threshold, metric, value."""
    lines = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("threshold:Q", title=titles["x"]),
            y=alt.Y("value:Q", title=titles["y"], scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("metric:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("metric:N"),
                alt.Tooltip("threshold:Q", format=".4g"),
                alt.Tooltip("value:Q", format=".4f"),
            ],
        )
    )
    return alt.layer(lines, _rule(threshold, titles["threshold"])).properties(height=HEIGHT)


def confusion_chart(data: pd.DataFrame, *, titles: dict[str, str]) -> alt.LayerChart:
    """2 x 2 confusion matrix. ``data``: columns actual, predicted, count, rate, cell, text."""
    base = alt.Chart(data).encode(
        x=alt.X(
            "predicted:N", title=titles["predicted"], sort=None, axis=alt.Axis(labelAngle=0, orient="top")
        ),
        y=alt.Y("actual:N", title=titles["actual"], sort=None),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("rate:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), legend=None),
        tooltip=[
            alt.Tooltip("cell:N"),
            alt.Tooltip("count:Q", format=",.6g"),
            alt.Tooltip("rate:Q", format=".2%"),
        ],
    )
    text = base.mark_text(fontSize=15, lineBreak="\n").encode(
        text=alt.Text("text:N"),
        color=alt.condition(alt.datum.rate > 0.5, alt.value("white"), alt.value("black")),
    )
    return alt.layer(cells, text).properties(height=240)


def gains_chart(data: pd.DataFrame, *, titles: dict[str, str]) -> alt.HConcatChart:
    """Cumulative gains (with the random and perfect references) beside the lift curve.

    ``data``: columns depth, captured, lift, perfect.
    """
    long = data.melt(id_vars=["depth"], value_vars=["captured", "perfect", "random"], var_name="curve")
    long["curve"] = long["curve"].map(
        {"captured": titles["model"], "perfect": titles["perfect"], "random": titles["random"]}
    )
    gains = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("depth:Q", title=titles["depth"], axis=alt.Axis(format="%")),
            y=alt.Y("value:Q", title=titles["captured"], axis=alt.Axis(format="%")),
            color=alt.Color("curve:N", title=None, legend=alt.Legend(orient="bottom")),
            strokeDash=alt.condition(
                alt.datum.curve == titles["model"], alt.value([1, 0]), alt.value([4, 3])
            ),
            tooltip=[
                alt.Tooltip("curve:N"),
                alt.Tooltip("depth:Q", format=".0%"),
                alt.Tooltip("value:Q", format=".1%"),
            ],
        )
        .properties(height=HEIGHT)
    )
    lift = (
        alt.Chart(data)
        .mark_line(point=True, color="#ff7f0e")
        .encode(
            x=alt.X("depth:Q", title=titles["depth"], axis=alt.Axis(format="%")),
            y=alt.Y("lift:Q", title=titles["lift"]),
            tooltip=[alt.Tooltip("depth:Q", format=".0%"), alt.Tooltip("lift:Q", format=".2f")],
        )
        .properties(height=HEIGHT)
    )
    one = (
        alt.Chart(pd.DataFrame({"y": [1.0]}))
        .mark_rule(color="#999999", strokeDash=[2, 2])
        .encode(y=alt.Y("y:Q"))
    )
    return alt.hconcat(gains, lift + one)


def calibration_chart(data: pd.DataFrame, *, titles: dict[str, str]) -> alt.LayerChart:
    """Reliability diagram: observed share of positives against the mean score per bin, the diagonal of
    perfect calibration dashed. ``data`` has columns predicted, observed, rows (one row per bin)."""
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0], "label": [titles["diagonal"]] * 2}))
        .mark_line(color="#999999", strokeDash=[5, 4])
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), tooltip=[alt.Tooltip("label:N")])
    )
    base = alt.Chart(data).encode(
        x=alt.X("predicted:Q", title=titles["x"], scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("observed:Q", title=titles["y"], scale=alt.Scale(domain=[0, 1])),
        tooltip=[
            alt.Tooltip("predicted:Q", format=".4f", title=titles["x"]),
            alt.Tooltip("observed:Q", format=".4f", title=titles["y"]),
            alt.Tooltip("rows:Q", format=",.0f", title=titles["rows"]),
        ],
    )
    line = base.mark_line(color=POSITIVE_COLOUR)
    points = base.mark_circle(color=POSITIVE_COLOUR, opacity=0.8).encode(
        size=alt.Size("rows:Q", title=titles["rows"], legend=None, scale=alt.Scale(range=[30, 300]))
    )
    return alt.layer(diagonal, line, points).properties(height=HEIGHT)
